# `socklab serve` failures: a busy port names the address and the cause
# and exits 1 (stopping what it had started); a bad SPEC or option prints
# the usage and exits 2 before opening any socket.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"

serve_start busy tcp:echo:ipv4:0 udp:echo:ipv4:0 || { fail "first servers did not listen"; t_done; }
tp=$(listen_port busy 1) up=$(listen_port busy 2)

run_out got "$SOCKLAB" serve "tcp:echo:ipv4:$tp"
check "busy TCP port: exit 1" 1 "$RC"
check_match "busy TCP port: message" "^socklab: bind 127\.0\.0\.1:$tp: Address already in use" "$(last_err)"
run_out got "$SOCKLAB" serve "udp:echo:ipv4:$up"
check "busy UDP port: exit 1" 1 "$RC"
check_match "busy UDP port: message" "^socklab: bind 127\.0\.0\.1:$up: Address already in use" "$(last_err)"
run_out got "$SOCKLAB" serve --json "tcp:raw:ipv4:$tp"
check "busy port under --json: exit 1" 1 "$RC"
check_match "busy port under --json: message on stderr" "bind 127\.0\.0\.1:$tp: Address already in use" "$(last_err)"
if [ -n "$got" ]; then
	printf '%s\n' "$got" >"$T_DIR/busy.json"
	"$JSONCHECK" events "$T_DIR/busy.json" &&
		ok "busy port under --json: stdout still JSON" || fail "busy port under --json: stdout not JSON"
fi

# The second SPEC fails: the first, already listening, is stopped again
# and the exit is still 1, promptly.
run_out got timeout 5 "$SOCKLAB" serve tcp:echo:ipv4:0 "tcp:echo:ipv4:$tp"
check "busy second SPEC: exit 1" 1 "$RC"
check_match "busy second SPEC: the first was started" "#1 LISTEN tcp/echo ipv4 127\.0\.0\.1:[0-9]+" "$got"
check_match "busy second SPEC: and stopped" "#1 STOP" "$got"
check_match "busy second SPEC: message" "^socklab: bind 127\.0\.0\.1:$tp: Address already in use" "$(last_err)"
# The server that held the port is unaffected.
run_out got "$SOCKLAB" client 127.0.0.1 "$tp" still
check "the holder still serves" $'eco: still\n' "$got"

if have_ipv6; then
	serve_start busy6 tcp:echo:ipv6:0 tcp:echo:dual:0 || fail "IPv6 holders did not listen"
	p6=$(listen_port busy6 1) pd=$(listen_port busy6 2)
	run_out got "$SOCKLAB" serve "tcp:echo:ipv6:$p6"
	check "busy IPv6 port: exit 1" 1 "$RC"
	check_match "busy IPv6 port: message" "^socklab: bind \[::1\]:$p6: Address already in use" "$(last_err)"
	# dual holds IPv4 too: an IPv4 server on its port is refused.
	run_out got "$SOCKLAB" serve "tcp:echo:ipv4:$pd"
	check "port of a dual server is busy for IPv4: exit 1" 1 "$RC"
	check_match "port of a dual server is busy for IPv4: message" "^socklab: bind 127\.0\.0\.1:$pd: Address already in use" "$(last_err)"
fi

# usage errors: exit 2, the usage on stderr, nothing on stdout.
usage_case() {
	local name=$1 want=$2; shift 2
	run_out got timeout 5 "$SOCKLAB" "$@"
	check "$name: exit 2" 2 "$RC"
	check "$name: nothing on stdout" "" "$got"
	check_match "$name: message" "$want" "$(last_err)"
	check_match "$name: usage" "usage: socklab .*serve" "$(last_err)"
}
usage_case "unknown family" "unknown family 'ipv5'" serve tcp:echo:ipv5:0
usage_case "port too big" "bad port '65536'" serve tcp:echo:ipv4:65536
usage_case "port not a number" "bad port 'http'" serve tcp:echo:ipv4:http
usage_case "negative port" "bad port '-1'" serve tcp:echo:ipv4:-1
usage_case "empty port" "bad port ''|bad spec" serve tcp:echo:ipv4:
usage_case "udp:cmd" "'cmd' is TCP only" serve udp:cmd:ipv4:0
usage_case "udp:hello" "'hello' is TCP only" serve udp:hello:ipv4:0
usage_case "unknown service" "unknown service 'foo'" serve tcp:foo:ipv4:0
usage_case "unknown transport" "unknown transport 'sctp'" serve sctp:echo:ipv4:0
usage_case "missing port" "bad spec 'tcp:echo:ipv4'" serve tcp:echo:ipv4
usage_case "missing family" "bad spec 'tcp:echo'" serve tcp:echo
usage_case "transport only" "bad spec 'tcp'" serve tcp
usage_case "empty spec" "bad spec ''" serve ''
usage_case "empty host" "empty host" serve tcp:echo:ipv4:0@
usage_case "no spec" "no SPEC" serve
usage_case "no spec after options" "no SPEC" serve --json --trace
usage_case "unknown option" "unknown option '--bogus'" serve --bogus tcp:echo:ipv4:0
usage_case "bad backlog" "bad backlog '0'" serve --backlog 0 tcp:echo:ipv4:0
usage_case "backlog not a number" "bad backlog 'x'" serve --backlog x tcp:echo:ipv4:0
usage_case "backlog missing" "backlog|option" serve tcp:echo:ipv4:0 --backlog
# Each bad number says why, and the range it may take.
usage_case "backlog too large: why and range" "bad backlog '70000': too large \(expected 1\.\.65535\)" \
	serve --backlog 70000 tcp:echo:ipv4:0
usage_case "backlog with a sign" "bad backlog '\+5': not a number" serve --backlog +5 tcp:echo:ipv4:0
# The idle timer looks every 0.1 s: a shorter timeout could not be kept.
usage_case "idle timeout below the timer's resolution" \
	"bad idle timeout '0\.05': too small \(expected 0\.1\.\.86400 seconds; idle connections are checked every 0\.1 s\)" \
	serve --idle-timeout 0.05 tcp:echo:ipv4:0
usage_case "idle timeout finer than a millisecond" "bad idle timeout '0\.1234': finer than a millisecond" \
	serve --idle-timeout 0.1234 tcp:echo:ipv4:0
# What a message echoes from argv is escaped: no ESC reaches the terminal.
run_out got "$SOCKLAB" serve $'--bo\e[2Jgus' tcp:echo:ipv4:0
check "argv echoed escaped: exit 2" 2 "$RC"
check_match "argv echoed escaped: message" "unknown option '--bo\\\\x1b\[2Jgus'" "$(last_err)"
LC_ALL=C grep -q $'\e' "$T_DIR/last.err" && fail "argv echoed escaped: an ESC reached stderr" ||
	ok "argv echoed escaped: no ESC on stderr"
run_out got "$SOCKLAB" serve $'tcp:echo:ipv4:9\e]0;x\a'
check_match "SPEC echoed escaped" "bad port '9\\\\x1b\]0;x\\\\x07'" "$(last_err)"
# A good SPEC before a bad one: still nothing started.
usage_case "good then bad SPEC" "unknown family 'ipv5'" serve tcp:echo:ipv4:0 tcp:echo:ipv5:0
usage_case "unknown command" "unknown command 'serv'" serv tcp:echo:ipv4:0
usage_case "unknown command, escaped" "unknown command 'se\\\\x1b\\\\x9bx'" $'se\e\x9bx'

t_done
