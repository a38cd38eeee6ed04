# shellcheck shell=bash
# For lab tests that run the lab in a network namespace of its own (its
# drop counters are then the namespace's, and fixed ports such as 9101
# are ours): the lab started there, and clients that enter it. Source
# after lib.sh and lib-tui.sh; skips the test where it cannot run.
command -v python3 >/dev/null || skip "python3 is not installed"
command -v unshare >/dev/null && command -v nsenter >/dev/null && command -v ip >/dev/null ||
	skip "unshare, nsenter or ip missing"
[ "$(id -u)" = 0 ] || skip "entering the lab's network namespace needs root"
unshare -n true 2>/dev/null || skip "cannot make a network namespace here"

# clients.py PORT N READY [LINE]: N connections (non-blocking connects,
# so those the full queue drops do not block the others), held open; with
# LINE, the first sends it. READY gets the local ports of those that
# connected, once they are made.
cat >"$T_DIR/clients.py" <<'PY'
import os, select, socket, sys, time
port, n, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
line = sys.argv[4].encode() + b"\n" if len(sys.argv) > 4 else None
socks = []
for _ in range(n):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    socks.append(s)
_, done, _ = select.select([], socks[:1], [], 5)
if line and done:
    socks[0].sendall(line)
ports = []
for s in socks:
    try:
        s.getpeername()
        ports.append(str(s.getsockname()[1]))
    except OSError:
        pass
with open(ready + ".tmp", "w") as f:
    f.write(" ".join(ports) + "\n")
os.rename(ready + ".tmp", ready)
time.sleep(600)
PY

# lab_in_netns COLS ROWS ARGS...: the lab in a new network namespace, lo up;
# $LAB_NETNS_BEFORE, when set, is a sh command run there first (and must
# succeed), for what the lab must find already in place.
lab_in_netns() {
	local cols=$1 rows=$2 inner
	shift 2
	inner=$(printf '%q ' "$SOCKLAB" "$@")
	tmx new-session -d -s "$TUI_PANE" -x "$cols" -y "$rows" \
		"env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME=$XDG_STATE_HOME unshare -n sh -c 'ip link set lo up && ${LAB_NETNS_BEFORE:-true} && exec $inner'" ||
		return 1
	tmx set-option -t "$TUI_PANE" remain-on-exit on >/dev/null
	tmx set-option -t "$TUI_PANE" escape-time 0 >/dev/null
}

# clients NAME PORT N [LINE]: clients.py in the lab's namespace, in the
# background ($NAME_pid); waits until it has connected what it could
# ($T_DIR/NAME.ports).
clients() {
	local name=$1
	shift
	nsenter --net="/proc/$(pane_pid)/ns/net" python3 "$T_DIR/clients.py" "$1" "$2" \
		"$T_DIR/$name.ports" "${@:3}" &
	T_PIDS+=($!)
	eval "${name}_pid=$!"
	wait_for 10 test -e "$T_DIR/$name.ports"
}
