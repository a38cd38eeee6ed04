/*
 * cli_msg: the command line's sentences (usage, --help, the client's
 * reports). How to add one: include/socklab/msg.h.
 */
#ifndef SOCKLAB_CLI_MSG_H
#define SOCKLAB_CLI_MSG_H

#include "socklab/msg.h"

#define MSG_USAGE                                                                                  \
	N_("usage: socklab [[--sequential|--concurrent] [--backlog N] --serve SPEC]...\n"          \
	   "               [--lesson N|FILE] [--log FILE] [--no-color] [--no-mouse]\n"             \
	   "               [--sandbox]                                      open the lab\n"        \
	   "       socklab serve [--json] [--trace] [--sequential] [--backlog N]\n"                \
	   "                     [--max-line N] [--idle-timeout SEC] [--rcvbuf BYTES]\n"           \
	   "                     [--dgram-max N] [--log FILE] [--wire] [--pcap FILE]\n"            \
	   "                     [--sandbox] SPEC...\n"                                            \
	   "       socklab client [--udp] [-4|-6] [--timeout SEC] [--connect] [-v] [--raw] "       \
	   "[--trace]\n"                                                                           \
	   "                      HOST PORT [MESSAGE...]\n"                                        \
	   "       socklab resolve [--udp] [-4|-6] HOST [PORT]\n"                                  \
	   "       socklab sockets [--json] [PORT...]     the kernel's TCP/UDP sockets (like "     \
	   "ss)\n"                                                                                 \
	   "       socklab sandbox exec [--pid PID] a|b CMD [ARG...]\n"                            \
	   "       socklab --help | --version\n")

