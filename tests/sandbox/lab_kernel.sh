# The lab's views of the kernel inside a sandbox, as nobody too: no root,
# yet the packets pane captures (the lab holds CAP_NET_RAW in its
# namespace) and the ladder draws the handshake of a link-local connection
# dialled from host b. As root and as nobody.
. "$SOCKLAB_TESTS/lib.sh"
. "$SOCKLAB_TESTS/cli/common.bash"
. "$SOCKLAB_TESTS/sandbox/common.bash"
"$SOCKLAB" --help | grep -q -- '--wire' || skip "this build has no packet capture (issue 12)"
sandbox_users "$@"
. "$SOCKLAB_TESTS/tui/lib-tui.sh"

tui_start_wrapped 160 45 --sandbox --serve tcp:echo:dual:9401 || { fail "tmux did not start"; t_done; }
expect_screen "the lab's server listens on host a" 'LISTEN tcp/echo dual \[::\]:9401'
SB_PID=$(lab_pid)
type_line "/from b"
type_line "/connect fe80::a%eth0 9401"
expect_screen "the client pane dials a from host b" "connected to \('fe80::a', 9401, 0, [0-9]+\) +%eth0"
type_line "hola"
expect_screen "the echo" "< eco: hola"
keys Tab Tab Tab
wait_for 5 focused_title "Live log" || fail "the log pane did not take the focus"
keys F8
expect_screen "the packets pane, capturing ($SB_AS)" "Packets .* seen, dropped 0 kernel 0 if 0 queue"
keys F9
expect_screen "b's SYN on eth0" "eth0 IPv6 TCP \[fe80::b\]:[0-9]+ > \[fe80::a\]:9401 \[SYN\] Seq=0 "
expect_screen "a's SYN, ACK" "eth0 IPv6 TCP \[fe80::a\]:9401 > \[fe80::b\]:[0-9]+ \[SYN, ACK\] Seq=0 Ack=1 "
keys F9
keys Enter
expect_screen "the ladder" " Ladder"
expect_screen "ladder: SYN_SENT and LISTEN on the SYN" "SYN_SENT +-- \[SYN\] Seq=0 Len=0 -+> LISTEN"
expect_screen "ladder: the SYN-ACK" "ESTABLISHED +<- \[SYN, ACK\] Seq=0 Ack=1 Len=0 -+ SYN_RECV"
expect_screen "ladder: the accept of the link-local peer" "accept \('fe80::b', [0-9]+, 0, [0-9]+\)"
keys Escape
keys Tab
keys F10
expect_screen "F10 asks first" 'F10 again quits'
keys F10
expect_screen "the lab exits with status 0" '^status=0$'
wait_for 5 no_holders && ok "the holder of host b is gone" || fail "holder left: $(holders)"
t_done
