#!/usr/bin/env bash
# The lab's views of the kernel, in tmux, with real traffic in a private
# network namespace: the packets pane (the handshake, data, FIN, an RST
# from a closed port, ICMP port unreachable for UDP), the ladder opened
# from a packet and from a log line (each side's system calls on it), the
# system calls pane with the tutorial's Python lines (the client pane's
# calls too), the kernel sockets pane (LISTEN, ESTABLISHED,
# TIME_WAIT), /save FILE.pcap read back by tcpdump; then the lab as nobody:
# the packets pane says what is missing, the rest works.
if [ -z "${SOCKLAB_IN_NETNS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "  skip kernel: needs root (unshare -n)" >&2; exit 77; }
	for t in unshare ip tcpdump setpriv tmux; do
		command -v "$t" >/dev/null || { echo "  skip kernel: no $t" >&2; exit 77; }
	done
	SOCKLAB_IN_NETNS=1 exec unshare -n bash "$0" "$@"
fi
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"
ip link set lo up || skip "cannot bring lo up in the namespace"

tui_start 140 45 --serve tcp:echo:ipv4:0 --serve udp:echo:ipv4:0 || { fail "tmux"; t_done; }
expect_screen "TCP server listens" '#1 LISTEN tcp/echo ipv4 127\.0\.0\.1:[0-9]+'
expect_screen "UDP server listens" '#2 LISTEN udp/echo ipv4 127\.0\.0\.1:[0-9]+'
tp=$(log_port 1) up=$(log_port 2)
type_line "/connect 127.0.0.1 $tp"
expect_screen "connected" "connected to \('127\.0\.0\.1', $tp\)"
type_line "hola"
expect_screen "reply" "< eco: hola"

# The log's slot shows the packets pane with F8.
keys Tab Tab Tab
wait_for 5 focused_title "Live log" || fail "the log pane did not take the focus"
keys F8
expect_screen "packets pane" "Packets .* seen, dropped 0 kernel 0 if 0 queue"
keys F9 # zoomed: the whole width for the long lines
expect_screen "the SYN" "lo IPv4 TCP 127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:$tp \[SYN\] Seq=0 Win=[0-9]+ Len=0 MSS="
expect_screen "the SYN-ACK" "lo IPv4 TCP 127\.0\.0\.1:$tp > 127\.0\.0\.1:[0-9]+ \[SYN, ACK\] Seq=0 Ack=1"
expect_screen "the data" "> 127\.0\.0\.1:$tp \[PSH, ACK\] Seq=1 Ack=1 Win=[0-9]+ Len=5"
expect_screen "the reply" "lo IPv4 TCP 127\.0\.0\.1:$tp > .*\[PSH, ACK\] Seq=1 Ack=6 Win=[0-9]+ Len=10"
keys F9

# Enter: the selected (newest) packet's connection as a ladder.
keys Enter
expect_screen "ladder title" " Ladder"
expect_screen "ladder header: client left, server right" "client 127\.0\.0\.1:[0-9]+ +server 127\.0\.0\.1:$tp"
expect_screen "ladder: SYN_SENT and LISTEN on the SYN" "SYN_SENT +-- \[SYN\] Seq=0 Len=0 -+> LISTEN"
expect_screen "ladder: the SYN-ACK" "ESTABLISHED +<- \[SYN, ACK\] Seq=0 Ack=1 Len=0 -+ SYN_RECV"
expect_screen "ladder: the server's accept on its side" "accept \('127\.0\.0\.1', [0-9]+\)"
expect_screen "ladder: the legend" "states from packets \(RFC 9293\)"

# The client closes: FIN both ways, live on the ladder.
keys Tab
type_line "/close"
expect_screen "ladder: the client's FIN" "FIN_WAIT_1 +-- \[FIN, ACK\] Seq=6 Ack=11 Len=0 -+> CLOSE_WAIT"
expect_screen "ladder: TIME_WAIT on the client" "TIME_WAIT +<- \[FIN, ACK\] Seq=11 Ack=7 Len=0 -+ LAST_ACK"
expect_screen "ladder: the last ACK closes the server" "-- \[ACK\] Seq=7 Ack=12 Len=0 -+> CLOSED"
# Each side's system calls on the time line: the client's on the left
# (right after the time), the server's on the right.
T='[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}'
expect_screen "ladder: the client's connect, left" "$T connect\([0-9]+, \('127\.0\.0\.1', $tp\)\) = 0 *$"
expect_screen "ladder: the client's send, left" "$T send\([0-9]+, 5\) = 5 *$"
expect_screen "ladder: the client's recv of the reply, left" "$T recv\([0-9]+, [0-9]+\) = 10 *$"
expect_screen "ladder: the client's close, left" "$T close\([0-9]+\) = 0 *$"
expect_screen "ladder: the server's accept4, right" "$T {20,}accept4\([0-9]+, \.\.\.\) = [0-9]+ \('127\.0\.0\.1', [0-9]+\) *$"
expect_screen "ladder: the server's recv call, right" "$T {30,}recv\([0-9]+, [0-9]+\) = 5 *$"
expect_screen "ladder: the bytes it took, right" "$T {30,}recv 5 \"hola\\\\n\" *$"
expect_screen "ladder: the server's send call, right" "$T {30,}send\([0-9]+, 10\) = 10 *$"
expect_screen "ladder: the server's close, right" "$T {30,}close\([0-9]+\) = 0 *$"

# A closed port: RST (the port is captured as soon as /connect names it).
type_line "/connect 127.0.0.1 1"
expect_screen "connection refused" "Connection refused"
keys BTab
keys Escape
expect_screen "back to the packets" "Packets .* seen"
keys F9
expect_screen "RST from the closed port" "lo IPv4 TCP 127\.0\.0\.1:1 > 127\.0\.0\.1:[0-9]+ \[RST, ACK\] Seq=1 Ack=1 Win=0 Len=0"
keys F9
# UDP to a port with no UDP socket (the TCP server's): ICMP.
keys Tab
type_line "/connect udp 127.0.0.1 $tp"
type_line "nadie"
keys BTab
keys F9
expect_screen "ICMP port unreachable with its datagram" \
	"ICMP 127\.0\.0\.1 > 127\.0\.0\.1 port unreachable for UDP 127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:$tp Len=5"
keys F9
keys Tab

# /save FILE.pcap: what tcpdump reads back.
type_line "/save $T_DIR/lab.pcap"
expect_screen "saved" "saved [0-9]+ packets to .*lab\.pcap"
tcpdump -nn -r "$T_DIR/lab.pcap" >"$T_DIR/td" 2>"$T_DIR/td.err" || fail "tcpdump -r: $(cat "$T_DIR/td.err")"
check_match "tcpdump reads the handshake" "127\.0\.0\.1\.[0-9]+ > 127\.0\.0\.1\.$tp: Flags \[S\]" "$(cat "$T_DIR/td")"
check_match "tcpdump reads the ICMP error" "udp port $tp unreachable" "$(cat "$T_DIR/td")"
type_line "/save /nonexistent/dir/x.pcap"
expect_screen "a failed save says why" "cannot save /nonexistent/dir/x\.pcap: .*No such file or directory"

# The system calls, with the tutorial's Python beside them.
keys BTab
keys F8
expect_screen "system calls pane" " System calls"
keys F9
expect_screen "socket() and its Python" "#1 socket\(AF_INET, SOCK_STREAM, 0\) = [0-9]+ +srv = socket\.socket\(socket\.AF_INET, socket\.SOCK_STREAM\)"
expect_screen "listen() and its Python" "#1 listen\([0-9]+, [0-9]+\) = 0 +srv\.listen\([0-9]+\)"
expect_screen "accept4() and its Python" "#1 accept4\([0-9]+, \.\.\.\) = [0-9]+ \('127\.0\.0\.1', [0-9]+\) +conn, addr = srv\.accept\(\)"
expect_screen "recv() and section 1's Python" "#1 recv\([0-9]+, [0-9]+\) = 5 +chunk = conn\.recv\(4096\)"
# The client pane's own calls, in the same form, with the client's Python.
expect_screen "the client's socket()" "client socket\(AF_INET, SOCK_STREAM, 0\) = [0-9]+ +c = socket\.socket\(socket\.AF_INET, socket\.SOCK_STREAM\)"
expect_screen "the client's connect()" "client connect\([0-9]+, \('127\.0\.0\.1', $tp\)\) = 0 +c\.connect\(\(HOST, PORT\)\)"
expect_screen "the client's send()" "client send\([0-9]+, 5\) = 5 +c\.sendall\(data\)"
expect_screen "the refused connect, with its errno" "client connect\([0-9]+, \('127\.0\.0\.1', 1\)\) = -1 ECONNREFUSED \(Connection refused\)"
expect_screen "the UDP client's sendto()" "client sendto\([0-9]+, 5, \('127\.0\.0\.1', $tp\)\) = 5 +c\.sendto\(data, \(HOST, PORT\)\)"
keys F9

# The kernel's sockets: the listener, the UDP socket, TIME_WAIT.
keys F8
expect_screen "kernel sockets pane" "Kernel sockets .*ports $tp"
keys F9
expect_screen "the listener with its accept queue" "tcp  LISTEN +127\.0\.0\.1:$tp +\*:\* +accept queue 0/4096"
expect_screen "the UDP socket" "udp  UNCONN +127\.0\.0\.1:$up"
expect_screen "TIME_WAIT after the close" "tcp  TIME_WAIT +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:$tp .*timewait [0-9]+\.[0-9] s"
keys F9

# From a log line: L opens the ladder of that line's connection.
keys F8 F8
expect_screen "back in the log" " Live log"
keys Home
keys Down Down Down
for _ in 1 2 3 4 5 6; do screen | grep -q "ACCEPT" && break; keys Down; done
tui_sel() { tmx capture-pane -e -p -t "$TUI_PANE" | grep -a $'\033\\[7m' | grep -q ACCEPT; }
i=0
while ! tui_sel && [ $i -lt 20 ]; do keys Down; i=$((i + 1)); sleep 0.05; done
keys L
expect_screen "ladder from the log's ACCEPT" "SYN_SENT +-- \[SYN\] Seq=0 Len=0 -+> LISTEN"

quit_asked
wait_for 5 pane_dead || fail "quit"
tui_stop

# As nobody: no CAP_NET_RAW. The packets pane says so and how to get it;
# the servers, the client and the kernel sockets pane still work.
chmod 755 "$T_DIR"
mkdir -m 777 "$T_DIR/nobody"
tmx new-session -d -s "$TUI_PANE" -x 140 -y 45 \
	"env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME=$T_DIR/nobody setpriv --reuid=nobody --regid=nogroup --clear-groups $SOCKLAB --serve tcp:echo:ipv4:0" ||
	{ fail "tmux as nobody"; t_done; }
tmx set-option -t "$TUI_PANE" remain-on-exit on >/dev/null
tmx set-option -t "$TUI_PANE" escape-time 0 >/dev/null
expect_screen "nobody: the server listens" '#1 LISTEN tcp/echo ipv4 127\.0\.0\.1:[0-9]+'
np=$(log_port 1)
type_line "/connect 127.0.0.1 $np"
type_line "hola"
expect_screen "nobody: the echo works" "< eco: hola"
keys Tab Tab Tab F8
expect_screen "nobody: the packets pane says what is missing" "capturing packets needs CAP_NET_RAW"
expect_screen "nobody: and how to get it" "setcap cap_net_raw\+ep"
keys F8 F8
expect_screen "nobody: the kernel sockets still show" "tcp  LISTEN +127\.0\.0\.1:$np"
quit_asked
wait_for 5 pane_dead || fail "quit as nobody"
t_done
