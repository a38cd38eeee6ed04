/*
 * main: the program's entry point, above both front ends: picks one from
 * the first argument. No subcommand opens the lab (src/tui); serve, client
 * and resolve run headless (src/cli) over the same core. The lab never
 * prints: what it has to say when it ends comes back here.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_msg.h"
#include "cli/lang.h"
#include "cli/cli_sandbox.h"
#include "cli/cli_sockets.h"
#include "tui/tui.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
    {"serve", cli_serve},     {"client", cli_client},	{"resolve", cli_resolve},
    {"sandbox", cli_sandbox}, {"sockets", cli_sockets},
};

static int lab(int argc, char **argv)
{
	struct tui_exit ex;
	int rc = tui_main(argc, argv, &ex);

	if (ex.msg[0])
		fprintf(stderr, "socklab: %s\n", ex.msg);
	if (ex.usage)
		fputs(_(MSG_USAGE), stderr);
	return rc;
}

int main(int argc, char **argv)
{
	/* A peer that goes away must never kill us: writes report EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	lang_init();

	if (argc >= 2) {
		const char *cmd = argv[1];

		if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
		    strcmp(cmd, "help") == 0) {
			fputs(_(MSG_USAGE), stdout), fputs(_(MSG_HELP_BODY), stdout);
			return 0;
		}
		if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
			printf("socklab %s\n", SOCKLAB_VERSION);
			return 0;
		}
		for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
			if (strcmp(cmd, commands[i].name) == 0)
				return commands[i].run(argc - 1, argv + 1);
		if (cmd[0] != '-')
			return cli_usage_error(_("unknown command '%s'"), cli_arg(cmd));
	}
	/* `--sandbox`: the lab's private network, made before any thread. */
	{
		int rc = cli_sandbox_early(&argc, argv);

		if (rc != 0)
			return rc;
	}
	return lab(argc - 1, argv + 1);
}
