/*
 * cli_args: what the CLI's commands share about their arguments: text
 * from argv made safe to echo in a message, and the one way a bad number
 * is reported.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "socklab/escape.h"

const char *cli_arg(const char *s)
{
	/* A few at a time, so one message can echo two arguments. */
	static char bufs[4][CLI_ARG_MAX];
	static unsigned next;
	char *b = bufs[next++ % 4];
	size_t used, n = strlen(s);

	esc_text(s, n, b, sizeof b[0] - 3, &used);
	if (used < n)
		strcat(b, "...");
	return b;
}

int cli_bad_number(const char *what, const char *arg, enum num_result why, const char *range)
{
	return cli_usage_error("bad %s '%s': %s (expected %s)", what, cli_arg(arg), num_error(why),
			       range);
}
