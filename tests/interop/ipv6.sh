# Section 4: TCP over IPv6, bytes echoed unchanged. client_tcp_ipv6.py gets
# from `socklab serve tcp:raw:ipv6:9301` exactly what it gets from
# server_tcp_ipv6_echo.py, and `socklab client ::1 9301` gets from the
# tutorial's server what the tutorial's client gets. In a private network
# namespace.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
interop_netns ipv6 "$@"

head -c 300000 /dev/urandom >"$T_DIR/big.in"
start_py py tcp 9301 server_tcp_ipv6_echo.py || t_done
run_py_client py_py client_tcp_ipv6.py
run_sl_client py_sl ::1 9301 "hola ipv6"
run_sl_client py_big ::1 9301 <"$T_DIR/big.in"
stop_ctrl_c py

start_sl sl tcp 9301 tcp:raw:ipv6:9301 || t_done
run_py_client sl_py client_tcp_ipv6.py
run_sl_client sl_big ::1 9301 <"$T_DIR/big.in"
stop_ctrl_c sl

is "tutorial client <- tutorial server" "$T_DIR/py_py.out" 'hola ipv6\n\n'
same "tutorial client: socklab serve answers the same" "$T_DIR/py_py.out" "$T_DIR/sl_py.out"
printf '\n' | cat "$T_DIR/py_sl.out" - >"$T_DIR/py_sl.printed"
same "socklab client <- tutorial server: what the tutorial client gets" \
	"$T_DIR/py_py.out" "$T_DIR/py_sl.printed"
same "300 kB of random bytes: the tutorial server echoes them" "$T_DIR/big.in" "$T_DIR/py_big.out"
same "300 kB of random bytes: socklab serve echoes them" "$T_DIR/big.in" "$T_DIR/sl_big.out"
check "peer as the tutorial prints it" "$(peers "$T_DIR/py.log" | head -n2)" "$(peers "$T_DIR/sl.log")"
check "an IPv6 peer tuple" "('::1', P, 0, 0)" "$(peers "$T_DIR/sl.log" | head -n1)"

t_done
