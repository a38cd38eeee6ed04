# `socklab client` and `socklab resolve`: refused connections, each
# attempt with -v in getaddrinfo's order, UDP timeouts and --connect,
# stdin lines when no MESSAGE is given, usage errors, --help, --version.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "$PY is not installed"

# gai [--udp] [-4|-6] HOST PORT: getaddrinfo's answer, printed as resolve
# prints it (Python's socket.getaddrinfo with the same hints).
gai() {
	"$PY" -c '
import socket, sys
a = sys.argv[1:]
typ, fam = socket.SOCK_STREAM, socket.AF_UNSPEC
while a[0].startswith("-"):
    o = a.pop(0)
    typ = socket.SOCK_DGRAM if o == "--udp" else typ
    fam = {"-4": socket.AF_INET, "-6": socket.AF_INET6}.get(o, fam)
proto = "IPPROTO_UDP" if typ == socket.SOCK_DGRAM else "IPPROTO_TCP"
for f, t, _, _, sa in socket.getaddrinfo(a[0], int(a[1]), fam, typ):
    tup = str((sa[0], sa[1])) if f == socket.AF_INET else str(sa)
    print("%-8s %-11s %-11s %s" % (f.name, t.name, proto, tup))' "$@"
}

# Inside a private network and mount namespace (see the end of the file):
# a name that resolves to ::1 then 127.0.0.1, so a client has two
# addresses to try, in that order.
if [ "${1:-}" = --in-ns ]; then
	ip link set lo up || skip "cannot bring lo up in the namespace"
	have_ipv6 || skip "no ::1 in the namespace"
	printf '::1 twofam\n127.0.0.1 twofam\n' >"$T_DIR/hosts"
	mount --bind "$T_DIR/hosts" /etc/hosts || skip "cannot bind-mount /etc/hosts"
	# resolve lists exactly what getaddrinfo gives, in its order.
	for args in "twofam 9101" "--udp twofam 9201" "-4 twofam 80" "-6 twofam 80"; do
		run_out got "$SOCKLAB" resolve $args
		check "resolve $args = getaddrinfo" "$(gai $args)"$'\n' "$got"
	done
	check_match "resolve: IPv6 first, as /etc/hosts says" \
		$'^AF_INET6 .*\\(\'::1\', 9101, 0, 0\\)\nAF_INET  .*\\(\'127\\.0\\.0\\.1\', 9101\\)' "$(gai twofam 9101)"
	# Nothing listens: both addresses are tried, in order, and refused.
	run_out got "$SOCKLAB" client -v twofam 9101 hola
	check "both refused: exit 1" 1 "$RC"
	check "-v shows each attempt in order" "socklab: trying ('::1', 9101, 0, 0) ... Connection refused
socklab: trying ('127.0.0.1', 9101) ... Connection refused
socklab: connect 127.0.0.1:9101: Connection refused" "$(last_err)"
	# Only IPv4 listens: ::1 is refused, 127.0.0.1 is the one.
	serve_start v4 tcp:echo:ipv4:9101 || fail "ns server did not listen"
	run_out got "$SOCKLAB" client -v twofam 9101 hola
	check "falls through to the second address" $'eco: hola\n' "$got"
	check "-v: refused, then connected" "socklab: trying ('::1', 9101, 0, 0) ... Connection refused
socklab: trying ('127.0.0.1', 9101) ... connected" "$(last_err)"
	run_out got "$SOCKLAB" client -6 twofam 9101 hola
	check "-6 tries only ::1: exit 1" 1 "$RC"
	check_match "-6 tries only ::1: refused" "connect \[::1\]:9101: Connection refused" "$(last_err)"
	run_out got "$SOCKLAB" client -4 twofam 9101 hola
	check "-4 goes straight to 127.0.0.1" $'eco: hola\n' "$got"
	t_done
fi

# A port that is bound but not listening: nothing can take it meanwhile,
# and a connect to it is refused.
"$PY" -c '
import os, socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", s.getsockname()[1]))
print(s.getsockname()[1], flush=True)
for _ in range(3000):   # at most a minute; the script kills it sooner
    if not os.path.isdir(sys.argv[1]):
        break
    time.sleep(0.02)' "$T_DIR" >"$T_DIR/closed" 2>&1 &
