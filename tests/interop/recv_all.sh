# Section 6: the tutorial's recv_all (appendix), unchanged, reading from
# `socklab serve tcp:raw:ipv4`: with nbytes it returns exactly that many
# bytes, without it everything up to EOF; and `socklab client` (which the
# CLI contract calls the tutorial's recv_all) gets the same bytes.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
interop_netns "$@"

start_sl sl tcp 9301 tcp:raw:ipv4:9301 || t_done
head -c 50000 /dev/urandom >"$T_DIR/data"
"$PY" - "$TUT/recv_all.py" "$T_DIR/data" >"$T_DIR/ra.out" 2>&1 <<'EOF'
import socket, sys
ns = {"socket": socket}           # the appendix assumes `import socket`
exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), ns)
recv_all = ns["recv_all"]
data = open(sys.argv[2], "rb").read()
with socket.create_connection(("127.0.0.1", 9301), timeout=10) as c:
    c.sendall(data)
    head = recv_all(c, nbytes=20000)
    print("nbytes", len(head), head == data[:20000])
    c.shutdown(socket.SHUT_WR)
    rest = recv_all(c)
    print("to EOF", len(rest), head + rest == data)
EOF
check "recv_all against socklab serve" "nbytes 20000 True
to EOF 30000 True" "$(cat "$T_DIR/ra.out")"
run_sl_client sl_cl 127.0.0.1 9301 <"$T_DIR/data"
same "socklab client reads to EOF like recv_all" "$T_DIR/data" "$T_DIR/sl_cl.out"
stop_ctrl_c sl

t_done
