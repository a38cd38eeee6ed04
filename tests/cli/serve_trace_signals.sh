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
wait_log tr '#1 close\([0-9]+\) = 0 +conn\.close\(\)' || fail "no close step traced"
log=$(cat "$T_DIR/tr.out")
# strace's form, the tutorial's Python line beside it.
check_match "socket step" "#1 socket\(AF_INET, SOCK_STREAM, 0\) = [0-9]+ +srv = socket\.socket\(socket\.AF_INET, socket\.SOCK_STREAM\)" "$log"
lfd=$(sed -nE 's/.*#1 socket\(AF_INET, SOCK_STREAM, 0\) = ([0-9]+) .*/\1/p' <<<"$log")
check_match "SO_REUSEADDR step on that socket" "#1 setsockopt\($lfd, SOL_SOCKET, SO_REUSEADDR, 1\) = 0 +srv\.setsockopt\(socket\.SOL_SOCKET, socket\.SO_REUSEADDR, 1\)" "$log"
check_match "bind step" "#1 bind\($lfd, \('127\.0\.0\.1', 0\)\) = 0 +srv\.bind\(\('127\.0\.0\.1', 0\)\)" "$log"
check_match "listen step with its backlog" "#1 listen\($lfd, [0-9]+\) = 0 +srv\.listen\([0-9]+\)" "$log"
check_match "accept step with the peer" "#1 accept4\($lfd, \.\.\.\) = [0-9]+ \('127\.0\.0\.1', [0-9]+\) +conn, addr = srv\.accept\(\)" "$log"
cfd=$(sed -nE 's/.*#1 accept4\([0-9]+, \.\.\.\) = ([0-9]+) .*/\1/p' <<<"$log")
check_match "close step on the accepted socket" "#1 close\($cfd\) = 0 +conn\.close\(\)" "$log"
check_match "udp socket step" "#2 socket\(AF_INET, SOCK_DGRAM, 0\) = [0-9]+ +s = socket\.socket\(socket\.AF_INET, socket\.SOCK_DGRAM\)" "$log"
check_match "udp bind step" "#2 bind\([0-9]+, \('127\.0\.0\.1', 0\)\) = 0" "$log"
if grep -q '#2 listen' "$T_DIR/tr.out"; then fail "udp traced a listen"; else ok "udp has no listen step"; fi
order=$(grep -oE '#1 [a-z0-9]+\(' "$T_DIR/tr.out" | sed -E 's/#1 ([a-z0-9]+)\(/\1/' | tr '\n' ' ')
check "steps in the order they happen" "socket setsockopt bind listen accept4 recv send recv close " "$order"
# Section 1's own calls on the connection, with its Python lines.
check_match "recv of the line" "#1 recv\($cfd, [0-9]+\) = 5 +chunk = conn\.recv\(4096\)" "$log"
check_match "send of the reply" "#1 send\($cfd, 10\) = 10 +conn\.sendall\(resp\)" "$log"
check_match "the EOF recv" "#1 recv\($cfd, [0-9]+\) = 0 +chunk = conn\.recv\(4096\)" "$log"
# UDP (section 3): the recvmmsg and sendmmsg socklab really makes, each
# with a line per datagram (size, peer) beside the tutorial's recvfrom
# and sendto. Two datagrams from one client port, both echoed.
udp_client() {
	"$PY" -c '
import socket, sys
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.bind(("127.0.0.1", 0))
print(c.getsockname()[1], flush=True)
c.settimeout(5)
for m in (b"hola", b"chau!"):
    c.sendto(m, ("127.0.0.1", int(sys.argv[1])))
    assert c.recvfrom(4096)[0] == m
print("echoed", flush=True)
' "$1"
}
out=$(udp_client "$(listen_port tr 2)")
cport=$(head -1 <<<"$out")
check "udp: both datagrams echoed under --trace" echoed "$(tail -1 <<<"$out")"
wait_log tr "#2   \[0\] 5 bytes to \('127\.0\.0\.1', $cport\)" || fail "udp: no reply traced"
log=$(cat "$T_DIR/tr.out")
ufd=$(sed -nE 's/.*#2 socket\(AF_INET, SOCK_DGRAM, 0\) = ([0-9]+) .*/\1/p' <<<"$log")
check_match "udp: recvmmsg on the bound socket" "#2 recvmmsg\($ufd, [0-9]+\) = 1" "$log"
check_match "udp: the datagram's size and sender" "#2   \[0\] 4 bytes from \('127\.0\.0\.1', $cport\) +data, addr = s\.recvfrom\(4096\)" "$log"
check_match "udp: sendmmsg of the reply" "#2 sendmmsg\($ufd, 1\) = 1" "$log"
check_match "udp: the reply's size and peer" "#2   \[0\] 4 bytes to \('127\.0\.0\.1', $cport\) +s\.sendto\(data, addr\)" "$log"
check_match "udp: the second datagram too" "#2   \[0\] 5 bytes from \('127\.0\.0\.1', $cport\) +data, addr = s\.recvfrom\(4096\)" "$log"
order=$(grep -oE '#2 ([a-z0-9]+\(|  \[0\] [0-9]+ bytes (from|to))' "$T_DIR/tr.out" | sed -E 's/#2 //; s/\($//; s/ +\[0\] [0-9]+ bytes /[0]/' | tr '\n' ' ')
check "udp: steps in the order they happen" "socket bind recvmmsg [0]from sendmmsg [0]to recvmmsg [0]from sendmmsg [0]to " "$order"
# Without --trace, no system-call line at all.
serve_start plain tcp:echo:ipv4:0 udp:echo:ipv4:0 || fail "plain server did not listen"
"$SOCKLAB" client 127.0.0.1 "$(listen_port plain 1)" x >/dev/null 2>&1
wait_log plain '#1 CLOSE' || fail "plain close not logged"
check "plain udp: echoed" echoed "$(udp_client "$(listen_port plain 2)" | tail -1)"
wait_log plain '#2 DGRAM-OUT .* 5 B' || fail "plain udp: reply not logged"
if grep -qE '#[12] [a-z0-9]+\(|#2   \[' "$T_DIR/plain.out"; then fail "system-call lines without --trace"
else ok "no system-call lines without --trace"; fi

