# Helpers for the CLI script tests (sourced after tests/lib.sh). Named
# .bash so that tests/run-all, which runs tests/cli/*.sh, does not run it.
# shellcheck shell=bash

# build_path REL: a file of the build (SOCKLAB_BUILD may be relative to
# the tree's top).
build_path() {
	case ${SOCKLAB_BUILD:-build} in
	/*) printf '%s/%s\n' "$SOCKLAB_BUILD" "$1" ;;
	*) printf '%s/../%s/%s\n' "$SOCKLAB_TESTS" "${SOCKLAB_BUILD:-build}" "$1" ;;
	esac
}
# The tests' one strict JSON checker (tests/tools/jsoncheck.c):
#   "$JSONCHECK" lines FILE; "$JSONCHECK" events FILE [--now EPOCH]
JSONCHECK=$(build_path tests/tools/jsoncheck)

# need_ipv6: skips the rest of the script when the host has no ::1 (but
# a failure already recorded still fails the script).
need_ipv6() {
	have_ipv6 && return 0
	[ "$T_FAILS" -eq 0 ] || t_done
	skip "no IPv6 loopback (::1) on this host"
}

# run_out VAR CMD...: runs CMD, stores its exact stdout (trailing newlines
# kept) in VAR, its stderr in $T_DIR/last.err and its status in $RC.
run_out() {
	local __var=$1 __o; shift
	__o=$("$@" 2>"$T_DIR/last.err"; echo "rc=$?.")
	RC=${__o##*rc=}
	RC=${RC%.}
	printf -v "$__var" '%s' "${__o%rc=*}"
}
last_err() { cat "$T_DIR/last.err"; }

# _gone PID: true once PID has exited (gone or a zombie waiting for us).
_gone() {
	local st
	[ -e "/proc/$1/stat" ] || return 0
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "${st%% *}" = Z ]
}

# stop_serve PID SIGNAL: sends SIGNAL and waits (5 s at most) for the exit;
# sets RC to the exit status, or to "hung" when it did not exit.
stop_serve() {
	kill -"$2" "$1" 2>/dev/null
	if wait_for 5 _gone "$1"; then
		wait "$1"
		RC=$?
	else
		RC=hung
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
	fi
}

# serve_start_sigint NAME ARGS...: like serve_start, with SIGINT restored
# to its default: a shell script starts background jobs with SIGINT
# ignored, and an ignored signal never reaches socklab's signalfd.
serve_start_sigint() {
	local name=$1; shift
	local out=$T_DIR/$name.out want
	want=$(printf '%s\n' "$@" | grep -c '^\(tcp\|udp\):')
	env --default-signal=INT "$SOCKLAB" serve "$@" >"$out" 2>"$T_DIR/$name.err" &
	T_PIDS+=($!)
	eval "${name}_pid=$!"
	wait_for 10 _listening "$out" "$want"
}

# json_port NAME N: the port server #N listens on, from --json output.
json_port() {
	/usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("event") == "listen" and e.get("server") == int(sys.argv[2]):
        print(e["local"]["port"]); break
' "$T_DIR/$1.out" "$2"
}
