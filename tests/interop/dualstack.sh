# Section 5: the dual-stack greeting. client_dualstack.py (IPv4 to
# 127.0.0.1, then IPv6 to ::1) gets from `socklab serve tcp:hello:dual:9401`
# exactly what it gets from server_tcp_dualstack.py; `socklab client` over
# each family gets what the tutorial's client gets; both servers see the
# IPv4 client as ('::ffff:127.0.0.1', PORT, 0, 0). In a private network
# namespace (the tutorial binds ::, here only lo exists).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
interop_netns ipv6 "$@"

start_py py tcp 9401 server_tcp_dualstack.py || t_done
run_py_client py_py client_dualstack.py
run_sl_client py_sl4 127.0.0.1 9401 </dev/null
run_sl_client py_sl6 ::1 9401 </dev/null
stop_ctrl_c py

start_sl sl tcp 9401 tcp:hello:dual:9401 || t_done
run_py_client sl_py client_dualstack.py
stop_ctrl_c sl

is "tutorial client <- tutorial server" "$T_DIR/py_py.out" 'IPv4: hola dual\n\nIPv6: hola dual\n\n'
same "tutorial client: socklab serve answers the same" "$T_DIR/py_py.out" "$T_DIR/sl_py.out"
{ printf 'IPv4: '; cat "$T_DIR/py_sl4.out"; printf '\nIPv6: '; cat "$T_DIR/py_sl6.out"; printf '\n'; } \
	>"$T_DIR/py_sl.printed"
same "socklab client over 127.0.0.1 and ::1 <- tutorial server: what the tutorial client gets" \
	"$T_DIR/py_py.out" "$T_DIR/py_sl.printed"
check "the tutorial server's peers" "('::ffff:127.0.0.1', P, 0, 0)
('::1', P, 0, 0)
('::ffff:127.0.0.1', P, 0, 0)
('::1', P, 0, 0)" "$(peers "$T_DIR/py.log")"
check "socklab serve names them as the tutorial does" "$(peers "$T_DIR/py.log" | head -n2)" "$(peers "$T_DIR/sl.log")"
check_match "socklab serve adds the embedded IPv4" "IPv4-mapped 127\.0\.0\.1" "$(cat "$T_DIR/sl.log")"
check_match "the tutorial server enabled dual-stack" "Dual-stack habilitado" "$(cat "$T_DIR/py.log")"
check_match "socklab serve: one socket, V6ONLY=0" "LISTEN tcp/hello dual \[::\]:9401 v6only=0" "$(cat "$T_DIR/sl.log")"

t_done
