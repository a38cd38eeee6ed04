# `socklab serve --sandbox`: servers on host a (and b/SPEC on host b), a
# client on the other host reaches them over IPv4, IPv6 and link-local, the
# link-local peer shows its scope id and interface; the process has
# CAP_NET_RAW inside (tcpdump captures); nothing is left after exit. As root
# and as nobody (see sandbox_users).
. "$SOCKLAB_TESTS/lib.sh"
. "$SOCKLAB_TESTS/cli/common.bash"
. "$SOCKLAB_TESTS/sandbox/common.bash"
sandbox_users "$@"

host_has_sandbox_addr && skip "this machine's own network already uses 198.51.100.0/24 or 2001:db8::a/b"
sb_serve s tcp:echo:dual:0 b/tcp:echo:ipv6:0@:: || t_done
p1=$(listen_port s 1)
p2=$(listen_port s 2)
reach=$(cat "$T_DIR/s.err")
check_match "reach: host a's addresses" "host a +eth0 +198\.51\.100\.1/24 +2001:db8::a/64 +fe80::a%eth0 \(scope id [0-9]+\)" "$reach"
check_match "reach: host b's addresses" "host b +eth0 +198\.51\.100\.2/24 +2001:db8::b/64 +fe80::b%eth0" "$reach"
check_match "reach: which server runs where" "servers on host a: #1.*servers on host b: #2" "$(tr '\n' ' ' <<<"$reach")"
check_match "reach: the sandbox exec line names this process" "sandbox exec a\|b CMD.*\(pid $SB_PID\)" "$reach"
if host_has_sandbox_addr; then fail "a sandbox address showed up on the machine's own network"; else
	ok "the machine's own network has none of the sandbox's addresses"; fi

# The two hosts are two network namespaces, neither the test's own.
ns_a=$(sb_exec a readlink /proc/self/ns/net)
ns_b=$(sb_exec b readlink /proc/self/ns/net)
check_match "host a is a network namespace" '^net:\[[0-9]+\]$' "$ns_a"
check_match "host b is a network namespace" '^net:\[[0-9]+\]$' "$ns_b"
[ "$ns_a" != "$ns_b" ] && [ "$ns_a" != "$(readlink /proc/self/ns/net)" ] &&
	ok "a, b and the machine are three networks" || fail "hosts a and b are not separate: $ns_a $ns_b"
