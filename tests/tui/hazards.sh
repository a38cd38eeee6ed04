#!/usr/bin/env bash
# No stray keystroke wrecks a demo (issue 11): text typed while another
# pane has the focus goes to the prompt instead of starting servers or
# presets; Enter starts a server only on the form's [Start]; with servers
# running, every way of quitting (q, F10, /quit, Ctrl-C, Ctrl-D) asks
# once and a second key is needed, while any other key goes on; Ctrl-C
# in the client pane clears the typed line, as a shell does. And F9
# zooms the focused pane to the whole screen and back.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"

running() { screen | grep -oE '[0-9]+ running' | head -1; }

tui_start_wrapped 120 40 --serve tcp:echo:ipv4:0 || { fail "tmux"; t_done; }
expect_screen "lab up" '#1 LISTEN tcp/echo ipv4 127\.0\.0\.1:[0-9]+'
port=$(log_port 1)

# A command typed in the servers pane: it lands in the prompt and runs;
# its Enter does not start the form's server.
keys Tab
expect_screen "servers pane focused" 'Enter Start +x Stop'
keys -l "/connect 127.0.0.1 $port"
expect_screen "the typed text is in the prompt" "socklab> /connect 127\.0\.0\.1 $port"
if wait_for 5 focused_title Client; then ok "the prompt got the focus"; else fail "the prompt got the focus"; fi
keys Enter
expect_screen "the command ran" "connected to \('127\.0\.0\.1', $port\)"
check "no server started by that Enter" "1 running" "$(running)"
type_line "/close"
expect_screen "closed" '^ connection closed$'

# Enter on a form field goes to [Start]; only there does it start.
keys Tab Enter
check "Enter on a field starts nothing" "1 running" "$(running)"
if wait_for 5 sh -c "tmux -L $TMUX_SOCK capture-pane -e -p -t $TUI_PANE | grep -q '7m\[Start\]'"; then
	ok "Enter moved to [Start]"
else
	fail "Enter moved to [Start]"
fi
# The host field takes a host, not a '/': that goes to the prompt.
keys Up Up            # Start -> port -> host
keys -l "/resolve localhost"
expect_screen "a '/' in the host field goes to the prompt" 'socklab> /resolve localhost'
keys C-u
keys Tab Tab          # client -> servers -> presets
if wait_for 5 focused_title Presets; then ok "presets pane focused"; else fail "presets pane focused"; fi

# Digits in the presets pane fire no preset: they are text for the prompt.
keys -l "127.0.0.1 9999"
expect_screen "digits typed in the presets go to the prompt" 'socklab> 127\.0\.0\.1 9999'
check "no preset started" "1 running" "$(running)"
if screen | grep -q 'tutorial section'; then fail "no preset note in the log"; else ok "no preset note in the log"; fi

# Ctrl-C in the client pane clears the line; the lab and its server stay.
keys C-c
expect_screen "Ctrl-C clears the typed line" 'socklab> *$'
if screen | grep -q 'again quits'; then fail "Ctrl-C with text did not ask to quit"; else
	ok "Ctrl-C with text did not ask to quit"; fi
check "the server still runs" "1 running" "$(running)"

# Each way of quitting asks first; another key goes on.
keys C-c
expect_screen "Ctrl-C on an empty line asks" '1 server is running: F10 again quits'
keys -l "x"
wait_gone 'again quits' 5 || fail "another key drops the question"
expect_screen "and the key is not lost" 'socklab> x$'
keys C-u C-d
expect_screen "Ctrl-D on an empty line asks" 'F10 again quits'
keys Down             # history: not a quit key
wait_gone 'again quits' 5 || fail "Down drops the question"
keys C-u
type_line "/quit"
expect_screen "/quit asks" 'F10 again quits'
keys Tab              # to the servers pane: the question goes
wait_gone 'again quits' 5 || fail "Tab drops the question"
keys Home             # off the host field, where q is text
keys q
expect_screen "q in the servers pane asks" 'F10 again quits'
keys Escape
wait_gone 'again quits' 5 || fail "Escape drops the question"
keys F10
expect_screen "F10 asks" 'F10 again quits'
if screen | grep -q '^status='; then fail "one F10 does not quit"; else ok "one F10 does not quit"; fi

# Zoom: F9 makes the focused pane (servers) fill the screen, F9 again
# brings the layout back.
keys Escape           # no quit
wait_gone 'again quits' 5 || fail "the question goes"
keys F9
expect_screen "zoomed: the servers pane is alone" '^ Servers +1 running$'
if screen | grep -q 'Live log'; then fail "zoomed: the log is hidden"; else ok "zoomed: the log is hidden"; fi
keys F9
expect_screen "unzoomed: the log is back" 'Live log'

keys F10 F10
expect_screen "F10 twice quits" '^status=0$'
t_done
