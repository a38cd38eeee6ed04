#!/usr/bin/env bash
# The lab in a real terminal (tmux): two servers from --serve (dual-stack
# hello and IPv4 echo, port 0), /connect over 127.0.0.1 and ::1 with the
# peers' tuples in the log, the echo reply, a server started and stopped
# from the panel with keys only, resizing, the help overlay, and quitting
# with the process gone and the terminal given back.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"

tui_start_wrapped 160 40 --serve tcp:hello:dual:0 --serve tcp:echo:ipv4:0 ||
	{ fail "tmux session"; t_done; }
expect_screen "both servers listen" '#2 LISTEN tcp/echo ipv4 127\.0\.0\.1:[0-9]+'
if wait_for 5 focused_title Client; then ok "focus starts in the client pane"; else
	fail "focus starts in the client pane"; fi
p_dual=$(log_port 1)
p_echo=$(log_port 2)
check_match "dual-stack port read from the log" '^[0-9]+$' "$p_dual"
check_match "echo port read from the log" '^[0-9]+$' "$p_echo"
expect_screen "running list shows the dual socket and V6ONLY" "\[::\]:$p_dual v6only=0"
sh_pid=$(pane_pid)
lab_pid=$(pgrep -P "$sh_pid" -x socklab)
check_match "lab process found" '^[0-9]+$' "$lab_pid"

# IPv4 to the dual-stack server: the peer is IPv4-mapped.
type_line "/connect 127.0.0.1 $p_dual"
expect_screen "IPv4 peer shown as a mapped tuple" \
	"#1 ACCEPT tcp \('::ffff:127\.0\.0\.1', [0-9]+, 0, 0\)"
expect_screen "mapped peer annotated" 'IPv4-mapped 127\.0\.0\.1'
expect_screen "greeting in the client pane" '^ < hola dual'

if have_ipv6; then
	type_line "/connect ::1 $p_dual"
	expect_screen "IPv6 peer tuple in the log" "#1 ACCEPT tcp \('::1', [0-9]+, 0, 0\)"
	expect_screen "client connected over ::1" "connected to \('::1', $p_dual, 0, 0\)"
	if wait_for 5 sh -c "[ \$(tmux -L $TMUX_SOCK capture-pane -p -t $TUI_PANE | grep -c '^ < hola dual') -ge 2 ]"; then
		ok "second greeting, over IPv6"
	else
		fail "second greeting, over IPv6"
	fi
else
	echo "  skip: no ::1 on this host, IPv6 connect not tried" >&2
fi

# The IPv4 echo server.
type_line "/connect 127.0.0.1 $p_echo"
expect_screen "connected to the echo server" "connected to \('127\.0\.0\.1', $p_echo\)"
type_line "hola señor €"
expect_screen "echo reply in the client pane" '^ < eco: hola señor €'
expect_screen "echo traffic in the log" "#2 RECV tcp \('127\.0\.0\.1', [0-9]+\) 16 B"
# UTF-8 is edited by character: two Lefts cross "n" and "ó", Backspace
# takes a whole "€".
keys -l "cañón"
keys Left Left
keys -l "X"
keys Enter
expect_screen "UTF-8 edited in the middle" '^ < eco: cañXón$'
keys -l "año€"
keys BSpace Enter
expect_screen "Backspace removes a whole multibyte character" '^ < eco: año$'

# A line typed right after /connect, before it completes, still goes out.
keys -l "/connect 127.0.0.1 $p_echo"
keys Enter
keys -l "dicho rápido"
keys Enter
expect_screen "a line typed while connecting is sent once connected" '^ < eco: dicho rápido$'

