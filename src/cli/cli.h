/*
 * cli: the headless front end: `socklab serve`, `client` and `resolve`.
 * Each command takes argv with its own name in argv[0] and returns the exit
 * status: 0 done, 1 a failure the user should read about, 2 bad usage.
 */
#ifndef SOCKLAB_CLI_H
#define SOCKLAB_CLI_H

#include <stdbool.h>
#include <stddef.h>

int cli_serve(int argc, char **argv);
int cli_client(int argc, char **argv);
int cli_resolve(int argc, char **argv);

/* err(3)-style messages: "socklab: " + text + newline on stderr. */
void cli_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the usage on stderr with a message, returns 2. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Bounded number parsing: returns 0, or -1 when s is not in [lo, hi]. */
int cli_parse_long(const char *s, long lo, long hi, long *out);
int cli_parse_seconds(const char *s, double *out);

#endif