T_PIDS+=($!)
wait_for 5 grep -q '^[0-9]' "$T_DIR/closed" || fail "could not reserve a port"
closed=$(cat "$T_DIR/closed")

run_out got "$SOCKLAB" client 127.0.0.1 "$closed" hola
check "refused: exit 1" 1 "$RC"
check "refused: message" "socklab: connect 127.0.0.1:$closed: Connection refused" "$(last_err)"
check "refused: nothing on stdout" "" "$got"
run_out got "$SOCKLAB" client -v 127.0.0.1 "$closed" hola
check "-v on a refused port" "socklab: trying ('127.0.0.1', $closed) ... Connection refused
socklab: connect 127.0.0.1:$closed: Connection refused" "$(last_err)"

# UDP with nobody answering (the port is bound by a silent socket above,
# so no ICMP either): the timeout, its message, exit 1.
t0=$(date +%s%N)
run_out got "$SOCKLAB" client --udp --timeout 0.5 127.0.0.1 "$closed" ping
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "udp no reply: exit 1" 1 "$RC"
check "udp no reply: message" "socklab: no reply from 127.0.0.1:$closed within 0.5 s" "$(last_err)"
[ "$ms" -ge 450 ] && [ "$ms" -lt 3000 ] && ok "udp no reply: waited the timeout ($ms ms)" ||
	fail "udp no reply: waited $ms ms for a 0.5 s timeout"

