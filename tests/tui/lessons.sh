#!/usr/bin/env bash
# Every shipped lesson walked end to end in the real lab (tmux), in English
# and in Spanish: the lesson pane shows its title and checks in the
# language, real traffic from the client pane (and from `socklab client`
# for the commands a lesson says to run elsewhere) ticks every check, and
# the counter reaches N/N. The lesson's servers take ports from the kernel
# (SOCKLAB_LESSON_PORT0) so the test never depends on 9101 being free.
# A check that needs captured packets (handshake-before-accept) ticks where
# the lab captures (root: CI); where it cannot, and with the capture turned
# off, the check says it needs the packet view and why, under its label.
# Lesson 6's TIME_WAIT check ticks from the kernel's socket table, which
# needs no privilege: also as nobody.
# Also: Up recalls the lesson's first command with its real port, the
# tutorial's Python program is offered with the real port and runs, and a
# lesson file with errors is refused with its line and cause.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"
LESSONS=$SOCKLAB_TESTS/../lessons
ES=es_ES.UTF-8
have_es=0
locale -a 2>/dev/null | grep -qix 'es_ES\.utf-\?8' && have_es=1
[ $have_es = 1 ] || echo "  skip: no $ES locale, Spanish walks not run" >&2

# The lab captures packets as root (CI); as another user it cannot.
capture=0
[ "$(id -u)" = 0 ] && capture=1
# AS: a command the lab runs under (setpriv ... for nobody), or nothing.
AS=()

# start LOCALE ID [ENV...]: the lab on lesson ID in a fresh tmux server.
start() {
	local cmd loc=$1 id=$2
	shift 2
	tui_stop
	cmd=$(printf '%q ' env -u LANGUAGE TERM=screen-256color LANG="$loc" LC_ALL="$loc" \
		SOCKLAB_LESSON_PORT0=1 XDG_STATE_HOME="$XDG_STATE_HOME" "$@" "${AS[@]}" "$SOCKLAB" --lesson "$id")
	tmx new-session -d -s "$TUI_PANE" -x "${W:-110}" -y 44 "$cmd" || return 1
	tmx set-option -t "$TUI_PANE" remain-on-exit on >/dev/null
	tmx set-option -t "$TUI_PANE" escape-time 0 >/dev/null
}

# port N: server #N's port, from the servers panel.
port() { screen | grep -A1 -m1 "^#$1 " | tail -1 | grep -oE ':[0-9]+' | tail -1 | tr -d :; }

# labels LANG ID: the lesson's check labels in LANG, one per line.
labels() { sed -n "s/^label\\.$1 //p" "$LESSONS/$2.lesson"; }
title() { sed -n "s/^title\\.$1 //p" "$LESSONS/$2.lesson"; }
# packet_labels LANG ID: the labels of the checks that need captured packets.
packet_labels() {
	awk -v l="label.$1" '/^check /{ p = ($2 == "handshake-before-accept") }
		p && $1 == l { sub(/^[^ ]+ /, ""); print }' "$LESSONS/$2.lesson"
}

# The first words of a label as a regex (wrapping may cut the rest).
words() { awk '{ printf "%s %s", $1, $2 }' <<<"$1" | sed 's/[][\\.*^$()+?{}|]/\\&/g'; }

# traffic ID P1 P2: what the lesson asks for, for real.
traffic() {
	case $1 in
	0)
		type_line "/connect 127.0.0.1 $2"; wait_screen "\('127\.0\.0\.1', $2\) (from|desde)"
		type_line hola
		type_line "/connect udp 127.0.0.1 $3"; type_line hola ;;
	1)
		printf 'hola\nmundo\n' | "$SOCKLAB" client 127.0.0.1 "$2" >"$T_DIR/c1.out" ;;
	1.b)
		type_line "/connect 127.0.0.1 $2"; wait_screen "\('127\.0\.0\.1', $2\) (from|desde)"
		type_line hola; wait_screen '^ < eco: hola'
		type_line mundo ;;
	2)
		type_line "/connect 127.0.0.1 $2"; wait_screen "\('127\.0\.0\.1', $2\) (from|desde)"
		type_line PING; wait_screen '^ < PONG'
		type_line FOO ;;
	3)
		type_line "/connect udp 127.0.0.1 $2"; type_line hola ;;
	4)
		type_line "/connect ::1 $2"; wait_screen "\('::1', $2, 0, 0\) (from|desde)"
		type_line hola ;;
	5)
		type_line "/connect 127.0.0.1 $2"; wait_screen '^ < hola dual'
		type_line "/connect 127.0.0.1 $3" ;;
	6)
		type_line "/connect 127.0.0.1 $2"; wait_screen "\('127\.0\.0\.1', $2\) (from|desde)"
		type_line hola; wait_screen '^ < eco: hola'
		type_line /shutdown ;;
	esac
}

