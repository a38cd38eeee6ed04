#!/usr/bin/env bash
# A burst of traffic cannot freeze the lab: while a client pours datagrams
# into a UDP echo server (two events each, tens of thousands a second),
# typing still works, runs of repeats fold into counted lines, the log stays a
# bounded ring and the events the queue had to drop are counted on screen.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

# A small event queue (64 KiB instead of 16 MiB), so that drops are sure
# to happen and can be checked.
export SOCKLAB_QUEUE_BYTES=65536
tui_start 120 36 --serve udp:echo:ipv4:0 || { fail "tmux"; t_done; }
wait_screen '#1 LISTEN udp/echo' || { fail "lab started"; t_done; }
port=$(log_port 1)
pid=$(pane_pid)

# Datagrams for up to 20 s, or until the test is done with it.
cat >"$T_DIR/flood.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setblocking(False)
end = time.time() + 20
while time.time() < end:
    for _ in range(1000):
        try:
            s.sendto(b"hola", ("127.0.0.1", int(sys.argv[1])))
        except BlockingIOError:
            pass
        try:
            s.recv(64)
        except BlockingIOError:
            pass
PY
python3 "$T_DIR/flood.py" "$port" &
flood=$!
T_PIDS+=($flood)
wait_screen '#1 DGRAM-IN udp' 10 || fail "flood reaches the log"
type_line "/resolve 127.0.0.1 4242"
expect_screen "typing answered during the flood" "\('127\.0\.0\.1', 4242\)" 10
if kill -0 "$flood" 2>/dev/null; then ok "the flood was still running then"; else
	fail "the flood ended too early to prove anything"; fi
expect_screen "dropped events are counted" 'dropped [1-9][0-9]*' 10
# A run of identical datagrams from one peer (the server reads and
# answers them in batches) folds into a line with a count; in and out
# never fold over each other, so the order stays as it happened. The
# losses show where they happened.
# The log pane's text with its wrapped rows joined (a count may wrap).
log_text() { screen | sed 's/^[^│]*│//' | tr '\n' ' ' | tr -s ' '; }
in_out_folded() { [ "$(log_text | grep -oE 'B "hola" x[0-9]+' | wc -l)" -ge 2 ]; }
in_then_out() { log_text | grep -qE 'DGRAM-IN udp [^"]*"hola"( x[0-9]+)? [0-9:.]+ #1 DGRAM-OUT'; }
losses_shown() { log_text | grep -qE 'DROPPED [0-9]+ events? dropped: the consumer fell behind'; }
if wait_for 10 in_out_folded; then ok "repeats fold into counted lines"; else
	fail "repeats fold into counted lines"; screen | sed 's/^/    | /' >&2; fi
if wait_for 10 in_then_out; then ok "in and out keep their order"; else
	fail "in and out keep their order"; screen | sed 's/^/    | /' >&2; fi
expect_screen "the title counts what folded" 'folded [1-9][0-9]*' 10
if wait_for 10 losses_shown; then ok "losses are reported in the log"; else
	fail "losses are reported in the log"; screen | sed 's/^/    | /' >&2; fi
# Folding off (f in the log pane): every event a line, up to the bound.
keys Tab Tab Tab f
expect_screen "f turns folding off" 'fold off'
expect_screen "the log fills up to its bound" ' 5000 lines  dropped' 15
kill "$flood"
wait "$flood" 2>/dev/null
# The log is a bounded ring: its title counts the lines kept.
kept=$(screen | grep -oE '[0-9]+ lines  dropped [0-9]+' | head -1 | awk '{ print $1 }')
check_match "log line count shown" '^[0-9]+$' "$kept"
if [ "${kept:-0}" -eq 5000 ]; then ok "log kept at its bound"; else fail "log bound: ${kept:-?} lines, 5000 wanted"; fi
# Memory: the lab's stated bound (64 MiB, as make bench checks under its
# flood), times a sanitizer's shadow memory when the binary has one.
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
bound=$((65536 * $(rss_factor)))
if [ -n "$rss" ] && [ "$rss" -lt "$bound" ]; then ok "memory bounded (${rss} kB of $bound)"
else fail "memory: ${rss:-?} kB, bound $bound kB"; fi
quit_asked
if wait_for 10 pane_dead; then ok "quits after the flood"; else fail "quits after the flood"; fi
t_done
