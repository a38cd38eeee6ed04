# `socklab sandbox exec`: the tutorial's own programs across the two hosts.
# A dual server on host a (socklab's, then the tutorial's Python one) on
# the tutorial's fixed port 9401, which no other user's sandbox can take;
# the tutorial's client_dualstack.py run on host b with a's addresses in
# place of 127.0.0.1 and ::1; both servers name the IPv4, IPv6 and
# link-local peers the same way. Then two sandboxes at once: --pid picks
# one. As root and as nobody.
. "$SOCKLAB_TESTS/lib.sh"
. "$SOCKLAB_TESTS/cli/common.bash"
. "$SOCKLAB_TESTS/sandbox/common.bash"
sandbox_users "$@"
[ -x "$PY" ] || skip "$PY (the system python3) is not installed"

# The tutorial's client, pointed at host a: the only change is the address.
sed -e 's/"127\.0\.0\.1"/"198.51.100.1"/' -e 's/"::1"/"2001:db8::a"/' \
	"$TUT/client_dualstack.py" >"$T_DIR/client_dualstack_b.py"
grep -q '"2001:db8::a", PORT, 0, 0' "$T_DIR/client_dualstack_b.py" ||
	fail "the tutorial's client_dualstack.py no longer has the addresses this test replaces"
# The same client over link-local: first as written for ::1, scope id 0,
# which Linux refuses for fe80:: (EINVAL); then with the scope id of eth0,
# the interface the address belongs to.
sed -e 's/"127\.0\.0\.1"/"198.51.100.1"/' -e 's/("::1", PORT, 0, 0)/("fe80::a", PORT, 0, 0)/' \
	"$TUT/client_dualstack.py" >"$T_DIR/client_ll0_b.py"
sed -e 's/"127\.0\.0\.1"/"198.51.100.1"/' \
	-e 's/("::1", PORT, 0, 0)/("fe80::a", PORT, 0, socket.if_nametoindex("eth0"))/' \
	"$TUT/client_dualstack.py" >"$T_DIR/client_ll_b.py"
grep -q 'if_nametoindex' "$T_DIR/client_ll_b.py" || fail "client_dualstack.py's IPv6 connect line has changed"

sb_serve s tcp:hello:dual:9401 || t_done
run_out py sb_exec b "$PY" "$T_DIR/client_dualstack_b.py"
check "client_dualstack.py on b exits 0" 0 "$RC"
check "client_dualstack.py on b <- socklab's dual server on a" $'IPv4: hola dual\n\nIPv6: hola dual\n\n' "$py"
run_out ll sb_exec b "$PY" "$T_DIR/client_ll0_b.py"
check "fe80::a with scope id 0: Linux refuses it" "Error IPv6: [Errno 22] Invalid argument" "$(grep IPv6 <<<"$ll")"
run_out ll sb_exec b "$PY" "$T_DIR/client_ll_b.py"
check "fe80::a with eth0's scope id" $'IPv4: hola dual\n\nIPv6: hola dual\n\n' "$ll"
ifindex=$(sb_exec a ip -o link show eth0 | cut -d: -f1)
_n_accepts() { [ "$(grep -c ACCEPT "$1")" -ge "$2" ]; }
wait_for 5 _n_accepts "$T_DIR/s.out" 5 || fail "socklab's server logged fewer than 5 connections"
check "socklab's server names the peers" "('::ffff:198.51.100.2', P, 0, 0)
('2001:db8::b', P, 0, 0)
('::ffff:198.51.100.2', P, 0, 0)
('::ffff:198.51.100.2', P, 0, 0)
('fe80::b', P, 0, $ifindex) %eth0" "$(sb_tuples "$T_DIR/s.out")"
# While this sandbox runs, a second one of the same user: --pid picks.
sb_serve t tcp:hello:ipv4:9401 || t_done
run_out out "$SOCKLAB" sandbox exec b true
check "two sandboxes (or more: other runs of this user), no --pid: exit 1" 1 "$RC"
check_match "  names the processes" "[0-9]+ sandboxes of yours are running \(processes( [0-9]+)+\): pick one with --pid PID" "$(last_err)"
check_match "  this run's two among them" "processes.* $s_pid( |\)).*" "$(last_err)"
check_match "  (the second too)" "processes.* $t_pid( |\)).*" "$(last_err)"
check "--pid picks the first" "hola dual" "$(SB_PID=$s_pid sb_exec b "$SOCKLAB" client 2001:db8::a 9401 </dev/null)"
run_out out env SB_PID="$t_pid" bash -c '"$SOCKLAB" sandbox exec --pid "$SB_PID" b "$SOCKLAB" client --timeout 2 2001:db8::a 9401 </dev/null'
check "--pid picks the second (IPv4 only: IPv6 refused)" 1 "$RC"
check_match "  whose own port 9401 holds no IPv6 server" "Connection refused" "$(last_err)"
stop_serve "$t_pid" TERM
check "the second sandbox stops with exit 0" 0 "$RC"
stop_serve "$s_pid" TERM
check "the first sandbox stops with exit 0" 0 "$RC"

# The tutorial's own dual server, run on host a through sandbox exec, sees
# the link-local client as Python does: the same tuple socklab prints.
sb_serve h tcp:hello:ipv4:0 || t_done
# 9401 is 24B9 in /proc/net/tcp6, read on host a.
listening_a() { sb_exec a awk '$2 ~ /:24B9$/ && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp6; }
env --default-signal=INT "$SOCKLAB" sandbox exec --pid "$SB_PID" a "$PY" -u \
	"$TUT/server_tcp_dualstack.py" >"$T_DIR/py.log" 2>&1 &
py_pid=$!
T_PIDS+=("$py_pid")
if wait_for 10 listening_a; then
	run_out out sb_exec b "$SOCKLAB" client fe80::a%eth0 9401 </dev/null
	check "the tutorial's server on a answers b over link-local" $'hola dual\n' "$out"
	wait_for 5 grep -q "Conexión de ('fe80::b'" "$T_DIR/py.log" ||
		fail "the tutorial's server did not log the link-local client"
	check "Python names the link-local peer as socklab does" "('fe80::b', P, 0, $ifindex)" \
		"$(grep -oE "\('fe80::b', [0-9]+, 0, [0-9]+\)" "$T_DIR/py.log" | sed -E 's/, [0-9]+, 0,/, P, 0,/')"
else
	fail "the tutorial's server did not listen on host a: $(cat "$T_DIR/py.log")"
fi
kill -INT "$py_pid" 2>/dev/null
wait "$py_pid"
check "the tutorial's server on a stops on Ctrl+C" 0 "$?"
stop_serve "$SB_PID" TERM
check "serve stops with exit 0" 0 "$RC"
wait_for 5 no_holders && ok "no holder of host b left" || fail "holders left: $(holders)"
t_done
