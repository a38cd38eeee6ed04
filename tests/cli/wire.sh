# `socklab serve --wire --json --pcap FILE`: real capture on loopback in a
# private network namespace (so only this test's packets are there): the
# handshake, data and FIN both ways of a TCP echo, over IPv4, IPv6 and an
# IPv4 client of a dual-stack server; an RST from a port with nothing on
# it in TCP; the ICMP port unreachable for UDP, with the datagram it
# answers. Each checked in --wire's JSON (tests/tools/jsoncheck and the fields),
# in the text form, and in the pcap file read back by tcpdump -r. Then as
# nobody (no CAP_NET_RAW): the message, and the servers still serve.
if [ -z "${SOCKLAB_IN_NETNS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "  skip wire: needs root (unshare -n)" >&2; exit 77; }
	for t in unshare ip tcpdump python3 setpriv; do
		command -v "$t" >/dev/null ||
			{ echo "  skip wire: $t is not installed" >&2; exit 77; }
	done
	SOCKLAB_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
ip link set lo up || skip "cannot bring lo up in the namespace"
have_ipv6 || skip "no ::1 in the namespace"

# q EXPR: evaluates EXPR over pk (the packet objects, in order), ev (all
# events) and the ports, from the JSON output.
q() {
	"$PY" -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
pk = [e["packet"] for e in ev if e["event"] == "packet"]
tcp, udp, dual, six = (int(x) for x in sys.argv[3:7])
def ports(p):
    i = p.get("inner", {})
    return (p.get("sport"), p.get("dport"), i.get("sport"), i.get("dport"))
def at(port, **kw):
    return [p for p in pk if port in ports(p) and all(p.get(k) == v for k, v in kw.items())]
def seg(p, port):
    return ("c>s" if p["dport"] == port else "s>c") + " " + ",".join(p["flags"]) + \
        " %d/%d/%d" % (p["seq"], p.get("ack", -1), p["len"])
def ladder(port):
    return [seg(p, port) for p in at(port, proto="tcp")]
def side(port, d):
    # one direction: seq and len only (the two sides race)
    return [",".join(p["flags"]) + " %d+%d" % (p["seq"], p["len"])
            for p in at(port, proto="tcp") if (p["dport"] == port) == (d == "c>s")]
print(eval(sys.argv[2]))' "$T_DIR/w.out" "$1" "$tcp" "$udp" "$dual" "$six"
}

serve_start w --json --wire --pcap "$T_DIR/w.pcap" tcp:echo:ipv4:0 udp:echo:ipv4:0 \
	tcp:hello:dual:0 tcp:echo:ipv6:0 || { fail "servers did not listen"; cat "$T_DIR/w.err" >&2; t_done; }
tcp=$(json_port w 1) udp=$(json_port w 2) dual=$(json_port w 3) six=$(json_port w 4)

run_out got "$SOCKLAB" client 127.0.0.1 "$tcp" hola
check "echo with capture on" $'eco: hola\n' "$got"
run_out got "$SOCKLAB" client 127.0.0.1 "$dual" </dev/null
check "dual-stack greeting" $'hola dual\n' "$got"
run_out got "$SOCKLAB" client ::1 "$six" hola6
check "IPv6 echo" $'eco: hola6\n' "$got"
run_out got "$SOCKLAB" client --udp 127.0.0.1 "$udp" ping
check "UDP echo with capture on" $'ping\n' "$got"
# Nothing listens on the UDP server's port in TCP: the kernel answers RST.
run_out got "$SOCKLAB" client 127.0.0.1 "$udp" x
check_match "TCP to a port with no listener is refused" 'Connection refused' "$(last_err)"
# Nothing listens on the TCP server's port in UDP: ICMP port unreachable.
"$PY" -c '
import socket, sys
s = socket.socket(); s.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"nadie", ("127.0.0.1", int(sys.argv[1])))' "$tcp"

# The last frames reach the output within a ring block timeout.
n_icmp() { [ "$(q 'len(at(tcp, proto="icmp"))')" -ge 1 ] && [ "$(q 'len(at(six, proto="tcp"))')" -ge 9 ]; }
wait_for 5 n_icmp || fail "the ICMP error or the IPv6 FINs were not captured"

# Which of the client's FIN and the server's reply goes first is a race;
# each direction's sequence is not.
check "IPv4 TCP handshake" "['c>s SYN 0/-1/0', 's>c SYN,ACK 0/1/0', 'c>s ACK 1/1/0']" \
	"$(q 'ladder(tcp)[:3]')"
check "client to server: SYN, data, FIN (pure ACKs aside)" "['SYN 0+0', 'PSH,ACK 1+5', 'FIN,ACK 6+0']" \
	"$(q '[s for s in side(tcp, "c>s") if not s.startswith("ACK ")]')"
check "server to client: SYN-ACK, the reply, FIN" "['SYN,ACK 0+0', 'PSH,ACK 1+10', 'FIN,ACK 11+0']" \
	"$(q '[s for s in side(tcp, "s>c") if not s.startswith("ACK ")]')"
