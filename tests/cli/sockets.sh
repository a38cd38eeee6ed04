# `socklab sockets PORT...`: the kernel's socket table (sock_diag) on the
# servers' ports: a sequential server's listener with clients waiting in
# its accept queue against the backlog; the connections on both sides,
# the tutorial's Python clients among them; TIME_WAIT after the close,
# with its countdown; UDP's unconnected socket; IPv6. Read again as
# nobody: sock_diag needs no privilege.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "$PY is not installed"

serve_start s --sequential --backlog 2 tcp:echo:ipv4:0 udp:echo:ipv4:0 ||
	{ fail "servers did not listen"; t_done; }
tp=$(listen_port s 1) up=$(listen_port s 2)

# Three Python clients: the first is served, the other two wait in the
# accept queue (the handshake is done by the kernel). They stay until
# their stdin closes.
mkfifo "$T_DIR/hold"
"$PY" -c '
import socket, sys
cs = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(3)]
cs[0].sendall(b"hola\n"); cs[0].recv(100)
print("ready", flush=True)
sys.stdin.read()
' "$tp" <"$T_DIR/hold" >"$T_DIR/py.out" &
py=$!
T_PIDS+=("$py")
exec 9>"$T_DIR/hold"
wait_for 5 grep -q ready "$T_DIR/py.out" || fail "Python clients did not connect"

queue_full() { "$SOCKLAB" sockets "$tp" | grep -q "LISTEN .*127.0.0.1:$tp .*accept queue 2/2"; }
wait_for 5 queue_full || fail "the listener's accept queue never showed 2/2"
"$SOCKLAB" sockets "$tp" >"$T_DIR/t1" 2>&1
check "sockets exits 0" 0 "$?"
check "the listener: accept queue 2 of backlog 2" 1 "$(grep -c "^tcp  LISTEN .*127\.0\.0\.1:$tp .*\*:\* .*accept queue 2/2" "$T_DIR/t1")"
check "six ESTABLISHED ends (three clients, both sides)" 6 "$(grep -c '^tcp  ESTABLISHED' "$T_DIR/t1")"
check "the clients' ends, Python's sockets, are listed" 3 \
	"$(grep -cE "^tcp  ESTABLISHED +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:$tp " "$T_DIR/t1")"

# Unprivileged: the same table.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$SOCKLAB" sockets "$tp" >"$T_DIR/t2" 2>&1
	check "as nobody: exits 0" 0 "$?"
	check "as nobody: the root-owned listener with its queue" 1 \
		"$(grep -c "LISTEN .*accept queue 2/2" "$T_DIR/t2")"
	check "as nobody: the connections" 6 "$(grep -c ESTABLISHED "$T_DIR/t2")"
fi

# JSON: one object per socket with the fields.
"$SOCKLAB" sockets --json "$tp" "$up" >"$T_DIR/j" 2>&1
got=$("$PY" -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
l = [e for e in ev if e["state"] == "LISTEN"][0]
u = [e for e in ev if e["transport"] == "udp"][0]
print(l["accept_queue"], l["backlog"], l["local"]["port"] == int(sys.argv[2]), "peer" in l,
      u["state"], u["local"]["port"] == int(sys.argv[3]))' "$T_DIR/j" "$tp" "$up")
check "JSON: listener and UDP socket" "2 2 True False UNCONN True" "$got"

# Close everything: the clients' FINs go first (the server closes after
# EOF), so the clients' ends wait in TIME_WAIT, counting down from 60 s.
exec 9>&-
wait "$py"
tw() { [ "$("$SOCKLAB" sockets "$tp" | grep -c TIME_WAIT)" -ge 3 ]; }
wait_for 10 tw || fail "no TIME_WAIT entries after the close"
"$SOCKLAB" sockets "$tp" >"$T_DIR/t3" 2>&1
check_match "TIME_WAIT with its countdown" "tcp  TIME_WAIT +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:$tp +Recv-Q 0 Send-Q 0 timewait [1-6]?[0-9]\.[0-9] s" \
	"$(cat "$T_DIR/t3")"
check "no ESTABLISHED left" 0 "$(grep -c ESTABLISHED "$T_DIR/t3")"
check "TIME_WAIT has no owner (inode 0) in JSON" "True" "$("$SOCKLAB" sockets --json "$tp" |
	"$PY" -c 'import json, sys; print(all(e["inode"] == 0 for e in map(json.loads, sys.stdin) if e["state"] == "TIME_WAIT"))')"

# IPv6 and the usage.
if have_ipv6; then
	serve_start v tcp:echo:ipv6:0 || fail "IPv6 server did not listen"
	vp=$(listen_port v 1)
	check_match "IPv6 listener" "tcp  LISTEN +\[::1\]:$vp " "$("$SOCKLAB" sockets "$vp")"
fi
run_out got "$SOCKLAB" sockets 70000
check "a bad port is a usage error" 2 "$RC"
check_match "a bad port: says which" "bad port '70000'" "$(last_err)"
t_done
