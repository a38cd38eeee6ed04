#!/usr/bin/env bash
# Every shipped lesson walked end to end in the real lab (tmux), in English
# and in Spanish: the lesson pane shows its title and checks in the
# language, real traffic from the client pane (and from `socklab client`
# for the commands a lesson says to run elsewhere) ticks every check, and
# the counter reaches N/N. The lesson's servers take ports from the kernel
# (SOCKLAB_LESSON_PORT0) so the test never depends on 9101 being free.
# Also: Up recalls the lesson's first command with its real port, and a
# lesson file with errors is refused with its line and cause.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"
LESSONS=$SOCKLAB_TESTS/../lessons
ES=es_ES.UTF-8
have_es=0
locale -a 2>/dev/null | grep -qix 'es_ES\.utf-\?8' && have_es=1
[ $have_es = 1 ] || echo "  skip: no $ES locale, Spanish walks not run" >&2

# start LOCALE ID: the lab on lesson ID in a fresh tmux server.
start() {
	local cmd
	tui_stop
	cmd=$(printf '%q ' env -u LANGUAGE TERM=screen-256color LANG="$1" LC_ALL="$1" \
		SOCKLAB_LESSON_PORT0=1 XDG_STATE_HOME="$XDG_STATE_HOME" "$SOCKLAB" --lesson "$2")
	tmx new-session -d -s "$TUI_PANE" -x 110 -y 44 "$cmd" || return 1
	tmx set-option -t "$TUI_PANE" remain-on-exit on >/dev/null
	tmx set-option -t "$TUI_PANE" escape-time 0 >/dev/null
}

# port N: server #N's port, from the servers panel.
port() { screen | grep -A1 -m1 "^#$1 " | tail -1 | grep -oE ':[0-9]+' | tail -1 | tr -d :; }

# labels LANG ID: the lesson's check labels in LANG, one per line.
labels() { sed -n "s/^label\\.$1 //p" "$LESSONS/$2.lesson"; }
title() { sed -n "s/^title\\.$1 //p" "$LESSONS/$2.lesson"; }

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

walk() { # LOCALE LANG ID
	local loc=$1 lang=$2 id=$3 n=0 p1 p2 l
	start "$loc" "$id" || { fail "$lang $id: tmux session"; return; }
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
		if wait_screen "\[x\] $(words "$l")"; then ok "$lang $id: ticked: $l"; else
			fail "$lang $id: not ticked: $l"; fi
	done < <(labels "$lang" "$id")
	expect_screen "$lang $id: $n/$n" "$n/$n"
	keys F10
	wait_screen 'F10 (again|otra vez)' 5 || fail "$lang $id: F10 asks first"
	keys F10
	wait_for 10 pane_dead || fail "$lang $id: F10 twice quits"
}

for id in 0 1 1.b 2 3 4 5 6; do
	if [ "$id" = 4 ] || [ "$id" = 5 ]; then
		have_ipv6 || { echo "  skip: lesson $id needs ::1" >&2; continue; }
	fi
	walk C.UTF-8 en "$id"
	[ $have_es = 1 ] && walk "$ES" es "$id"
done

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