# echo-stdio: the recv and send calls beneath its line reads, and the
# connection's close.
serve_start st --trace tcp:echo-stdio:ipv4:0 || fail "traced echo-stdio did not listen"
run_out got "$SOCKLAB" client 127.0.0.1 "$(listen_port st 1)" hola mundo
check "echo-stdio reply under --trace" $'eco: hola\neco: mundo\n' "$got"
wait_log st '#1 close\([0-9]+\) = 0' || fail "echo-stdio: no close traced"
log=$(cat "$T_DIR/st.out")
check_match "echo-stdio: recv beneath the lines" "#1 recv\([0-9]+, [0-9]+\) = 11 +for raw in f:" "$log"
check_match "echo-stdio: the EOF recv" "#1 recv\([0-9]+, [0-9]+\) = 0 +for raw in f:" "$log"
check_match "echo-stdio: a send per reply" "#1 send\([0-9]+, 10\) = 10 +f\.write" "$log"

if have_ipv6; then
	serve_start tr6 --trace tcp:hello:dual:0 || fail "traced dual server did not listen"
	check_match "dual: V6ONLY=0 step" "#1 setsockopt\([0-9]+, IPPROTO_IPV6, IPV6_V6ONLY, 0\) = 0 +srv\.setsockopt\(socket\.IPPROTO_IPV6, socket\.IPV6_V6ONLY, 0\)" "$(cat "$T_DIR/tr6.out")"
	check_match "dual: bind [::]" "#1 bind\([0-9]+, \('::', 0, 0, 0\)\) = 0" "$(cat "$T_DIR/tr6.out")"
	# The V6ONLY fallback: the refused setsockopt, the close of that first
	# socket, then the two sockets.
	SOCKLAB_FAULT_V6ONLY=1 serve_start fb --trace tcp:hello:dual:0 || fail "traced fallback did not listen"
	log=$(cat "$T_DIR/fb.out")
	ffd=$(sed -nE 's/.*#1 setsockopt\(([0-9]+), IPPROTO_IPV6, IPV6_V6ONLY, 0\) = -1 EPERM \(Operation not permitted\).*/\1/p' <<<"$log")
	[ -n "$ffd" ] && ok "fallback: the refused IPV6_V6ONLY=0, with its errno" || fail "fallback: no refused IPV6_V6ONLY=0 traced"
	check_match "fallback: that first socket closed" "#1 close\($ffd\) = 0 +srv\.close\(\)" "$log"
	check "fallback: then two sockets listen" 2 "$(grep -cE '#1 listen\([0-9]+, [0-9]+\) = 0' <<<"$log")"
fi

# A failed step shows its errno: bind to a port already taken.
taken=$(listen_port plain 1)
run_out got "$SOCKLAB" serve --trace "tcp:echo:ipv4:$taken"
check "busy port under --trace exits 1" 1 "$RC"
check_match "failed bind traced with its errno" "bind\([0-9]+, \('127\.0\.0\.1', $taken\)\) = -1 EADDRINUSE \(Address already in use\)" "$got"
check_match "and the socket it leaves, closed" "#1 close\([0-9]+\) = 0 +srv\.close\(\)" "$got"

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
