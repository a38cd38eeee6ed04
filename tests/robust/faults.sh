# A user's mistakes get a message that names the cause and a non-zero exit:
# a busy port, a privileged port as a normal user, a host that does not
# resolve, an address that is not this host's, a link-local address without
# a scope id. Addresses that are not loopback are only ever tried inside a
# private network namespace, where nothing can leave the machine.
. "$SOCKLAB_TESTS/lib.sh"

# run NAME ARGS...: runs socklab, keeping stderr and the exit status.
run() {
	local name=$1; shift
	"$SOCKLAB" "$@" >"$T_DIR/$name.out" 2>"$T_DIR/$name.err"
	echo $? >"$T_DIR/$name.rc"
}
expect() { # expect NAME RC REGEX
	check "$1 exit status" "$2" "$(cat "$T_DIR/$1.rc")"
	check_match "$1 message" "$3" "$(cat "$T_DIR/$1.err")"
}

serve_start s tcp:echo:ipv4:0 || { fail "serve did not start"; t_done; }
port=$(listen_port s 1)
run busy serve tcp:echo:ipv4:"$port"
expect busy 1 "^socklab: bind 127\.0\.0\.1:$port: Address already in use"

run unresolvable serve tcp:echo:ipv4:0@no-such-host.invalid
expect unresolvable 1 "host 'no-such-host.invalid' \(IPv4\): "

run scope serve tcp:echo:ipv6:0@fe80::1
expect scope 1 "bind \[fe80::1\]:0: a link-local address needs a scope id"

run badif serve tcp:echo:ipv6:0@fe80::1%no-such-if0
expect badif 1 "no interface named 'no-such-if0'"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
   [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024)" -gt 80 ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$SOCKLAB" serve tcp:echo:ipv4:80 \
		>"$T_DIR/priv.out" 2>"$T_DIR/priv.err"
	echo $? >"$T_DIR/priv.rc"
	expect priv 1 "bind 127\.0\.0\.1:80: Permission denied \(ports below 1024 need root"
else
	ok "privileged port: skipped (not root, or unprivileged ports start at 0 here)"
fi

if unshare -n true 2>/dev/null; then
	# lo must be up: with no local route at all, Linux lets any address bind.
	unshare -n sh -c 'ip link set lo up && exec "$0" serve tcp:echo:ipv4:0@10.11.12.13' \
		"$SOCKLAB" >"$T_DIR/notlocal.out" 2>"$T_DIR/notlocal.err"
	echo $? >"$T_DIR/notlocal.rc"
	expect notlocal 1 "bind 10\.11\.12\.13:0: Cannot assign requested address \(no interface of this host"
else
	ok "non-local address: skipped (no network namespace)"
fi

kill -0 "$s_pid" && ok "the first server is unaffected" || fail "the first server died"
t_done
