/*
 * main: picks the front end. No subcommand opens the lab (the TUI);
 * serve, client and resolve run headless over the same core.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_msg.h"
#include "cli/lang.h"
#include "tui/tui.h"

void cli_warnx(const char *fmt, ...)
{
	va_list ap;

	fputs("socklab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("socklab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(_(MSG_USAGE), stderr);
	return 2;
}

int cli_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !(v > 0) || v > 86400)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	/* A peer that goes away must never kill us: writes report EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	lang_init();

	if (argc >= 2) {
		const char *cmd = argv[1];

		if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
			fputs(_(MSG_USAGE), stdout), fputs(_(MSG_HELP_BODY), stdout);
			return 0;
		}
		if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
			printf("socklab %s\n", SOCKLAB_VERSION);
			return 0;
		}
		if (strcmp(cmd, "serve") == 0)
			return cli_serve(argc - 1, argv + 1);
		if (strcmp(cmd, "client") == 0)
			return cli_client(argc - 1, argv + 1);
		if (strcmp(cmd, "resolve") == 0)
			return cli_resolve(argc - 1, argv + 1);
		if (cmd[0] != '-')
			return cli_usage_error(_("unknown command '%s'"), cmd);
	}
	return tui_main(argc - 1, argv + 1);
}
