# Shared helpers for the script tests (sourced). Every wait is bounded;
# nothing sleeps and hopes. Only loopback addresses are ever used.
# shellcheck shell=bash
set -u
: "${SOCKLAB:?run through tests/run-all or set SOCKLAB=/path/to/socklab}"
T_NAME=$(basename "$0" .sh)
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/socklab-$T_NAME.XXXXXX")
T_PIDS=()
T_FAILS=0

t_cleanup() {
	local p
	for p in "${T_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${T_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$T_DIR"
}
trap t_cleanup EXIT

# fail MESSAGE: records a failure and goes on, so one run shows them all.
fail() { echo "  FAIL $T_NAME: $*" >&2; T_FAILS=$((T_FAILS + 1)); }
ok() { echo "  ok   $T_NAME: $*"; }
# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" == "$3" ]; then ok "$1"; else
		fail "$1"; printf '    expected: %q\n    actual:   %q\n' "$2" "$3" >&2; fi
}
# check_match NAME REGEX TEXT
check_match() {
	if [[ "$3" =~ $2 ]]; then ok "$1"; else
		fail "$1"; printf '    wanted /%s/ in:\n%s\n' "$2" "$3" >&2; fi
}
t_done() { [ "$T_FAILS" -eq 0 ] || exit 1; exit 0; }
skip() { echo "  skip $T_NAME: $*" >&2; exit 77; }

# wait_for SECONDS COMMAND...: polls COMMAND every 20 ms until it succeeds.
# COMMAND is run anew each time, but its arguments are expanded once: put a
# "$(...)" inside a small function, not in the arguments.
wait_for() {
	local limit=$1 i=0; shift
	while ! "$@" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -ge $((limit * 50)) ] && return 1
		sleep 0.02
	done
}

# rss_factor: how many times its plain memory the binary under test uses:
# ASan and TSan keep shadow memory beside every byte (3x and 5x here, as
# measured on the lab's flood); 1 for a plain build. For memory bounds.
rss_factor() {
	if grep -q __tsan_init "$SOCKLAB" 2>/dev/null; then echo 5
	elif grep -q __asan_init "$SOCKLAB" 2>/dev/null; then echo 3
	else echo 1; fi
}

have_ipv6() { [ -e /proc/net/if_inet6 ] && grep -q '^0\{31\}1 ' /proc/net/if_inet6; }

# serve_start NAME ARGS...: runs `socklab serve ARGS` in the background with
# its output in $T_DIR/NAME.out, and waits until every server is listening.
serve_start() {
	local name=$1; shift
	local out=$T_DIR/$name.out
	local want
	want=$(printf '%s\n' "$@" | grep -c '^\(tcp\|udp\):')
	"$SOCKLAB" serve "$@" >"$out" 2>"$T_DIR/$name.err" &
	T_PIDS+=($!)
	eval "${name}_pid=$!"
	wait_for 10 _listening "$out" "$want"
}
_listening() { [ "$(grep -c 'LISTEN\|"event":"listen"' "$1")" -ge "$2" ]; }

# listen_port NAME N: the port server #N of serve_start NAME listens on.
listen_port() {
	grep -m1 "#$2 LISTEN" "$T_DIR/$1.out" | grep -oE ':[0-9]+( |$)' | tr -d ': '
}

# wait_log NAME REGEX: waits (5 s) until the serve output matches.
wait_log() { wait_for 5 grep -qE "$2" "$T_DIR/$1.out"; }
