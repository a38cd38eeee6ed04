/*
 * msg: every sentence socklab shows a person, in one place, so that a
 * translation (Spanish first) touches this file only.
 */
#ifndef SOCKLAB_MSG_H
#define SOCKLAB_MSG_H

#define MSG_MAPPED_NOTE         "IPv4-mapped %s"
#define MSG_DUAL_FALLBACK       "IPV6_V6ONLY=0 refused (%s): serving IPv4 and IPv6 on two sockets instead"
#define MSG_DUAL_NO_IPV6        "IPv6 is unavailable (%s): serving IPv4 only"
#define MSG_NO_IPV6             "IPv6 is unavailable on this host (%s)"
#define MSG_IPV6_DISABLED       "disabled: no interface has an IPv6 address"
#define MSG_LINE_TOO_LONG       "ERR line too long (max %zu bytes)\n"
#define MSG_LINE_TOO_LONG_LOG   "line longer than %zu bytes: replied with an error and dropped it up to the next newline"
#define MSG_OUTPUT_CAP          "peer is not reading: %zu bytes queued, closing"
#define MSG_DGRAM_TRUNCATED     "datagram of %zu bytes truncated to %zu"
#define MSG_ACCEPT_BACKOFF      "accept: %s; pausing accepts briefly until it clears"
#define MSG_ACCEPT_RECOVERED    "accepting connections again"
#define MSG_QUEUE_DROPPED       "%llu events dropped: the consumer fell behind"
#define MSG_KERNEL_DROPS        "the kernel dropped %lu datagrams: receive buffer full"
#define MSG_RCVBUF              "receive buffer %d bytes"
#define MSG_HINT_PRIVILEGED     " (ports below 1024 need root or CAP_NET_BIND_SERVICE)"
#define MSG_HINT_NOT_LOCAL      " (no interface of this host has that address)"
#define MSG_HINT_IN_USE         " (another socket holds that port; port 0 picks a free one)"
#define MSG_HINT_SCOPE          "a link-local address needs a scope id, e.g. fe80::1%%eth0"
#define MSG_HELLO               "hola dual\n"

#endif

/* ---- command line ---- */

#define MSG_USAGE \
"usage: socklab [--serve SPEC]... [--log FILE] [--no-color] [--no-mouse]   open the lab\n" \
"       socklab serve [--json] [--trace] [--sequential] [--backlog N]\n" \
"                     [--max-line N] [--idle-timeout SEC] [--rcvbuf BYTES]\n" \
"                     [--dgram-max N] [--log FILE] SPEC...\n" \
"       socklab client [--udp] [-4|-6] [--timeout SEC] [--connect] [-v] [--raw] [--trace]\n" \
"                      HOST PORT [MESSAGE...]\n" \
"       socklab resolve [--udp] [-4|-6] HOST [PORT]\n" \
"       socklab --help | --version\n"

#define MSG_HELP \
MSG_USAGE \
"\n" \
"A terminal laboratory for TCP and UDP sockets over IPv4, IPv6 and dual-stack.\n" \
"\n" \
"SPEC = TRANSPORT:SERVICE:FAMILY:PORT[@HOST]\n" \
"  TRANSPORT  tcp | udp\n" \
"  SERVICE    echo        lines -> \"eco: <line>\" (hand-made line buffer)\n" \
"             echo-stdio  the same through a stdio stream (Python's makefile())\n" \
"             cmd         PING -> PONG, ECHO <text> -> <text>, TIME -> local time, else ERR\n" \
"             raw         bytes back unchanged\n" \
"             hello       sends \"hola dual\" and closes\n" \
"             (udp: echo only, each datagram back to its sender)\n" \
"  FAMILY     ipv4 | ipv6 (V6ONLY=1) | dual (one socket, V6ONLY=0) | dual2 (two sockets)\n" \
"  PORT       0..65535 (0: the kernel picks one; the listen event says which)\n" \
"  HOST       default 127.0.0.1 for ipv4, ::1 for ipv6, :: for dual and dual2\n" \
"\n" \
"The tutorial's servers:\n" \
"  socklab serve tcp:echo:ipv4:9101           1   TCP/IPv4 echo, hand-made buffer\n" \
"  socklab serve tcp:echo-stdio:ipv4:9101     1.b the same with makefile()\n" \
"  socklab serve tcp:cmd:ipv4:9102            2   PING/ECHO/TIME\n" \
"  socklab serve udp:echo:ipv4:9201@0.0.0.0   3   UDP echo\n" \
"  socklab serve tcp:raw:ipv6:9301            4   TCP/IPv6 echo\n" \
"  socklab serve tcp:hello:dual:9401          5   dual-stack greeting\n" \
"\n" \
"serve options:\n" \
"  --json            one JSON object per event and line\n" \
"  --trace           also show each system call (socket, bind, listen, accept, ...)\n" \
"  --sequential      one client at a time; the others wait in the backlog\n" \
"  --backlog N       listen() backlog (default 8 sequential, 4096 concurrent)\n" \
"  --max-line N      longest line the line services accept (default 65536)\n" \
"  --idle-timeout S  close connections silent for S seconds\n" \
"  --rcvbuf BYTES    UDP receive buffer wanted (default 4 MiB; the listen line shows the grant)\n" \
"  --dgram-max N     keep N bytes of each datagram (default 65536; the tutorial's is 4096)\n" \
"  --log FILE        also write every event to FILE as JSON Lines\n" \
"client options:\n" \
"  --udp             send datagrams instead of a TCP stream\n" \
"  -4, -6            only IPv4 or only IPv6 addresses\n" \
"  --timeout SEC     per connect attempt and per UDP reply (default 5)\n" \
"  --connect         connect() the UDP socket: ICMP errors show as 'Connection refused'\n" \
"  -v                report each address tried\n" \
"  --raw             write received bytes as they are, even to a terminal\n" \
"  --trace           show each system call (connect, shutdown, sendto, ...) on stderr\n" \
"\n" \
"Exit status: 0 success, 1 a failure (bind, connect, no reply), 2 bad usage.\n"

