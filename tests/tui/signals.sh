#!/usr/bin/env bash
# The terminal is given back whatever ends the lab: SIGTERM, SIGHUP,
# Ctrl-C (SIGINT, asking first while a server runs), a crash signal
# (SIGSEGV), and every other signal that ends a process (issue 10:
# SIGQUIT, SIGUSR1/2, SIGALRM, SIGXFSZ, SIGVTALRM, SIGPROF, a real-time
# one). Ctrl-\ is no quit key while the lab runs. Each time the wrapper shell then
# finds the tty in canonical mode with echo, tmux is off the alternate
# screen with the cursor shown, and the lab's servers are gone with it.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"

# ends_clean NAME STATUS_REGEX: checks what the wrapper printed.
ends_clean() {
	expect_screen "$1: exit status" "^status=$2\$"
	expect_screen "$1: canonical mode and echo back" ' icanon .* echo '
	expect_screen "$1: the quit character back" 'quit = \^\\'
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
	C-c) quit_asked C-c ;; # servers run: Ctrl-C on an empty line asks first
	*) kill -"$how" "$pid" ;;
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
run_case sighup HUP 0
run_case sigquit QUIT 131
run_case sigusr1 USR1 138
run_case sigusr2 USR2 140
run_case sigalrm ALRM 142
# SIGXFSZ is ignored (a --log past ulimit -f fails with EFBIG instead,
# tests/tui/log_fail.sh): the lab goes on.
tui_start_wrapped 100 30 --serve tcp:echo:ipv4:0 || fail "sigxfsz: tmux"
wait_screen '#1 LISTEN tcp/echo' || fail "sigxfsz: lab started"
kill -XFSZ "$(lab_pid)"
type_line "/resolve 127.0.0.1"
expect_screen 'sigxfsz: ignored, the lab goes on' "AF_INET +SOCK_STREAM"
quit_asked
ends_clean 'sigxfsz then F10' 0
tui_stop
run_case sigvtalrm VTALRM 154
run_case sigprof PROF 155
rt=$(($(kill -l RTMIN) + 2))
run_case sigrtmin+2 "$rt" $((128 + rt))

# Ctrl-\ is not a quit key in the lab: it stays up, drawn as it was.
tui_start_wrapped 100 30 --serve tcp:echo:ipv4:0 || fail "ctrl-\\: tmux"
wait_screen '#1 LISTEN tcp/echo' || fail "ctrl-\\: lab started"
keys 'C-\'
type_line "/resolve 127.0.0.1"
expect_screen 'ctrl-\: the lab goes on' "AF_INET +SOCK_STREAM"
if screen | grep -q '^status='; then fail 'ctrl-\: not ended'; else ok 'ctrl-\: not ended'; fi
quit_asked
ends_clean 'ctrl-\ then F10' 0
tui_stop

# Ctrl-Z under a shell with job control: the shell gets its terminal back
# in a sane state, and fg brings the lab back, drawn again.
tmx new-session -d -s "$TUI_PANE" -x 100 -y 30 \
	"env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME=$XDG_STATE_HOME PS1='sh\$ ' bash --norc --noprofile -i" ||
	fail "ctrl-z: tmux"
tmx set-option -t "$TUI_PANE" escape-time 0 >/dev/null
wait_screen '^sh\$ ?$' || fail "ctrl-z: shell prompt"
type_line "$(printf '%q' "$SOCKLAB") --serve tcp:echo:ipv4:0"
expect_screen "ctrl-z: lab up" '#1 LISTEN tcp/echo'
keys C-z
expect_screen "ctrl-z: the shell reports the lab stopped" 'Stopped'
check "ctrl-z: alternate screen left" 0 "$(tmx display-message -p -t "$TUI_PANE" '#{alternate_on}')"
type_line "stty -a | grep -c ' icanon .* echo '"
expect_screen "ctrl-z: canonical mode and echo while suspended" '^1$'
type_line "fg"
expect_screen "fg: the lab is drawn again" '^ Servers .*1 running'
check "fg: alternate screen again" 1 "$(tmx display-message -p -t "$TUI_PANE" '#{alternate_on}')"
type_line "/resolve 127.0.0.1"
expect_screen "fg: typing works again" "AF_INET +SOCK_STREAM"
quit_asked
expect_screen "fg: quits back to the shell" '^sh\$ ?$'
t_done
