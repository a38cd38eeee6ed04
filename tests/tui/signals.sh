#!/usr/bin/env bash
# The terminal is given back whatever ends the lab: SIGTERM, Ctrl-C
# (SIGINT), a crash signal (SIGSEGV). Each time the wrapper shell then
# finds the tty in canonical mode with echo, tmux is off the alternate
# screen with the cursor shown, and the lab's servers are gone with it.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"

# ends_clean NAME STATUS_REGEX: checks what the wrapper printed.
ends_clean() {
	expect_screen "$1: exit status" "^status=$2\$"
	expect_screen "$1: canonical mode and echo back" ' icanon .* echo '
	check "$1: alternate screen left" 0 "$(tmx display-message -p -t "$TUI_PANE" '#{alternate_on}')"
	check "$1: cursor visible" 1 "$(tmx display-message -p -t "$TUI_PANE" '#{cursor_flag}')"
	check "$1: mouse off" 0 "$(tmx display-message -p -t "$TUI_PANE" '#{mouse_any_flag}')"
}

# run_case NAME HOW STATUS: opens the lab with a server, ends it with HOW.
run_case() {
	local name=$1 how=$2 status=$3 pid port
	tui_start_wrapped 100 30 --serve tcp:echo:ipv4:0 || { fail "$name: tmux"; return; }
	wait_screen '#1 LISTEN tcp/echo' || { fail "$name: lab started"; tui_stop; return; }
	port=$(log_port 1)
	pid=$(lab_pid)
	case $how in
	TERM | SEGV) kill -"$how" "$pid" ;;
	C-c) keys C-c ;;
	esac
	ends_clean "$name" "$status"
	if kill -0 "$pid" 2>/dev/null; then fail "$name: process gone"; else ok "$name: process gone"; fi
	# The server went with the process: its port no longer answers.
	if timeout 5 "$SOCKLAB" client --timeout 2 127.0.0.1 "$port" hi >/dev/null 2>&1; then
		fail "$name: server port still answers"
	else
		ok "$name: server port closed"
	fi
	tui_stop
}

run_case sigterm TERM 0
run_case ctrl-c C-c 0
run_case sigsegv SEGV 139
t_done