#define MSG_FD_LIMIT            "open files limit raised from %lu to %lu"
#define MSG_UDP_TO              "datagrams to %s"
#define MSG_TRACE_CALL          "%s(%s%s%s) = %d"
#define MSG_NO_REPLY            "no reply from %s within %g s"
#define MSG_TRYING              "trying %s ... %s"
#define MSG_CONNECTED           "connected"
#define MSG_NO_FAMILY_ADDR      "%s has no %s address (it resolves to %s; try %s, or no option)"
#define MSG_STDOUT_SKIPPED      "%llu events not printed: standard output was not read fast enough"
#define MSG_STDOUT_UNPRINTED    "%llu events never reached standard output (%s)"
#define MSG_STDOUT_NOT_READ     "it was not being read"

/* ---- TUI: the curses lab (src/tui/) ---- */

#define MSG_TUI_NOT_TTY \
"socklab: the lab needs a terminal (stdin and stdout must be a tty).\n" \
"For servers without a screen, use: socklab serve SPEC...   (see socklab --help)\n"
#define MSG_TUI_NO_TERMINAL     "socklab: cannot start the terminal (TERM=%s)\n"
#define MSG_TUI_BAD_OPTION      "unknown option '%s'"
#define MSG_TUI_TOO_MANY_SERVE  "too many --serve options (at '%s')"
#define MSG_TUI_TOO_SMALL       "socklab needs at least %dx%d; this terminal is %dx%d. Enlarge it, or F10 to quit."
#define MSG_TUI_WELCOME         "Type /connect HOST PORT (or /connect udp HOST PORT), then lines to send. F1: help."
#define MSG_TUI_PROMPT          "socklab> "

/* Pane titles and the servers panel. */
#define MSG_TUI_SERVERS         "Servers"
#define MSG_TUI_PRESETS         "Presets"
#define MSG_TUI_LOG             "Live log"
#define MSG_TUI_CLIENT          "Client"
#define MSG_TUI_RUNNING_COUNT   "%d running"
#define MSG_TUI_RUNNING         " running: address, V6ONLY, traffic "
#define MSG_TUI_MORE_ABOVE      " %d more above "
#define MSG_TUI_MORE_BELOW      " %d more below "
#define MSG_TUI_NONE_RUNNING    " no server: Enter starts the form's, F2-F7 a preset "
#define MSG_TUI_HOST_LABEL      "host "
#define MSG_TUI_PORT_LABEL      "port "
#define MSG_TUI_START_BUTTON    "Start"
#define MSG_TUI_SEQUENTIAL      "sequential"
#define MSG_TUI_CONCURRENT      "concurrent"
#define MSG_TUI_SEQ_SHORT       " seq"
#define MSG_TUI_SERVER_TCP      "#%u tcp %s %s%s  conns %llu"
#define MSG_TUI_SERVER_UDP      "#%u udp %s %s"
#define MSG_TUI_STATS_TCP       "   in %s  out %s  (%llu total)"
#define MSG_TUI_STATS_UDP       "   in %llu dg/%s  out %llu dg/%s"
#define MSG_TUI_STARTED         "server #%u started: %s"
#define MSG_TUI_STOPPED         "server #%u stopped"
#define MSG_TUI_START_FAILED    "cannot start %s: %s"
#define MSG_TUI_TOO_MANY_SERVERS "at most %d servers at once: stop one first"
#define MSG_TUI_BAD_PORT        "port '%s' is not 0..65535"
#define MSG_TUI_LOG_FOLLOW      "%zu lines  dropped %llu"
#define MSG_TUI_LOG_SCROLLED    "scrolled back %zu (End follows)  dropped %llu"

