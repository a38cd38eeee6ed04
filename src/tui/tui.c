/* Placeholder until the lab lands: the TUI entry point. */
#include "tui/tui.h"

#include <stdio.h>

int tui_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "socklab: the lab is not built yet; use 'socklab serve'\n");
	return 2;
}
