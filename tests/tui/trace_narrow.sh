#!/usr/bin/env bash
# The system calls pane at 80x24, the size of a projector: the serve
# --trace form (time, call padded to a column, Python) is wider than 80
# columns, so a narrow pane drops the time and the padding and every call
# shows whole with its Python line (zoomed with F9), and the unzoomed
# pane starts each row with the call, not a time that pushes it off. F8
# pressed in the client pane turns the log's place to it and keeps the
# focus in the client pane.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"

tui_start 80 24 --serve tcp:echo:ipv4:0@127.0.0.1 || { fail "tmux"; t_done; }
expect_screen "the server listens" '#1 LISTEN tcp/echo ipv4'
# The LISTEN line folds at 80 columns: the port from the servers pane.
port=$(screen | grep -m1 -oE '^ +127\.0\.0\.1:[0-9]+' | cut -d: -f2)
check_match "its port" '^[0-9]+$' "$port"
type_line "/connect 127.0.0.1 $port"
expect_screen "the client pane connects" "connected to \('127\.0\.0\.1', $port\)"
type_line "hola"
expect_screen "the echo" '< eco: hola'

# F8 in the client pane steps through the views of the log's place (the
# system calls among them) and leaves the focus where the class types.
for _ in 1 2 3 4 5; do
	keys F8
	wait_for 2 _screen_has ' System calls' && break
done
expect_screen "F8 from the client pane: the system calls in the log's place" ' System calls'
expect_screen "unzoomed: a row starts with the call" '│#1 listen\([0-9]+, 4096\) = 0  srv\.listen'
type_line "adios"
expect_screen "the focus stayed: a line typed next is sent, its send() shown" \
	'│client send\([0-9]+, 6\) = 6  c\.sendall\(data\)'
keys BTab
keys F9
# Whole lines, each ending with its Python: nothing cut at column 80.
expect_screen "accept4 whole with its Python" \
	"^#1 accept4\([0-9]+, \.\.\.\) = [0-9]+ \('127\.0\.0\.1', [0-9]+\)  conn, addr = srv\.accept\(\)$"
expect_screen "the client's connect whole with its Python" \
	"^client connect\([0-9]+, \('127\.0\.0\.1', $port\)\) = 0  c\.connect\(\(HOST, PORT\)\)$"
expect_screen "the server's recv whole with its Python" \
	"^#1 recv\([0-9]+, [0-9]+\) = 5  chunk = conn\.recv\(4096\)$"
if screen | grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} '; then
	fail "no time column at 80 columns"
else
	ok "no time column at 80 columns"
fi
keys F9
quit_asked
if wait_for 10 pane_dead; then ok "quits"; else fail "quits"; fi
t_done