/* The tutorial's setups, one per preset key. */
#define MSG_TUI_PRESET_1_SHORT  "echo   127.0.0.1:9101"
#define MSG_TUI_PRESET_1        "TCP/IPv4 echo with a hand-made line buffer: each line comes back as \"eco: <line>\""
#define MSG_TUI_PRESET_1B_SHORT "stdio  127.0.0.1:9101"
#define MSG_TUI_PRESET_1B       "the same echo read through a stdio stream, C's twin of Python's makefile()"
#define MSG_TUI_PRESET_2_SHORT  "cmd    127.0.0.1:9102"
#define MSG_TUI_PRESET_2        "a mini-protocol over TCP: PING -> PONG, ECHO <text>, TIME, anything else ERR"
#define MSG_TUI_PRESET_3_SHORT  "udp    0.0.0.0:9201"
#define MSG_TUI_PRESET_3        "UDP echo: no connection, each datagram goes back to the address it came from"
#define MSG_TUI_PRESET_4_SHORT  "raw    [::1]:9301"
#define MSG_TUI_PRESET_4        "TCP over IPv6: peers are (host, port, flowinfo, scope_id); bytes come back unchanged"
#define MSG_TUI_PRESET_5_SHORT  "hello  [::]:9401 dual"
#define MSG_TUI_PRESET_5        "dual-stack: one IPv6 socket with V6ONLY=0; IPv4 peers show up as ::ffff:a.b.c.d"

/* The client pane. */
#define MSG_TUI_CLIENT_IDLE     "not connected"
#define MSG_TUI_CLIENT_RESOLVING "resolving..."
#define MSG_TUI_CLIENT_CONNECTING "connecting to %s..."
#define MSG_TUI_CLIENT_TCP      "tcp %s%s"
#define MSG_TUI_CLIENT_UDP      "udp to %s"
#define MSG_TUI_HALF_CLOSED     " (sent FIN)"
#define MSG_TUI_RESOLVING       "%s %s port %s: resolving..."
#define MSG_TUI_RESOLVED        "getaddrinfo %s%s%s, in the order a client tries them:"
#define MSG_TUI_CONNECTED       "connected to %s from %s"
#define MSG_TUI_CONNECT_FAILED  "no address left to try: not connected"
#define MSG_TUI_UDP_READY       "UDP socket ready: each line goes as one datagram to %s"
#define MSG_TUI_DGRAM_OUT       "> %s  (%zu B to %s)"
#define MSG_TUI_DGRAM_IN        "< %s  (%zu B from %s)"
#define MSG_TUI_PEER_CLOSED     "the server closed the connection (EOF)"
#define MSG_TUI_CLOSED          "connection closed"
#define MSG_TUI_NOTHING_OPEN    "nothing to close"
#define MSG_TUI_SHUTDOWN        "shutdown(SHUT_WR): FIN sent; replies can still arrive"
#define MSG_TUI_SHUTDOWN_TCP_ONLY "/shutdown needs a TCP connection"
#define MSG_TUI_AFTER_SHUTDOWN  "cannot send after /shutdown: /connect again"
#define MSG_TUI_OUT_FULL        "the server is not reading: too much output queued"
#define MSG_TUI_QUEUED          "> %s  (queued until connected)"
#define MSG_TUI_QUEUE_DROPPED   "%zu queued bytes not sent"
#define MSG_TUI_NOT_CONNECTED   "not connected: /connect HOST PORT first (F1 for help)"
#define MSG_TUI_NO_THREAD       "cannot start a resolver thread"
#define MSG_TUI_CMD_CONNECT     "TCP: try each address in order; UDP: aim the datagrams"
#define MSG_TUI_CMD_CLOSE       "close the client socket"
#define MSG_TUI_CMD_SHUTDOWN    "half-close: send FIN (shutdown SHUT_WR), keep reading"
#define MSG_TUI_CMD_RESOLVE     "show what getaddrinfo returns, in order"
#define MSG_TUI_CMD_HELP        "open the help"
#define MSG_TUI_CMD_QUIT        "leave the lab"
#define MSG_TUI_CMD_UNKNOWN     "unknown command '/%s' (try /help)"
#define MSG_TUI_CMD_AMBIGUOUS   "'/%s' is ambiguous (try /help)"
#define MSG_TUI_CMD_USAGE       "usage: %s"
#define MSG_TUI_CMD_BAD_HOST    "host name too long: %s"
#define MSG_TUI_CMD_BAD_PORT    "bad port '%s' (1..65535)"
#define MSG_TUI_CMD_TOO_LONG    "command line too long%s"