check "FIN both ways acknowledged" "['s>c FIN,ACK 11/7/0', 'c>s ACK 7/12/0']" "$(q 'ladder(tcp)[-2:]')"
check "the SYN carries MSS, SACK permitted and a window scale" "True" \
	"$(q 'all(k in at(tcp, proto="tcp")[0] for k in ("mss", "sack_perm", "wscale"))')"
check "IPv6 packets on the IPv6 server" "{'ipv6'}" "$(q 'set(p["family"] for p in at(six, proto="tcp"))')"
check "IPv6 ladder starts with the handshake" "['c>s SYN 0/-1/0', 's>c SYN,ACK 0/1/0', 'c>s ACK 1/1/0']" \
	"$(q 'ladder(six)[:3]')"
# The server saw ('::ffff:127.0.0.1', ...); the wire carries IPv4.
check "dual-stack: IPv4 on the wire" "{'ipv4'}" "$(q 'set(p["family"] for p in at(dual))')"
check "dual-stack: the server saw an IPv4-mapped peer" "::ffff:127.0.0.1" \
	"$(q '[e for e in ev if e["event"] == "accept" and e["server"] == 3][0]["peer"]["addr"]')"
check "dual-stack: the greeting is on the wire" "[10]" \
	"$(q '[p["len"] for p in at(dual, proto="tcp") if p["len"]]')"
check "RST answers the SYN to a closed TCP port" "['c>s SYN 0/-1/0', 's>c RST,ACK 1/1/0']" \
	"$(q 'ladder(udp)')"
check "ICMP port unreachable quotes the UDP datagram" "port unreachable udp 5" \
	"$(q '["%s %s %d" % (p["icmp"], p["inner"]["proto"], p["len"] - 28) for p in at(tcp, proto="icmp")][0]')"
check "ICMP's quoted datagram goes to the TCP server's port" "True" \
	"$(q 'at(tcp, proto="icmp")[0]["inner"]["dport"] == tcp')"
check "UDP echo: the datagram and its reply" "[4, 4]" "$(q '[p["len"] for p in at(udp, proto="udp")]')"

# A segment bigger than what a packet event keeps (CAPTURE_SNAPLEN_LIVE,
# 4096 B): the event has its first 4096 bytes and its real length; the
# pcap file has the whole frame, as tcpdump -w writes it.
# big_echo PORT: one 20000-byte line, its echo read back whole.
big_echo() {
	"$PY" -c '
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
c.sendall(b"x" * 20000 + b"\n")
got = b""
while len(got) < 20006:
    d = c.recv(65536)
    if not d:
        break
    got += d
c.close()
sys.exit(0 if got == b"eco: " + b"x" * 20000 + b"\n" else 1)' "$1"
}
big_echo "$tcp" || fail "the 20000-byte echo did not come back"
big_seen() { [ "$(q 'len([p for p in at(tcp, proto="tcp") if p["len"] >= 20000])')" -ge 2 ]; }
wait_for 5 big_seen || fail "the 20000-byte segments were not captured"
check "a big segment's event keeps 4096 bytes and its real length" "True" \
	"$(q 'all(p["caplen"] == 4096 and p["wirelen"] > 20000 for p in at(tcp, proto="tcp") if p["len"] >= 20000)')"

"$JSONCHECK" events "$T_DIR/w.out" --now "$(date +%s)" >"$T_DIR/jc" &&
	ok "every line, packets too, passes the JSON contract" ||
	{ fail "JSON contract"; cat "$T_DIR/jc" >&2; }

stop_serve "$w_pid" TERM
check "serve --wire exits 0" 0 "$RC"
check_match "capture counts on stderr" 'capture: [0-9]+ packets on lo; dropped: 0 by the kernel' \
	"$(cat "$T_DIR/w.err")"
npk=$(q 'len(pk)')
tcpdump -nn -r "$T_DIR/w.pcap" >"$T_DIR/td" 2>"$T_DIR/td.err" || fail "tcpdump -r failed: $(cat "$T_DIR/td.err")"
check "tcpdump reads every packet back" "$npk" "$(wc -l <"$T_DIR/td")"
check_match "tcpdump sees the SYN" "127\.0\.0\.1\.[0-9]+ > 127\.0\.0\.1\.$tcp: Flags \[S\]" "$(cat "$T_DIR/td")"
# Every record of the file whole: its captured length is its length.
check "pcap: big frames are whole" "True" "$("$PY" -c '
import struct, sys
f = open(sys.argv[1], "rb"); f.read(24); big = []
while True:
    h = f.read(16)
    if len(h) < 16:
        break
    _, _, incl, orig = struct.unpack("<IIII", h)
    f.read(incl)
    if orig > 20000:
        big.append(incl == orig)
print(len(big) >= 2 and all(big))' "$T_DIR/w.pcap")"
check_match "tcpdump sees the ICMP error" "127\.0\.0\.1 udp port $tcp unreachable" "$(cat "$T_DIR/td")"