walk() { # LOCALE LANG ID [ENV...]: CAPTURE=0|1 says whether packets are had
	local loc=$1 lang=$2 id=$3 n=0 p1 p2 l k=0 why
	shift 3
	start "$loc" "$id" "$@" || { fail "$lang $id: tmux session"; return; }
	if ! wait_screen "$(words "$(title "$lang" "$id")")"; then
		fail "$lang $id: lesson title in the pane"; return
	fi
	while IFS= read -r l; do
		n=$((n + 1))
		wait_screen "\[ \] $(words "$l")" 5 || fail "$lang $id: check '$l' listed unticked"
	done < <(labels "$lang" "$id")
	wait_screen "0/$n" 5 || fail "$lang $id: counter 0/$n"
	p1=$(port 1); p2=$(port 2)
	[[ $p1 =~ ^[0-9]+$ ]] || { fail "$lang $id: port of the lesson's server"; return; }
	traffic "$id" "$p1" "$p2"
	while IFS= read -r l; do
		if [ "$CAPTURE" = 0 ] && packet_labels "$lang" "$id" | grep -qxF -- "$l"; then
			continue
		fi
		if wait_screen "\[x\] $(words "$l")"; then ok "$lang $id: ticked: $l"; else
			fail "$lang $id: not ticked: $l"; fi
	done < <(labels "$lang" "$id")
	if [ "$CAPTURE" = 0 ]; then
		# Unticked, and saying why: the packet view, and the capture's reason.
		why="needs the packet view: "
		[ "$lang" = es ] && why="necesita la vista de paquetes: "
		while IFS= read -r l; do
			k=$((k + 1))
			expect_screen "$lang $id: no capture: '$l' unticked" "\[ \] $(words "$l")"
			expect_screen "$lang $id: no capture: the check says it needs the packet view" "$why"
			expect_screen "$lang $id: no capture: and why (${WHY:-})" "${WHY:-.}"
		done < <(packet_labels "$lang" "$id")
	fi
	expect_screen "$lang $id: $((n - k))/$n" "$((n - k))/$n"
	keys F10
	wait_screen 'F10 (again|otra vez)' 5 || fail "$lang $id: F10 asks first"
	keys F10
	wait_for 10 pane_dead || fail "$lang $id: F10 twice quits"
}

CAPTURE=$capture
[ $capture = 1 ] || echo "  note: not root: checks that need packets are expected to say so" >&2
for id in ${LESSON_IDS:-0 1 1.b 2 3 4 5 6}; do
	if [ "$id" = 4 ] || [ "$id" = 5 ]; then
		have_ipv6 || { echo "  skip: lesson $id needs ::1" >&2; continue; }
	fi
	walk C.UTF-8 en "$id"
	[ $have_es = 1 ] && walk "$ES" es "$id"
done

# The capture turned off: lesson 0's handshake check says it needs the
# packet view and why, and the rest still ticks.
CAPTURE=0 WHY='SOCKLAB_NO_CAPTURE' walk C.UTF-8 en 0 SOCKLAB_NO_CAPTURE=1
# As nobody (no CAP_NET_RAW): the same, the reason naming what is missing;
# lesson 6's TIME_WAIT comes from the socket table, which needs no privilege.
if [ $capture = 1 ] && command -v setpriv >/dev/null; then
	chmod 755 "$T_DIR"
	mkdir -m 777 "$T_DIR/nobody"
	saved=$XDG_STATE_HOME
	XDG_STATE_HOME=$T_DIR/nobody
	AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	CAPTURE=0 WHY='CAP_NET_RAW' walk C.UTF-8 en 0
	CAPTURE=0 walk C.UTF-8 en 6
	[ $have_es = 1 ] && CAPTURE=0 WHY='CAP_NET_RAW' walk "$ES" es 0
	AS=()
	XDG_STATE_HOME=$saved
fi

