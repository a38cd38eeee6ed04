# A host without IPv6, made as a private network namespace with IPv6
# disabled: ipv6 servers fail with a message naming the cause, dual and
# dual2 serve IPv4 only and say so.
. "$SOCKLAB_TESTS/lib.sh"
unshare -n true 2>/dev/null || skip "cannot create a network namespace (needs root or user namespaces)"

inner=$T_DIR/inner.sh
cat >"$inner" <<'INNER'
set -u
ip link set lo up
for k in all default lo; do sysctl -qw net.ipv6.conf.$k.disable_ipv6=1; done
out=$1
"$SOCKLAB" serve tcp:echo:ipv6:0 >"$out.ipv6" 2>&1
echo "rc=$?" >>"$out.ipv6"
for fam in dual dual2; do
	"$SOCKLAB" serve tcp:echo:$fam:0 >"$out.$fam" 2>&1 &
	pid=$!
	for _ in $(seq 250); do grep -q LISTEN "$out.$fam" && break; sleep 0.02; done
	port=$(grep -m1 LISTEN "$out.$fam" | grep -oE ':[0-9]+( |$)' | tr -d ': ')
	"$SOCKLAB" client --timeout 2 127.0.0.1 "$port" hola >"$out.$fam.client" 2>&1
	kill -TERM $pid; wait $pid
	echo "rc=$?" >>"$out.$fam"
done
INNER
unshare -n bash "$inner" "$T_DIR/r" || fail "namespace script failed"

check_match "ipv6 names the cause" "IPv6 is unavailable on this host" "$(cat "$T_DIR/r.ipv6")"
check_match "ipv6 exits 1" "rc=1" "$(cat "$T_DIR/r.ipv6")"
for fam in dual dual2; do
	check_match "$fam warns" "WARNING IPv6 is unavailable .*serving IPv4 only" "$(cat "$T_DIR/r.$fam")"
	check_match "$fam listens on IPv4" "LISTEN tcp/echo $fam 0.0.0.0:" "$(cat "$T_DIR/r.$fam")"
	check "$fam serves IPv4" "eco: hola" "$(cat "$T_DIR/r.$fam.client")"
	check_match "$fam stops cleanly" "rc=0" "$(cat "$T_DIR/r.$fam")"
done
t_done