ifindex_a=$(sb_exec a ip -o link show eth0 | cut -d: -f1)
# serve itself holds CAP_NET_ADMIN (12) and CAP_NET_RAW (13) in its namespace.
caps=$(awk '/^CapEff:/ { print $2 }' "/proc/$SB_PID/status")
if (( (16#$caps >> 12 & 3) == 3 )); then ok "serve has CAP_NET_ADMIN and CAP_NET_RAW inside ($SB_AS)"; else
	fail "serve's effective capabilities lack NET_ADMIN/NET_RAW: $caps"; fi
check_match "eth0 on a has an index" '^[0-9]+$' "$ifindex_a"

# From b to a: IPv4 (mapped on the dual server), IPv6, link-local.
check "b -> a over IPv4" "eco: hola4" "$(sb_exec b "$SOCKLAB" client 198.51.100.1 "$p1" hola4)"
check "b -> a over IPv6" "eco: hola6" "$(sb_exec b "$SOCKLAB" client 2001:db8::a "$p1" hola6)"
check "b -> a over link-local" "eco: hola-ll" "$(sb_exec b "$SOCKLAB" client fe80::a%eth0 "$p1" hola-ll)"
# From a to the server on b (IPv6 only there).
check "a -> b over link-local" "eco: hola-b" "$(sb_exec a "$SOCKLAB" client fe80::b%eth0 "$p2" hola-b)"
run_out out sb_exec a "$SOCKLAB" client --timeout 2 198.51.100.2 "$p2" nada
check "a -> b over IPv4: nothing listens there (ipv6 only)" 1 "$RC"
check_match "  and the client says so" "Connection refused" "$(last_err)"
# The server on b is on b only: a's loopback has nothing on that port.
run_out out sb_exec a "$SOCKLAB" client --timeout 2 ::1 "$p2" nada
check "the server on b is not on a's loopback" 1 "$RC"

wait_log s "#2 ACCEPT tcp \('fe80::a'" || fail "the link-local connection on b was not logged"
check "the peers as Python prints them, with scope id and interface" \
	"('::ffff:198.51.100.2', P, 0, 0)
('2001:db8::b', P, 0, 0)
('fe80::b', P, 0, $ifindex_a) %eth0
('fe80::a', P, 0, $ifindex_a) %eth0" "$(sb_tuples "$T_DIR/s.out")"

# Inside, the sandbox's programs have CAP_NET_RAW: a capture on b sees a's SYN.
if command -v tcpdump >/dev/null; then
	sb_exec b tcpdump -n -l -c 1 -i eth0 "tcp port $p2" \
		>"$T_DIR/cap.out" 2>"$T_DIR/cap.err" &
	cap=$!
	wait_for 5 grep -q "listening on eth0" "$T_DIR/cap.err" || fail "tcpdump did not start on b: $(cat "$T_DIR/cap.err")"
	sb_exec a "$SOCKLAB" client 2001:db8::b "$p2" syn >/dev/null
	wait "$cap"
	check "tcpdump on host b ($SB_AS) exits 0" 0 "$?"
	check_match "it captured a's SYN to b, the first packet" "IP6 2001:db8::a\.[0-9]+ > 2001:db8::b\.$p2: Flags \[S\]" "$(cat "$T_DIR/cap.out")"
else
	echo "  note $T_NAME: tcpdump is not installed (.ci/packages has it): capture not checked" >&2
fi
check_match "ss on host a sees the listening server (sock_diag)" "LISTEN .*:$p1 " "$(sb_exec a ss -Htln)"
if "$SOCKLAB" --help | grep -q 'socklab sockets'; then
	check_match "socklab sockets on host b sees b's server (sock_diag)" "tcp +LISTEN +\[::\]:$p2 " \
		"$(sb_exec b "$SOCKLAB" sockets "$p2")"
fi

# A command that does not exist: 127, with its name.
run_out out "$SOCKLAB" sandbox exec --pid "$SB_PID" b /nonexistent/cmd
check "sandbox exec of a missing command exits 127" 127 "$RC"
check_match "  and names it" "/nonexistent/cmd: No such file" "$(last_err)"

# The end: exit 0, then nothing of the sandbox remains.
holder=$(holders)
check_match "one holder of host b while it runs" '^[0-9]+$' "$holder"
stop_serve "$SB_PID" TERM
check "serve --sandbox stops on SIGTERM with exit 0" 0 "$RC"
wait_for 5 no_holders && ok "the holder of host b is gone" || fail "holder left: $(holders)"
check "no process holds host a's namespace" "" "$(ns_users "$ns_a")"
check "no process holds host b's namespace" "" "$(ns_users "$ns_b")"
run_out out "$SOCKLAB" sandbox exec --pid "$SB_PID" b true
check "sandbox exec after the end exits 1" 1 "$RC"
check_match "  saying none runs there" "no sandbox of yours runs in process $SB_PID" "$(last_err)"
# A user with no sandbox at all (uid 4242, nobody's account; only root can be it).
if [ "$SB_AS" = root ]; then
	run_out out setpriv --reuid=4242 --regid=4242 --clear-groups "$SOCKLAB" sandbox exec b true
	check "a user without a sandbox: exit 1" 1 "$RC"
	check_match "  told how to start one" "no sandbox of yours is running: start one with socklab --sandbox" \
		"$(last_err)"
fi

# Killed outright (no cleanup of its own): the holder follows it.
sb_serve k tcp:echo:dual:0 || t_done
ns_k=$(sb_exec b readlink /proc/self/ns/net)
{ kill -KILL "$SB_PID"; wait "$SB_PID"; } 2>/dev/null
wait_for 5 no_holders && ok "after SIGKILL, the holder of host b is gone too" || fail "holder left: $(holders)"
check "no process holds that host b" "" "$(ns_users "$ns_k")"
t_done
