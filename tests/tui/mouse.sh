#!/usr/bin/env bash
# The mouse: a click focuses the pane under it and selects the row under
# it; --no-mouse leaves mouse reporting off. Clicks are sent as the X10
# mouse reports (ESC [ M b x y) the terminal would send.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"

# click X Y: a button-1 press and release at column X, row Y (0-based).
click() {
	local x y
	x=$(printf '%b' "\\x$(printf %x $((33 + $1)))")
	y=$(printf '%b' "\\x$(printf %x $((33 + $2)))")
	keys -l $'\033[M '"$x$y"
	keys -l $'\033[M#'"$x$y"
}

tui_start 100 30 --serve tcp:hello:dual:0 || { fail "tmux"; t_done; }
wait_screen '#1 LISTEN' || fail "lab started"
check "mouse reporting asked of the terminal" 1 \
	"$(tmx display-message -p -t "$TUI_PANE" '#{mouse_any_flag}')"
if focused_title Client; then ok "client pane focused at start"; else fail "client pane focused at start"; fi
click 70 10
if wait_for 5 focused_title "Live log"; then ok "click focuses the log"; else fail "click focuses the log"; fi
# Row 4 is the first running server's first line (title, two form rows, heading).
click 5 4
if wait_for 5 focused_title Servers; then ok "click focuses the servers"; else fail "click focuses the servers"; fi
if wait_for 5 sh -c "tmux -L $TMUX_SOCK capture-pane -e -p -t $TUI_PANE | sed -n 5p | grep -q '7m.*#1 tcp hello dual'"; then
	ok "click selects the running server"
else
	fail "click selects the running server"
fi
keys x
expect_screen "the clicked server stops with x" '#1 STOP'
keys F10
wait_for 5 pane_dead || fail "quit"
tui_stop

tui_start 100 30 --no-mouse || { fail "tmux"; t_done; }
wait_screen 'socklab>' || fail "lab started"
check "--no-mouse: no mouse reporting" 0 \
	"$(tmx display-message -p -t "$TUI_PANE" '#{mouse_any_flag}')"
keys F10
wait_for 5 pane_dead || fail "quit"
t_done
