# `socklab serve --sequential` serves one client at a time, as the
# tutorial's loop does: a second client waits in the backlog until the
# first one leaves. Without it (concurrent, the default) the second is
# served while the first is still connected. Also --backlog reaches listen().
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "$PY is not installed"

# hold NAME PORT: a client that exchanges one line, then holds the
# connection until $T_DIR/NAME.release exists, then closes.
hold() {
	"$PY" -c '
import os, socket, sys, time
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
c.sendall(b"first\n")
got = b""
while not got.endswith(b"\n"):
    got += c.recv(100)
print(got.decode().strip(), flush=True)
while not os.path.exists(sys.argv[2]):
    time.sleep(0.01)
c.close()
' "$2" "$T_DIR/$1.release" >"$T_DIR/$1.hold" 2>&1 &
	T_PIDS+=($!)
}

_closes() { [ "$(grep -c '#1 CLOSE' "$1")" -ge "$2" ]; }

# scenario NAME MODE-ARGS...: first client holds, a second one is started
# and (per mode) served or not before the first leaves.
for mode in sequential concurrent; do
	if [ $mode = sequential ]; then args=(--sequential); else args=(); fi
	serve_start $mode "${args[@]}" tcp:echo:ipv4:0 || { fail "$mode: no listen"; continue; }
	p=$(listen_port $mode 1)
	hold $mode "$p"
	wait_for 5 grep -q 'eco: first' "$T_DIR/$mode.hold" || fail "$mode: first client not served"
	# The second client: -v says when its connect completed.
	"$SOCKLAB" client -v 127.0.0.1 "$p" second >"$T_DIR/$mode.second" 2>"$T_DIR/$mode.second.err" &
	second=$!
	T_PIDS+=($second)
	wait_for 5 grep -q 'connected' "$T_DIR/$mode.second.err" || fail "$mode: second client did not connect"
	if [ $mode = sequential ]; then
		# Bounded: a concurrent server answers in milliseconds.
		if wait_for 1 grep -q 'eco: second' "$T_DIR/$mode.second"; then
			fail "sequential: second client served while the first was connected"
		else ok "sequential: second client waits while the first is connected"; fi
		check "sequential: only one accept so far" 1 "$(grep -c '#1 ACCEPT' "$T_DIR/$mode.out")"
	else
		wait_for 5 grep -q 'eco: second' "$T_DIR/$mode.second" &&
			ok "concurrent: second client served while the first is connected" ||
			fail "concurrent: second client not served alongside the first"
	fi
	touch "$T_DIR/$mode.release"
	wait_for 5 grep -q 'eco: second' "$T_DIR/$mode.second" || fail "$mode: second client never served"
	wait_for 5 _gone "$second"
	wait "$second"
	check "$mode: second client exit 0" 0 "$?"
	check "$mode: second client output" "eco: second" "$(cat "$T_DIR/$mode.second")"
	wait_for 5 _closes "$T_DIR/$mode.out" 2 || fail "$mode: closes not logged"
	# The order in the log: sequential accepts B only after A closed.
	order=$(grep -oE '#1 (ACCEPT|CLOSE)' "$T_DIR/$mode.out" | awk '{print $2}' | tr '\n' ' ')
	if [ $mode = sequential ]; then
		check "sequential: accept, close, accept, close" "ACCEPT CLOSE ACCEPT CLOSE " "$order"
	else
		check "concurrent: both accepted before the first closed" "ACCEPT ACCEPT CLOSE CLOSE " "$order"
	fi
done

# --backlog N is what listen() gets (ss shows it as Send-Q of a listener).
if command -v ss >/dev/null; then
	serve_start bl --backlog 3 tcp:echo:ipv4:0 || fail "backlog server did not listen"
	p=$(listen_port bl 1)
	check "--backlog 3 reaches listen()" 3 "$(ss -Hltn "sport = :$p" | awk '{print $3}')"
	serve_start bls --sequential tcp:echo:ipv4:0 || fail "sequential server did not listen"
	p=$(listen_port bls 1)
	check "sequential default backlog is the tutorial's 8" 8 "$(ss -Hltn "sport = :$p" | awk '{print $3}')"
fi

t_done
