# A link-local server keeps its interface wherever its address is shown:
# the LISTEN line reads [fe80::1%lo]:PORT, not a bare fe80::1 that no
# client could use. Inside a private network namespace, where fe80::1 is
# put on its own lo, so nothing touches the host's network.
. "$SOCKLAB_TESTS/lib.sh"
unshare -n true 2>/dev/null || skip "no network namespace"

unshare -n sh -c 'ip link set lo up && ip addr add fe80::1/64 dev lo nodad &&
	{ "$0" serve tcp:echo:ipv6:0@fe80::1%lo udp:echo:ipv6:0@fe80::1%lo >"$1" & pid=$!;
	  for i in $(seq 250); do [ "$(grep -c LISTEN "$1")" -ge 2 ] && break; sleep 0.02; done;
	  port=$(grep -m1 "#1 LISTEN" "$1" | grep -oE "\]:[0-9]+" | tr -d "]:");
	  "$0" client fe80::1%lo "$port" hola > "$1.client" 2>&1;
	  kill -TERM $pid; wait $pid; }' "$SOCKLAB" "$T_DIR/s.out" >/dev/null 2>"$T_DIR/s.err"
check_match "TCP LISTEN keeps %lo" "#1 LISTEN tcp/echo ipv6 \[fe80::1%lo\]:[0-9]+ v6only=1" "$(cat "$T_DIR/s.out")"
check_match "UDP LISTEN keeps %lo" "#2 LISTEN udp/echo ipv6 \[fe80::1%lo\]:[0-9]+" "$(cat "$T_DIR/s.out")"
check "a client of the scoped address is served" "eco: hola" "$(cat "$T_DIR/s.out.client")"
t_done
