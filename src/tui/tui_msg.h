/*
 * tui_msg: the lab's sentences (panes, keys, help, the client pane, the
 * watched log). How to add one: include/socklab/msg.h.
 */
#ifndef SOCKLAB_TUI_MSG_H
#define SOCKLAB_TUI_MSG_H

#include "socklab/msg.h"

#define MSG_TUI_NOT_TTY                                                                            \
	N_("the lab needs a terminal (stdin and stdout must be a tty).\n"                          \
	   "For servers without a screen, use: socklab serve SPEC...   (see socklab --help)")
#define MSG_TUI_NO_TERMINAL N_("cannot start the terminal (TERM=%s)")
#define MSG_TUI_BAD_BACKLOG N_("bad backlog '%s' (expected 1..65535)")
#define MSG_TUI_BAD_OPTION N_("unknown option '%s'")
#define MSG_TUI_TOO_MANY_SERVE N_("too many --serve options (at '%s')")
#define MSG_TUI_TOO_SMALL                                                                          \
	N_("socklab needs at least %dx%d; this terminal is %dx%d. Enlarge it, or F10 to quit.")
/* The same words as the command line's (cli_msg.h): one msgid each. */
#define MSG_TUI_FD_LIMIT N_("open files limit raised from %lu to %lu")
#define MSG_TUI_TRYING N_("trying %s ... %s")
#define MSG_TUI_CONNECT_OK N_("connected")
#define MSG_TUI_WELCOME                                                                            \
	N_("Type /connect HOST PORT (or /connect udp HOST PORT), then lines to send. F1: help.")
#define MSG_TUI_PROMPT "socklab> "

/* Pane titles and the servers panel. */
#define MSG_TUI_SERVERS N_("Servers")
#define MSG_TUI_PRESETS N_("Presets")
#define MSG_TUI_LOG N_("Live log")
#define MSG_TUI_CLIENT N_("Client")
#define MSG_TUI_RUNNING_COUNT NN_("%d running", "%d running")
#define MSG_TUI_RUNNING N_(" running: address, V6ONLY, traffic ")
#define MSG_TUI_MORE_ABOVE NN_(" %d more above ", " %d more above ")
#define MSG_TUI_MORE_BELOW NN_(" %d more below ", " %d more below ")
#define MSG_TUI_NONE_RUNNING N_(" no server: Enter starts the form's, F2-F7 a preset ")
#define MSG_TUI_HOST_LABEL N_("host ")
#define MSG_TUI_PORT_LABEL N_("port ")
#define MSG_TUI_START_BUTTON N_("Start")
#define MSG_TUI_SEQUENTIAL N_("sequential")
#define MSG_TUI_CONCURRENT N_("concurrent")
#define MSG_TUI_SEQ_SHORT N_(" seq")
#define MSG_TUI_CONC_SHORT N_(" conc")
#define MSG_TUI_SERVER_TCP N_("#%u tcp %s %s%s  conns %llu")
#define MSG_TUI_SERVER_UDP N_("#%u udp %s %s")
#define MSG_TUI_STATS_TCP N_("   in %s  out %s  (%llu total)")
#define MSG_TUI_STATS_UDP N_("   in %llu dg/%s  out %llu dg/%s")
#define MSG_TUI_STARTED N_("server #%u started: %s")
#define MSG_TUI_STOPPED N_("server #%u stopped")
#define MSG_TUI_START_FAILED N_("cannot start %s: %s")
#define MSG_TUI_TOO_MANY_SERVERS N_("at most %d servers at once: stop one first")
#define MSG_TUI_BAD_PORT N_("port '%s' is not 0..65535")
#define MSG_TUI_LOG_FOLLOW NN_("%zu line  dropped %llu", "%zu lines  dropped %llu")
#define MSG_TUI_LOG_SCROLLED N_("scrolled back %zu (End follows)  dropped %llu")

/* The tutorial's setups, one per preset key. */
#define MSG_TUI_PRESET_1_SHORT N_("echo   127.0.0.1:9101")
#define MSG_TUI_PRESET_1                                                                           \
	N_("TCP/IPv4 echo with a hand-made line buffer: each line comes back as \"eco: <line>\"")
