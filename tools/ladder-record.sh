#!/usr/bin/env bash
# Records the packet sequences test_ladder replays: real frames on
# loopback in a private network namespace (root, tcpdump, python3), one
# pcap file per scenario in OUT (tests/unit/data by default):
#   ladder-whole.pcap      connect, "hola\n", reply, close: FIN both ways
#   ladder-halfclose.pcap  the tutorial's client: send, shutdown(SHUT_WR), replies still come
#   ladder-rst.pcap        connect to a closed port
#   ladder-icmp.pcap       a UDP datagram to a closed port
#   ladder-backlog.pcap    a fourth client while a sequential server's queue is full
#   ladder-dual.pcap       an IPv4 client of a dual-stack server
#
#   sudo tools/ladder-record.sh ./socklab tests/unit/data
set -eu
bin=$(realpath "$1")
out=$(realpath "${2:-tests/unit/data}")
[ "$(id -u)" -eq 0 ] || { echo "needs root (for unshare -n)" >&2; exit 1; }
unshare -n bash -eu -c '
bin=$1 out=$2
ip link set lo up
rec() { # NAME FILTER CMD...
	local name=$1 filter=$2; shift 2
	tcpdump --immediate-mode -Z root -U -i lo -w "$out/ladder-$name.pcap" "$filter" 2>/dev/null & t=$!
	for _ in $(seq 250); do [ -s "$out/ladder-$name.pcap" ] && break; sleep 0.02; done
	sleep 0.2
	"$@"
	sleep 0.3
	kill $t; wait $t || true
}
listening() { for _ in $(seq 250); do grep -q LISTEN "$1" && return 0; sleep 0.02; done; return 1; }
"$bin" serve tcp:echo:ipv4:9101 >/tmp/ladder-serve.$$ 2>&1 & s=$!
listening /tmp/ladder-serve.$$
rec whole "port 9101" python3 -c "
import socket
c = socket.create_connection((\"127.0.0.1\", 9101)); c.sendall(b\"hola\n\"); c.recv(100); c.close()"
rec halfclose "port 9101" python3 -c "
import socket
c = socket.create_connection((\"127.0.0.1\", 9101)); c.sendall(b\"hola\n\"); c.shutdown(socket.SHUT_WR)
while c.recv(100): pass
c.close()"
rec rst "port 9102" sh -c "\"$bin\" client 127.0.0.1 9102 x || true"
rec icmp "udp port 9201 or icmp" python3 -c "
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.sendto(b\"hola\", (\"127.0.0.1\", 9201))"
kill $s; wait $s || true
"$bin" serve --sequential --backlog 1 tcp:echo:ipv4:9101 >/tmp/ladder-serve.$$ 2>&1 & s=$!
listening /tmp/ladder-serve.$$
python3 -c "
import socket, time
cs = [socket.create_connection((\"127.0.0.1\", 9101)) for _ in range(3)]
time.sleep(30)" & hold=$!
sleep 0.5
rec backlog "port 9101" python3 -c "
import socket
c = socket.socket(); c.settimeout(2.5)
try: c.connect((\"127.0.0.1\", 9101))
except OSError: pass"
kill $hold $s; wait $hold $s || true
"$bin" serve tcp:hello:dual:9401 >/tmp/ladder-serve.$$ 2>&1 & s=$!
listening /tmp/ladder-serve.$$
rec dual "port 9401" sh -c "\"$bin\" client 127.0.0.1 9401 </dev/null"
kill $s; wait $s || true
rm -f /tmp/ladder-serve.$$
' _ "$bin" "$out"
for f in "$out"/ladder-*.pcap; do echo "$f: $(tcpdump -r "$f" 2>/dev/null | wc -l) packets"; done
