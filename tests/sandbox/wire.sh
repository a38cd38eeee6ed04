# `socklab serve --sandbox --wire`: inside the sandbox the process holds
# CAP_NET_RAW, so the packet view (issue 12) works without root: a
# link-local connection from host b shows its handshake on eth0 between
# fe80::b and fe80::a. As root and as nobody. Skipped, saying so, in a build
# without --wire.
. "$SOCKLAB_TESTS/lib.sh"
. "$SOCKLAB_TESTS/cli/common.bash"
. "$SOCKLAB_TESTS/sandbox/common.bash"
"$SOCKLAB" --help | grep -q -- '--wire' || skip "this build has no serve --wire (issue 12)"
sandbox_users "$@"

sb_serve w --wire tcp:echo:dual:0 b/tcp:echo:ipv4:0@127.0.0.1 || t_done
p=$(listen_port w 1)
check "b -> a over link-local" "eco: wire" "$(sb_exec b "$SOCKLAB" client fe80::a%eth0 "$p" wire)"
# The three-way handshake, both ways, on eth0 between the link-local ends.
pk() { grep -E "PACKET eth0 IPv6 TCP $1 \[$2\] " "$T_DIR/w.out"; }
hs_seen() { pk "\[fe80::b\]:[0-9]+ > \[fe80::a\]:$p" ACK >/dev/null; }
if wait_for 5 hs_seen; then
	ok "--wire captured on eth0 as $SB_AS"
	check_match "b's SYN" "\[fe80::b\]:[0-9]+ > \[fe80::a\]:$p \[SYN\] Seq=0 " \
		"$(pk "\[fe80::b\]:[0-9]+ > \[fe80::a\]:$p" SYN)"
	check_match "a's SYN, ACK" "\[fe80::a\]:$p > \[fe80::b\]:[0-9]+ \[SYN, ACK\] Seq=0 Ack=1 " \
		"$(pk "\[fe80::a\]:$p > \[fe80::b\]:[0-9]+" "SYN, ACK")"
	check_match "b's ACK" "\[fe80::b\]:[0-9]+ > \[fe80::a\]:$p \[ACK\] Seq=1 Ack=1 " \
		"$(pk "\[fe80::b\]:[0-9]+ > \[fe80::a\]:$p" ACK | head -n1)"
else
	fail "no handshake from fe80::b on eth0 in --wire's output:"
	grep PACKET "$T_DIR/w.out" | head -5 >&2
	cat "$T_DIR/w.err" >&2
fi
# Host b's own loopback: a client on b of b's server, packets that never
# reach host a's interfaces, captured on b:lo.
pb=$(listen_port w 2)
check "b -> b over its loopback" "eco: local" "$(sb_exec b "$SOCKLAB" client 127.0.0.1 "$pb" local)"
bseen() { grep -qE "PACKET b:lo IPv4 TCP 127\.0\.0\.1:$pb > 127\.0\.0\.1:[0-9]+ \[SYN, ACK\] Seq=0 Ack=1 " "$T_DIR/w.out"; }
if wait_for 5 bseen; then
	ok "host b's loopback captured as $SB_AS"
	check_match "b's SYN on its loopback" "PACKET b:lo IPv4 TCP 127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:$pb \[SYN\] Seq=0 " "$(cat "$T_DIR/w.out")"
	# The data segment's line may be printed a drain after the handshake's.
	bdata_re="PACKET b:lo IPv4 TCP 127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:$pb \[PSH, ACK\] .*Len=6"
	bdata() { grep -qE "$bdata_re" "$T_DIR/w.out"; }
	wait_for 5 bdata
	check_match "the line's data on it" "$bdata_re" "$(cat "$T_DIR/w.out")"
else
	fail "nothing of host b's loopback in --wire's output:"
	grep PACKET "$T_DIR/w.out" | grep -v eth0 | head -5 >&2
	cat "$T_DIR/w.err" >&2
fi
if grep -qE "PACKET lo .*:$pb " "$T_DIR/w.out"; then fail "host b's packets said to be host a's lo"
else ok "host b's packets not on host a's lo"; fi
stop_serve "$SB_PID" TERM
check "serve --sandbox --wire stops with exit 0" 0 "$RC"
check_match "and counts what it captured" "capture: [0-9]+ packets on lo b:lo eth0; dropped: 0 by the kernel" "$(cat "$T_DIR/w.err")"
wait_for 5 no_holders && ok "no holder of host b left" || fail "holders left: $(holders)"
t_done
