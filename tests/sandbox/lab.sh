# `socklab --sandbox`: the lab on host a of its own two-host network, in
# tmux. The client pane's title says it is a sandbox, with the hosts'
# addresses, and the log's first notes give them all. A client on host b
# reaches the lab's dual server over IPv4, IPv6 and link-local, and the log
# shows each peer's tuple, the link-local one with its scope id and
# interface; the client pane dials a server on host b; /on b starts a
# preset on host b, /from b dials from there, and the detail view explains
# the scope id; after F10 nothing of the sandbox remains. As root and as
# nobody.
. "$SOCKLAB_TESTS/lib.sh"
. "$SOCKLAB_TESTS/cli/common.bash"
. "$SOCKLAB_TESTS/sandbox/common.bash"
sandbox_users "$@"
. "$SOCKLAB_TESTS/tui/lib-tui.sh"

tui_start_wrapped 180 45 --sandbox --serve tcp:echo:dual:9401 --serve b/tcp:cmd:ipv4:9102@0.0.0.0 || { fail "tmux did not start"; t_done; }
expect_screen "the lab's server listens on host a" 'LISTEN tcp/echo dual \[::\]:9401'
expect_screen "--serve b/SPEC: a server on host b" '#2 LISTEN tcp/cmd ipv4 0\.0\.0\.0:9102'
expect_screen "the running list says where each server runs (a)" '\[::\]:9401 v6only=0  on a'
expect_screen "the running list says where each server runs (b)" '0\.0\.0\.0:9102  on b'
SB_PID=$(lab_pid)
check_match "the lab's process" '^[0-9]+$' "$SB_PID"
ns_a=$(sb_exec a readlink /proc/self/ns/net)
[ "$ns_a" != "$(readlink /proc/self/ns/net)" ] && [ "$ns_a" = "$(readlink "/proc/$SB_PID/ns/net")" ] &&
	ok "the lab runs on host a, not on the machine's network" || fail "the lab is not on host a: $ns_a"
ifindex=$(sb_exec a ip -o link show eth0 | cut -d: -f1)
check "a -> the lab's server on b" "PONG" "$(sb_exec a "$SOCKLAB" client 198.51.100.2 9102 PING)"
run_out out sb_exec a "$SOCKLAB" client --timeout 2 127.0.0.1 9102 PING
check "that server is not on host a" 1 "$RC"

check "b -> the lab over IPv4" "eco: v4" "$(sb_exec b "$SOCKLAB" client 198.51.100.1 9401 v4)"
check "b -> the lab over IPv6" "eco: v6" "$(sb_exec b "$SOCKLAB" client 2001:db8::a 9401 v6)"
check "b -> the lab over link-local" "eco: ll" "$(sb_exec b "$SOCKLAB" client fe80::a%eth0 9401 ll)"
expect_screen "the log: b's IPv4 address, mapped" "ACCEPT tcp \('::ffff:198\.51\.100\.2', [0-9]+, 0, 0\)"
expect_screen "the log: b's IPv6 address" "ACCEPT tcp \('2001:db8::b', [0-9]+, 0, 0\)"
expect_screen "the log: b's link-local address with scope id and interface" \
	"ACCEPT tcp \('fe80::b', [0-9]+, 0, $ifindex\) +%eth0"

# A server on host b (socklab serve, run there), dialled from the lab's
# client pane on host a.
env --default-signal=INT "$SOCKLAB" sandbox exec --pid "$SB_PID" b "$SOCKLAB" serve \
	tcp:echo:ipv4:9101@0.0.0.0 >"$T_DIR/b.out" 2>&1 &
T_PIDS+=($!)
b_pid=$!
wait_for 10 grep -q LISTEN "$T_DIR/b.out" || fail "the server on b did not start: $(cat "$T_DIR/b.out")"
type_line "/connect 198.51.100.2 9101"
expect_screen "the client pane connects to host b" "connected .*198\.51\.100\.2"
type_line "hola b"
expect_screen "and gets b's echo" "eco: hola b"
wait_log_b() { grep -q "ACCEPT tcp ('198.51.100.1'" "$T_DIR/b.out"; }
wait_for 5 wait_log_b && ok "the server on b sees the lab as 198.51.100.1" ||
	fail "the server on b did not log a's address: $(cat "$T_DIR/b.out")"
