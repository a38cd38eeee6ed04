# socklab client --trace shows the client's own system calls on stderr, in
# order, as strace writes them and in the line serve --trace writes (the
# one formatter), each with the tutorial's Python line (its client socket
# is c): socket, connect (a refused one with its errno, and the close of
# the socket it leaves), every send, the half-close, every recv up to EOF,
# close; for UDP socket, sendto, recvfrom (with the sender), close.
. "$SOCKLAB_TESTS/lib.sh"

serve_start s --trace tcp:echo:ipv4:0 udp:echo:ipv4:0 || { fail "serve did not start"; t_done; }
tcp=$(listen_port s 1)
udp=$(listen_port s 2)

# The calls' names in order, from the client's trace lines.
steps() { sed -nE 's/^[0-9:.]+ client ([a-z0-9]+)\(.*/\1/p' "$1" | tr '\n' ' '; }

out=$("$SOCKLAB" client --trace 127.0.0.1 "$tcp" hola 2>"$T_DIR/tcp.err")
check "reply" "eco: hola" "$out"
err=$(cat "$T_DIR/tcp.err")
check_match "tcp steps in order, recv until EOF" "^socket connect send shutdown (recv )+close $" "$(steps "$T_DIR/tcp.err")"
check_match "socket, strace's form and the Python line" \
	"^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} client socket\(AF_INET, SOCK_STREAM, 0\) = [0-9]+ +c = socket\.socket\(socket\.AF_INET, socket\.SOCK_STREAM\)$" \
	"$(grep ' socket(' <<<"$err")"
fd=$(sed -nE 's/.* socket\(AF_INET, SOCK_STREAM, 0\) = ([0-9]+) .*/\1/p' <<<"$err")
check_match "connect on that socket, to the server's tuple" \
	"client connect\($fd, \('127\.0\.0\.1', $tcp\)\) = 0 +c\.connect\(\(HOST, PORT\)\)" "$err"
check_match "send: the line and its newline" "client send\($fd, 5\) = 5 +c\.sendall\(data\)" "$err"
check_match "shutdown is SHUT_WR" "client shutdown\($fd, SHUT_WR\) = 0 +c\.shutdown\(socket\.SHUT_WR\)" "$err"
got=$(sed -nE "s/.* recv\($fd, [0-9]+\) = ([0-9]+) +b = c\.recv\(4096\)$/\1/p" <<<"$err" | tr '\n' ' ')
check_match "recv: the reply's 10 bytes, then EOF (0)" "^(10 |[1-9] [1-9] )0 $" "$got"
check_match "close" "client close\($fd\) = 0 +c\.close\(\)" "$err"
# The server's side of the same connection, in the same form.
wait_log s "#1 close\\([0-9]+\\) = 0" || fail "server: no close traced"
check_match "serve --trace: the same line form" \
	"^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} #1 accept4\([0-9]+, \.\.\.\) = [0-9]+ \('127\.0\.0\.1', [0-9]+\) +conn, addr = srv\.accept\(\)$" \
	"$(grep ' accept4(' "$T_DIR/s.out")"

if have_ipv6; then
	serve_start s6 tcp:echo:ipv6:0 || fail "ipv6 server did not start"
	p6=$(listen_port s6 1)
	"$SOCKLAB" client --trace ::1 "$p6" hola >/dev/null 2>"$T_DIR/tcp6.err"
	err=$(cat "$T_DIR/tcp6.err")
	check_match "ipv6: socket AF_INET6" "client socket\(AF_INET6, SOCK_STREAM, 0\) = [0-9]+ +c = socket\.socket\(socket\.AF_INET6, socket\.SOCK_STREAM\)" "$err"
	check_match "ipv6: connect to the four-part tuple" \
		"client connect\([0-9]+, \('::1', $p6, 0, 0\)\) = 0 +c\.connect\(\(HOST, PORT, 0, 0\)\)" "$err"
fi

out=$("$SOCKLAB" client --trace --udp 127.0.0.1 "$udp" ping 2>"$T_DIR/udp.err")
check "udp reply" "ping" "$out"
err=$(cat "$T_DIR/udp.err")
check "udp steps in order" "socket sendto recvfrom close " "$(steps "$T_DIR/udp.err")"
check_match "udp socket" "client socket\(AF_INET, SOCK_DGRAM, 0\) = [0-9]+ +c = socket\.socket\(socket\.AF_INET, socket\.SOCK_DGRAM\)" "$err"
check_match "sendto names where" "client sendto\([0-9]+, 4, \('127\.0\.0\.1', $udp\)\) = 4 +c\.sendto\(data, \(HOST, PORT\)\)" "$err"
check_match "recvfrom shows the sender" "client recvfrom\([0-9]+, [0-9]+\) = 4 \('127\.0\.0\.1', $udp\) +data, addr = c\.recvfrom\(4096\)" "$err"

# A closed port (the UDP server's port number has no TCP listener).
"$SOCKLAB" client --trace --timeout 2 127.0.0.1 "$udp" hola >/dev/null 2>"$T_DIR/refused.err"
check "refused exit status" 1 $?
err=$(cat "$T_DIR/refused.err")
check_match "refused connect traced with errno" \
	"client connect\([0-9]+, \('127\.0\.0\.1', $udp\)\) = -1 ECONNREFUSED \(Connection refused\) +c\.connect\(\(HOST, PORT\)\)" "$err"
check "refused: the socket it leaves is closed" "socket connect close " "$(steps "$T_DIR/refused.err")"

# Without --trace, nothing of the kind.
"$SOCKLAB" client 127.0.0.1 "$tcp" hola >/dev/null 2>"$T_DIR/plain.err"
check "no trace without --trace" "" "$(cat "$T_DIR/plain.err")"
t_done
