# Helpers for the interop scripts (sourced after tests/lib.sh; named .bash
# so tests/run-all does not run it). Each script runs inside a private
# network namespace of its own, so the tutorial's fixed ports (9101, 9102,
# 9201, 9301, 9401) can never collide with anything else on the machine.
# shellcheck shell=bash
PY=/usr/bin/python3
TUT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tutorial

# interop_netns [ipv6] "$@": call first. Outside a namespace: re-runs this
# script inside `unshare -n` and exits with its status (77 when unshare is
# not permitted). Inside: brings lo up; with "ipv6", skips without ::1.
interop_netns() {
	local need6=
	[ "${1:-}" = ipv6 ] && { need6=1; shift; }
	[ -x "$PY" ] || skip "$PY (the system python3) is not installed"
	command -v ip >/dev/null || skip "ip (iproute2) is not installed"
	if [ -z "${SOCKLAB_IN_NETNS:-}" ]; then
		# As root: unshare -n. Otherwise a user namespace may allow it.
		local how=-n
		unshare -n true 2>/dev/null || how=-rn
		unshare $how true 2>/dev/null || skip "unshare -n is not permitted (root, or user namespaces)"
		SOCKLAB_IN_NETNS=1 unshare $how bash "$0" "$@"
		exit $?
	fi
	ip link set lo up || skip "cannot bring lo up in the namespace"
	[ -z "$need6" ] || have_ipv6 || skip "no ::1 in the namespace"
}

# listening tcp|udp PORT: a socket listens (TCP) or is bound (UDP) on PORT,
# read from /proc/net: no connection is made, so no server sees a probe.
listening() {
	local hex
	hex=$(printf '%04X' "$2")
	if [ "$1" = tcp ]; then
		awk -v p=":$hex" '$2 ~ p"$" && $4 == "0A" { f = 1 } END { exit !f }' \
			/proc/net/tcp /proc/net/tcp6 2>/dev/null
	else
		awk -v p=":$hex" '$2 ~ p"$" { f = 1 } END { exit !f }' /proc/net/udp /proc/net/udp6 2>/dev/null
	fi
}

# start_bg NAME PROTO PORT CMD...: runs CMD with SIGINT at its default (a
# script's background jobs otherwise ignore it, and both Python and socklab
# honour that) and waits, bounded, until PORT listens.
start_bg() {
	local name=$1 proto=$2 port=$3; shift 3
	env --default-signal=INT "$@" >"$T_DIR/$name.log" 2>&1 &
	T_PIDS+=($!)
	eval "${name}_pid=$!"
	if ! wait_for 10 listening "$proto" "$port"; then
		fail "$name: nothing listening on $proto $port"
		cat "$T_DIR/$name.log" >&2
		return 1
	fi
}
start_py() { start_bg "$1" "$2" "$3" "$PY" "$TUT/$4"; }
start_sl() { start_bg "$1" "$2" "$3" "$SOCKLAB" serve "$4"; }

_gone() {
	local st
	[ -e "/proc/$1/stat" ] || return 0
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "${st%% *}" = Z ]
}

# stop_ctrl_c NAME: Ctrl+C, as the tutorial stops its servers; the server
# must exit 0 within 5 s.
stop_ctrl_c() {
	local pid_var=${1}_pid rc
	kill -INT "${!pid_var}" 2>/dev/null
	if wait_for 5 _gone "${!pid_var}"; then
		wait "${!pid_var}"
		rc=$?
	else
		rc=hung
		kill -KILL "${!pid_var}" 2>/dev/null
	fi
	check "$1 stops on Ctrl+C with exit 0" 0 "$rc"
}

# run_py_client NAME FILE: a tutorial client, unchanged; stdout kept
# exactly in $T_DIR/NAME.out (status checked: 0).
run_py_client() {
	timeout 10 "$PY" "$TUT/$2" >"$T_DIR/$1.out" 2>"$T_DIR/$1.err"
	check "$1: $2 exits 0" 0 "$?"
}

