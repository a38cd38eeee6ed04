/*
 * cli_sockets: `socklab sockets [--json] [PORT...]`: the kernel's table
 * of TCP and UDP sockets on those ports (sock_diag), what `ss -tuan`
 * shows, once.
 */
#ifndef SOCKLAB_CLI_SOCKETS_H
#define SOCKLAB_CLI_SOCKETS_H

int cli_sockets(int argc, char **argv);

#endif
