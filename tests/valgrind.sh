#!/usr/bin/env bash
# make valgrind: memcheck over every cmocka binary, a scripted `serve`
# session and a scripted lab session. Any invalid access, use of
# uninitialised memory or definite/indirect leak fails the run.
#   tests/valgrind.sh BUILD BIN
set -u
build=${1:-build}
bin=$(cd "$(dirname "${2:-./socklab}")" && pwd)/$(basename "${2:-./socklab}")
here=$(cd "$(dirname "$0")" && pwd)
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect --track-origins=yes)
work=$(mktemp -d "${TMPDIR:-/tmp}/socklab-valgrind.XXXXXX")
pass=0 fail=0
trap 'tmux -L socklab-vg-$$ kill-server 2>/dev/null; rm -rf "$work"' EXIT
result() { # result NAME STATUS
	if [ "$2" -eq 0 ]; then pass=$((pass + 1)); echo "  ok   valgrind: $1"
	else fail=$((fail + 1)); echo "  FAIL valgrind: $1 (status $2)"; fi
}
wait_for() { local i=0 n=$(($1 * 20)); shift; until "$@" 2>/dev/null; do
	i=$((i + 1)); [ $i -ge $n ] && return 1; sleep 0.05; done; }

for t in "$build"/tests/unit/test_* "$build"/tests/integration/test_*; do
	[ -x "$t" ] && [ "${t%.[od]}" = "$t" ] || continue
	"${VG[@]}" "$t" >"$work/out" 2>&1
	rc=$?
	[ $rc -eq 0 ] || tail -30 "$work/out"
	result "$(basename "$t")" $rc
done

# serve: every tutorial service, each answered once, then SIGTERM.
out=$work/serve.out
"${VG[@]}" "$bin" serve tcp:echo:ipv4:0 tcp:echo-stdio:ipv4:0 tcp:cmd:ipv4:0 \
	udp:echo:ipv4:0 tcp:raw:ipv6:0 tcp:hello:dual:0 >"$out" 2>"$work/serve.err" &
pid=$!
listening() { [ "$(grep -c LISTEN "$out")" -ge 6 ]; }
port() { grep -m1 "#$1 LISTEN" "$out" | grep -oE ':[0-9]+( |$)' | tr -d ': '; }
if wait_for 60 listening; then
	"$bin" client 127.0.0.1 "$(port 1)" hola mundo fin >/dev/null
	"$bin" client 127.0.0.1 "$(port 2)" hola >/dev/null
	"$bin" client 127.0.0.1 "$(port 3)" PING "ECHO hola" TIME FOO >/dev/null
	"$bin" client --udp --timeout 20 127.0.0.1 "$(port 4)" ping >/dev/null
	"$bin" client ::1 "$(port 5)" "hola ipv6" >/dev/null
	"$bin" client 127.0.0.1 "$(port 6)" </dev/null >/dev/null
	"$bin" client ::1 "$(port 6)" </dev/null >/dev/null
fi
kill -TERM $pid
wait $pid
rc=$?
[ $rc -eq 0 ] || cat "$work/serve.err"
result "serve session" $rc

# The lab: start a server, connect, send a line, see the echo, quit.
if command -v tmux >/dev/null; then
	tmx() { SHELL=/bin/bash tmux -L socklab-vg-$$ -f /dev/null "$@"; }
	screen() { tmx capture-pane -p -t vg; }
	shows() { screen | grep -qE "$1"; }
	log=$work/lab.vg
	tmx new-session -d -s vg -x 120 -y 40 \
		"env TERM=screen-256color XDG_STATE_HOME=$work/state $(printf '%q ' "${VG[@]}") --log-file=$log $bin --serve tcp:echo:ipv4:0; echo status=\$?; sleep 600"
	ok=1
	wait_for 60 shows "#1 LISTEN" || ok=0
	p=$(screen | grep -m1 -oE '#1 LISTEN [^ ]+ [^ ]+ [^ ]*:[0-9]+' | grep -oE '[0-9]+$')
	tmx send-keys -t vg -l "/connect 127.0.0.1 $p"; tmx send-keys -t vg Enter
	wait_for 30 shows "connected to" || ok=0
	tmx send-keys -t vg -l "hola valgrind"; tmx send-keys -t vg Enter
	wait_for 30 shows "eco: hola valgrind" || ok=0
	# With a server running, quitting asks first: F10, then F10 again.
	tmx send-keys -t vg F10
	wait_for 30 shows "F10 again" || ok=0
	tmx send-keys -t vg F10
	wait_for 60 shows "status=" || ok=0
	st=$(screen | grep -oE 'status=[0-9]+' | cut -d= -f2)
	if [ $ok -eq 1 ] && [ "${st:-1}" -eq 0 ]; then rc=0; else rc=1; screen; cat "$log"; fi
	result "lab session" $rc
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
