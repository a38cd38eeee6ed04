#!/usr/bin/env bash
# Peer bytes never reach the terminal raw. A client sends an OSC title
# change, a clear-screen CSI and a C1 CSI (0x9b) to a raw echo server in
# the lab; a hostile server sends the same to the lab's client pane. The
# screen must not be cleared, the pane title must not change, and the bytes
# must show escaped, in the log and in the client pane alike.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

tui_start 160 40 --serve tcp:raw:ipv4:0 || { fail "tmux session"; t_done; }
expect_screen "raw echo server listens" '#1 LISTEN tcp/raw ipv4 127\.0\.0\.1:[0-9]+'
port=$(log_port 1)
title_before=$(tmx display-message -p -t "$TUI_PANE" '#{pane_title}')

printf '\033]2;pwned\007\033[2J\x9b31m\n' |
	timeout 10 "$SOCKLAB" client 127.0.0.1 "$port" >"$T_DIR/client.out"
expect_screen "bytes received, escaped in the log" \
	'#1 RECV tcp .* 19 B "\\x1b\]2;pwned\\x07\\x1b\[2J\\x9b31m\\n"'
expect_screen "bytes sent back, escaped in the log" '#1 SEND tcp .* 19 B "\\x1b\]2;pwned'
expect_screen "screen not cleared: the servers panel is still drawn" '^ Servers .*running'
expect_screen "screen not cleared: the listen line is still there" '#1 LISTEN tcp/raw'
title_after=$(tmx display-message -p -t "$TUI_PANE" '#{pane_title}')
check "pane title unchanged" "$title_before" "$title_after"
if [ "$title_after" = pwned ]; then fail "pane title was set by a peer"; fi
# No red foreground (SGR 31) leaked into the pane from the C1 CSI.
if tmx capture-pane -e -p -t "$TUI_PANE" | grep -q $'\033\\[31m'; then
	fail "a peer's SGR reached the screen"
else
	ok "no SGR from the peer on screen"
fi

# A hostile server: its greeting goes to the lab's client pane.
cat >"$T_DIR/hostile.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
s.listen(1)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
c, _ = s.accept()
c.sendall(b"\x1b]2;owned\x07\x1b[2J\x9b" + b"31mred\n\xff\xfe tail\n")
c.close()
PY
python3 "$T_DIR/hostile.py" "$T_DIR/hostile.port" &
T_PIDS+=($!)
wait_for 5 test -s "$T_DIR/hostile.port" || fail "hostile server did not start"
type_line "/connect 127.0.0.1 $(cat "$T_DIR/hostile.port")"
expect_screen "hostile greeting escaped in the client pane" \
	'^ < \\x1b\]2;owned\\x07\\x1b\[2J\\x9b31mred$'
expect_screen "invalid UTF-8 escaped in the client pane" '^ < \\xff\\xfe tail$'
check "pane title still unchanged" "$title_before" \
	"$(tmx display-message -p -t "$TUI_PANE" '#{pane_title}')"
expect_screen "still not cleared" '#1 LISTEN tcp/raw'
t_done