#define MSG_TUI_PRESET_1B_SHORT N_("stdio  127.0.0.1:9101")
#define MSG_TUI_PRESET_1B                                                                          \
	N_("the same echo read through a stdio stream, C's twin of Python's makefile()")
#define MSG_TUI_PRESET_2_SHORT N_("cmd    127.0.0.1:9102")
#define MSG_TUI_PRESET_2                                                                           \
	N_("a mini-protocol over TCP: PING -> PONG, ECHO <text>, TIME, anything else ERR")
#define MSG_TUI_PRESET_3_SHORT N_("udp    0.0.0.0:9201")
#define MSG_TUI_PRESET_3                                                                           \
	N_("UDP echo: no connection, each datagram goes back to the address it came from")
#define MSG_TUI_PRESET_4_SHORT N_("raw    [::1]:9301")
#define MSG_TUI_PRESET_4                                                                           \
	N_("TCP over IPv6: peers are (host, port, flowinfo, scope_id); bytes come back unchanged")
#define MSG_TUI_PRESET_5_SHORT N_("hello  [::]:9401 dual")
#define MSG_TUI_PRESET_5                                                                           \
	N_("dual-stack: one IPv6 socket with V6ONLY=0; IPv4 peers show up as ::ffff:a.b.c.d")

/* The client pane. */
#define MSG_TUI_CLIENT_IDLE N_("not connected")
#define MSG_TUI_CLIENT_RESOLVING N_("resolving...")
#define MSG_TUI_CLIENT_CONNECTING N_("connecting to %s...")
#define MSG_TUI_CLIENT_TCP N_("tcp %s%s")
#define MSG_TUI_CLIENT_UDP N_("udp to %s")
#define MSG_TUI_HALF_CLOSED N_(" (sent FIN)")
#define MSG_TUI_RESOLVING N_("%s %s port %s: resolving...")
#define MSG_TUI_RESOLVED N_("getaddrinfo %s%s%s, in the order a client tries them:")
#define MSG_TUI_CONNECTED N_("connected to %s from %s")
#define MSG_TUI_CONNECT_FAILED N_("no address left to try: not connected")
#define MSG_TUI_TIMEOUT_FULL                                                                       \
	N_("the accept queue of the lab's server #%u is full (%u of backlog %u): the kernel "      \
	   "drops "                                                                                \
	   "each SYN, the client sends it again, then gives up")
#define MSG_TUI_REFUSED_HINT N_("the lab's server #%u listens on %s: try /connect %s %u")
#define MSG_TUI_BACKLOG_WAITING                                                                    \
	N_("waiting in the backlog of server #%u: the kernel completed the handshake, the server " \
	   "has not accepted the connection yet (lines sent wait in the kernel)")
#define MSG_TUI_BACKLOG_ACCEPTED N_("accepted by server #%u after %ld.%ld s in the backlog")
#define MSG_TUI_CLIENT_BACKLOG N_(" waiting in the backlog")
#define MSG_TUI_ACCEPT_OURS N_("(the client pane's)")
#define MSG_TUI_UDP_READY N_("UDP socket ready: each line goes as one datagram to %s")
#define MSG_TUI_DGRAM_OUT N_("> %s  (%zu B to %s)")
#define MSG_TUI_DGRAM_IN N_("< %s  (%zu B from %s)")
#define MSG_TUI_PEER_CLOSED N_("the server closed the connection (EOF)")
#define MSG_TUI_CLOSED N_("connection closed")
#define MSG_TUI_UDP_CLOSED N_("UDP socket closed (UDP has no connection to close)")
#define MSG_TUI_NOTHING_OPEN N_("nothing to close")
#define MSG_TUI_SHUTDOWN N_("shutdown(SHUT_WR): FIN sent; replies can still arrive")
#define MSG_TUI_SHUTDOWN_TCP_ONLY N_("/shutdown needs a TCP connection")
#define MSG_TUI_AFTER_SHUTDOWN N_("cannot send after /shutdown: /connect again")
#define MSG_TUI_OUT_FULL N_("the server is not reading: too much output queued")
#define MSG_TUI_QUEUED N_("> %s  (queued until connected)")
#define MSG_TUI_QUEUE_DROPPED NN_("%zu queued byte not sent", "%zu queued bytes not sent")
#define MSG_TUI_NOT_CONNECTED N_("not connected: /connect HOST PORT first (F1 for help)")
#define MSG_TUI_NO_THREAD N_("cannot start a resolver thread")
#define MSG_TUI_CMD_CONNECT N_("TCP: try each address in order; UDP: aim the datagrams")
#define MSG_TUI_CMD_CLOSE N_("close the client socket")
#define MSG_TUI_CMD_SHUTDOWN N_("half-close: send FIN (shutdown SHUT_WR), keep reading")
#define MSG_TUI_CMD_RESOLVE N_("show what getaddrinfo returns, in order")
#define MSG_TUI_CMD_HELP N_("open the help")
#define MSG_TUI_CMD_QUIT N_("leave the lab")
#define MSG_TUI_CMD_UNKNOWN N_("unknown command '/%s' (try /help)")
#define MSG_TUI_CMD_AMBIGUOUS N_("'/%s' is ambiguous (try /help)")
#define MSG_TUI_CMD_USAGE N_("usage: %s")
#define MSG_TUI_CMD_BAD_HOST N_("host name too long: %s")
#define MSG_TUI_CMD_BAD_PORT N_("bad port '%s' (1..65535)")
#define MSG_TUI_CMD_TOO_LONG N_("command line too long%s")

