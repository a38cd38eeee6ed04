# dual on a specific address is never silently IPv6-only: Linux sets
# IPV6_V6ONLY when a socket is bound to one. On ::1 the server serves IPv4
# on a second socket (127.0.0.1) and says so; on an address with no IPv4
# counterpart (2001:db8::1, added inside a private network namespace) it
# refuses with a message that says why.
. "$SOCKLAB_TESTS/lib.sh"
have_ipv6 || skip "no IPv6 loopback"

serve_start s tcp:echo:dual:0@::1 || { fail "serve did not start"; t_done; }
wait_for 5 grep -q "#1 LISTEN tcp/echo dual 127.0.0.1:" "$T_DIR/s.out" ||
	fail "no IPv4 socket: $(cat "$T_DIR/s.out")"
check_match "the warning says why" "WARNING a socket bound to ::1 takes IPv6 only \(Linux sets IPV6_V6ONLY at bind" "$(cat "$T_DIR/s.out")"
port=$(grep -m1 "#1 LISTEN" "$T_DIR/s.out" | grep -oE ':[0-9]+ ' | tr -d ': ')
check "an IPv4 client is served" "eco: hola" "$("$SOCKLAB" client 127.0.0.1 "$port" hola 2>&1)"
check "an IPv6 client is served" "eco: hola" "$("$SOCKLAB" client ::1 "$port" hola 2>&1)"

if unshare -n true 2>/dev/null; then
	unshare -n sh -c 'ip link set lo up && ip addr add 2001:db8::1/128 dev lo nodad &&
		exec "$0" serve tcp:echo:dual:0@2001:db8::1' "$SOCKLAB" \
		>"$T_DIR/refused.out" 2>"$T_DIR/refused.err"
	check "refused: exit status" 1 "$?"
	check_match "refused: the message says why" "dual on 2001:db8::1: a socket bound to a specific address is IPv6-only \(Linux sets IPV6_V6ONLY at bind\), and host '2001:db8::1' has no IPv4 counterpart" "$(cat "$T_DIR/refused.err")"
else
	ok "refusal: skipped (no network namespace)"
fi
t_done