# The text form: one line per packet, Wireshark's words.
serve_start t --wire tcp:echo:ipv4:0 || fail "text server did not listen"
tp=$(listen_port t 1)
run_out got "$SOCKLAB" client 127.0.0.1 "$tp" hola
fin_seen() { grep -q "PACKET lo IPv4 TCP 127.0.0.1:$tp > .*\[FIN, ACK\]" "$T_DIR/t.out"; }
data_seen() { grep -q "PACKET lo IPv4 TCP 127.0.0.1:$tp > .*Len=10" "$T_DIR/t.out"; }
wait_for 5 fin_seen || fail "no FIN in the text output"
wait_for 5 data_seen || fail "no reply in the text output"
check_match "text: the SYN" "PACKET lo IPv4 TCP 127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:$tp \[SYN\] Seq=0 Win=[0-9]+ Len=0 MSS=[0-9]+ SACK_PERM WS=[0-9]+" \
	"$(cat "$T_DIR/t.out")"
check_match "text: the data" "127\.0\.0\.1:$tp > 127\.0\.0\.1:[0-9]+ \[PSH, ACK\] Seq=1 Ack=[67] Win=[0-9]+ Len=10" \
	"$(cat "$T_DIR/t.out")"
# Text lines show no payload, so a text-only serve keeps only a packet's
# headers and 96 bytes after them: a big segment's line is still whole.
big_echo "$tp" || fail "text: the 20000-byte echo did not come back"
big_text() { grep -q "PACKET lo IPv4 TCP 127.0.0.1:$tp > .* Len=20006\$" "$T_DIR/t.out"; }
wait_for 5 big_text && ok "text: a 20006-byte reply's line, from its headers" ||
	fail "text: no whole line for the 20006-byte reply: $(grep 'Len=200' "$T_DIR/t.out" | head -2)"

# A pcap file that cannot be written: said, and serve does not start.
run_out got "$SOCKLAB" serve --pcap /dev/full tcp:echo:ipv4:0
check "pcap on a full disk: exit 1" 1 "$RC"
check_match "pcap on a full disk: the cause" '/dev/full: No space left on device' "$(last_err)"
run_out got "$SOCKLAB" serve --pcap "$T_DIR/no/such/dir.pcap" tcp:echo:ipv4:0
check_match "pcap in a missing directory: the cause" 'dir.pcap: No such file or directory' "$(last_err)"

# Without CAP_NET_RAW: the message, and everything else works.
chmod 755 "$T_DIR"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$SOCKLAB" serve --wire tcp:echo:ipv4:0 \
	>"$T_DIR/n.out" 2>"$T_DIR/n.err" &
n_pid=$!
T_PIDS+=("$n_pid")
wait_for 10 _listening "$T_DIR/n.out" 1 || fail "unprivileged server did not listen"
check_match "unprivileged: says what is missing and how to get it" \
	'capturing packets needs CAP_NET_RAW.*run socklab as root.*setcap cap_net_raw\+ep .*socklab' \
	"$(cat "$T_DIR/n.err")"
run_out got "$SOCKLAB" client 127.0.0.1 "$(listen_port n 1)" hola
check "unprivileged: the server still serves" $'eco: hola\n' "$got"
stop_serve "$n_pid" TERM
check "unprivileged: exit 1 (capture was asked for)" 1 "$RC"
check_match "unprivileged: points at the sandbox too" "socklab --sandbox" "$(cat "$T_DIR/n.err")"

# Without root, in a sandbox of one's own: the capture works.
setpriv --reuid=nobody --regid=nogroup --clear-groups "$SOCKLAB" serve --sandbox --wire \
	tcp:echo:dual:0 >"$T_DIR/s.out" 2>"$T_DIR/s.err" &
s_pid=$!
T_PIDS+=("$s_pid")
if wait_for 10 _listening "$T_DIR/s.out" 1; then
	sp=$(grep -m1 "#1 LISTEN" "$T_DIR/s.out" | grep -oE ':[0-9]+( |$)' | tr -d ': ')
	run_out got setpriv --reuid=nobody --regid=nogroup --clear-groups "$SOCKLAB" sandbox exec \
		--pid "$s_pid" a "$SOCKLAB" client 198.51.100.1 "$sp" hola
	check "sandbox: the echo" $'eco: hola\n' "$got"
	sb_fin() { grep -q "PACKET .*198\.51\.100\.1:$sp > .*\[FIN, ACK\]" "$T_DIR/s.out"; }
	wait_for 5 sb_fin || fail "sandbox: the server's FIN was not captured"
	check_match "sandbox: as nobody, the handshake is captured" \
		"PACKET (lo|eth0) IPv4 TCP 198\.51\.100\.1:[0-9]+ > 198\.51\.100\.1:$sp \[SYN\] Seq=0" \
		"$(cat "$T_DIR/s.out")"
	stop_serve "$s_pid" TERM
	check "sandbox: capture worked, exit 0" 0 "$RC"
else
	echo "  skip wire: no sandbox on this host ($(tail -1 "$T_DIR/s.err"))" >&2
fi
t_done