/* Status bar: the keys that matter now. */
#define MSG_TUI_KEYS_CLIENT                                                                        \
	N_("F1 Help  Tab Pane  F2-F7 Presets  PgUp/PgDn Scroll  Ctrl-R Search  F10 Quit")
#define MSG_TUI_KEYS_SERVERS                                                                       \
	N_("Up/Down Field  Left/Right Change  Enter Start  x Stop  Tab Pane  F1 Help  q Quit")
#define MSG_TUI_KEYS_PRESETS                                                                       \
	N_("Up/Down Select  Enter Start  F2-F7 Start a preset  Tab Pane  F1 Help  q Quit")
#define MSG_TUI_KEYS_LOG                                                                           \
	N_("Up/Down Select  Enter Detail  / Filter  c Clear  p Pause  f Fold  End Follow  Tab "    \
	   "Pane  q Quit")
#define MSG_TUI_KEYS_HELP                                                                          \
	N_("Up/Down PgUp/PgDn Home/End Scroll  any other key closes the help  F10 Quit")

/* The help overlay. */
#define MSG_TUI_HELP_TITLE N_("socklab help")
#define MSG_TUI_HELP_CLOSE N_("any key closes")
#define MSG_TUI_HELP_MORE N_("Up/Down scroll, any other key closes")
#define MSG_TUI_HELP_INTRO                                                                         \
	N_("Servers run in the background; every connection and datagram shows in the live log.")
/* The key tables' names for what each key does (tui.c, pane_*.c): the
 * help overlay is made of these. */
#define MSG_TUI_HELP_KEYS N_("Keys")
#define MSG_TUI_HELP_KEY_TAB N_("next / previous pane")
#define MSG_TUI_HELP_KEY_HELP N_("this help")
#define MSG_TUI_HELP_KEY_PRESETS N_("start preset 1, 1.b, 2, 3, 4, 5")
#define MSG_TUI_HELP_KEY_SLOT                                                                      \
	N_("the next view in the focused pane's place; from a pane with no other view (the "       \
	   "client pane), in the log's place, the focus staying")
#define MSG_TUI_HELP_KEY_ZOOM N_("zoom: the focused pane fills the screen, again returns")
#define MSG_TUI_HELP_KEY_QUIT N_("quit; with servers running or the client connected, asks first")
#define MSG_TUI_HELP_KEY_REDRAW N_("redraw the screen")
#define MSG_TUI_HELP_KEY_SUSPEND N_("suspend (fg resumes)")
#define MSG_TUI_HELP_KEY_MOUSE N_("click a pane to focus it, a row to select; wheel scrolls")
#define MSG_TUI_HELP_KEY_Q N_("quit as F10 does, where the pane does not take q as text")
#define MSG_TUI_HELP_KEY_QUESTION                                                                  \
	N_("this help, where the pane does not take ? as text; other text goes to the prompt")
