#ifndef SOCKLAB_TUI_H
#define SOCKLAB_TUI_H

#include <stdbool.h>

/* Why the lab ended, for the entry point to print. */
struct tui_exit {
	char msg[1024]; /* "" when there is nothing to say */
	bool usage;	/* the command line was refused: show the usage too */
};

/* Runs the lab; argv holds the options after the program name. Returns
 * the process exit status (0, 1: it could not run, 2: a refused command
 * line), with the reason in *ex. The lab itself never prints outside
 * its screen. */
int tui_main(int argc, char **argv, struct tui_exit *ex);

#endif
