#!/usr/bin/env bash
# A connect given up while in progress (/close while the client pane's
# SYNs go unanswered, against a full accept queue) is traced as it
# happened in the System calls pane: the non-blocking connect left in
# progress (EINPROGRESS), then the close of that socket, with its Python.
# The lab runs in a network namespace of its own; its clients enter it.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"
command -v python3 >/dev/null || skip "python3 is not installed"
command -v unshare >/dev/null && command -v nsenter >/dev/null && command -v ip >/dev/null ||
	skip "unshare, nsenter or ip missing"
[ "$(id -u)" = 0 ] || skip "entering the lab's network namespace needs root"
unshare -n true 2>/dev/null || skip "cannot make a network namespace here"

# clients.py PORT N READY: N non-blocking connects (those the full queue
# drops do not block the others), held open; READY when they are made.
cat >"$T_DIR/clients.py" <<'PY'
import os, select, socket, sys, time
port, n, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
socks = []
for _ in range(n):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    socks.append(s)
select.select([], socks[:1], [], 5)
open(ready + ".tmp", "w").close()
os.rename(ready + ".tmp", ready)
time.sleep(600)
PY

inner=$(printf '%q ' "$SOCKLAB" --sequential --backlog 1 --serve tcp:echo:ipv4:9101@127.0.0.1)
tmx new-session -d -s "$TUI_PANE" -x 140 -y 45 \
	"env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME=$XDG_STATE_HOME unshare -n sh -c 'ip link set lo up && exec $inner'" ||
	{ fail "tmux"; t_done; }
tmx set-option -t "$TUI_PANE" remain-on-exit on >/dev/null
tmx set-option -t "$TUI_PANE" escape-time 0 >/dev/null
expect_screen "a sequential server with listen(1)" '#1 LISTEN tcp/echo ipv4 127\.0\.0\.1:9101'

# One client served, two in the queue (Linux admits backlog+1): full.
nsenter --net="/proc/$(pane_pid)/ns/net" python3 "$T_DIR/clients.py" 9101 3 "$T_DIR/fill" &
T_PIDS+=($!)
wait_for 10 test -e "$T_DIR/fill" || fail "the clients did not start"
expect_screen "the accept queue is full" 'accept queue 2 of backlog 1'

# The System calls pane in the log's slot, then back to the client pane.
keys BTab
keys F8 F8
expect_screen "system calls pane" " System calls"
keys Tab
type_line "/connect 127.0.0.1 9101"
expect_screen "the client's socket()" "client socket\(AF_INET, SOCK_STREAM, 0\) = [0-9]+"
type_line "/close"
expect_screen "the connect in progress, given up" \
	"client connect\([0-9]+, \('127\.0\.0\.1', 9101\)\) = -1 EINPROGRESS \(Operation now in"
fd=$(screen | sed -nE "s/.*client connect\(([0-9]+), \('127\.0\.0\.1', 9101\)\) = -1 EINPROGRESS.*/\1/p" | head -1)
check_match "the socket it was on" '^[0-9]+$' "$fd"
expect_screen "then the close of that socket, with its Python" "client close\($fd\) = 0 +c\.close\(\)"
if screen | grep -q 'Connection timed out\|ETIMEDOUT'; then fail "closed, not timed out"; else ok "closed, not timed out"; fi
quit_asked
if wait_for 10 pane_dead; then ok "quits"; else fail "quits"; fi
t_done