#define MSG_TUI_HELP_CLIENT_PAGE N_("scroll the replies")
#define MSG_TUI_HELP_CLIENT_ENTER N_("run the line: a /command, or data to send")
#define MSG_TUI_HISTORY_FAILED                                                                     \
	N_("history %s: %s: the lines typed now are not kept for the next run")
#define MSG_TUI_HELP_CLIENT_HISTORY N_("history (kept across runs); Ctrl-R searches it")
#define MSG_TUI_HELP_CLIENT_MOVE N_("start / end of line, word back / forward")
#define MSG_TUI_HELP_CLIENT_KILL N_("erase a word / to the end / the whole line")
#define MSG_TUI_HELP_CLIENT_CTRL_C                                                                 \
	N_("clear the line; on an empty line, quit (asks first while servers run)")
#define MSG_TUI_HELP_CLIENT_CTRL_D N_("on an empty line, quit (asks first while servers run)")
#define MSG_TUI_HELP_SERVERS_MOVE N_("pick a field or a running server")
#define MSG_TUI_HELP_SERVERS_ENDS N_("the first field / the last server")
#define MSG_TUI_HELP_SERVERS_CHANGE N_("change the field's value")
#define MSG_TUI_HELP_SERVERS_START                                                                 \
	N_("on [Start]: start the form's server; elsewhere: go to [Start]")
#define MSG_TUI_HELP_SERVERS_STOP N_("stop the selected server")
#define MSG_TUI_HELP_SERVERS_TYPE N_("type into them; Backspace, Ctrl-U erase")
#define MSG_TUI_HELP_PRESETS_MOVE N_("select a preset")
#define MSG_TUI_HELP_PRESETS_START N_("start the selected preset")
#define MSG_TUI_HELP_LOG_MOVE N_("select a line")
#define MSG_TUI_HELP_LOG_PAGE N_("a page back / forward")
#define MSG_TUI_HELP_LOG_HOME N_("the oldest line")
#define MSG_TUI_HELP_LOG_END N_("back to live (resumes a pause)")
#define MSG_TUI_HELP_LOG_DETAIL N_("the line in detail: both ends in full, hex + ASCII dump")
#define MSG_TUI_HELP_LOG_FILTER N_("filter: server=2 peer=127.0.0.1 port=9101 kind=recv text=hola")
#define MSG_TUI_HELP_LOG_CLEAR N_("clear the filter")
#define MSG_TUI_HELP_LOG_PAUSE N_("pause and resume")
#define MSG_TUI_HELP_LOG_FOLD N_("fold repeats into one line (x1532), or not")
/* Quitting with something running: the first quit asks. */
/* A count: one pair each (NN_), shown with P_() so ngettext finds it. */
#define MSG_TUI_QUIT_ASK                                                                           \
	NN_("%lu server is running: F10 again quits (or q, Ctrl-C); any other key goes on",        \
	    "%lu servers are running: F10 again quits (or q, Ctrl-C); any other key goes on")
#define MSG_TUI_QUIT_ASK_BOTH                                                                      \
	NN_("%lu server is running and the client is connected: F10 again quits; any other key "   \
	    "goes on",                                                                             \
	    "%lu servers are running and the client is connected: F10 again quits; any other key " \
	    "goes on")
#define MSG_TUI_QUIT_ASK_CONN                                                                      \
	N_("the client is connected: F10 again quits (or q, Ctrl-C); any other key goes on")
#define MSG_TUI_NO_RESOLVER N_("no resolver pipe (%s): /connect and /resolve cannot run")
#define MSG_TUI_HELP_COMMANDS N_("Client commands")
#define MSG_TUI_PRESET_REPLACE N_("port %u is taken by lab server #%u (%s): F%d again replaces it")
#define MSG_TUI_PRESET_HELD_BY                                                                     \
	N_("cannot start %s: %s: port %u is held by %s, not by the lab; stop it, then try again")
#define MSG_TUI_PRESET_HELD_HIDDEN                                                                 \
	N_("cannot start %s: %s: port %u is held by a program this user cannot see (ss -ltnup as " \
	   "root names it)")
#define MSG_TUI_PRESET_LOG N_("tutorial section %s: %s")
/* SYNs dropped on a full accept queue (ListenOverflows): the namespace's,
 * or both hosts' in a sandbox; the last %s is where (MSG_TUI_DROPS_WHERE*). */
