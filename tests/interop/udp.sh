# Section 3: UDP echo. client_udp_ipv4.py gets from
# `socklab serve udp:echo:ipv4:9201@0.0.0.0` exactly what it gets from
# server_udp_ipv4_echo.py, and `socklab client --udp` gets from the
# tutorial's server the payload the tutorial's client gets. In a private
# network namespace (the tutorial binds 0.0.0.0: here only lo exists).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
interop_netns "$@"

start_py py udp 9201 server_udp_ipv4_echo.py || t_done
run_py_client py_py client_udp_ipv4.py
run_sl_client py_sl --udp --timeout 5 127.0.0.1 9201 ping
run_sl_client py_many --udp --timeout 5 127.0.0.1 9201 uno "dos tres" ""
printf 'a\0b\033c\n' >"$T_DIR/bin.in"
run_sl_client py_bin --udp --timeout 5 127.0.0.1 9201 <"$T_DIR/bin.in"
stop_ctrl_c py

start_sl sl udp 9201 udp:echo:ipv4:9201@0.0.0.0 || t_done
run_py_client sl_py client_udp_ipv4.py
run_sl_client sl_many --udp --timeout 5 127.0.0.1 9201 uno "dos tres" ""
run_sl_client sl_bin --udp --timeout 5 127.0.0.1 9201 <"$T_DIR/bin.in"
stop_ctrl_c sl

is "tutorial client <- tutorial server" "$T_DIR/py_py.out" "< b'ping' desde ('127.0.0.1', 9201)\n"
same "tutorial client: socklab serve answers the same" "$T_DIR/py_py.out" "$T_DIR/sl_py.out"
# The tutorial's client prints the reply's repr; socklab client the bytes
# and a newline: the same payload.
"$PY" -c '
import ast, re, sys
py = open(sys.argv[1]).read()
data = ast.literal_eval(re.match(r"< (b.*) desde ", py).group(1))
sl = open(sys.argv[2], "rb").read()
sys.exit(0 if sl == data + b"\n" else 1)' "$T_DIR/py_py.out" "$T_DIR/py_sl.out" &&
	ok "socklab client --udp <- tutorial server: the tutorial client's payload" ||
	fail "socklab client --udp got $(cat "$T_DIR/py_sl.out")"
is "datagrams, one per MESSAGE, from the tutorial server" "$T_DIR/py_many.out" 'uno\ndos tres\n\n'
same "several datagrams: socklab serve answers the same" "$T_DIR/py_many.out" "$T_DIR/sl_many.out"
same "binary datagram: socklab serve answers the same" "$T_DIR/py_bin.out" "$T_DIR/sl_bin.out"
# Python logs "(addr) -> b'...'", socklab "DGRAM-IN udp (addr) ...".
check "sender as the tutorial prints it" "$(peers "$T_DIR/py.log" | head -n1)" "$(peers "$T_DIR/sl.log" | head -n1)"
check "tutorial server's log names the sender" "('127.0.0.1', P)" "$(peers "$T_DIR/py.log" | head -n1)"

t_done
