/*
 * cli_sandbox: the command line's side of the two-host sandbox (see
 * include/socklab/sandbox.h): made early, reported, and entered by
 * `socklab sandbox exec`.
 */
#ifndef SOCKLAB_CLI_SANDBOX_H
#define SOCKLAB_CLI_SANDBOX_H

#include "socklab/sandbox.h"

/* `socklab sandbox exec ...`: argv[0] is "sandbox". */
int cli_sandbox(int argc, char **argv);

/* Makes the sandbox (before any thread starts) or says why it cannot:
 * returns 0, 1 (a step failed) or 2 (user namespaces are disabled). */
int cli_sandbox_begin(void);

/* main's early hook for the lab: when its options hold --sandbox, removes
 * it from argv and makes the sandbox. Returns 0 to go on, else the exit
 * status. */
int cli_sandbox_early(int *argc, char **argv);

/* "b/SPEC" -> SANDBOX_B with *spec moved past "b/"; "a/SPEC" and a plain
 * SPEC -> SANDBOX_A. */
int cli_sandbox_spec_host(char **spec);

/* The hosts, their addresses, which servers (hosts[i] for server #i+1)
 * run where, and the `sandbox exec` line, on stderr. */
void cli_sandbox_print_reach(const int *hosts, int n);

#endif
