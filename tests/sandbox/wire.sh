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

sb_serve w --wire tcp:echo:dual:0 || t_done
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
stop_serve "$SB_PID" TERM
check "serve --sandbox --wire stops with exit 0" 0 "$RC"
check_match "and counts what it captured" "capture: [0-9]+ packets on lo eth0; dropped: 0 by the kernel" "$(cat "$T_DIR/w.err")"
wait_for 5 no_holders && ok "no holder of host b left" || fail "holders left: $(holders)"
t_done