#define MSG_HELP_BODY                                                                              \
	N_("\n"                                                                                    \
	   "A terminal laboratory for TCP and UDP sockets over IPv4, IPv6 and dual-stack.\n"       \
	   "\n"                                                                                    \
	   "SPEC = TRANSPORT:SERVICE:FAMILY:PORT[@HOST]\n"                                         \
	   "  TRANSPORT  tcp | udp\n"                                                              \
	   "  SERVICE    echo        lines -> \"eco: <line>\" (hand-made line buffer)\n"           \
	   "             echo-stdio  the same through a stdio stream (Python's makefile())\n"      \
	   "             cmd         PING -> PONG, ECHO <text> -> <text>, TIME -> local time, "    \
	   "else ERR\n"                                                                            \
	   "             raw         bytes back unchanged\n"                                       \
	   "             hello       sends \"hola dual\" and closes\n"                             \
	   "             (udp: echo only, each datagram back to its sender)\n"                     \
	   "  FAMILY     ipv4 | ipv6 (V6ONLY=1) | dual (one socket, V6ONLY=0) | dual2 (two "       \
	   "sockets)\n"                                                                            \
	   "  PORT       0..65535 (0: the kernel picks one; the listen event says which)\n"        \
	   "  HOST       default 127.0.0.1 for ipv4, ::1 for ipv6, :: for dual and dual2\n"        \
	   "\n"                                                                                    \
	   "Lessons: socklab --lesson N opens section N of the tutorial (0, 1, 1.b, 2 .. 6) "      \
	   "with\n"                                                                                \
	   "its servers, what to try and a checklist that ticks itself; --lesson FILE a "          \
	   "teacher's own.\n"                                                                      \
	   "\n"                                                                                    \
	   "The tutorial's servers:\n"                                                             \
	   "  socklab serve tcp:echo:ipv4:9101           1   TCP/IPv4 echo, hand-made buffer\n"    \
	   "  socklab serve tcp:echo-stdio:ipv4:9101     1.b the same with makefile()\n"           \
	   "  socklab serve tcp:cmd:ipv4:9102            2   PING/ECHO/TIME\n"                     \
	   "  socklab serve udp:echo:ipv4:9201@0.0.0.0   3   UDP echo\n"                           \
	   "  socklab serve tcp:raw:ipv6:9301            4   TCP/IPv6 echo\n"                      \
	   "  socklab serve tcp:hello:dual:9401          5   dual-stack greeting\n"                \
	   "\n"                                                                                    \
	   "serve options:\n"                                                                      \
	   "  --json            one JSON object per event and line\n"                              \
	   "  --trace           also show each system call (socket, bind, listen, accept, ...)\n"  \
	   "  --sequential      one client at a time; the others wait in the backlog\n"            \
	   "  --backlog N       listen() backlog (default 8 sequential, 4096 concurrent)\n"        \
	   "  --max-line N      longest line the line services accept (default 65536)\n"           \
	   "  --idle-timeout S  close connections silent for S seconds, 0.1..86400 (checked "      \
	   "every 0.1 s)\n"                                                                        \
	   "  --rcvbuf BYTES    UDP receive buffer wanted, 1024..1073741824 (default 4 MiB; the\n" \
	   "                    listen line shows the grant, which Linux doubles)\n"               \
	   "  --dgram-max N     keep N bytes of each datagram (default 65536; the tutorial's is "  \
	   "4096)\n"                                                                               \
	   "  --log FILE        also write every event to FILE as JSON Lines (a failed write is "  \
	   "said,\n"                                                                               \
	   "                    serving goes on, and the exit status is 1)\n"                      \
	   "  --wire            also show each packet the servers send and receive (needs "        \
	   "CAP_NET_RAW)\n"                                                                        \
	   "  --pcap FILE       write those packets to FILE in pcap format (tcpdump -r, "          \
	   "Wireshark)\n"                                                                          \
	   "  --sandbox         serve on host a of a private two-host network (no root);\n"        \
	   "                    b/SPEC serves on host b\n"                                         \
	   "client options:\n"                                                                     \
	   "  --udp             send datagrams instead of a TCP stream\n"                          \
	   "  -4, -6            only IPv4 or only IPv6 addresses\n"                                \
	   "  --timeout SEC     per connect attempt and per UDP reply, 0.001..86400 (default 5)\n" \
	   "  --connect         connect() the UDP socket: ICMP errors show as 'Connection "        \
	   "refused'\n"                                                                            \
	   "  -v                report each address tried\n"                                       \
	   "  --raw             write received bytes as they are, even to a terminal\n"            \
	   "  --trace           show each system call (connect, shutdown, sendto, ...) on "        \
	   "stderr\n"                                                                              \
	   "\n"                                                                                    \
	   "Sandbox (--sandbox, lab or serve): user and network namespaces, no root needed;\n"     \
	   "  host a: 198.51.100.1, 2001:db8::a, fe80::a%eth0\n"                                   \
	   "  host b: 198.51.100.2, 2001:db8::b, fe80::b%eth0\n"                                   \
	   "  socklab sandbox exec a|b CMD runs CMD on a host of your running sandbox.\n"          \
	   "\n"                                                                                    \
	   "Exit status: 0 success, 1 a failure (bind, connect, no reply), 2 bad usage.\n")

#define MSG_FD_LIMIT N_("open files limit raised from %lu to %lu")

#define MSG_UDP_TO N_("datagrams to %s")

#define MSG_NO_REPLY N_("no reply from %s within %g s")

#define MSG_TRYING N_("trying %s ... %s")

#define MSG_CONNECTED N_("connected")
/* `-6 localhost` where localhost is 127.0.0.1 only. */
#define MSG_NO_FAMILY_ADDR N_("%s has no %s address (it resolves to %s; try %s, or no option)")
/* serve: standard output that is not read while events stream. */
#define MSG_STDOUT_SKIPPED N_("%llu events not printed: standard output was not read fast enough")
#define MSG_STDOUT_UNPRINTED N_("%llu events never reached standard output (%s)")
#define MSG_STDOUT_NOT_READ N_("it was not being read")

#endif
