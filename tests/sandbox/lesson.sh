# `socklab --sandbox --lesson N`: a lesson in the two-host sandbox, in tmux.
# The lesson's server, written for 127.0.0.1, listens on every address of
# host a, so that host b reaches it; the lesson offers the tutorial's
# Python client as a command run on host b that dials host a's address
# (not 127.0.0.1), and that command, run exactly as shown, gets its echo
# and ticks the lesson, the log naming host b as the peer. The client
# pane on host a still reaches the server over 127.0.0.1. Lesson 4 (IPv6)
# dials host a's IPv6 address the same way. As root and as nobody.
. "$SOCKLAB_TESTS/lib.sh"
. "$SOCKLAB_TESTS/cli/common.bash"
. "$SOCKLAB_TESTS/sandbox/common.bash"
sandbox_users "$@"
[ -x "$PY" ] || skip "$PY (the system python3) is not installed"
. "$SOCKLAB_TESTS/tui/lib-tui.sh"

# run_shown REGEX: the screen's "$ ..." line that matches REGEX, run by
# bash as a student would paste it, from the tutorial's folder. `socklab`
# is this build (first in PATH, for what runs on host b too), and
# `socklab sandbox exec` is told which sandbox (--pid), since other runs
# may have sandboxes of their own.
mkdir -p "$T_DIR/bin"
ln -sf "$SOCKLAB" "$T_DIR/bin/socklab"
run_shown() {
	local cmd
	cmd=$(screen | grep -oE -- "$1" | head -1)
	[ -n "$cmd" ] || { echo "no command on the screen" >&2; return 1; }
	(cd "$TUT" && PATH=$T_DIR/bin:$PATH SB_PID=$SB_PID timeout 10 bash -c \
		'socklab() { [ "$1 $2" = "sandbox exec" ] || return 99; shift 2; "$SOCKLAB" sandbox exec --pid "$SB_PID" "$@"; }
		'"${cmd#\$ }")
}

tui_start_wrapped 200 50 --sandbox --lesson 1 || { fail "tmux did not start"; t_done; }
expect_screen "the lesson opens in the sandbox" 'Lesson 1: TCP echo'
expect_screen "its server listens on every address of host a, not loopback" \
	'^ +0\.0\.0\.0:9101  on a'
expect_screen "the commands to run are for host b" 'Run on host b of the sandbox'
# shellcheck disable=SC2016
shown='\$ socklab sandbox exec b python3 -c "\$\(sed -e '"'"'s/"127\\\.0\\\.0\\\.1"/"198\.51\.100\.1"/'"'"' client_tcp_ipv4\.py\)"'
expect_screen "the tutorial's Python client, from b to host a's address" "$shown"
if screen | grep -E 'python3' | grep -qv '198\.51\.100\.1'; then
	fail "a python line still dials 127.0.0.1"
else
	ok "no python line dials 127.0.0.1"
fi
SB_PID=$(lab_pid)
check_match "the lab's process" '^[0-9]+$' "$SB_PID"
run_out py run_shown "$shown"
check "the shown command exits 0" 0 "$RC"
check "and the tutorial's client gets its echo from host a" $'eco: hola\neco: mundo\neco: fin' \
	"$(sed '/^$/d' <<<"$py")"
expect_screen "the lesson ticks from b's traffic" '\[x\] "hola" came back as "eco: hola"'
# The lesson's other command: socklab's own client, on b, to host a.
shown2="\\$ printf 'hola\\\\nmundo\\\\n' \\| socklab sandbox exec b socklab client 198\\.51\\.100\\.1 9101"
expect_screen "socklab's client too: from b, to host a's address" "$shown2"
run_out two run_shown "$shown2"
check "that command gets both replies" $'eco: hola\neco: mundo' "$(sed '/^$/d' <<<"$two")"
expect_screen "and two lines in one recv tick the lesson" '\[x\] two lines that arrived in one recv'
# The live log (F8 in the lesson's place): the clients came from host b.
keys Tab Tab Tab
wait_for 5 focused_title Lesson || fail "Tab reaches the lesson pane"
keys F8
expect_screen "the log: the client came from host b" "ACCEPT tcp \('198\.51\.100\.2', [0-9]+\)"
keys BTab BTab BTab
# The client pane, on host a, still reaches the server over loopback.
type_line "/connect 127.0.0.1 9101"
expect_screen "the client pane on a connects over 127.0.0.1" "connected to \('127\.0\.0\.1', 9101\)"
keys F10
expect_screen "F10 asks first" 'F10 again quits'
keys F10
expect_screen "the lab exits with status 0" '^status=0$'
wait_for 5 no_holders && ok "the holder of host b is gone" || fail "holder left: $(holders)"

# Lesson 4, IPv6: its ::1 server listens on :: of host a; the client on b
# dials host a's IPv6 address.
tui_stop
tui_start_wrapped 200 50 --sandbox --lesson 4 || { fail "tmux did not start"; t_done; }
expect_screen "lesson 4 opens in the sandbox" 'Lesson 4: TCP over IPv6'
expect_screen "its server listens on :: of host a" '^ +\[::\]:9301 v6only=1  on a'
# shellcheck disable=SC2016
shown6='\$ socklab sandbox exec b python3 -c "\$\(sed -e '"'"'s/"::1"/"2001:db8::a"/'"'"' client_tcp_ipv6\.py\)"'
expect_screen "the IPv6 client, from b to host a's IPv6 address" "$shown6"
SB_PID=$(lab_pid)
run_out py6 run_shown "$shown6"
check "the shown IPv6 command exits 0" 0 "$RC"
check "and gets its bytes back" "hola ipv6" "$(sed '/^$/d' <<<"$py6")"
expect_screen "the lesson ticks: four fields" '\[x\] the peer.s tuple has four fields'
keys Tab Tab Tab
wait_for 5 focused_title Lesson || fail "Tab reaches the lesson pane"
keys F8
expect_screen "the log: host b's IPv6 address, four fields" "ACCEPT tcp \('2001:db8::b', [0-9]+, 0, 0\)"
keys F10
keys F10
expect_screen "lesson 4's lab exits with status 0" '^status=0$'
wait_for 5 no_holders && ok "the holder of host b is gone" || fail "holder left: $(holders)"
t_done