stop_serve "$b_pid" INT
check "the server on b stops on Ctrl+C" 0 "$RC"

# The sandbox line, /on and /from, presets on host b, the detail view.
expect_screen "the client pane's title says it is a sandbox, with the addresses" \
	"Client from host a +SANDBOX a 198\.51\.100\.1 2001:db8::a +b 198\.51\.100\.2 2001:db8::b"
expect_screen "the log's notes give every address of both hosts" \
	"host b +eth0 +198\.51\.100\.2/24 +2001:db8::b/64 +fe80::b%eth0 \(scope id $ifindex\)"
type_line "/on b"
expect_screen "/on b: the servers' title says so" "Servers on host b"
keys F7
expect_screen "F7 on host b: the tutorial's dual greeting" "#3 LISTEN tcp/hello dual \[::\]:9401"
check "and it runs on b (b has 9401 now)" "hola dual" "$(sb_exec a "$SOCKLAB" client 2001:db8::b 9401 </dev/null)"
type_line "/connect fe80::b%eth0 9401"
expect_screen "the client pane on a reaches b's server over link-local" "< hola dual"
expect_screen "b's server sees a's link-local address, scope id and eth0" \
	"#3 ACCEPT tcp \('fe80::a', [0-9]+, 0, $ifindex\) +%eth0"
type_line "/from b"
expect_screen "/from b: the title says so" "Client from host b +SANDBOX"
type_line "/connect fe80::a%eth0 9401"
type_line "hola desde b"
expect_screen "the client pane from b reaches a's server over link-local" "eco: hola desde b"
expect_screen "a's server sees b's link-local address" "#1 ACCEPT tcp \('fe80::b', [0-9]+, 0, $ifindex\) +%eth0"
type_line "/on c"
expect_screen "/on c: a message naming the mistake" "unknown host 'c' \(expected a or b\)"

# The detail view of the link-local accept on b explains the scope id.
keys Tab Tab Tab
expect_screen "log pane focused" 'Enter Detail  / Filter'
keys /
keys -l "server=3 kind=accept"
keys Enter
expect_screen "filtered to b's accept" 'filter: server=3 kind=accept'
keys Enter
expect_screen "the detail: the link-local peer" "peer +\('fe80::a', [0-9]+, 0, $ifindex\) +%eth0"
expect_screen "flowinfo, scope_id and its interface" "flowinfo 0  scope_id $ifindex \(eth0\)"
expect_screen "what the scope id is" "scope_id $ifindex = the index of eth0, the link of this address"
expect_screen "why it is needed" "fe80::/64 is on every link: the scope id says which"
keys Escape
keys c
keys Tab

# Quit (servers are running, so F10 asks first): nothing of the sandbox remains.
keys F10
expect_screen "F10 asks first" 'F10 again quits'
keys F10
expect_screen "the lab exits with status 0" '^status=0$'
wait_for 5 no_holders && ok "the holder of host b is gone" || fail "holder left: $(holders)"
check "no process holds host a's namespace" "" "$(ns_users "$ns_a")"

# Without --sandbox: no SANDBOX line, and /on says how to get one.
tui_stop
tui_start_wrapped 100 30 || { fail "tmux did not start"; t_done; }
expect_screen "a plain lab" 'socklab>'
if screen | grep -q SANDBOX; then fail "a plain lab says SANDBOX"; else ok "a plain lab does not say SANDBOX"; fi
type_line "/on b"
expect_screen "/on outside a sandbox says how to get one" "not in a sandbox: start the lab with socklab --sandbox"
keys F10
expect_screen "the plain lab exits with status 0" '^status=0$'
t_done
