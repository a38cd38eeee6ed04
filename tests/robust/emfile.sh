# Out of file descriptors: accept fails with EMFILE, the server says so,
# backs off instead of spinning, and serves again once fds are freed.
. "$SOCKLAB_TESTS/lib.sh"
peers() { /usr/bin/python3 "$SOCKLAB_TESTS/robust/peers.py" "$@"; }
command -v prlimit >/dev/null || skip "prlimit not installed"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

out=$T_DIR/s.out
prlimit --nofile=32:32 "$SOCKLAB" serve tcp:echo:ipv4:0 >"$out" 2>"$T_DIR/s.err" &
pid=$!
T_PIDS+=("$pid")
wait_for 10 grep -q LISTEN "$out" || { fail "serve did not start"; t_done; }
port=$(grep -m1 LISTEN "$out" | grep -oE ':[0-9]+( |$)' | tr -d ': ')
exec 3> >(peers exhaust "$port" 60 >"$T_DIR/peer" 2>&1)
wait_for 10 grep -q '^opened 60' "$T_DIR/peer" || fail "could not open 60 connections"
wait_for 5 grep -q 'Too many open files' "$out" && ok "EMFILE reported" || fail "no EMFILE message"
# One second in the EMFILE state must not burn a second of CPU.
t0=$(cpu_ticks "$pid")
sleep 2   # a measurement window, not a wait for a condition
t1=$(cpu_ticks "$pid")
used=$((t1 - t0))
if [ "$used" -lt 30 ]; then ok "no busy loop while out of fds ($used ticks in 2 s)"
else fail "busy loop: $used clock ticks of CPU in 2 s"; fi
echo >&3; exec 3>&-
wait_for 15 grep -q '^echo' "$T_DIR/peer"
check_match "served again after fds were freed" "echo b'eco: hola\\\\n'" "$(cat "$T_DIR/peer")"
kill -0 "$pid" && ok "still running" || fail "server died"
t_done
