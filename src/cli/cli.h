/*
 * cli: the headless front end: `socklab serve`, `client` and `resolve`.
 * Each command takes argv with its own name in argv[0] and returns the exit
 * status: 0 done, 1 a failure the user should read about, 2 bad usage.
 */
#ifndef SOCKLAB_CLI_H
#define SOCKLAB_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "socklab/num.h"

int cli_serve(int argc, char **argv);
int cli_client(int argc, char **argv);
int cli_resolve(int argc, char **argv);

/* err(3)-style messages: "socklab: " + text + newline on stderr. */
void cli_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the usage on stderr with a message, returns 2. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* s (from argv) escaped as the log escapes peer bytes, cut with "..."
 * past CLI_ARG_MAX, so a message never sends the terminal what a user
 * pasted. The result lives until four more calls. */
#define CLI_ARG_MAX 512
const char *cli_arg(const char *s);

/* "bad WHAT 'ARG': too large (expected RANGE)" with the usage; returns 2.
 * Numbers are parsed by socklab/num.h. */
int cli_bad_number(const char *what, const char *arg, enum num_result why, const char *range);

#endif
