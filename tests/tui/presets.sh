#!/usr/bin/env bash
# The presets are the tutorial's servers (issue 11): sections 1, 1.b, 2
# and 4 accept one client at a time with listen(8), section 5 with
# listen(16), section 3 binds 0.0.0.0:9201; each row shows its mode and
# backlog. A preset whose port a lab server holds offers to replace it
# (F2 then F3, F3 switches section 1 for 1.b on 9101); a port another
# program holds is named with that program, without the port-0 hint. The
# form's host follows its family until typed; UDP shows no mode field;
# --sequential/--backlog set the mode of the --serve options after them.
# All in a network namespace of its own: the presets' fixed ports are
# then ours alone.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"
source "$SOCKLAB_TESTS/tui/lib-netns.sh"

cat >"$T_DIR/hold.py" <<'PY'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 9102))
s.listen(1)
open(sys.argv[1], "w").close()
time.sleep(600)
PY
# Before the lab, in its namespace: a python3 program holding 127.0.0.1:9102.
LAB_NETNS_BEFORE="(python3 $T_DIR/hold.py $T_DIR/held &) && i=0 && while [ ! -e $T_DIR/held ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done"

lab_in_netns 120 40 --sequential --backlog 3 --serve tcp:echo:ipv4:0 --concurrent \
	--serve tcp:cmd:ipv4:0 || { fail "tmux"; t_done; }
expect_screen "lab up" '#2 LISTEN tcp/cmd'
expect_screen "--sequential --backlog 3: its row says so" '#1 tcp echo ipv4 seq'
expect_screen "and the backlog" 'accept queue 0 of backlog 3 '
expect_screen "--concurrent after it: the next is concurrent" '#2 tcp cmd ipv4 conc'

# Section 1, then 1.b on the same port: one more F3 replaces it. The
# servers pane keeps the focus; End shows the newest server.
keys Tab
keys F2 End
expect_screen "F2: section 1 on 127.0.0.1:9101" '#3 LISTEN tcp/echo ipv4 127\.0\.0\.1:9101'
expect_screen "sequential, as the tutorial's loop" '#3 tcp echo ipv4 seq'
expect_screen "listen(8)" 'accept queue 0 of backlog 8'
keys F3
expect_screen "F3: offers to replace #3" 'port 9101 is taken by lab server #3 .*F3 again replaces it'
if screen | grep -q 'tcp/echo-stdio'; then fail "nothing replaced yet"; else ok "nothing replaced yet"; fi
keys F3 End
expect_screen "F3 again: #3 stops" '#3 STOP'
expect_screen "and 1.b listens on 9101" '#4 LISTEN tcp/echo-stdio ipv4 127\.0\.0\.1:9101'
# An offer lasts one key: F2, then another key, then F2 starts nothing.
keys F2
expect_screen "F2: offers to replace #4" 'taken by lab server #4'
keys Down
keys F2
expect_screen "a later F2 offers again" 'taken by lab server #4'
if screen | grep -q '#4 STOP'; then fail "the stale offer replaced nothing"; else
	ok "the stale offer replaced nothing"; fi
keys Escape

# Section 2's port is held by another program: named, no port-0 hint.
keys F4
log_text() { screen | sed 's/^[^│]*│//' | tr '\n' ' ' | tr -s ' '; }
holder_named() { log_text | grep -qE 'port 9102 is held by python3 \(pid [0-9]+\), not by the lab'; }
if wait_for 10 holder_named; then ok "F4: the holder is named"; else
	fail "F4: the holder is named"; screen | sed 's/^/    | /' >&2; fi
if screen | grep -q 'port 0 picks'; then fail "no port-0 hint for a preset"; else ok "no port-0 hint for a preset"; fi

# Section 3: UDP on 0.0.0.0:9201, and the form shows no mode field.
keys F5 End
expect_screen "F5: UDP on 0.0.0.0:9201" '#5 LISTEN udp/echo ipv4 0\.0\.0\.0:9201'
expect_screen "the form shows the UDP preset" '\[UDP\] \[ipv4\] \[echo\] *│'
if screen | grep -qE '\[(sequential|concurrent)\]'; then fail "UDP: no mode field"; else ok "UDP: no mode field"; fi

# Section 5: dual-stack [::]:9401 with listen(16).
keys F7 End
expect_screen "F7: dual-stack on [::]:9401" '#6 LISTEN tcp/hello dual \[::\]:9401'
expect_screen "listen(16)" 'of backlog 16'
# The form now holds [::] for family dual; family ipv4 takes 127.0.0.1.
keys Home Down Left Left
expect_screen "family ipv4" '\[TCP\] \[ipv4\] \[hello\]'
expect_screen "the host follows the family" 'host \[127\.0\.0\.1\] port \[9401\]'
keys End x            # the dual-stack server holds 9401: stop it first
expect_screen "#6 stopped" '#6 STOP'
keys Home Enter Enter End
expect_screen "and starts there" '#7 LISTEN tcp/hello ipv4 127\.0\.0\.1:9401'
if screen | grep -q "host '::' (IPv4)"; then fail "no '::' for IPv4"; else ok "no '::' for IPv4"; fi
quit_asked
wait_for 5 pane_dead || fail "quit"
t_done