#define MSG_TUI_SYNS_DROPPED_LOG                                                                   \
	NN_("the kernel dropped %llu SYN on a full accept queue "                                  \
	    "(ListenOverflows, %s: %llu since the lab began)",                                     \
	    "the kernel dropped %llu SYNs on a full accept queue "                                 \
	    "(ListenOverflows, %s: %llu since the lab began)")
#define MSG_TUI_SYNS_DROPPED_LONG                                                                  \
	NN_(" %llu SYN dropped: accept queue full (%s) ",                                          \
	    " %llu SYNs dropped: accept queue full (%s) ")
#define MSG_TUI_SYNS_DROPPED                                                                       \
	NN_(" %llu SYN drop: queue full, %s ", " %llu SYN drops: queue full, %s ")
#define MSG_TUI_SYNS_DROPPED_SHORT NN_(" %llu SYN drop (%s) ", " %llu SYN drops (%s) ")
#define MSG_TUI_DROPS_WHERE N_("whole netns")
#define MSG_TUI_DROPS_WHERE_SHORT N_("netns")
#define MSG_TUI_DROPS_WHERE_SANDBOX N_("hosts a and b")
#define MSG_TUI_DROPS_WHERE_SANDBOX_SHORT N_("a+b")
#define MSG_TUI_HELP_SEND                                                                          \
	N_("any other line is sent: over TCP with \\n added, over UDP as one datagram (//x sends " \
	   "/x)")
#define MSG_TUI_HELP_PRESETS N_("Presets (the tutorial's sections)")

#define MSG_EXPORT_BAD_FORMAT N_("unknown format '%s' (csv or jsonl)")

/* The lab's watched log (src/tui/tui_watch*.c): detail view, counters. */
#define MSG_WATCH_NOTE N_("lab notice (not a network event)")
#define MSG_WATCH_EVENT_SERVER N_("%s on server #%u  (%s/%s %s)")
#define MSG_WATCH_EVENT_CLIENT N_("%s on the lab's client  (%s)")
#define MSG_WATCH_CONN N_("%-10s connection %llu")
#define MSG_WATCH_TIME N_("%-10s %s")
#define MSG_WATCH_FOLDED N_("%-10s x%llu identical events on this line, the last at %s")
#define MSG_WATCH_LOCAL N_("local")
#define MSG_WATCH_PEER N_("peer")
#define MSG_WATCH_V6_DETAIL N_("%-10s flowinfo %u  scope_id %u (%s)")
#define MSG_WATCH_NO_SCOPE N_("no scope")
#define MSG_WATCH_NO_IFNAME N_("no such interface now")
#define MSG_WATCH_MAPPED_DETAIL N_("%-10s IPv4-mapped: raw %s, normalised %s")
#define MSG_WATCH_DROPPED                                                                          \
	NN_("%-10s %llu event lost: the lab fell behind",                                          \
	    "%-10s %llu events lost: the lab fell behind")
