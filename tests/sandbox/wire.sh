# `socklab serve --sandbox --wire`: inside the sandbox the process holds
# CAP_NET_RAW, so the packet view (issue 12) works without root: a
# link-local connection from host b shows its SYN on eth0 between fe80::b
# and fe80::a. As root and as nobody. Skipped, saying so, in a build
# without --wire.
. "$SOCKLAB_TESTS/lib.sh"
. "$SOCKLAB_TESTS/cli/common.bash"
. "$SOCKLAB_TESTS/sandbox/common.bash"
"$SOCKLAB" --help | grep -q -- '--wire' || skip "this build has no serve --wire (issue 12)"
sandbox_users "$@"

sb_serve w --wire tcp:echo:dual:0 || t_done
p=$(listen_port w 1)
check "b -> a over link-local" "eco: wire" "$(sb_exec b "$SOCKLAB" client fe80::a%eth0 "$p" wire)"
syn_seen() { grep -qE "PACKET eth0 .*fe80::b.*$p.*\[SYN\]" "$T_DIR/w.out"; }
if wait_for 5 syn_seen; then ok "--wire shows b's SYN on eth0 ($SB_AS, no root needed)"; else
	fail "no SYN from fe80::b on eth0 in --wire's output:"
	grep PACKET "$T_DIR/w.out" | head -5 >&2
	cat "$T_DIR/w.err" >&2
fi
stop_serve "$SB_PID" TERM
check "serve --sandbox --wire stops with exit 0" 0 "$RC"
wait_for 5 no_holders && ok "no holder of host b left" || fail "holders left: $(holders)"
t_done
