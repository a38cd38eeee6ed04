# Section 2: the command protocol (PING, ECHO, TIME, anything else ERR).
# client_tcp_cmd.py gets from `socklab serve tcp:cmd:ipv4:9102` exactly
# what it gets from server_tcp_ipv4_cmd.py (the TIME line compared as
# YYYY-mm-dd HH:MM:SS), and `socklab client` gets from the tutorial's
# server what the tutorial's client gets. In a private network namespace.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
interop_netns "$@"

# Lines where the tutorial's str.strip() and decode("utf-8", "replace")
# matter: Unicode whitespace (NBSP, U+2028, U+3000, \x1c..\x1f, \x85 as
# a character), CR, tabs, invalid UTF-8, a cut UTF-8 sequence, an empty
# line, lower case, and a last line without its newline.
printf '%b' '\xc2\xa0PING\xe2\x80\xa8\n\x1fPING\x1c\n\tECHO  a\tb \r\nECHO \xff\xfeok\nECHO \xe2\x80x\n' \
	'ECHO \xc2\x85y\xe3\x80\x80\n\nping\nECHO\nECHO \nTIME \r\n\x0bPING\x0c\nECHO last' >"$T_DIR/odd.in"
time_re='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}'
# untime FILE: the TIME replies (checked against the format) made TIME.
untime() { sed -E "s/^$time_re\$/TIME/" "$1" >"$1.untimed"; }

start_py py tcp 9102 server_tcp_ipv4_cmd.py || t_done
run_py_client py_py client_tcp_cmd.py
run_sl_client py_sl 127.0.0.1 9102 PING "ECHO hola" TIME FOO
run_sl_client py_odd 127.0.0.1 9102 <"$T_DIR/odd.in"
stop_ctrl_c py

start_sl sl tcp 9102 tcp:cmd:ipv4:9102 || t_done
run_py_client sl_py client_tcp_cmd.py
run_sl_client sl_odd 127.0.0.1 9102 <"$T_DIR/odd.in"
stop_ctrl_c sl

for f in py_py sl_py py_sl py_odd sl_odd; do untime "$T_DIR/$f.out"; done
check_match "tutorial client <- tutorial server" $'^PONG\nhola\n'"$time_re"$'\nERR\n\n\\.$' "$(cat "$T_DIR/py_py.out"; echo .)"
same "tutorial client: socklab serve answers the same" "$T_DIR/py_py.out.untimed" "$T_DIR/sl_py.out.untimed"
printf '\n' | cat "$T_DIR/py_sl.out.untimed" - >"$T_DIR/py_sl.printed"
same "socklab client <- tutorial server: what the tutorial client gets" \
	"$T_DIR/py_py.out.untimed" "$T_DIR/py_sl.printed"
check "odd input: a reply per line" 13 "$(wc -l <"$T_DIR/py_odd.out")"
same "odd input: socklab serve answers what the tutorial server answers" \
	"$T_DIR/py_odd.out.untimed" "$T_DIR/sl_odd.out.untimed"
check "peer as the tutorial prints it" "$(peers "$T_DIR/py.log" | head -n2)" "$(peers "$T_DIR/sl.log")"

t_done