# The lesson's commands are in the prompt's history, the port filled in.
start C.UTF-8 1 || fail "tmux session"
wait_screen 'Lesson 1' || fail "lesson 1 opens"
p=$(port 1)
keys Up
expect_screen "Up recalls the first command, with the real port" "socklab> /connect 127\.0\.0\.1 $p$"
keys Up
expect_screen "then the next one" "socklab> hola$"
keys Escape Tab Tab Tab
if wait_for 5 focused_title Lesson; then ok "Tab reaches the lesson pane"; else
	fail "Tab reaches the lesson pane"; fi
expect_screen "its keys in the status bar" 'Up/Down Scroll  PgUp/PgDn Page'
keys F8
expect_screen "F8 swaps in the live log" "#1 LISTEN tcp/echo"
# The slot's other views (packets, system calls, ...) come in turn; F8
# keeps turning until the lesson is back.
back=0
for _ in 1 2 3 4 5 6 7 8; do
	keys F8
	if wait_for 2 _screen_has "Lesson 1: TCP echo"; then back=1; break; fi
done
check "F8 comes back round to the lesson" 1 "$back"
keys F10 F10
wait_for 10 pane_dead || fail "F10 twice quits"

# The tutorial's Python client, offered with the port the server really
# has (not the tutorial's 9101), run as shown: its lines are echoed, and
# the lesson ticks from them.
if command -v python3 >/dev/null; then
	W=200 start C.UTF-8 1 || fail "tmux session"
	wait_screen 'Lesson 1' || fail "lesson 1 opens"
	p=$(port 1)
	if [ "$p" = 9101 ]; then
		fail "SOCKLAB_LESSON_PORT0 gave the tutorial's own port"
	elif wait_screen "\\$ python3 -c \"\\\$\\(sed -e 's/\\\\<9101\\\\>/$p/' client_tcp_ipv4\\.py\\)\"" 5; then
		ok "the Python client is offered with the real port"
		cmd=$(screen | grep -o '\$ python3 -c .*client_tcp_ipv4\.py)"' | head -1)
		out=$(cd "$SOCKLAB_TESTS/interop/tutorial" && timeout 10 bash -c "${cmd#\$ }" 2>&1)
		check "the command runs the tutorial's client against the lab" \
			"eco: hola"$'\n'"eco: mundo"$'\n'"eco: fin" "$out"
		if wait_screen '\[x\] "hola" came back as "eco: hola"'; then
			ok "its traffic ticks the lesson"; else fail "its traffic ticks the lesson"; fi
	else
		fail "the Python client is offered with the real port"
	fi
	keys F10 F10
	wait_for 10 pane_dead || fail "F10 twice quits"
fi

# A lesson file with errors: refused before the lab starts, line and cause.
cat >"$T_DIR/bad.lesson" <<'EOB'
socklab-lesson 1
id mine
title.en Mine
step
text.en Words.
check sparkles
EOB
tui_stop
tmx new-session -d -s "$TUI_PANE" -x 100 -y 10 \
	"$(printf '%q ' env TERM=screen-256color LANG=C.UTF-8 "$SOCKLAB" --lesson "$T_DIR/bad.lesson"); echo status=\$?; sleep 60"
expect_screen "a bad lesson names its line and cause" \
	"socklab: lesson .*bad\.lesson: line 6: unknown check 'sparkles'"
expect_screen "and the lab exits 2" 'status=2'
if [ $have_es = 1 ]; then
	tui_stop
	tmx new-session -d -s "$TUI_PANE" -x 100 -y 10 \
		"$(printf '%q ' env -u LANGUAGE TERM=screen-256color LANG=$ES LC_ALL=$ES "$SOCKLAB" --lesson 9); echo status=\$?; sleep 60"
	expect_screen "es: an unknown lesson, in Spanish" "socklab: no hay lección '9' \(las lecciones: 0, 1, 1\.b, 2"
fi
printf 'socklab-lesson 1\nid x\ntitle.en T\nstep\ntext.en bell \a\n' >"$T_DIR/ctl.lesson"
"$SOCKLAB" --lesson "$T_DIR/ctl.lesson" </dev/null >/dev/null 2>"$T_DIR/ctl.err"
check "a control byte in a lesson: exit 2, even off a terminal" 2 "$?"
check_match "and its line" 'line 5: control byte 0x07' "$(cat "$T_DIR/ctl.err")"
t_done
