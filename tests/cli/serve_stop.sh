# `socklab serve` stops within a second of SIGTERM/SIGINT whatever its
# output is doing: with 1000 clients streaming and --log (every
# server-stop close logged), and with standard output a pipe that nobody
# reads (what it never printed counted on stderr, exit 1), and as an
# unprivileged user. The stop is measured from the signal to the exit,
# waiting for the exit.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
LOADGEN=${SOCKLAB_BUILD:-build}/bench/loadgen
[ -x "$LOADGEN" ] || skip "$LOADGEN is not built (make $LOADGEN)"
# The promise is a second for the real build. A sanitizer build runs
# every instruction several times slower (ThreadSanitizer 5-15x), so its
# bound is scaled; it still catches a stop that hangs or waits on output.
case ${SOCKLAB_BUILD:-build} in
*thread*) BOUND_MS=8000 ;;
*address* | *undefined*) BOUND_MS=3000 ;;
*) BOUND_MS=1000 ;;
esac

# json_port_of FILE: the first listen port in a JSON Lines file.
json_port_of() { grep -m1 '"event":"listen"' "$1" | grep -oE '"port":[0-9]+' | head -1 | cut -d: -f2; }
_has_listen() { grep -q '"event":"listen"' "$1"; }
_lines_ge() { [ "$(wc -l <"$1")" -ge "$2" ]; }
_count_ge() { [ "$(grep -c "$2" "$1")" -ge "$3" ]; }

# stop_timed PID SIGNAL: sends SIGNAL, waits (5 s at most) for the exit;
# sets RC and STOP_MS (signal to exit).
stop_timed() {
	local t0 t1
	t0=$(date +%s%N)
	kill -"$2" "$1"
	if wait_for 5 _gone "$1"; then
		t1=$(date +%s%N)
		wait "$1"
		RC=$?
	else
		t1=$(date +%s%N)
		RC=hung
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
	fi
	STOP_MS=$(((t1 - t0) / 1000000))
}

ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# 1. 1000 active clients, --log, SIGTERM.
serve_start big --log "$T_DIR/big.jsonl" tcp:echo:ipv4:0 || fail "server did not listen"
port=$(listen_port big 1)
"$LOADGEN" echo 127.0.0.1 "$port" --conns 1000 --size 64 --window 4 --secs 30 --prefix 'eco: ' \
	>"$T_DIR/lg.out" 2>&1 &
lg=$!
T_PIDS+=("$lg")
# All 1000 accepted (the log has them) and traffic flowing.
wait_for 20 _count_ge "$T_DIR/big.jsonl" '"event":"accept"' 1000 || fail "1000 clients not accepted"
wait_for 10 _count_ge "$T_DIR/big.jsonl" '"event":"send"' 5000 || fail "no traffic"
# Its threads are named, as top -H and make bench show them (a sanitizer
# may add a thread of its own, which keeps the program's name).
check "its threads are named" "printer,server#1," \
	"$(grep -hxE 'printer|server#1' /proc/"$big_pid"/task/*/comm 2>/dev/null | sort | tr '\n' ',')"
stop_timed "$big_pid" TERM
kill "$lg" 2>/dev/null
check "1000 streaming clients: exit 0" 0 "$RC"
[ "$RC" != hung ] && [ "$STOP_MS" -lt "$BOUND_MS" ] && ok "1000 streaming clients: stopped in $STOP_MS ms" ||
	fail "1000 streaming clients: the stop took $STOP_MS ms (bound $BOUND_MS)"
accepts=$(grep -c '"event":"accept"' "$T_DIR/big.jsonl")
closes=$(grep -c '"reason":"server-stop"' "$T_DIR/big.jsonl")
ends=$(grep -c '"event":"close"' "$T_DIR/big.jsonl")
check "every connection's close is logged" "$accepts" "$ends"
[ "$closes" -gt 0 ] && ok "the server-stop closes are logged ($closes)" || fail "no server-stop close logged"
check "the stop is the log's last line" '"event":"stop"' "$(tail -1 "$T_DIR/big.jsonl" | grep -o '"event":"stop"')"
check "stdout got the stop too" STOP "$(tail -1 "$T_DIR/big.out" | grep -o STOP)"

