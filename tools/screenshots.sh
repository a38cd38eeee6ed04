#!/usr/bin/env bash
# Regenerates screenshots/*.png from the real lab running in tmux:
#   tools/screenshots.sh ./socklab screenshots
# Each scene drives the lab with keys, waits for what it must show, then
# renders `tmux capture-pane -e` with tools/ansi2png.py (Pillow). Uses the
# tutorial's ports (9101, 9201, 9401) on loopback; they must be free.
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=${2:-screenshots}
here=$(cd "$(dirname "$0")" && pwd)
cols=112 rows=36
sock=socklab-shots-$$
state=$(mktemp -d)
mkdir -p "$out"

py=python3
$py -c 'import PIL' 2>/dev/null || py=/usr/bin/python3
$py -c 'import PIL' 2>/dev/null ||
	{ echo "screenshots: needs Pillow (apt-get install python3-pil)" >&2; exit 1; }

tmx() { tmux -L "$sock" -f /dev/null "$@"; }
clients=() # the backlog scene's python3 clients
cleanup() {
	tmx kill-server 2>/dev/null || true
	[ ${#clients[@]} -eq 0 ] || kill "${clients[@]}" 2>/dev/null || true
	rm -rf "$state"
}
trap cleanup EXIT

wait_screen() {
	local i
	for i in $(seq 250); do
		tmx capture-pane -p -t shot | grep -qE -- "$1" && return 0
		sleep 0.04
	done
	echo "screenshots: the screen never showed /$1/:" >&2
	tmx capture-pane -p -t shot >&2
	exit 1
}
type_line() { tmx send-keys -t shot -l -- "$1"; tmx send-keys -t shot Enter; }

start() {
	tmx kill-server 2>/dev/null || true
	sock=socklab-shots-$$-$RANDOM
	tmx new-session -d -s shot -x "$cols" -y "$rows" \
		"env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME=$state $(printf '%q ' "$bin" "$@")"
	tmx set-option -t shot escape-time 0 >/dev/null
	wait_screen 'socklab>'
}

shoot() {
	local name=$1 title=$2 cursor
	# SHOTS="in-class backlog": only those images are written.
	if [ -n "${SHOTS:-}" ] && [[ " $SHOTS " != *" $name "* ]]; then
		echo "  skip   $out/$name.png (not in SHOTS)"
		return
	fi
	# Let notices leave the status bar (5 s) so it shows the keys, and the
	# last frame land.
	[ "${3:-}" = now ] || sleep 5.3
	cursor=$(tmx display-message -p -t shot '#{cursor_x},#{cursor_y}')
	[ "$(tmx display-message -p -t shot '#{cursor_flag}')" = 1 ] || cursor=
	tmx capture-pane -e -p -N -t shot |
		$py "$here/ansi2png.py" --cols "$cols" --rows "$rows" ${cursor:+--cursor "$cursor"} \
			--title "$title" "$out/$name.png"
	echo "  PNG    $out/$name.png"
}

# Dual-stack: the tutorial's section 5 server, an IPv4 peer seen as
# ::ffff:127.0.0.1 next to a native IPv6 peer, and section 1's echo.
start
tmx send-keys -t shot F7
wait_screen '#1 LISTEN tcp/hello dual \[::\]:9401'
tmx send-keys -t shot F2
wait_screen '#2 LISTEN tcp/echo ipv4 127\.0\.0\.1:9101'
type_line "/connect 127.0.0.1 9401"
wait_screen "::ffff:127\.0\.0\.1"
type_line "/connect ::1 9401"
wait_screen "ACCEPT tcp \('::1'"
type_line "/connect 127.0.0.1 9101"
wait_screen "connected to \('127\.0\.0\.1', 9101\)"
type_line "hola"
wait_screen "< eco: hola"
tmx send-keys -t shot -l "señor €"
shoot dual-stack "socklab — dual-stack: an IPv4-mapped peer next to an IPv6 peer"

# UDP: section 3's echo server, datagrams with their sender's tuple.
start
tmx send-keys -t shot F5
wait_screen '#1 LISTEN udp/echo ipv4 0\.0\.0\.0:9201'
type_line "/connect udp 127.0.0.1 9201"
wait_screen 'one datagram'
type_line "ping"
wait_screen '< ping  '
type_line "hola udp"
wait_screen '< hola udp  '
type_line "¿me oyes?"
wait_screen '< ¿me oyes\?  '
shoot udp "socklab — UDP echo (tutorial section 3)"

# The sandbox: two hosts, link-local both ways, scope id and interface.
start --sandbox --serve tcp:hello:dual:9401 --serve b/tcp:echo:dual:9101
wait_screen '#2 LISTEN tcp/echo dual \[::\]:9101'
type_line "/connect fe80::b%eth0 9101"
wait_screen "connected to \('fe80::b', 9101, 0, [0-9]+\)"
type_line "hola b"
wait_screen "< eco: hola b"
type_line "/from b"
type_line "/connect fe80::a%eth0 9401"
wait_screen "< hola dual"
shoot sandbox "socklab --sandbox — two hosts without root: link-local with its scope id"

# In class at 80x24: section 1 as the tutorial runs it (sequential,
# listen(8)), a client connected, and the question a stray F10 gets.
cols=80 rows=24
start
tmx send-keys -t shot F2
wait_screen '#1 tcp echo ipv4 seq'
type_line "/connect 127.0.0.1 9101"
wait_screen "connected to"
type_line "hola"
wait_screen "< eco: hola"
sleep 5.3
tmx send-keys -t shot F10
wait_screen 'F10 again quits'
shoot in-class "socklab at 80x24 — section 1 (sequential, listen(8)); F10 asks first" now

# The backlog at 80x24 (issue 11): section 1 serving one client, the
# client pane waiting in the backlog behind it, the accept queue full at
# 9 of backlog 8 (Linux admits one more) and the SYNs past it dropped.
cat >"$state/clients.py" <<'PY'
import socket, sys, time
socks = []
for i in range(int(sys.argv[2])):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", int(sys.argv[1])))
    except BlockingIOError:
        pass
    socks.append(s)
if len(sys.argv) > 3:
    time.sleep(0.2)
    socks[0].sendall(sys.argv[3].encode() + b"\n")
time.sleep(120)
PY
# port_free PORT: waits until the last scene's lab has let go of it.
port_free() {
	local i
	tmx kill-server 2>/dev/null || true
	for i in $(seq 250); do
		ss -Hltn "sport = :$1" | grep -q . || return 0
		sleep 0.04
	done
}
port_free 9101
start
tmx send-keys -t shot F2
wait_screen '#1 tcp echo ipv4 seq'
python3 "$state/clients.py" 9101 1 uno &
clients+=($!)
wait_screen '#1 RECV tcp'
type_line "/connect 127.0.0.1 9101"
wait_screen 'waiting in the backlog'
type_line "hola"
python3 "$state/clients.py" 9101 10 &
clients+=($!)
wait_screen 'accept queue 9 of backlog 8\+1'
wait_screen 'SYN drops'
shoot backlog "socklab at 80x24 — waiting in the backlog; 9 of backlog 8"
kill "${clients[@]}" 2>/dev/null || true
clients=()
port_free 9101
cols=112 rows=36

# The ladder (issue 12): one connection's packets, events and TCP states.
# Capture needs CAP_NET_RAW: skipped (and said) without it.
if [ "$(id -u)" -eq 0 ]; then
	start
	tmx send-keys -t shot F2
	wait_screen '#1 LISTEN tcp/echo ipv4 127\.0\.0\.1:9101'
	sleep 0.6 # the capture's filter follows the servers on the stats tick
	type_line "/connect 127.0.0.1 9101"
	wait_screen "connected to \('127\.0\.0\.1', 9101\)"
	type_line "hola"
	wait_screen "< eco: hola"
	type_line "/close"
	tmx send-keys -t shot Tab Tab Tab F8
	wait_screen 'Packets .* seen'
	wait_screen 'Packets +1[0-9] seen'
	tmx send-keys -t shot Home Enter F9
	wait_screen 'TIME_WAIT'
	shoot ladder "socklab — the ladder of one connection: packets, events and TCP states (F8, Enter, F9)"
else
	echo "  skip   $out/ladder.png: capturing packets needs root (CAP_NET_RAW)" >&2
fi

# Help overlay.
start --serve tcp:hello:dual:0
tmx send-keys -t shot F1
wait_screen 'socklab help'
shoot help "socklab — help (F1)" now

# A lesson in Spanish: section 1's, its two checks ticked by real traffic
# (a client pane's line, and two lines in one write from `socklab client`).
if locale -a 2>/dev/null | grep -qix 'es_ES\.utf-\?8'; then
	tmx kill-server 2>/dev/null || true
	sock=socklab-shots-$$-$RANDOM
	tmx new-session -d -s shot -x "$cols" -y "$rows" \
		"env -u LANGUAGE TERM=screen-256color LANG=es_ES.UTF-8 LC_ALL=es_ES.UTF-8 XDG_STATE_HOME=$state $(printf '%q ' "$bin" --lesson 1)"
	tmx set-option -t shot escape-time 0 >/dev/null
	wait_screen 'Lección 1'
	tmx send-keys -t shot Up Enter
	wait_screen "conectado a \('127\.0\.0\.1', 9101\)"
	tmx send-keys -t shot Up Up Enter
	wait_screen '< eco: hola'
	printf 'hola\nmundo\n' | "$bin" client 127.0.0.1 9101 >/dev/null
	wait_screen '2/2'
	shoot lesson-es "socklab --lesson 1, en español: la lista se marca sola"
else
	echo "screenshots: no es_ES.UTF-8 locale, lesson-es.png not made" >&2
fi