/* Status bar: the keys that matter now. */
#define MSG_TUI_KEYS_CLIENT     "F1 Help  Tab Pane  F2-F7 Presets  PgUp/PgDn Scroll  Ctrl-R Search  F10 Quit"
#define MSG_TUI_KEYS_SERVERS    "Up/Down Field  Left/Right Change  Enter Start  x Stop  Tab Pane  F1 Help  q Quit"
#define MSG_TUI_KEYS_PRESETS    "Up/Down Select  Enter/1-6 Start  Tab Pane  F1 Help  q Quit"
#define MSG_TUI_KEYS_LOG        "Up/Down Select  Enter Detail  / Filter  c Clear  p Pause  f Fold  End Follow  Tab Pane  q Quit"
#define MSG_TUI_KEYS_HELP       "Up/Down Scroll  any other key closes the help  F10 Quit"

/* The help overlay. */
#define MSG_TUI_HELP_TITLE      "socklab help"
#define MSG_TUI_HELP_CLOSE      "any key closes"
#define MSG_TUI_HELP_MORE       "Up/Down scroll, any other key closes"
#define MSG_TUI_HELP_INTRO      "Servers run in the background; every connection and datagram shows in the live log."
#define MSG_TUI_HELP_LINES \
	"Keys", \
	"  Tab / Shift-Tab    next / previous pane (client, servers, presets, log)", \
	"  F1, or ?           this help (? outside the client pane)", \
	"  F10, or q          quit (q outside the client pane and the host field)", \
	"  F2 .. F7           start preset 1, 1.b, 2, 3, 4, 5", \
	"  Ctrl-L             redraw the screen      Ctrl-Z  suspend (fg resumes)", \
	"  Mouse              click a pane to focus it, a row to select; wheel scrolls", \
	"  Servers pane       Up/Down pick a field or a running server; Left/Right/Space", \
	"                     change it; type the host and port; Enter starts; x/Delete stops", \
	"  Presets pane       Up/Down select, Enter or 1..6 start", \
	"  Log pane           Up/Down PgUp/PgDn select a line, Home oldest, End back to live", \
	"                     Enter: the line in detail (both ends in full, hex + ASCII dump)", \
	"                     / filter: server=2 peer=127.0.0.1 port=9101 kind=recv text=hola", \
	"                     (terms AND, commas OR); c clears it; p or Space pause and resume;", \
	"                     f folds repeats into one line (x1532) or not", \
	"  Client pane        readline: Ctrl-A/E, Alt-B/F, Ctrl-W/K/U, Up/Down history,", \
	"                     Ctrl-R search; PgUp/PgDn scroll the replies"
#define MSG_TUI_HELP_COMMANDS   "Client commands"
#define MSG_TUI_PRESET_LOG      "tutorial section %s: %s"
#define MSG_TUI_HELP_SEND       "any other line is sent: over TCP with \\n added, over UDP as one datagram (//x sends /x)"
#define MSG_TUI_HELP_PRESETS    "Presets (the tutorial's sections)"

/* ---- watching traffic: filter, hex dump, export (issue 4) ---- */

#define MSG_FILTER_KEYS         "server, peer, port, kind, transport, text"
#define MSG_FILTER_NOT_PAIR     "'%s' is not KEY=VALUE (keys: " MSG_FILTER_KEYS ")"
#define MSG_FILTER_UNKNOWN_KEY  "unknown filter key '%s' (keys: " MSG_FILTER_KEYS ")"
#define MSG_FILTER_TWICE        "'%s' given twice: list the values once, with commas (%s=a,b)"
#define MSG_FILTER_EMPTY        "'%s=' needs a value"
#define MSG_FILTER_TOO_MANY     "'%s' takes at most %d values"
#define MSG_FILTER_BAD_SERVER   "server '%s' is not a server number (e.g. server=2)"
#define MSG_FILTER_BAD_PORT     "port '%s' is not 0..65535"
#define MSG_FILTER_BAD_PEER     "peer '%s' is not an address, ADDR:PORT, [ADDR]:PORT or a port"
#define MSG_FILTER_BAD_KIND     "unknown event kind '%s' (recv, send, dgram-in, dgram-out, accept, close, listen, error, ...; in, out, data)"
#define MSG_FILTER_BAD_TRANSPORT "transport '%s' is not tcp or udp"
#define MSG_FILTER_BAD_QUOTE    "unterminated quote in '%s'"
#define MSG_FILTER_BAD_ESCAPE   "bad escape in '%s' (\\\\, \\\", \\n, \\r, \\t, \\xNN)"
#define MSG_FILTER_TOO_LONG     "'%s' is longer than %d bytes"
#define MSG_HEXDUMP_CUT         "truncated: %zu of %llu bytes kept (the rest was not recorded)"
#define MSG_EXPORT_BAD_FORMAT   "unknown format '%s' (csv or jsonl)"

