#!/usr/bin/env bash
# History that cannot be kept is said once, in the client pane, and the
# lab goes on: here the state directory is a regular file, so the history
# file can be neither read nor written.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"

: >"$T_DIR/not-a-dir"
XDG_STATE_HOME=$T_DIR/not-a-dir
tui_start 100 30 || { fail "tmux"; t_done; }
expect_screen "a history that cannot be read is said" \
	"not-a-dir/socklab/history: Not a directory: the lines typed now"
type_line "/resolve 127.0.0.1"
expect_screen "the lab goes on" "AF_INET +SOCK_STREAM"
type_line "/resolve ::1"
expect_screen "and on" "AF_INET6 +SOCK_STREAM"
n=$(screen | grep -c "Not a directory: the lines typed now")
check "said once, not at every line" 1 "$n"
keys F10
wait_for 5 sh -c "! tmux -L $TMUX_SOCK has-session 2>/dev/null || [ \"\$(tmux -L $TMUX_SOCK display-message -p '#{pane_dead}')\" = 1 ]" &&
	ok "quits" || fail "quits"
tui_stop
t_done
