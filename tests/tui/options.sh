#!/usr/bin/env bash
# Starting the lab: not on a terminal (exit 2, pointing at `socklab
# serve`), bad options and specs (exit 2), --no-color and NO_COLOR (no
# colour on screen; colour otherwise), a --serve that cannot bind (the
# cause shown, the lab goes on), and the readline history kept in
# $XDG_STATE_HOME/socklab/history across runs, with Ctrl-R search.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"

"$SOCKLAB" </dev/null >"$T_DIR/out" 2>"$T_DIR/err"
check "not a tty: exit 2" 2 "$?"
check_match "not a tty: points at socklab serve" 'socklab serve' "$(cat "$T_DIR/err")"
"$SOCKLAB" --bogus </dev/null >/dev/null 2>"$T_DIR/err"
check "unknown option: exit 2" 2 "$?"
check_match "unknown option named" "'--bogus'" "$(cat "$T_DIR/err")"
"$SOCKLAB" --serve tcp:echo:ipv5:0 </dev/null >/dev/null 2>"$T_DIR/err"
check "bad --serve spec: exit 2" 2 "$?"
check_match "bad --serve spec: the cause is named" \
	"^socklab: unknown family 'ipv5' \\(expected ipv4, ipv6, dual, dual2\\)" "$(cat "$T_DIR/err")"
check_match "bad --serve spec: the usage follows" $'\nusage: socklab \\[\\[--sequential' "$(cat "$T_DIR/err")"

# SGR colour codes (30-37, 40-47, 38;5, 48;5) in a capture with escapes.
has_colour() { tmx capture-pane -e -p -t "$TUI_PANE" | grep -qE $'\033\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5|48;5)[;m]'; }

tui_start 100 30 --serve tcp:echo:ipv4:0 || fail "tmux"
wait_screen '#1 LISTEN' || fail "lab started"
if has_colour; then ok "colour by default"; else fail "colour by default"; fi
keys Tab              # q quits outside the client pane, asking first
quit_asked q
if wait_for 5 pane_dead; then ok "q quits from the servers pane"; else fail "q quits from the servers pane"; fi
tui_stop

tui_start 100 30 --no-color --serve tcp:echo:ipv4:0 || fail "tmux"
wait_screen '#1 LISTEN' || fail "lab started"
if has_colour; then fail "--no-color: monochrome"; else ok "--no-color: monochrome"; fi
quit_asked
wait_for 5 pane_dead || fail "quit"
tui_stop

TUI_ENV="NO_COLOR=1" tui_start_wrapped 100 30 --serve tcp:echo:ipv4:0 || fail "tmux"
wait_screen '#1 LISTEN' || fail "lab started"
if has_colour; then fail "NO_COLOR: monochrome"; else ok "NO_COLOR: monochrome"; fi
quit_asked
wait_screen END-OF-LAB || fail "quit"
tui_stop

# A start that fails shows its cause and the lab goes on: a busy port (a
# server of our own holds it), an IPv6 host for an IPv4 server.
serve_start busy tcp:echo:ipv4:0
busy=$(listen_port busy 1)
tui_start 160 40 --serve "tcp:echo:ipv4:$busy" --serve "tcp:echo:ipv4:0@::1" \
	--serve tcp:cmd:ipv4:0 || fail "tmux"
expect_screen "busy port: the cause is shown" "cannot start tcp:echo:ipv4:$busy.*[Aa]ddress already in use"
expect_screen "bad host: the cause is shown" "cannot start tcp:echo:ipv4:0@::1: host '::1' \\(IPv4\\)"
expect_screen "the next server still starts" '#1 LISTEN tcp/cmd'
cmd_port=$(log_port 1)
type_line "/connect 127.0.0.1 $cmd_port"
expect_screen "connected to the command server" "connected to \('127\.0\.0\.1', $cmd_port\)"
type_line "PING"
type_line "FOO"
expect_screen "PING -> PONG" '^ < PONG$'
expect_screen "anything else -> ERR" '^ < ERR$'
type_line "/close"
expect_screen "/close" '^ connection closed$'

# History: lines typed in one run come back in the next.
type_line "PING"
expect_screen "a line sent while not connected is refused" 'not connected'
type_line "/resolve 127.0.0.1 9101"
expect_screen "/resolve lists getaddrinfo's answer" "AF_INET +SOCK_STREAM +IPPROTO_TCP +\('127\.0\.0\.1', 9101\)"
quit_asked
wait_for 5 pane_dead || fail "quit"
tui_stop
hist=$XDG_STATE_HOME/socklab/history
if [ -f "$hist" ] && grep -qx 'PING' "$hist" && grep -qx '/resolve 127.0.0.1 9101' "$hist"; then
	ok "history written to \$XDG_STATE_HOME/socklab/history"
else
	fail "history written to \$XDG_STATE_HOME/socklab/history"
fi
tui_start 100 30 || fail "tmux"
wait_screen 'socklab>' || fail "lab started"
keys Up
expect_screen "Up recalls the last line of the previous run" 'socklab> /resolve 127\.0\.0\.1 9101'
keys C-u C-r
tmx send-keys -t "$TUI_PANE" -l PI
expect_screen "Ctrl-R finds an older line" "reverse-i-search\)\`PI': PING"
keys Enter
expect_screen "the found line runs" 'not connected'
keys F10
wait_for 5 pane_dead || fail "quit"

# A start that fails is logged after the LISTEN lines of the servers
# started before it.
tui_stop
tui_start 160 40 --serve tcp:cmd:ipv4:0 --serve "tcp:echo:ipv4:$busy" || fail "tmux"
expect_screen "the failure is logged" "cannot start tcp:echo:ipv4:$busy"
order_ok() { screen | grep -nE '#1 LISTEN|cannot start' | head -2 | tr '\n' ' ' | grep -qE '#1 LISTEN.*cannot start'; }
if wait_for 5 order_ok; then ok "the failure comes after the LISTEN before it"; else
	fail "the failure comes after the LISTEN before it"; screen | sed 's/^/    | /' >&2; fi
quit_asked
wait_for 5 pane_dead || fail "quit"
t_done
