#!/usr/bin/env bash
# A UDP session in the lab: the tutorial's section 3 server on port 0,
# /connect udp, one datagram per line, the reply shown with its sender's
# tuple, both datagrams in the log; then the same over ::1.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"

tui_start 160 40 --serve udp:echo:ipv4:0 || { fail "tmux"; t_done; }
expect_screen "UDP server listens" '#1 LISTEN udp/echo ipv4 127\.0\.0\.1:[0-9]+'
port=$(log_port 1)
type_line "/connect udp 127.0.0.1 $port"
expect_screen "UDP socket aimed" "each line goes as one datagram to \('127\.0\.0\.1', $port\)"
type_line "ping"
expect_screen "reply with the sender's tuple" "^ < ping  \(4 B from \('127\.0\.0\.1', $port\)\)"
expect_screen "datagram in the log" "#1 DGRAM-IN udp \('127\.0\.0\.1', [0-9]+\) 4 B \"ping\""
expect_screen "running list counts datagrams" 'in 1 dg/4 B  out 1 dg/4 B'
type_line "/close"
expect_screen "/close on UDP: no connection to close" '^ UDP socket closed \(UDP has no connection to close\)'

if have_ipv6; then
	quit_asked
	wait_for 5 pane_dead || fail "quit"
	tui_stop
	tui_start 160 40 --serve udp:echo:ipv6:0 || { fail "tmux"; t_done; }
	expect_screen "UDP/IPv6 server listens" '#1 LISTEN udp/echo ipv6 \[::1\]:[0-9]+ v6only=1'
	port=$(log_port 1)
	type_line "/connect udp ::1 $port"
	expect_screen "UDP/IPv6 socket aimed" "one datagram to \('::1', $port, 0, 0\)"
	type_line "ping6"
	expect_screen "IPv6 reply with a 4-tuple" "^ < ping6  \(5 B from \('::1', $port, 0, 0\)\)"
else
	echo "  skip: no ::1 on this host, UDP over IPv6 not tried" >&2
fi
quit_asked
wait_for 5 pane_dead || fail "quit"
t_done