# /shutdown half-closes, as the tutorial's client does: the echo server
# reads EOF and closes its side; the client then sees EOF too.
type_line "/shutdown"
expect_screen "/shutdown sends FIN" 'shutdown\(SHUT_WR\): FIN sent'
fin_then_eof() { screen | grep -A1 'FIN sent' | grep -q 'the server closed the connection (EOF)'; }
if wait_for 5 fin_then_eof; then ok "server closes after the half-close"; else fail "server closes after the half-close"; fi
type_line "ya no"
expect_screen "nothing to send on once closed" 'not connected: /connect HOST PORT first'

# Start a UDP echo server from the panel with keys only, then stop it.
keys Tab
expect_screen "servers pane focused" 'Enter Start +x Stop'
keys Right            # transport: TCP -> UDP
expect_screen "form shows UDP" '\[UDP\] \[ipv4\] \[echo\]'
keys Enter            # on a field, Enter goes to [Start] ...
keys Enter            # ... where it starts the server
expect_screen "UDP server started from the panel" '#3 LISTEN udp/echo ipv4 127\.0\.0\.1:[0-9]+'
expect_screen "running list shows it" '#3 udp echo ipv4'
keys End
keys x
expect_screen "stopped from the panel" '#3 STOP'
if wait_gone '#3 udp echo ipv4' 5; then ok "gone from the running list"; else fail "gone from the running list"; fi

# The log follows new lines, unless the user has scrolled back.
keys Tab Tab          # servers -> presets -> log
expect_screen "log pane focused" 'End Follow'
keys Up Up
expect_screen "scrolled back two lines" 'scrolled back 2 '
timeout 10 "$SOCKLAB" client 127.0.0.1 "$p_echo" uno >/dev/null
expect_screen "new lines do not move a scrolled-back view" 'scrolled back [3-9] '
keys End
expect_screen "End follows again" '[0-9]+ lines  dropped 0'
expect_screen "the newest line is in view" "#2 CLOSE tcp \('127\.0\.0\.1', [0-9]+\) peer-eof"
keys '?'
expect_screen "? opens the help outside the client pane" 'socklab help'
keys Escape
wait_gone 'socklab help' 5 || fail "help closes with Escape"
keys Tab              # back to the client pane

# Resize: smaller, then larger; the layout follows.
tmx resize-window -t "$TUI_PANE" -x 80 -y 24
expect_screen "80x24: status bar on the last line" 'Tab Pane'
rows=$(screen | wc -l)
check "80x24: 24 rows drawn" 24 "$rows"
long=0
while IFS= read -r line; do [ "${#line}" -gt 80 ] && long=$((long + 1)); done < <(screen)
check "80x24: nothing wider than the pane" 0 "$long"
expect_screen "80x24: client pane still there" '^ Client +not connected$'
tmx resize-window -t "$TUI_PANE" -x 50 -y 12
expect_screen "too small: says so" 'needs at least 60x16'
tmx resize-window -t "$TUI_PANE" -x 120 -y 40
expect_screen "120x40: full layout again" 'Live log'
expect_screen "120x40: presets visible" 'F7 5 +hello'

# Help overlay.
keys F1
expect_screen "help overlay opens" 'socklab help'
expect_screen "help lists the commands" '/connect \[tcp\|udp\] HOST PORT'
keys Escape
if wait_gone 'socklab help' 5; then ok "help closes"; else fail "help closes"; fi

# Quit: F10 from the servers pane (q would do too); servers run, so the
# first F10 asks.
quit_asked
expect_screen "lab exited with status 0" '^status=0$'
expect_screen "terminal back in canonical mode with echo" ' icanon .* echo '
if kill -0 "$lab_pid" 2>/dev/null; then fail "process gone"; else ok "process gone"; fi
check "alternate screen left" 0 "$(tmx display-message -p -t "$TUI_PANE" '#{alternate_on}')"
check "mouse reporting off" 0 "$(tmx display-message -p -t "$TUI_PANE" '#{mouse_any_flag}')"
check "cursor visible" 1 "$(tmx display-message -p -t "$TUI_PANE" '#{cursor_flag}')"
t_done
