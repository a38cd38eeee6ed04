# Helpers for the sandbox tests (sourced after tests/lib.sh; named .bash so
# tests/run-all does not run it). The sandbox is the point here: every
# address used is inside the two network namespaces that socklab itself
# makes (198.51.100.0/24, 2001:db8::/64, fe80::/64 on eth0), or loopback.
# shellcheck shell=bash
PY=/usr/bin/python3
TUT=$SOCKLAB_TESTS/interop/tutorial
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)

# userns_ok: this machine lets an unprivileged user make a user namespace
# with a network namespace in it (the sandbox's one need).
userns_ok() {
	if [ "$(id -u)" = 0 ]; then
		"${NOBODY[@]}" unshare -Urn true 2>/dev/null
	else
		unshare -Urn true 2>/dev/null
	fi
}

# userns_blocker: the /proc/sys setting that forbids them, for a skip reason.
userns_blocker() {
	local f
	for f in kernel/apparmor_restrict_unprivileged_userns kernel/unprivileged_userns_clone \
		user/max_user_namespaces user/max_net_namespaces; do
		[ -r /proc/sys/$f ] && printf '%s=%s ' "${f//\//.}" "$(cat /proc/sys/$f)"
	done
}

# sandbox_users "$@": call first. As root, runs this script twice: as root
# (the sandbox without a user namespace) and as nobody (setpriv, the
# classroom case: a user namespace), and exits with the combined result; the
# nobody run is skipped, with the reason, where unprivileged user namespaces
# are disabled. As another user, runs the script once as that user.
# Inside, $SB_AS says who runs: root, nobody or user.
sandbox_users() {
	if [ -n "${SB_AS:-}" ]; then
		ok "running as $SB_AS (uid $(id -u))"
		export SB_MARK=$T_NAME-$$-$RANDOM
		return 0
	fi
	local rc_root=77 rc_nobody=77
	if [ "$(id -u)" != 0 ]; then
		userns_ok || skip "unprivileged user namespaces are disabled here: $(userns_blocker)"
		SB_AS=user bash "$0" "$@"
		exit $?
	fi
	# A container may refuse namespaces even to root: then say so.
	if unshare -n true 2>/dev/null || unshare -Urn true 2>/dev/null; then
		SB_AS=root bash "$0" "$@"
		rc_root=$?
	else
		echo "  skip $T_NAME as root: this machine refuses network namespaces (unshare -n)" >&2
	fi
	if ! command -v setpriv >/dev/null; then
		echo "  skip $T_NAME as nobody: setpriv (util-linux) is not installed" >&2
	elif ! userns_ok; then
		echo "  skip $T_NAME as nobody: unprivileged user namespaces are disabled here:" \
			"$(userns_blocker)" >&2
	else
		# nobody needs a TMPDIR of its own: the root run's is private.
		"${NOBODY[@]}" env SB_AS=nobody TMPDIR=/tmp bash "$0" "$@"
		rc_nobody=$?
	fi
	echo "  $T_NAME: as root: exit $rc_root, as nobody: exit $rc_nobody"
	[ "$rc_root" = 0 ] || [ "$rc_root" = 77 ] || exit 1
	[ "$rc_nobody" = 0 ] || [ "$rc_nobody" = 77 ] || exit 1
	[ "$rc_root" = 77 ] && [ "$rc_nobody" = 77 ] && exit 77
	exit 0
}

# sb_exec HOST CMD...: `socklab sandbox exec --pid $SB_PID HOST CMD...`,
# bounded in time.
sb_exec() {
	local host=$1; shift
	timeout 10 "$SOCKLAB" sandbox exec --pid "$SB_PID" "$host" "$@"
}

# sb_serve NAME ARGS...: `socklab serve --sandbox ARGS` in the background;
# waits until every server listens and the reach lines are out. Sets
# SB_PID (the serve process: host a).
sb_serve() {
	local name=$1; shift
	serve_start_sigint "$name" --sandbox "$@" || {
		fail "$name: serve --sandbox did not start"
		cat "$T_DIR/$name.err" >&2
		return 1
	}
	local pid_var=${name}_pid
	SB_PID=${!pid_var}
	wait_for 5 grep -q 'sandbox exec a|b' "$T_DIR/$name.err" ||
		fail "$name: no 'sandbox exec' line on stderr"
}

# holders: the processes holding a host b (comm socklab-hostb) that this
# run started: they carry its SB_MARK in their environment, so that other
# sandboxes of the same user (another test run at once) do not count.
holders() {
	local p
	for p in $(pgrep -u "$(id -u)" -x socklab-hostb); do
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "SB_MARK=$SB_MARK" && echo "$p"
	done
}
no_holders() { [ -z "$(holders)" ]; }

# ns_users INODE: the processes of this user with a namespace or a
# descriptor on the namespace whose inode is INODE ("net:[...]").
ns_users() {
	local p
	for p in /proc/[0-9]*; do
		{ readlink "$p"/ns/net; ls -l "$p"/fd 2>/dev/null; } 2>/dev/null | grep -qF "$1" &&
			echo "${p#/proc/}"
	done
}

# host_has_sandbox_addr: the machine's own network (the test's namespace)
# holds a sandbox address: it must never.
host_has_sandbox_addr() { ip -o addr show 2>/dev/null | grep -qE '198\.51\.100\.|2001:db8::[ab]/'; }

# sb_tuples FILE: the peer tuples in a serve log, ports made P.
sb_tuples() {
	grep -oE "ACCEPT tcp \('[^']*', [0-9]+(, [0-9]+, [0-9]+)?\)( %[a-z0-9]+)?" "$1" |
		sed -E "s/^ACCEPT tcp //; s/^\('([^']*)', [0-9]+/('\1', P/"
}