# --connect on a port where nothing is bound: the ICMP port unreachable
# comes back as Connection refused. (Free a port first: bind, note, close.)
free=$("$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Without --connect, the same port just stays silent: the timeout again.
run_out got "$SOCKLAB" client --udp --timeout 0.5 127.0.0.1 "$free" ping
check "udp, nothing bound, no --connect: exit 1" 1 "$RC"
check "udp, nothing bound, no --connect: timeout message" \
	"socklab: no reply from 127.0.0.1:$free within 0.5 s" "$(last_err)"
run_out got "$SOCKLAB" client --udp --connect --timeout 2 127.0.0.1 "$free" ping
check "udp --connect refused: exit 1" 1 "$RC"
check_match "udp --connect refused: Connection refused" "127\.0\.0\.1:$free: Connection refused" "$(last_err)"
if have_ipv6; then
	run_out got "$SOCKLAB" client --udp --connect --timeout 2 ::1 "$free" ping
	check "udp --connect refused over ::1: exit 1" 1 "$RC"
	check_match "udp --connect refused over ::1" "\[::1\]:$free: Connection refused" "$(last_err)"
fi

# Real servers for the rest.
serve_start srv tcp:echo:ipv4:0 udp:echo:ipv4:0 tcp:raw:ipv4:0 || { fail "servers did not listen"; t_done; }
ep=$(listen_port srv 1) up=$(listen_port srv 2) rp=$(listen_port srv 3)

run_out got bash -c 'printf "uno\ndos\n\ntres" | "$0" client 127.0.0.1 "$1"' "$SOCKLAB" "$ep"
check "stdin lines when no MESSAGE" $'eco: uno\neco: dos\neco: \n' "$got"
run_out got bash -c 'printf "uno\ndos\n" | "$0" client --udp 127.0.0.1 "$1"' "$SOCKLAB" "$up"
check "udp: one datagram per stdin line" $'uno\ndos\n' "$got"
wait_log srv "#2 DGRAM-IN .* 3 B \"dos\"" || fail "udp stdin line not sent as its own datagram"
run_out got "$SOCKLAB" client 127.0.0.1 "$ep" -- -x --udp
check "MESSAGEs after HOST PORT may start with -" $'eco: --\neco: -x\neco: --udp\n' "$got"
run_out got "$SOCKLAB" client 127.0.0.1 "$ep" "" "two words"
check "empty and spaced MESSAGEs" $'eco: \neco: two words\n' "$got"

# A megabyte through raw: everything comes back, nothing deadlocks while
# the client sends and receives at once, then EOF ends it (recv_all).
head -c 1048576 /dev/urandom >"$T_DIR/big"
timeout 20 "$SOCKLAB" client 127.0.0.1 "$rp" <"$T_DIR/big" >"$T_DIR/big.back" 2>"$T_DIR/last.err"
check "1 MiB through raw: exit 0" 0 "$?"
cmp -s "$T_DIR/big" "$T_DIR/big.back" && ok "1 MiB through raw: byte-exact" ||
	fail "1 MiB through raw: $(stat -c %s "$T_DIR/big.back") bytes back, not the same"

# On a terminal, peer bytes are escaped; with --raw they are not.
if command -v script >/dev/null; then
	cmd=$(printf '%q ' printf 'a\033]0;pwned\007b\033[2Jc\n')
	cl=$(printf '%q ' "$SOCKLAB" client 127.0.0.1 "$rp")
	script -qec "$cmd | $cl" /dev/null >"$T_DIR/tty.out" 2>&1
	if LC_ALL=C grep -q $'\033' "$T_DIR/tty.out"; then fail "peer ESC reached the terminal"
	else ok "terminal: peer escapes are shown escaped"; fi
	check_match "terminal: escaped text" 'a\\x1b\]0;pwned\\x07b\\x1b\[2Jc' "$(cat "$T_DIR/tty.out")"
	script -qec "$cmd | ${cl/client/client --raw}" /dev/null >"$T_DIR/tty.raw" 2>&1
	LC_ALL=C grep -q $'\033\[2J' "$T_DIR/tty.raw" && ok "--raw writes the bytes as they are" ||
		fail "--raw escaped the bytes"
	# What hides or reorders text is shown: ho<ZWSP>la never reads hola.
	cmd=$(printf '%q ' printf 'ho\342\200\213la h\303\251llo \342\200\256x\n')
	if locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then
		LC_ALL=C.UTF-8 script -qec "$cmd | $cl" /dev/null >"$T_DIR/tty.u8" 2>&1
		check_match "terminal, UTF-8: invisible characters escaped, text kept" \
			'ho\\u\{200B\}la héllo \\u\{202E\}x' "$(cat "$T_DIR/tty.u8")"
	fi
	# A terminal that is not UTF-8 gets ASCII: bytes >= 0x80 as \xNN.
	LC_ALL=C LANG=C script -qec "$cmd | $cl" /dev/null >"$T_DIR/tty.c" 2>&1
	check_match "terminal, LANG=C: bytes >= 0x80 as \\xNN" \
		'ho\\xe2\\x80\\x8bla h\\xc3\\xa9llo \\xe2\\x80\\xaex' "$(cat "$T_DIR/tty.c")"
	LC_ALL=C grep -q $'[\x80-\xff]' "$T_DIR/tty.c" && fail "terminal, LANG=C: a byte >= 0x80 reached it" ||
		ok "terminal, LANG=C: nothing but ASCII reached it"
	# A character cut by a read boundary is not split in two: its first
	# byte is echoed, then (0.3 s later) the rest; were both to arrive in
	# one read, the check could only pass more easily, never fail.
	if locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then
		LC_ALL=C.UTF-8 script -qec "{ printf 'x\\303'; sleep 0.3; printf '\\251y\\n'; } | $cl" /dev/null >"$T_DIR/tty.cut" 2>&1
		check_match "terminal: a character cut between reads is shown whole" '^xéy' "$(cat "$T_DIR/tty.cut")"
	fi
fi

# Usage errors: exit 2 with the usage.
ucase() {
	local name=$1 want=$2; shift 2
	run_out got "$SOCKLAB" "$@"
	check "$name: exit 2" 2 "$RC"
	check_match "$name: message" "$want" "$(last_err)"
	check_match "$name: usage" "usage: socklab" "$(last_err)"
}
ucase "client without HOST" "HOST missing" client
ucase "client without PORT" "PORT missing" client 127.0.0.1
ucase "client bad port" "bad port '99999'" client 127.0.0.1 99999
ucase "client bad timeout" "bad timeout 'soon'" client --timeout soon 127.0.0.1 1
ucase "client zero timeout" "bad timeout '0'" client --timeout 0 127.0.0.1 1
# --timeout states the range it really has (poll's milliseconds).
ucase "client timeout range" "bad timeout '0\.0001': finer than a millisecond \(expected 0\.001\.\.86400 seconds\)" \
	client --timeout 0.0001 127.0.0.1 1
ucase "client timeout too long" "bad timeout '86401': too large \(expected 0\.001\.\.86400 seconds\)" \
	client --timeout 86401 127.0.0.1 1
ucase "client argv escaped" "unknown option '--x\\\\x1b\[2J'" client $'--x\e[2J' 127.0.0.1 1
# The scope hints that serve gives.
run_out got "$SOCKLAB" client fe80::1 9
check "client fe80::1: exit 1" 1 "$RC"
check_match "client fe80::1: the scope hint" "fe80::1: a link-local address needs a scope id, e\.g\. fe80::1%eth0" "$(last_err)"
run_out got "$SOCKLAB" client fe80::1%nosuch 9
check "client fe80::1%nosuch: exit 1" 1 "$RC"
check_match "client fe80::1%nosuch: no such interface" "no interface named 'nosuch'" "$(last_err)"
# A name without an address of the family asked for says so, whatever
# the resolver's own words (EAI_AGAIN without DNS).
if ! /usr/bin/python3 -c 'import socket,sys; socket.getaddrinfo("localhost", None, socket.AF_INET6)' 2>/dev/null; then
	run_out got "$SOCKLAB" resolve -6 localhost
	check "resolve -6 localhost without ::1: exit 1" 1 "$RC"
	check_match "resolve -6 localhost without ::1: says why" "^socklab: localhost has no IPv6 address \(it resolves to 127\.0\.0\.1" "$(last_err)"
fi
run_out got "$SOCKLAB" client -6 127.0.0.1 9 x
check_match "-6 with an IPv4 literal: no IPv6 address" "127\.0\.0\.1 has no IPv6 address" "$(last_err)"
ucase "client unknown option" "unknown option" client --bogus 127.0.0.1 1
ucase "resolve without HOST" "HOST missing" resolve
ucase "resolve extra argument" "unexpected 'x'" resolve localhost 80 x
run_out got "$SOCKLAB" client nosuchhost.invalid 80
check "unresolvable host: exit 1" 1 "$RC"
check_match "unresolvable host: message" "nosuchhost\.invalid.*(not known|resolution|Name)" "$(last_err)"
run_out got "$SOCKLAB" client -6 127.0.0.1 "$ep" x
check "-6 with an IPv4 literal: exit 1" 1 "$RC"

# resolve: exactly what getaddrinfo gives, in its order.
run_out got "$SOCKLAB" resolve localhost 80
check "resolve localhost 80 = getaddrinfo's list, in order" "$(gai localhost 80)"$'\n' "$got"
check "resolve exit 0" 0 "$RC"
run_out got "$SOCKLAB" resolve --udp localhost 53
check "resolve --udp localhost 53 = getaddrinfo" "$(gai --udp localhost 53)"$'\n' "$got"
# The contract's order, `resolve HOST [PORT] [--udp]`: options after the
# operands work too.
run_out got "$SOCKLAB" resolve localhost 53 --udp
check "resolve HOST PORT --udp" "$(gai --udp localhost 53)"$'\n' "$got"
run_out got "$SOCKLAB" resolve localhost 80 -4
check "resolve HOST PORT -4" "$(gai -4 localhost 80)"$'\n' "$got"
run_out got "$SOCKLAB" resolve nosuchhost.invalid
check "resolve unknown name: exit 1" 1 "$RC"

# --help and --version.
for h in --help -h help; do
	run_out got "$SOCKLAB" $h
	check "$h: exit 0" 0 "$RC"
	check_match "$h: the SPEC grammar" "SPEC = TRANSPORT:SERVICE:FAMILY:PORT\[@HOST\]" "$got"
done
run_out got "$SOCKLAB" serve --help
check "serve --help: exit 0" 0 "$RC"
check_match "serve --help: usage" "socklab serve \[--json\] \[--trace\] \[--sequential\] \[--backlog N\]" "$got"
run_out got "$SOCKLAB" client --help
check "client --help: exit 0" 0 "$RC"
run_out got "$SOCKLAB" --version
check "--version: exit 0" 0 "$RC"
check_match "--version" '^socklab [0-9]+\.[0-9]+\.[0-9]+' "$got"

# The two-address cases, in a namespace of their own (root only).
if unshare -mn true 2>/dev/null; then
	unshare -mn bash "$0" --in-ns
	rc=$?
	case $rc in
	0) ok "namespace cases" ;;
	77) echo "  skip $T_NAME: namespace cases (see above)" >&2 ;;
	*) fail "namespace cases" ;;
	esac
else
	echo "  skip $T_NAME: unshare -mn not permitted: -v over two addresses not tested" >&2
fi

t_done