/* The lab's watched log (src/tui/tui_watch*.c): detail view, counters. */
#define MSG_WATCH_NOTE          "lab notice (not a network event)"
#define MSG_WATCH_EVENT_SERVER  "%s on server #%u  (%s/%s %s)"
#define MSG_WATCH_EVENT_CLIENT  "%s on the lab's client  (%s)"
#define MSG_WATCH_CONN          "%-10s connection %llu"
#define MSG_WATCH_TIME          "%-10s %s"
#define MSG_WATCH_FOLDED        "%-10s x%llu identical events on this line, the last at %s"
#define MSG_WATCH_LOCAL         "local"
#define MSG_WATCH_PEER          "peer"
#define MSG_WATCH_V6_DETAIL     "%-10s flowinfo %u  scope_id %u (%s)"
#define MSG_WATCH_NO_SCOPE      "no scope"
#define MSG_WATCH_NO_IFNAME     "no such interface now"
#define MSG_WATCH_MAPPED_DETAIL "%-10s IPv4-mapped: raw %s, normalised %s"
#define MSG_WATCH_DROPPED       "%-10s %llu events lost: the lab fell behind"
#define MSG_WATCH_BYTES         "%-10s %llu bytes (%u recorded)"
#define MSG_WATCH_DGRAM_CUT     "the datagram was longer than the receive buffer: cut"
#define MSG_WATCH_REASON        "%-10s closed: %s"
#define MSG_WATCH_ERRNO         "%-10s %s (%s)"
#define MSG_WATCH_MESSAGE       "%-10s %s"
#define MSG_WATCH_PAYLOAD       "payload, hex and ASCII"
#define MSG_WATCH_NO_PAYLOAD    "no payload"
#define MSG_WATCH_RATE_1S       "   1s  in %s  out %s"
#define MSG_WATCH_RATE_10S      "   10s in %s  out %s"
#define MSG_WATCH_DGRAM_RATE    "   dg/s in %.0f out %.0f (10s %.0f/%.0f)"
#define MSG_WATCH_ACCEPT_QUEUE  "   accept queue %u of backlog %u"
#define MSG_WATCH_LOG_FILTERED  "%s  filter: %s"
#define MSG_WATCH_PAUSED        "PAUSED +%llu new  "
#define MSG_WATCH_FOLDED_COUNT  "folded %llu  "
#define MSG_WATCH_FOLD_OFF      "fold off  "
#define MSG_WATCH_PROMPT        "filter> "
#define MSG_WATCH_DETAIL_TITLE  "event #%llu"
#define MSG_WATCH_DETAIL_KEYS   "Up/Down scroll  Left/Right older/newer  Esc closes"
#define MSG_WATCH_GONE          "this line is no longer kept (the log is a bounded ring)"
#define MSG_WATCH_SAVED         "saved %zu events to %s (%s)"
#define MSG_WATCH_SAVED_FOLDED  "; %llu more folded into them (--log FILE keeps every event)"
#define MSG_WATCH_LOG_FAILED    "--log %s (no longer logging)"
#define MSG_TUI_KEYS_FILTER     "Enter Apply  Esc Cancel  Ctrl-U Erase   e.g. server=2 peer=127.0.0.1 port=9101 kind=recv text=hola"
#define MSG_TUI_CMD_SAVE        "save the live log's shown lines (all: every kept event) as CSV or JSON Lines"
#define MSG_TUI_CMD_FILTER      "filter the live log, as / does there (no expression: clear it)"
#define MSG_TUI_CMD_BAD_PATH    "file name too long: %s"
#define MSG_TUI_FILTER_SET      "live log filter: %s"
#define MSG_TUI_FILTER_CLEARED  "live log filter cleared"