#define MSG_WATCH_BYTES NN_("%-10s %llu byte (%u recorded)", "%-10s %llu bytes (%u recorded)")
#define MSG_WATCH_DGRAM_CUT N_("the datagram was longer than the receive buffer: cut")
#define MSG_WATCH_REASON N_("%-10s closed: %s")
#define MSG_WATCH_ERRNO N_("%-10s %s (%s)")
#define MSG_WATCH_MESSAGE N_("%-10s %s")
#define MSG_WATCH_PAYLOAD N_("payload, hex and ASCII")
#define MSG_WATCH_NO_PAYLOAD N_("no payload")
#define MSG_WATCH_RATE_1S N_("   1s  in %s  out %s")
#define MSG_WATCH_RATE_10S N_("   10s in %s  out %s")
#define MSG_WATCH_DGRAM_RATE N_("   dg/s in %.0f out %.0f (10s %.0f/%.0f)")
#define MSG_WATCH_ACCEPT_QUEUE N_("   accept queue %u of backlog %u+1")
#define MSG_WATCH_ACCEPT_QUEUE_BARE N_("   accept queue %u of backlog %u")
#define MSG_WATCH_ACCEPT_QUEUE_LONG N_("   accept queue %u of backlog %u (Linux admits %u)")
#define MSG_WATCH_ACCEPT_WAIT N_("%-10s %d.%03d s in the accept queue, complete, before accept()")
#define MSG_WATCH_BACKLOG N_("   backlog %d")
#define MSG_WATCH_LOG_FILTERED N_("%s  filter: %s")
#define MSG_WATCH_PAUSED N_("PAUSED +%llu new  ")
#define MSG_WATCH_FOLDED_COUNT N_("folded %llu  ")
#define MSG_WATCH_FOLD_OFF N_("fold off  ")
#define MSG_WATCH_PROMPT N_("filter> ")
#define MSG_WATCH_DETAIL_TITLE N_("event #%llu")
#define MSG_WATCH_DETAIL_KEYS N_("Up/Down scroll  Left/Right older/newer  Esc closes")
#define MSG_WATCH_GONE N_("this line is no longer kept (the log is a bounded ring)")
#define MSG_WATCH_SAVED NN_("saved %zu event to %s (%s)", "saved %zu events to %s (%s)")
#define MSG_WATCH_SAVED_FOLDED                                                                     \
	NN_("saved %zu event to %s (%s), on its own line; %llu of them were folded on screen",     \
	    "saved %zu events to %s (%s), each on its own line; %llu of them were folded on "      \
	    "screen")
#define MSG_WATCH_LOG_FAILED N_("--log %s (no longer logging)")
#define MSG_TUI_KEYS_FILTER                                                                        \
	N_("Enter Apply  Esc Cancel  Ctrl-U Erase   e.g. server=2 peer=127.0.0.1 port=9101 "       \
	   "kind=recv text=hola")
#define MSG_TUI_CMD_SAVE                                                                           \
	N_("save the live log's shown lines (all: every kept event) as CSV or JSON Lines")
#define MSG_TUI_CMD_FILTER N_("filter the live log, as / does there (no expression: clear it)")
#define MSG_TUI_CMD_BAD_PATH N_("file name too long: %s")
#define MSG_TUI_FILTER_SET N_("live log filter: %s")
#define MSG_TUI_FILTER_CLEARED N_("live log filter cleared")

/* The lessons pane (pane_lesson.c) and --lesson. */
#define MSG_LESSON_TITLE_NONE N_("Lesson")
#define MSG_LESSON_NONE                                                                            \
	N_("No lesson: socklab --lesson N opens one (0, 1, 1.b, 2 .. 6), --lesson FILE a "         \
	   "teacher's own.")
#define MSG_LESSON_TITLE N_("Lesson %s: %s")
#define MSG_LESSON_PROGRESS N_("%d/%d")
#define MSG_LESSON_STEP N_("Step %d")
#define MSG_LESSON_TRY N_("Try (Up in the client pane recalls these):")
#define MSG_LESSON_RUN N_("Run elsewhere (another terminal):")
#define MSG_LESSON_RUN_B N_("Run on host b of the sandbox (another terminal):")
#define MSG_LESSON_CHECKS N_("What to look for:")
/* Under a check that cannot tick in this lab, with the reason. */
#define MSG_LESSON_NEEDS_PACKETS N_("needs the packet view: %s")
#define MSG_LESSON_NEEDS_SOCKETS N_("needs the kernel's socket table: %s")
#define MSG_LESSON_STARTED N_("lesson %s: %s")
#define MSG_LESSON_ALL_DONE N_("lesson %s: every check ticked")
#define MSG_LESSON_NO_SUCH N_("no lesson '%s' (the lessons: %s; or a FILE.lesson)")
#define MSG_LESSON_BAD N_("lesson %s: %s")
#define MSG_LESSON_TOO_BIG N_("longer than %d KiB")
#define MSG_LESSON_NEEDS N_("%s needs a lesson: N or FILE")
#define MSG_LESSON_KEYS N_("Up/Down Scroll  PgUp/PgDn Page  Home Top  F8 Log  Tab Pane  F1 Help")
#define MSG_LESSON_HELP_SCROLL N_("scroll the lesson")
#define MSG_LESSON_HELP_PAGE N_("a page up / down")
#define MSG_LESSON_HELP_TOP N_("back to the top")

#endif
