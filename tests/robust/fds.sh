# Nothing leaks: 10,000 connect/close cycles leave the server's fd count
# where it was, and stopping a server holding 1,000 clients closes every one
# of them promptly and exits 0.
. "$SOCKLAB_TESTS/lib.sh"
peers() { /usr/bin/python3 "$SOCKLAB_TESTS/robust/peers.py" "$@"; }
nfds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
fds_back() { [ "$(nfds "$1")" -eq "$2" ]; }
accepted() { [ "$(grep -c ACCEPT "$1")" -ge "$2" ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }

serve_start s tcp:echo:ipv4:0 || { fail "serve did not start"; t_done; }
port=$(listen_port s 1)
before=$(nfds "$s_pid")
peers cycles "$port" 10000 >/dev/null || fail "a cycle went unanswered"
wait_for 5 fds_back "$s_pid" "$before"
check "fd count after 10,000 cycles" "$before" "$(nfds "$s_pid")"

serve_start h tcp:echo:ipv4:0 || { fail "serve did not start"; t_done; }
port=$(listen_port h 1)
exec 3> >(peers hold "$port" 1000 10 >"$T_DIR/hold" 2>&1)
wait_for 20 grep -q '^held 1000' "$T_DIR/hold" || fail "could not open 1000 connections"
wait_for 10 accepted "$T_DIR/h.out" 1000 || fail "server did not accept 1000"
kill -TERM "$h_pid"
if wait_for 5 gone "$h_pid"; then ok "stopped within 5 s with 1000 clients"
else fail "server still running 5 s after SIGTERM"; fi
wait "$h_pid"; check "exit status" 0 $?
echo >&3; exec 3>&-
wait_for 15 grep -q closed-by-server "$T_DIR/hold"
check "every client saw the server close" "closed-by-server 1000" "$(grep closed-by-server "$T_DIR/hold")"
check "1000 close events with reason server-stop" 1000 "$(grep -c 'CLOSE .*server-stop' "$T_DIR/h.out")"
t_done
