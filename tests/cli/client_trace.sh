# socklab client --trace shows the client's own system calls, in order,
# with their results: the connect attempts (a refused one with its errno),
# the half-close, EOF and close; for UDP socket, sendto, recvfrom, close.
. "$SOCKLAB_TESTS/lib.sh"

serve_start s tcp:echo:ipv4:0 udp:echo:ipv4:0 || { fail "serve did not start"; t_done; }
tcp=$(listen_port s 1)
udp=$(listen_port s 2)

out=$("$SOCKLAB" client --trace 127.0.0.1 "$tcp" hola 2>"$T_DIR/tcp.err")
check "reply" "eco: hola" "$out"
steps=$(sed -E 's/^socklab: ([a-z]+)\(.*/\1/' "$T_DIR/tcp.err" | tr '\n' ' ')
check "tcp steps in order" "connect shutdown recv close " "$steps"
check_match "connect shows address and result" "connect\(127\.0\.0\.1:$tcp\) = 0" "$(cat "$T_DIR/tcp.err")"
check_match "shutdown is SHUT_WR" "shutdown\([0-9]+, SHUT_WR\) = 0" "$(cat "$T_DIR/tcp.err")"

out=$("$SOCKLAB" client --trace --udp 127.0.0.1 "$udp" ping 2>"$T_DIR/udp.err")
check "udp reply" "ping" "$out"
steps=$(sed -E 's/^socklab: ([a-z]+)\(.*/\1/' "$T_DIR/udp.err" | tr '\n' ' ')
check "udp steps in order" "socket sendto recvfrom close " "$steps"

# A closed port (the UDP server's port number has no TCP listener).
"$SOCKLAB" client --trace --timeout 2 127.0.0.1 "$udp" hola >/dev/null 2>"$T_DIR/refused.err"
check "refused exit status" 1 $?
check_match "refused connect traced with errno" \
	"connect\(127\.0\.0\.1:$udp\) = -1 ECONNREFUSED \(Connection refused\)" "$(cat "$T_DIR/refused.err")"
t_done