# 2. Standard output a pipe that nobody reads, clients streaming: the
# pipe fills, then SIGINT.
mkfifo "$T_DIR/stuck"
exec 7<>"$T_DIR/stuck" # holds the pipe open; nobody ever reads it
env --default-signal=INT "$SOCKLAB" serve --log "$T_DIR/stuck.jsonl" tcp:echo:ipv4:0 \
	>"$T_DIR/stuck" 2>"$T_DIR/stuck.err" &
spid=$!
T_PIDS+=("$spid")
wait_for 10 _has_listen "$T_DIR/stuck.jsonl" || fail "server on a stuck pipe did not listen"
port=$(json_port_of "$T_DIR/stuck.jsonl")
"$LOADGEN" echo 127.0.0.1 "$port" --conns 20 --size 64 --window 4 --secs 30 --prefix 'eco: ' \
	>"$T_DIR/lg2.out" 2>&1 &
lg=$!
T_PIDS+=("$lg")
# Far more lines than a pipe holds (64 KiB) are logged: stdout is stuck.
wait_for 20 _lines_ge "$T_DIR/stuck.jsonl" 20000 || fail "no traffic on the stuck server"
stop_timed "$spid" INT
kill "$lg" 2>/dev/null
exec 7<&-
check "stuck stdout: exit 1" 1 "$RC"
[ "$RC" != hung ] && [ "$STOP_MS" -lt "$BOUND_MS" ] && ok "stuck stdout: stopped in $STOP_MS ms" ||
	fail "stuck stdout: the stop took $STOP_MS ms (bound $BOUND_MS)"
check_match "stuck stdout: the unprinted events are counted" \
	"^socklab: [1-9][0-9]* events never reached standard output \(it was not being read\)" \
	"$(cat "$T_DIR/stuck.err")"
check "stuck stdout: the log still ends with the stop" '"event":"stop"' \
	"$(tail -1 "$T_DIR/stuck.jsonl" | grep -o '"event":"stop"')"
accepts=$(grep -c '"event":"accept"' "$T_DIR/stuck.jsonl")
ends=$(grep -c '"event":"close"' "$T_DIR/stuck.jsonl")
check "stuck stdout: every close is logged" "$accepts" "$ends"

# 3. The same stop as an unprivileged user, who cannot take the printer
# back from SCHED_IDLE: the main thread does the last drain itself.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
	chmod 711 "$T_DIR" && mkdir -m 777 "$T_DIR/np"
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$SOCKLAB" serve --log "$T_DIR/np/np.jsonl" tcp:echo:ipv4:0 >"$T_DIR/np.out" 2>"$T_DIR/np.err" &
	np_pid=$!
	T_PIDS+=("$np_pid")
	wait_for 10 _listening "$T_DIR/np.out" 1 || fail "unprivileged server did not listen"
	port=$(listen_port np 1)
	"$LOADGEN" echo 127.0.0.1 "$port" --conns 200 --size 64 --window 4 --secs 30 --prefix 'eco: ' \
		>"$T_DIR/lg3.out" 2>&1 &
	lg=$!
	T_PIDS+=("$lg")
	wait_for 20 _count_ge "$T_DIR/np/np.jsonl" '"event":"accept"' 200 || fail "200 clients not accepted"
	wait_for 10 _count_ge "$T_DIR/np/np.jsonl" '"event":"send"' 5000 || fail "no unprivileged traffic"
	stop_timed "$np_pid" TERM
	kill "$lg" 2>/dev/null
	check "unprivileged: exit 0" 0 "$RC"
	[ "$RC" != hung ] && [ "$STOP_MS" -lt "$BOUND_MS" ] && ok "unprivileged: stopped in $STOP_MS ms" ||
		fail "unprivileged: the stop took $STOP_MS ms (bound $BOUND_MS)"
	check "unprivileged: every close logged" "$(grep -c '"event":"accept"' "$T_DIR/np/np.jsonl")" \
		"$(grep -c '"event":"close"' "$T_DIR/np/np.jsonl")"
fi

t_done
