#!/usr/bin/env bash
# Regenerates tests/fuzz/corpus/packet: real frames captured on loopback in
# a private network namespace (root, tcpdump, python3), one file per frame,
# each prefixed with its link-type selector byte (see fuzz_packet.c).
#
#   sudo tools/packet-corpus.sh ./socklab tests/fuzz/corpus/packet
#
# Traffic: a TCP echo over IPv4 and IPv6 (handshake, data, FIN both ways),
# a connect to a closed port (RST), UDP to an open and a closed port (ICMP
# and ICMPv6 port unreachable). Captured three times over: on lo
# (Ethernet framing), on "any" as Linux cooked v1 and as v2. The loopback
# (DLT_NULL) seeds are the Ethernet frames reframed with a 4-byte family,
# as a BSD host would have captured them; Linux cannot capture that type.
set -eu
bin=$(realpath "$1")
out=$2
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "needs root (for unshare -n)" >&2; exit 1; }
work=$(mktemp -d); echo "work: $work" >&2
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
unshare -n bash -eu -c '
bin=$1 work=$2
ip link set lo up
wait_file() { for _ in $(seq 250); do [ -s "$1" ] && return 0; sleep 0.02; done; return 1; }
tcpdump --immediate-mode -Z root -U -i lo -w "$work/eth.pcap" -s 4096 2>/dev/null & p1=$!
tcpdump --immediate-mode -Z root -U -i any -y LINUX_SLL -w "$work/sll.pcap" -s 4096 2>/dev/null & p2=$!
tcpdump --immediate-mode -Z root -U -i any -y LINUX_SLL2 -w "$work/sll2.pcap" -s 4096 2>/dev/null & p3=$!
# tcpdump writes the file header once it is capturing.
for f in eth sll sll2; do wait_file "$work/$f.pcap"; done
sleep 0.3
"$bin" serve tcp:echo:ipv4:9101 tcp:raw:ipv6:9301 udp:echo:ipv4:9201 >"$work/serve.out" 2>&1 & s=$!
for _ in $(seq 250); do [ "$(grep -c LISTEN "$work/serve.out")" -ge 3 ] && break; sleep 0.02; done
"$bin" client 127.0.0.1 9101 hola mundo >/dev/null
"$bin" client ::1 9301 "hola ipv6" >/dev/null
"$bin" client 127.0.0.1 9 x >/dev/null 2>&1 || true
"$bin" client --udp 127.0.0.1 9201 ping >/dev/null
python3 -c "
import socket
for fam, host in ((socket.AF_INET, \"127.0.0.1\"), (socket.AF_INET6, \"::1\")):
    s = socket.socket(fam, socket.SOCK_DGRAM); s.sendto(b\"nadie\", (host, 9)); s.close()
"
sleep 0.5
kill $s; wait $s || true
kill $p1 $p2 $p3; wait $p1 $p2 $p3 || true
' _ "$bin" "$work"
mkdir -p "$out"
python3 "$here/packet-split.py" "$work" "$out"
