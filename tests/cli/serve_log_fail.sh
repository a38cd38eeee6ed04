# A --log write that fails is never silent: to /dev/full, past `ulimit -f`
# (SIGXFSZ is ignored, EFBIG reported) and to a full disk (a small tmpfs
# in a mount namespace of the test's own, as root), `serve` says at once
# on stderr which file failed and why, goes on serving (a client still
# gets its reply afterwards), says at the end how many events were not
# logged, and exits 1.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"

# check_failed NAME FILE WHY: one failed log, start to end.
check_failed() {
	local name=$1 file=$2 why=$3 port got
	wait_for 5 grep -q "^socklab: --log $file: $why: [0-9]* events\? not logged (serving goes on)" \
		"$T_DIR/$name.err" && ok "$name: said at once: file and cause" ||
		{ fail "$name: no failure said"; cat "$T_DIR/$name.err" >&2; }
	port=$(listen_port "$name" 1)
	run_out got "$SOCKLAB" client 127.0.0.1 "$port" "after the failure"
	check "$name: serving goes on" $'eco: after the failure\n' "$got"
	stop_serve "$(eval echo "\$${name}_pid")" TERM
	check "$name: exit 1 at the end" 1 "$RC"
	check_match "$name: the count at the end" \
		"socklab: --log $file: $why: [1-9][0-9]* events? not logged"$'\n'"?$" \
		"$(tail -1 "$T_DIR/$name.err")"
}

serve_start full --log /dev/full tcp:echo:ipv4:0 || fail "server with --log /dev/full did not listen"
check_failed full /dev/full "No space left on device"

# Past the file size limit: 8 KiB, reached by a few hundred events.
(
	ulimit -f 8
	exec "$SOCKLAB" serve --log "$T_DIR/big.jsonl" tcp:echo:ipv4:0
) >"$T_DIR/fsize.out" 2>"$T_DIR/fsize.err" &
fsize_pid=$!
T_PIDS+=("$fsize_pid")
wait_for 10 _listening "$T_DIR/fsize.out" 1 || fail "server under ulimit -f did not listen"
port=$(listen_port fsize 1)
for i in $(seq 40); do "$SOCKLAB" client 127.0.0.1 "$port" "line $i" >/dev/null 2>&1; done
check_failed fsize "$T_DIR/big.jsonl" "File too large"
check "ulimit -f: the file stops at the limit" 8192 "$(stat -c %s "$T_DIR/big.jsonl")"

# A full disk: a 16 KiB tmpfs, mounted in a mount namespace of our own.
mkdir "$T_DIR/mnt"
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	unshare -m bash -c 'mount -t tmpfs -o size=16k socklab-test "$1" && exec "$2" serve --log "$1/log.jsonl" tcp:echo:ipv4:0' \
		_ "$T_DIR/mnt" "$SOCKLAB" >"$T_DIR/disk.out" 2>"$T_DIR/disk.err" &
	disk_pid=$!
	T_PIDS+=("$disk_pid")
	wait_for 10 _listening "$T_DIR/disk.out" 1 || fail "server on a small tmpfs did not listen"
	port=$(listen_port disk 1)
	head -c 300000 /dev/zero | tr '\0' 'x' | fold -w 1000 >"$T_DIR/lines"
	for i in 1 2 3 4 5; do "$SOCKLAB" client 127.0.0.1 "$port" <"$T_DIR/lines" >/dev/null 2>&1; done
	check_failed disk "$T_DIR/mnt/log.jsonl" "No space left on device"
else
	echo "  skip serve_log_fail: full disk (needs root and unshare -m)" >&2
fi
t_done
