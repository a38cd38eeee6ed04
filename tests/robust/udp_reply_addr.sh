# A UDP server on a wildcard address answers from the address each datagram
# was sent to: `socklab client --udp --connect` aimed at 127.0.0.5 (another
# loopback address of this host) gets its echo, and the log names 127.0.0.5
# as the local end. Before, the reply left from 127.0.0.1 and the connected
# client never saw it.
. "$SOCKLAB_TESTS/lib.sh"

serve_start s udp:echo:ipv4:0@0.0.0.0 || { fail "serve did not start"; t_done; }
port=$(listen_port s 1)
out=$("$SOCKLAB" client --udp --connect --timeout 2 127.0.0.5 "$port" hola 2>"$T_DIR/c.err")
check "client exit status" 0 "$?"
check "echo through 127.0.0.5" "hola" "$out"
wait_log s "DGRAM-OUT .* from 127\.0\.0\.5:$port 4 B" ||
	fail "no DGRAM-OUT from 127.0.0.5: $(cat "$T_DIR/s.out")"
check_match "the datagram's local end logged" "DGRAM-IN udp \('127\.0\.0\.1', [0-9]+\) to 127\.0\.0\.5:$port 4 B \"hola\"" "$(cat "$T_DIR/s.out")"
t_done
