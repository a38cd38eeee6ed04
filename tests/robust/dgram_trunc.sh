# --dgram-max 4096 keeps what the tutorial's recvfrom(4096) keeps: a
# bigger datagram is cut, its real size is logged (MSG_TRUNC), and the
# kept part is echoed. Without the option a 65,000-byte datagram comes
# back whole.
. "$SOCKLAB_TESTS/lib.sh"
serve_start s --dgram-max 4096 udp:echo:ipv4:0 || { fail "serve did not start"; t_done; }
serve_start w udp:echo:ipv6:0 || { fail "serve did not start"; t_done; }
cut=$(listen_port s 1)
whole=$(listen_port w 1)
echo_len() { # echo_len HOST PORT SIZE: the size of the echo of SIZE bytes
	/usr/bin/python3 - "$@" <<'PY'
import socket, sys
host, port, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(bytes(i % 251 for i in range(size)), (host, port))
data, _ = s.recvfrom(70000)
ok = data == bytes(i % 251 for i in range(len(data)))
print(len(data) if ok else "corrupt")
PY
}
check "5000 bytes cut to 4096" 4096 "$(echo_len 127.0.0.1 "$cut" 5000)"
wait_log s "datagram of 5000 bytes truncated to 4096"
check_match "real size logged" "DGRAM-IN udp .* 5000 B .*truncated" "$(cat "$T_DIR/s.out")"
check "4096 bytes kept whole" 4096 "$(echo_len 127.0.0.1 "$cut" 4096)"
if have_ipv6; then
	check "65000 bytes echoed whole by default" 65000 "$(echo_len ::1 "$whole" 65000)"
else
	ok "IPv6 part skipped: no ::1 here"
fi
t_done
