# SYNs dropped on a full accept queue of host b count in the lab: a
# sequential server with listen(1) on host b, dialled from host a by more
# clients than Linux admits (backlog+1 waiting, one served); host b's
# kernel drops the other SYNs, and the servers pane and the log say so,
# as the drops of hosts a and b (each host is a network namespace of its
# own; the lab lives on host a). As root and as nobody.
. "$SOCKLAB_TESTS/lib.sh"
. "$SOCKLAB_TESTS/cli/common.bash"
. "$SOCKLAB_TESTS/sandbox/common.bash"
sandbox_users "$@"
. "$SOCKLAB_TESTS/tui/lib-tui.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

tui_start_wrapped 180 45 --sandbox --sequential --backlog 1 --serve b/tcp:echo:ipv4:9101@0.0.0.0 ||
	{ fail "tmux did not start"; t_done; }
expect_screen "a sequential server with listen(1) on host b" '#1 LISTEN tcp/echo ipv4 0\.0\.0\.0:9101'
SB_PID=$(lab_pid)
check_match "the lab's process" '^[0-9]+$' "$SB_PID"
drops='SYNs? dropped: accept queue full \(hosts a and b\)|SYN drops?: queue full, a\+b|SYN drops? \(a\+b\)'
if screen | grep -qE "$drops"; then fail "no drop counted before any"; else ok "no drop counted before any"; fi

# Six non-blocking connects from host a, held open: one is served, two
# wait in the queue, the SYNs of the other three are dropped on host b
# (and sent again by host a's kernel, dropped again).
sb_exec a python3 -c '
import socket, time
socks = []
for _ in range(6):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("198.51.100.2", 9101))
    except BlockingIOError:
        pass
    socks.append(s)
time.sleep(9)' &
T_PIDS+=($!)
expect_screen "the accept queue on host b is full" 'accept queue 2 of backlog 1'
wait_screen "$drops" 10 && ok "the servers pane counts host b's drops" ||
	fail "the servers pane counts host b's drops"
expect_screen "the log says so, and whose counters they are" \
	'the kernel dropped [0-9]+ SYNs? on a full accept queue \(ListenOverflows, hosts a and b: [0-9]+ since'

keys F10
expect_screen "F10 asks first" 'F10 again quits'
keys F10
expect_screen "the lab exits with status 0" '^status=0$'
t_done
