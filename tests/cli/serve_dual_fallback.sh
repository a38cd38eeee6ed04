# When IPV6_V6ONLY=0 cannot be set (forced here with the fault seam
# SOCKLAB_FAULT_V6ONLY=1), `serve ...:dual:0` falls back to two sockets,
# warns why, and still serves both 127.0.0.1 and ::1, TCP and UDP.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
need_ipv6

SOCKLAB_FAULT_V6ONLY=1 serve_start fb tcp:hello:dual:0 udp:echo:dual:0 tcp:echo:dual:0 ||
	{ fail "fallback servers did not listen"; cat "$T_DIR/fb.err" >&2; t_done; }
log=$(cat "$T_DIR/fb.out")
for n in 1 2 3; do
	check_match "#$n: warning names the cause" \
		"#$n WARNING IPV6_V6ONLY=0 refused \(Operation not permitted\).*two sockets" "$log"
	check "#$n: two listening sockets" 2 "$(grep -c "#$n LISTEN" <<<"$log")"
done
hp=$(listen_port fb 1) up=$(listen_port fb 2) ep=$(listen_port fb 3)
check_match "IPv6 socket is V6ONLY=1" "#1 LISTEN tcp/hello dual \[::\]:$hp v6only=1" "$log"
check_match "IPv4 socket on the same port" "#1 LISTEN tcp/hello dual 0\.0\.0\.0:$hp" "$log"

run_out got "$SOCKLAB" client 127.0.0.1 "$hp" </dev/null
check "fallback serves 127.0.0.1" $'hola dual\n' "$got"
run_out got "$SOCKLAB" client ::1 "$hp" </dev/null
check "fallback serves ::1" $'hola dual\n' "$got"
wait_log fb "#1 ACCEPT tcp \('127\.0\.0\.1', [0-9]+\)" || fail "IPv4 peer not logged as plain IPv4"
wait_log fb "#1 ACCEPT tcp \('::1', [0-9]+, 0, 0\)" || fail "IPv6 peer not logged"
run_out got "$SOCKLAB" client --udp 127.0.0.1 "$up" ping4
check "fallback UDP over 127.0.0.1" $'ping4\n' "$got"
run_out got "$SOCKLAB" client --udp ::1 "$up" ping6
check "fallback UDP over ::1" $'ping6\n' "$got"
run_out got "$SOCKLAB" client 127.0.0.1 "$ep" uno
check "fallback echo over 127.0.0.1" $'eco: uno\n' "$got"
run_out got "$SOCKLAB" client ::1 "$ep" dos
check "fallback echo over ::1" $'eco: dos\n' "$got"

# The seam touches dual only: ipv6 and dual2 ask for V6ONLY=1, no warning.
SOCKLAB_FAULT_V6ONLY=1 serve_start other tcp:echo:ipv6:0 tcp:echo:dual2:0 ||
	fail "ipv6/dual2 under the seam did not listen"
if grep -q WARNING "$T_DIR/other.out"; then fail "ipv6/dual2 warned under the seam"
else ok "ipv6 and dual2 need no fallback"; fi
# Without the seam, dual is one socket and no warning.
serve_start nofault tcp:echo:dual:0 || fail "dual did not listen"
check "dual without the seam: one socket" 1 "$(grep -c '#1 LISTEN' "$T_DIR/nofault.out")"
if grep -q WARNING "$T_DIR/nofault.out"; then fail "dual warned without the seam"
else ok "dual without the seam: no warning"; fi

t_done
