#!/usr/bin/env bash
# The lab in Spanish (LANG=es_ES.UTF-8) at 80x24 in tmux: panes, status
# keys, the log's lines in the tutorial's words, the client pane's
# messages, the help and an error; the bytes on the wire do not change.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"
ES=es_ES.UTF-8
locale -a 2>/dev/null | grep -qix 'es_ES\.utf-\?8' ||
	skip "no $ES locale (localedef -i es_ES -f UTF-8 $ES)"

cmd=$(printf '%q ' env -u LANGUAGE TERM=screen-256color LANG=$ES LC_ALL=$ES \
	XDG_STATE_HOME="$XDG_STATE_HOME" "$SOCKLAB" --serve tcp:echo:ipv4:0 --serve tcp:hello:dual:0)
tmx new-session -d -s "$TUI_PANE" -x 80 -y 24 "$cmd" || { fail "tmux session"; t_done; }
tmx set-option -t "$TUI_PANE" remain-on-exit on >/dev/null
tmx set-option -t "$TUI_PANE" escape-time 0 >/dev/null

expect_screen "pane titles in Spanish" '^ Servidores .*Registro en vivo'
expect_screen "the client pane" '^ Cliente .*sin conexión'
expect_screen "welcome line" 'Escriba /connect HOST PUERTO'
expect_screen "status keys" 'F1 Ayuda  Tab Panel'
expect_screen "listen line, the tutorial's words" '#1 Escuchando en'
expect_screen "dual-stack enabled" 'Dual-stack'
expect_screen "the form fits at 80 columns" '\[Ir\] *│'
# (the log wraps at 80 columns: the tuples are matched up to their first
# comma.) The port from the first server's line in the panel (the log wraps at 80).
port=$(screen | grep -A1 -m1 '^#1 tcp echo ipv4' | grep -oE '127\.0\.0\.1:[0-9]+' | head -1 | cut -d: -f2)
check_match "echo port read from the servers panel" '^[0-9]+$' "$port"

type_line "/connect 127.0.0.1 $port"
expect_screen "connected, in Spanish" "conectado a \('127\.0\.0\.1', $port\) desde"
expect_screen "accept line" "#1 Conexión de \('127\.0\.0\.1',"
type_line "hola"
expect_screen "the reply's bytes are the same" '^ < eco: hola$'
expect_screen "recv line" "#1 Recibido de \('127\.0\.0\.1',"
type_line "/close"
expect_screen "close line" "#1 Cierre de \('127\.0\.0\.1',"
expect_screen "the client pane says it closed" '^ conexión cerrada$'

type_line "/nope"
expect_screen "an error in Spanish" "orden desconocida '/nope' \(pruebe /help\)"
keys F1
expect_screen "help title" 'ayuda de socklab'
expect_screen "help: the client's commands" 'Órdenes del cliente'
keys Escape
wait_gone 'ayuda de socklab' || fail "help closes"
keys F10
expect_screen "quitting with servers running asks first, in Spanish" 'servidores están en marcha: F10 otra vez sale'
keys F10
if wait_for 10 pane_dead; then ok "F10 twice quits"; else fail "F10 twice quits"; fi
t_done
