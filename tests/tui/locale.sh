#!/usr/bin/env bash
# A terminal whose locale is not UTF-8 (LANG=C, issue 11): the lab draws
# its rules in plain ASCII, and non-ASCII typed input goes out as the
# bytes the terminal sent ("ñandú" is 7 bytes of UTF-8, not "and").
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"

cmd=$(printf '%q ' env TERM=screen-256color LANG=C LC_ALL=C XDG_STATE_HOME="$XDG_STATE_HOME" \
	"$SOCKLAB" --serve tcp:echo:ipv4:0)
tmx new-session -d -s "$TUI_PANE" -x 120 -y 40 "$cmd" || { fail "tmux"; t_done; }
tmx set-option -t "$TUI_PANE" remain-on-exit on >/dev/null
tmx set-option -t "$TUI_PANE" escape-time 0 >/dev/null
expect_screen "lab up" '#1 LISTEN tcp/echo ipv4'
if screen | grep -q '[─│└┘…]'; then fail "C locale: no Unicode rules"; else ok "C locale: no Unicode rules"; fi
expect_screen "C locale: ASCII rules" '^-+ running: '
expect_screen "C locale: the column rule is |" '^ Servers .*\| Live log'
port=$(log_port 1)
type_line "/connect 127.0.0.1 $port"
expect_screen "connected" "connected to \('127\.0\.0\.1', $port\)"
keys -l "ñandú"
keys Enter
expect_screen "the typed bytes reach the server whole" "#1 RECV tcp \('127\.0\.0\.1', [0-9]+\) 8 B"
expect_screen "and come back" "#1 SEND tcp \('127\.0\.0\.1', [0-9]+\) 13 B"
if screen | grep -q '"and\\n"'; then fail "not sent as 'and'"; else ok "not sent as 'and'"; fi
quit_asked
wait_for 5 pane_dead || fail "quit"
t_done
