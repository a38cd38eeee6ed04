# Every server of the tutorial, run by `socklab serve` on port 0 and
# talked to by `socklab client`: the bytes each one answers, exactly, and
# the peer tuples the serve log shows (IPv4-mapped on dual, plain IPv4 on
# dual2).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"

serve_start v4 tcp:echo:ipv4:0 tcp:echo-stdio:ipv4:0 tcp:cmd:ipv4:0 udp:echo:ipv4:0 tcp:raw:ipv4:0 ||
	{ fail "ipv4 servers did not listen"; cat "$T_DIR/v4.err" >&2; t_done; }
echo_p=$(listen_port v4 1) stdio_p=$(listen_port v4 2) cmd_p=$(listen_port v4 3)
udp_p=$(listen_port v4 4) raw_p=$(listen_port v4 5)

# 1) echo, hand-made buffer: the tutorial's client sends hola, mundo, fin.
run_out got "$SOCKLAB" client 127.0.0.1 "$echo_p" hola mundo fin
check "echo replies" $'eco: hola\neco: mundo\neco: fin\n' "$got"
check "echo exit status" 0 "$RC"
wait_log v4 "#1 CLOSE tcp \('127\.0\.0\.1', [0-9]+\) peer-eof" || fail "echo close not logged"
check_match "echo accept logged as a tuple" "#1 ACCEPT tcp \('127\.0\.0\.1', [0-9]+\)" "$(cat "$T_DIR/v4.out")"

# CRLF is normalised, several lines in one write are all answered.
run_out got bash -c 'printf "uno\r\ndos\ntres\r\n" | "$0" client 127.0.0.1 "$1"' "$SOCKLAB" "$echo_p"
check "echo CRLF and many lines per write" $'eco: uno\neco: dos\neco: tres\n' "$got"

# 1.b) the same through a stdio stream.
run_out got "$SOCKLAB" client 127.0.0.1 "$stdio_p" hola mundo fin
check "echo-stdio replies" $'eco: hola\neco: mundo\neco: fin\n' "$got"
run_out got bash -c 'printf "a\r\nb\n" | "$0" client 127.0.0.1 "$1"' "$SOCKLAB" "$stdio_p"
check "echo-stdio CRLF" $'eco: a\neco: b\n' "$got"

# 2) the command protocol, with the tutorial's four commands.
run_out got "$SOCKLAB" client 127.0.0.1 "$cmd_p" PING "ECHO hola" TIME FOO
check_match "cmd replies" $'^PONG\nhola\n[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\nERR\n$' "$got"
t=$(sed -n 3p <<<"$got")
if ts=$(date -d "$t" +%s 2>/dev/null) && [ $(( $(date +%s) - ts )) -ge -2 ] &&
	[ $(( $(date +%s) - ts )) -le 5 ]; then ok "TIME is the local time now ($t)"
else fail "TIME '$t' is not the local time now ($(date '+%F %T'))"; fi
run_out got "$SOCKLAB" client 127.0.0.1 "$cmd_p" "  PING  " "ECHO  two  spaces " ping ECHO "" TIMEX
check "cmd strips whitespace like the tutorial" $'PONG\n two  spaces\nERR\nERR\nERR\nERR\n' "$got"

# 3) UDP echo.
run_out got "$SOCKLAB" client --udp 127.0.0.1 "$udp_p" ping
check "udp echo" $'ping\n' "$got"
run_out got "$SOCKLAB" client --udp 127.0.0.1 "$udp_p" uno dos
check "udp: one datagram per MESSAGE" $'uno\ndos\n' "$got"
wait_log v4 "#4 DGRAM-OUT .*\('127\.0\.0\.1', [0-9]+\).*\"dos\"" || fail "udp datagrams not logged"

# raw: any bytes back unchanged, NUL and escape bytes included (stdout is
# a file here, so the client writes them as they are).
printf 'a\0b\033[2J\377\233\r\n\001end' >"$T_DIR/bin.in"
"$SOCKLAB" client 127.0.0.1 "$raw_p" <"$T_DIR/bin.in" >"$T_DIR/bin.got" 2>"$T_DIR/last.err"
if cmp -s "$T_DIR/bin.in" "$T_DIR/bin.got"; then ok "raw echoes binary bytes unchanged"
else fail "raw changed the bytes: $(od -c "$T_DIR/bin.got" | head -3)"; fi
# and the serve log shows them escaped: no ESC or NUL reaches the terminal.
wait_log v4 '#5 SEND' || fail "raw send not logged"
if LC_ALL=C grep -q $'\033' "$T_DIR/v4.out" || LC_ALL=C grep -qaP '\x00|\x9b' "$T_DIR/v4.out"; then
	fail "peer bytes reached the serve log unescaped"