# run_sl_client NAME ARGS...: `socklab client ARGS`, stdout in NAME.out.
run_sl_client() {
	local name=$1; shift
	timeout 10 "$SOCKLAB" client "$@" >"$T_DIR/$name.out" 2>"$T_DIR/$name.err"
	check "$name: socklab client exits 0" 0 "$?"
}

# same NAME FILE-A FILE-B: the two files hold the same bytes.
same() {
	if cmp -s "$2" "$3"; then ok "$1"; else
		fail "$1"
		printf '    %s: %q\n' "$(basename "$2")" "$(cat "$2"; echo .)" "$(basename "$3")" \
			"$(cat "$3"; echo .)" >&2
	fi
}

# is NAME FILE TEXT: FILE holds exactly TEXT (printf %b escapes allowed).
is() {
	printf '%b' "$3" >"$T_DIR/want.$$"
	same "$1" "$T_DIR/want.$$" "$2"
}

# peers FILE: the peer tuples a server log shows, in order, ports made P:
# Python's "Conexión de (...)" and "(...) -> b'...'", socklab's
# "ACCEPT tcp (...)" and "DGRAM-IN udp (...)".
peers() {
	grep -oE "(Conexión de |ACCEPT tcp |DGRAM-IN udp |^)\('[^']*', [0-9]+(, [0-9]+, [0-9]+)?\)" "$1" |
		sed -E "s/^[^(]*//; s/^\('([^']*)', [0-9]+/('\1', P/"
}

# echo_section PYSERVER SPEC: section 1 or 1.b. The tutorial's client and
# server against each other, against socklab serve SPEC and against
# socklab client, on the tutorial's three words and on odd input.
echo_section() {
	# Beyond the tutorial's three words: CRLF, an empty line, two CRs, bytes
	# that are not UTF-8, and a last line without its newline.
	printf 'uno\r\n\r\ndos\r\r\n\xff\xfe\x00x\nsin-fin' >"$T_DIR/odd.in"

	start_py py tcp 9101 "$1" || t_done
	run_py_client py_py client_tcp_ipv4.py
	run_sl_client py_sl 127.0.0.1 9101 hola mundo fin
	run_sl_client py_odd 127.0.0.1 9101 <"$T_DIR/odd.in"
	stop_ctrl_c py

	start_sl sl tcp 9101 "$2" || t_done
	run_py_client sl_py client_tcp_ipv4.py
	run_sl_client sl_odd 127.0.0.1 9101 <"$T_DIR/odd.in"
	stop_ctrl_c sl

	is "tutorial client <- tutorial server" "$T_DIR/py_py.out" 'eco: hola\neco: mundo\neco: fin\n\n'
	same "tutorial client: socklab serve answers the same" "$T_DIR/py_py.out" "$T_DIR/sl_py.out"
	# The tutorial's client prints what it received plus print()'s newline.
	printf '\n' | cat "$T_DIR/py_sl.out" - >"$T_DIR/py_sl.printed"
	same "socklab client <- tutorial server: what the tutorial client gets" \
		"$T_DIR/py_py.out" "$T_DIR/py_sl.printed"
	[ -s "$T_DIR/py_odd.out" ] || fail "tutorial server answered nothing to the odd input"
	same "odd input: socklab serve answers what the tutorial server answers" \
		"$T_DIR/py_odd.out" "$T_DIR/sl_odd.out"
	# Both servers name their peer the same way.
	check "peer as the tutorial prints it" "$(peers "$T_DIR/py.log" | head -n2)" "$(peers "$T_DIR/sl.log")"
	check "tutorial server saw the three clients" "$(printf "('127.0.0.1', P)\n%.0s" 1 2 3 | head -c -1)" \
		"$(peers "$T_DIR/py.log")"
	check_match "tutorial server ended by Ctrl+C" "Servidor detenido" "$(cat "$T_DIR/py.log")"
}
