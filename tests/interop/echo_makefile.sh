# Section 1.b: the same echo through makefile() (socklab: echo-stdio).
# client_tcp_ipv4.py gets from `socklab serve tcp:echo-stdio:ipv4:9101`
# exactly what it gets from server_tcp_ipv4_echo_makefile.py, and
# `socklab client` gets from that server what client_tcp_ipv4.py gets.
# In a private network namespace (see common.bash).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
interop_netns "$@"
# Beyond the tutorial's three words: CRLF, an empty line, two CRs, bytes
# that are not UTF-8, and a last line without its newline.
printf 'uno\r\n\r\ndos\r\r\n\xff\xfe\x00x\nsin-fin' >"$T_DIR/odd.in"

start_py py tcp 9101 server_tcp_ipv4_echo_makefile.py || t_done
run_py_client py_py client_tcp_ipv4.py
run_sl_client py_sl 127.0.0.1 9101 hola mundo fin
run_sl_client py_odd 127.0.0.1 9101 <"$T_DIR/odd.in"
stop_ctrl_c py

start_sl sl tcp 9101 tcp:echo-stdio:ipv4:9101 || t_done
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
check "tutorial server saw the three clients" "('127.0.0.1', P)
('127.0.0.1', P)
('127.0.0.1', P)" "$(peers "$T_DIR/py.log")"
check_match "tutorial server ended by Ctrl+C" "Servidor detenido" "$(cat "$T_DIR/py.log")"

t_done