else ok "serve log escapes peer bytes"; fi
check_match "raw preview shows the escapes" '#5 RECV tcp .* 15 B "a\\x00b\\x1b\[2J\\xff\\x9b\\r\\n\\x01end"' \
	"$(cat "$T_DIR/v4.out")"

need_ipv6

# 4) TCP over IPv6, raw echo.
serve_start v6 tcp:raw:ipv6:0 tcp:hello:dual:0 tcp:hello:dual2:0 udp:echo:ipv6:0 udp:echo:dual:0 ||
	{ fail "ipv6 servers did not listen"; cat "$T_DIR/v6.err" >&2; t_done; }
raw6_p=$(listen_port v6 1) dual_p=$(listen_port v6 2) dual2_p=$(listen_port v6 3)
udp6_p=$(listen_port v6 4) udpd_p=$(listen_port v6 5)
check_match "ipv6 listen shows v6only=1" "#1 LISTEN tcp/raw ipv6 \[::1\]:$raw6_p v6only=1" "$(cat "$T_DIR/v6.out")"
check_match "dual listen shows v6only=0" "#2 LISTEN tcp/hello dual \[::\]:$dual_p v6only=0" "$(cat "$T_DIR/v6.out")"

run_out got bash -c 'printf "hola ipv6\n" | "$0" client ::1 "$1"' "$SOCKLAB" "$raw6_p"
check "raw over IPv6" $'hola ipv6\n' "$got"
wait_log v6 "#1 ACCEPT tcp \('::1', [0-9]+, 0, 0\)" || fail "ipv6 accept tuple not logged"

# 5) dual-stack: one socket, an IPv4 peer shows as ::ffff:127.0.0.1.
run_out got "$SOCKLAB" client 127.0.0.1 "$dual_p" </dev/null
check "hello dual over 127.0.0.1" $'hola dual\n' "$got"
wait_log v6 "#2 ACCEPT tcp \('::ffff:127\.0\.0\.1', [0-9]+, 0, 0\)" ||
	fail "dual: IPv4 peer not shown as ('::ffff:127.0.0.1', PORT, 0, 0)"
check_match "dual: the IPv4-mapped note" "#2 ACCEPT tcp \('::ffff:127\.0\.0\.1', [0-9]+, 0, 0\).*IPv4-mapped 127\.0\.0\.1" \
	"$(cat "$T_DIR/v6.out")"
run_out got "$SOCKLAB" client ::1 "$dual_p" </dev/null
check "hello dual over ::1" $'hola dual\n' "$got"
wait_log v6 "#2 ACCEPT tcp \('::1', [0-9]+, 0, 0\)" || fail "dual: ::1 peer not shown as ('::1', PORT, 0, 0)"
if grep "#2 ACCEPT tcp ('::1'" "$T_DIR/v6.out" | grep -q mapped; then
	fail "dual: ::1 called IPv4-mapped"; else ok "dual: ::1 is not called mapped"; fi
wait_log v6 "#2 CLOSE tcp \('::1', [0-9]+, 0, 0\) server-closed" || fail "hello close reason not logged"

# dual2: two sockets, so the IPv4 peer stays plain IPv4.
run_out got "$SOCKLAB" client 127.0.0.1 "$dual2_p" </dev/null
check "dual2 over 127.0.0.1" $'hola dual\n' "$got"
run_out got "$SOCKLAB" client ::1 "$dual2_p" </dev/null
check "dual2 over ::1" $'hola dual\n' "$got"
wait_log v6 "#3 ACCEPT tcp \('127\.0\.0\.1', [0-9]+\)" || fail "dual2: IPv4 peer not ('127.0.0.1', PORT)"
wait_log v6 "#3 ACCEPT tcp \('::1', [0-9]+, 0, 0\)" || fail "dual2: IPv6 peer not ('::1', PORT, 0, 0)"
if grep -q "#3 .*::ffff:" "$T_DIR/v6.out"; then fail "dual2 shows a mapped address"
else ok "dual2 shows no mapped address"; fi

# UDP over IPv6 and dual.
run_out got "$SOCKLAB" client --udp ::1 "$udp6_p" ping
check "udp over IPv6" $'ping\n' "$got"
run_out got "$SOCKLAB" client --udp 127.0.0.1 "$udpd_p" ping
check "udp dual over 127.0.0.1" $'ping\n' "$got"
run_out got "$SOCKLAB" client --udp ::1 "$udpd_p" ping
check "udp dual over ::1" $'ping\n' "$got"
wait_log v6 "#5 DGRAM-IN .*\('::ffff:127\.0\.0\.1', [0-9]+, 0, 0\)" || fail "udp dual: IPv4 peer not mapped"

t_done
