#!/usr/bin/env bash
# The lab's --log: a failing file is shown at once in the status line
# (/dev/full: the first flush fails), said again on stderr at the end with
# the count of events lost, and the exit status is 1; /save refuses a
# FIFO, a device or a directory without blocking; a good file holds
# every event to the end, including the server-stop closes and the stops
# that quitting causes.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

# quit_lab: F10, and once more if the lab asks to confirm.
quit_lab() {
	keys F10
	wait_screen END-OF-LAB 3 2>/dev/null || { keys F10; wait_screen END-OF-LAB 10; }
}

tui_start_wrapped 120 30 --serve tcp:echo:ipv4:0 --log /dev/full || { fail "tmux"; t_done; }
expect_screen "a failing --log shows at once in the status line" \
	'--log /dev/full: No space left on device: [0-9]+ events? not logged'
expect_screen "the server still listens" '#1 LISTEN tcp/echo ipv4 127\.0\.0\.1:[0-9]+'
port=$(log_port 1)
got=$(timeout 10 "$SOCKLAB" client 127.0.0.1 "$port" "still serving" </dev/null; echo .)
got=${got%.}
check "serving goes on after the log failed" $'eco: still serving\n' "$got"
quit_lab || fail "quit"
expect_screen "at the end, on stderr: the file, the cause, the count" \
	'^socklab: --log /dev/full: No space left on device: [1-9][0-9]* events? not logged'
expect_screen "exit status 1 after a failed --log" '^status=1$'
tui_stop

# Past `ulimit -f`: SIGXFSZ is ignored, the write fails with EFBIG, and
# that shows at once; the lab goes on and exits 1 at the end.
TUI_ENV="prlimit --fsize=2048:2048" tui_start_wrapped 120 30 --serve tcp:echo:ipv4:0 \
	--log "$T_DIR/small.jsonl" || { fail "tmux"; t_done; }
expect_screen "listening under ulimit -f" '#1 LISTEN tcp/echo ipv4 127\.0\.0\.1:[0-9]+'
port=$(log_port 1)
for i in 1 2 3 4 5 6 7 8; do
	timeout 10 "$SOCKLAB" client 127.0.0.1 "$port" "$(printf 'x%.0s' $(seq 1 200))" </dev/null >/dev/null
done
expect_screen "past ulimit -f: said at once in the status line" \
	"small\.jsonl: File too large: [0-9]+ events? not logged"
got=$(timeout 10 "$SOCKLAB" client 127.0.0.1 "$port" "still here" </dev/null; echo .)
check "serving goes on past ulimit -f" $'eco: still here\n' "${got%.}"
quit_lab || fail "quit"
expect_screen "exit status 1 after EFBIG" '^status=1$'
tui_stop

# A good log, quit with a connection open: the closes and the stop of
# quitting are in it.
tui_start_wrapped 120 30 --serve tcp:echo:ipv4:0 --log "$T_DIR/lab.jsonl" || { fail "tmux"; t_done; }
expect_screen "listening" '#1 LISTEN tcp/echo ipv4 127\.0\.0\.1:[0-9]+'
port=$(log_port 1)
python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"hola\n")
s.recv(100)
time.sleep(60)' "$port" &
holder=$!
T_PIDS+=("$holder")
expect_screen "the held connection is served" 'SEND tcp .*"eco: hola\\n"'
# /save refuses what is not a file, at once: a FIFO nobody reads, a
# device, a directory.
mkfifo "$T_DIR/fifo"
type_line "/save $T_DIR/fifo"
expect_screen "/save to a FIFO: refused, not blocking" 'fifo: a FIFO, not a regular file'
type_line "/save /dev/null"
expect_screen "/save to a device: refused" '/dev/null: a device, not a regular file'
type_line "/save $T_DIR"
expect_screen "/save to a directory: refused" 'a directory, not a regular file'
quit_lab || fail "quit"
expect_screen "exit status 0" '^status=0$'
kill "$holder" 2>/dev/null
grep -q '"event":"close".*"reason":"server-stop"' "$T_DIR/lab.jsonl" &&
	ok "--log has the server-stop close of quitting" || fail "no server-stop close in --log"
check "--log ends with the server's stop" '"event":"stop"' \
	"$(tail -1 "$T_DIR/lab.jsonl" | grep -o '"event":"stop"')"
t_done
