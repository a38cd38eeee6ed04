# Helpers for the TUI tests (sourced after tests/lib.sh): the real binary
# in a tmux server of its own, on a private socket, killed at exit.
# shellcheck shell=bash
command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"

TMUX_SOCK=socklab-test-$$
TUI_PANE=lab
export XDG_STATE_HOME=$T_DIR/state
unset TMUX
# tmux runs each pane's command with $SHELL, else the account's login shell:
# nobody's is nologin, and CI may set no SHELL. bash, as the tests are:
# it execs a -c command in place, so the pane's process is that command.
export SHELL=/bin/bash
export LC_ALL=C.UTF-8   # ${#line} counts characters, not bytes

tmx() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }

# tui_stop: ends this tmux server; the next tui_start gets a fresh one (a
# new socket name, so it never races with the old server's exit).
TUI_RUN=0
tui_stop() {
	tmx kill-server 2>/dev/null
	TUI_RUN=$((TUI_RUN + 1))
	TMUX_SOCK=socklab-test-$$-$TUI_RUN
}

_tui_cleanup() {
	tmx kill-server 2>/dev/null
	t_cleanup
}
trap _tui_cleanup EXIT

# tui_start COLS ROWS ARGS...: opens the lab in a detached tmux session.
# The pane stays after the program exits so its end can be checked.
tui_start() {
	local cols=$1 rows=$2; shift 2
	local cmd
	cmd=$(printf '%q ' env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
		XDG_STATE_HOME="$XDG_STATE_HOME" "$SOCKLAB" "$@")
	tmx new-session -d -s "$TUI_PANE" -x "$cols" -y "$rows" "$cmd" || return 1
	tmx set-option -t "$TUI_PANE" remain-on-exit on >/dev/null
	tmx set-option -t "$TUI_PANE" escape-time 0 >/dev/null
}

# tui_start_wrapped COLS ROWS ARGS...: the same under a shell that, once
# the lab is gone, prints its exit status and the terminal's modes
# (status=N, stty -a, END-OF-LAB) so the tests can see it was restored.
tui_start_wrapped() {
	local cols=$1 rows=$2; shift 2
	local cmd
	cmd=$(printf '%q ' "$SOCKLAB" "$@")
	tmx new-session -d -s "$TUI_PANE" -x "$cols" -y "$rows" \
		"env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME=$XDG_STATE_HOME ${TUI_ENV:-} sh -c 'ulimit -c 0; trap \"\" INT QUIT; $cmd; echo status=\$?; stty -a; echo END-OF-LAB; sleep 600'" ||
		return 1
	tmx set-option -t "$TUI_PANE" escape-time 0 >/dev/null
}

# lab_pid: the socklab process under the wrapper shell.
lab_pid() { pgrep -P "$(pane_pid)" -x socklab; }

# screen: the pane's text now.
screen() { tmx capture-pane -p -t "$TUI_PANE" 2>/dev/null; }

# keys ARGS...: tmux send-keys (key names such as Tab, F1, Enter).
keys() { tmx send-keys -t "$TUI_PANE" "$@"; }
# type TEXT: literal text, then Enter.
type_line() { tmx send-keys -t "$TUI_PANE" -l -- "$1"; tmx send-keys -t "$TUI_PANE" Enter; }

_screen_has() { screen | grep -qE -- "$1"; }
_screen_lacks() { ! screen | grep -qE -- "$1"; }

# wait_screen REGEX [SECONDS]: waits until the screen matches (default 10 s).
# On a timeout, prints the screen so the failure shows what was there.
wait_screen() {
	if wait_for "${2:-10}" _screen_has "$1"; then return 0; fi
	echo "    screen did not show /$1/ in time:" >&2
	screen | sed 's/^/    | /' >&2
	return 1
}

# wait_gone REGEX [SECONDS]: waits until the screen no longer matches.
wait_gone() {
	if wait_for "${2:-10}" _screen_lacks "$1"; then return 0; fi
	echo "    screen still shows /$1/:" >&2
	screen | sed 's/^/    | /' >&2
	return 1
}

# expect_screen NAME REGEX [SECONDS]: a check that waits.
expect_screen() {
	if wait_screen "$2" "${3:-10}"; then ok "$1"; else fail "$1"; fi
}

# focused_title NAME: the pane titled NAME has the focus colour (black on
# cyan); the others are black on white.
focused_title() { tmx capture-pane -e -p -t "$TUI_PANE" | grep -q $'\033\\[46m '"$1"; }

# pane_pid: the process running in the pane.
pane_pid() { tmx display-message -p -t "$TUI_PANE" '#{pane_pid}'; }
pane_dead() { [ "$(tmx display-message -p -t "$TUI_PANE" '#{pane_dead}')" = 1 ]; }

# log_port N: the port server #N listens on, read from its LISTEN line.
log_port() {
	screen | grep -m1 -oE "#$1 LISTEN [^ ]+ [^ ]+ [^ ]*:[0-9]+" | grep -oE '[0-9]+$'
}

# quit_asked [KEY]: with servers running, the first quit key (F10 unless
# given) only asks; the question is checked, then F10 quits.
quit_asked() {
	keys "${1:-F10}"
	if wait_screen 'again quits' 5; then ok "quitting asks first"; else fail "quitting asks first"; fi
	keys F10
}
