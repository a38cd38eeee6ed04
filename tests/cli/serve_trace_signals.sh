# `socklab serve --trace` shows the system-call steps, and SIGINT or
# SIGTERM stop every server cleanly (connections closed, stop events,
# exit 0), promptly, even with a client still connected.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
PY=/usr/bin/python3

serve_start tr --trace tcp:echo:ipv4:0 udp:echo:ipv4:0 || { fail "traced servers did not listen"; t_done; }
p=$(listen_port tr 1)
run_out got "$SOCKLAB" client 127.0.0.1 "$p" hola
check "reply under --trace" $'eco: hola\n' "$got"
wait_log tr '#1 SYSCALL close\(' || fail "no close step traced"
log=$(cat "$T_DIR/tr.out")
check_match "socket step" "#1 SYSCALL socket\(\) AF_INET = [0-9]+" "$log"
check_match "SO_REUSEADDR step" "#1 SYSCALL setsockopt\(\) SO_REUSEADDR=1 = 0" "$log"
check_match "bind step" "#1 SYSCALL bind\(127\.0\.0\.1:0\) = 0" "$log"
check_match "listen step" "#1 SYSCALL listen\(127\.0\.0\.1:0\) = 0" "$log"
check_match "accept step with the peer" "#1 SYSCALL accept\(127\.0\.0\.1:[0-9]+\) = [0-9]+" "$log"
check_match "close step" "#1 SYSCALL close\(.*\) = 0" "$log"
check_match "udp socket step" "#2 SYSCALL socket\(\) AF_INET = [0-9]+" "$log"
check_match "udp bind step" "#2 SYSCALL bind\(127\.0\.0\.1:0\) = 0" "$log"
if grep -q '#2 SYSCALL listen' "$T_DIR/tr.out"; then fail "udp traced a listen"; else ok "udp has no listen step"; fi
order=$(grep -oE '#1 SYSCALL [a-z]+' "$T_DIR/tr.out" | awk '{print $3}' | tr '\n' ' ')
check "steps in the order they happen" "socket setsockopt bind listen accept close " "$order"
# Without --trace, no SYSCALL line at all.
serve_start plain tcp:echo:ipv4:0 || fail "plain server did not listen"
"$SOCKLAB" client 127.0.0.1 "$(listen_port plain 1)" x >/dev/null 2>&1
wait_log plain '#1 CLOSE' || fail "plain close not logged"
if grep -q SYSCALL "$T_DIR/plain.out"; then fail "SYSCALL lines without --trace"
else ok "no system-call lines without --trace"; fi

if have_ipv6; then
	serve_start tr6 --trace tcp:hello:dual:0 || fail "traced dual server did not listen"
	check_match "dual: V6ONLY=0 step" "#1 SYSCALL setsockopt\(\) IPV6_V6ONLY=0 = 0" "$(cat "$T_DIR/tr6.out")"
	check_match "dual: bind [::]" "#1 SYSCALL bind\(\[::\]:0\) = 0" "$(cat "$T_DIR/tr6.out")"
fi

# A failed step shows its errno: bind to a port already taken.
taken=$(listen_port plain 1)
run_out got "$SOCKLAB" serve --trace "tcp:echo:ipv4:$taken"
check "busy port under --trace exits 1" 1 "$RC"
check_match "failed bind traced with its errno" "SYSCALL bind\(127\.0\.0\.1:$taken\) = -1 EADDRINUSE" "$got"

# Signals: each of SIGINT and SIGTERM, with a client connected and idle
# (it has sent a line and holds the connection open), stops everything.
# SIGINT needs its default disposition restored (serve_start_sigint).
for sig in INT TERM; do
	for round in 1 2 3; do
		name=s$sig$round
		serve_start_sigint "$name" tcp:echo:ipv4:0 tcp:echo-stdio:ipv4:0 udp:echo:ipv4:0 ||
			{ fail "$name: servers did not listen"; continue; }
		p1=$(listen_port "$name" 1) p2=$(listen_port "$name" 2)
		# Clients that stay connected: they never close their side.
		"$PY" -c '
import socket, sys, time
cs = []
for p in sys.argv[1:]:
    c = socket.create_connection(("127.0.0.1", int(p)))
    c.sendall(b"hold\n")
    assert c.recv(100) == b"eco: hold\n"
    cs.append(c)
print("connected", flush=True)
for c in cs:
    c.settimeout(10)
    print("eof" if c.recv(100) == b"" else "data", flush=True)
' "$p1" "$p2" >"$T_DIR/$name.cl" 2>&1 &
		cl=$!
		wait_for 5 grep -q connected "$T_DIR/$name.cl" || fail "$name: holding clients did not connect"
		pid_var=${name}_pid
		t0=$(date +%s%N)
		stop_serve "${!pid_var}" "$sig"
		ms=$(( ($(date +%s%N) - t0) / 1000000 ))
		check "SIG$sig round $round: exit 0" 0 "$RC"
		[ "$ms" -lt 1000 ] && ok "SIG$sig round $round: stopped in $ms ms" ||
			fail "SIG$sig round $round: stop took $ms ms"
		log=$(cat "$T_DIR/$name.out")
		check "SIG$sig round $round: a stop event per server" 3 "$(grep -c ' STOP ' <<<"$log")"
		check "SIG$sig round $round: held connections closed by the stop" 2 \
			"$(grep -cE '#[12] CLOSE tcp .* server-stop' <<<"$log")"
		wait_for 5 _gone "$cl"
		wait "$cl" 2>/dev/null
		check "SIG$sig round $round: clients saw EOF" $'connected\neof\neof' "$(cat "$T_DIR/$name.cl")"
	done
done

t_done
