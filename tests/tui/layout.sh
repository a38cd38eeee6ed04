#!/usr/bin/env bash
# Readable at projector sizes (issue 11): at 80x24, 100x30 and 120x40,
# with every pane full (six servers, IPv6 and mapped tuples, a long line
# echoed, a long filter, a long notice), no text crosses a pane's border
# (the rule between the columns stays whole), a row of the left column
# that reaches its edge ends in an ellipsis, the "more below" mark has a
# row of its own, a log row that reaches the
# edge goes on in the next row, the status bar's notice is whole, and the
# help overlay keeps inside its frame and scrolls to its last line.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

cat >"$T_DIR/check.py" <<'PY'
import sys
cols, rows, what = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
lines = open(sys.argv[4], encoding="utf-8").read().split("\n")[:rows]
lines += [""] * (rows - len(lines))
lines = [l.ljust(cols) for l in lines]
left = min(max(cols * 9 // 20, 30), 52)
client_h = min(max(rows - 17, 5), 12)
top = rows - 1 - client_h
bad = []
if what == "panes":
    for y in range(top):
        if lines[y][left] != "│":
            bad.append("row %d: the rule is overwritten: %r" % (y, lines[y]))
        part = lines[y][:left]
        if "more below" in part and part[:part.index("more below")].strip(" 0123456789"):
            bad.append("row %d: the 'more below' mark is over a line: %r" % (y, part))
        edge = lines[y][left - 1]
        if edge not in " …─":
            bad.append("row %d: the left column's text reaches its edge uncut: %r" % (y, lines[y][:left]))
        if lines[y][cols - 1] != " " and y + 1 < top and not lines[y + 1][left + 1:].startswith("   ") \
                and lines[y][cols - 1] != "…":
            bad.append("row %d: a log row ends at the edge and does not go on: %r" % (y, lines[y][left:]))
elif what == "help":
    frame = [y for y in range(rows) if "└" in lines[y]]
    if not frame:
        bad.append("no help frame")
    else:
        b = frame[0]
        x0, x1 = lines[b].index("└"), lines[b].index("┘")
        for y in range(b - 1, 0, -1):
            if lines[y][x0] != "│" or lines[y][x1] != "│":
                if "socklab help" in lines[y]:
                    break
                bad.append("row %d: help text crosses its frame: %r" % (y, lines[y]))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY

check_screen() { # NAME COLS ROWS WHAT
	screen >"$T_DIR/screen.txt"
	if python3 "$T_DIR/check.py" "$2" "$3" "$4" "$T_DIR/screen.txt" >"$T_DIR/why" 2>&1; then ok "$1"; else
		fail "$1"; sed 's/^/    ! /' "$T_DIR/why" >&2; sed 's/^/    | /' "$T_DIR/screen.txt" >&2; fi
}

long=$(printf 'palabra%.0s ' $(seq 1 40))
for size in 80x24 100x30 120x40; do
	c=${size%x*} r=${size#*x}
	rm -f "$T_DIR/log.jsonl"
	tui_start "$c" "$r" --log "$T_DIR/log.jsonl" --serve tcp:hello:dual:0 --serve tcp:echo:ipv4:0 --serve tcp:echo:dual2:0 \
		--serve udp:echo:ipv4:0 --serve tcp:cmd:ipv6:0 --sequential --backlog 12345 \
		--serve tcp:echo-stdio:ipv4:0 || { fail "tmux"; continue; }
	wait_screen '#6 LISTEN' || { fail "$size: lab up"; tui_stop; continue; }
	# The ports from --log: at 80x24 the first LISTEN lines may have
	# scrolled out of the log's view already.
	port_of() { # SERVER-ID
		wait_for 5 grep -q "\"event\":\"listen\",[^}]*\"server\":$1," "$T_DIR/log.jsonl" &&
			grep -m1 "\"event\":\"listen\",[^}]*\"server\":$1," "$T_DIR/log.jsonl" |
			grep -oE '"port":[0-9]+' | head -n1 | grep -oE '[0-9]+'
	}
	p_dual=$(port_of 1)
	p_echo=$(port_of 2)
	[ -n "$p_dual" ] && [ -n "$p_echo" ] || fail "$size: the servers' ports in --log"
	type_line "/connect 127.0.0.1 $p_dual"
	expect_screen "$size: a mapped peer in the log" "::ffff:127\.0\.0\.1"
	type_line "/connect 127.0.0.1 $p_echo"
	expect_screen "$size: connected" "connected to \('127\.0\.0\.1', $p_echo\)"
	type_line "$long"
	expect_screen "$size: the long line echoed" 'palabra palabra'
	type_line "/filter server=1,2,3,4,5,6 kind=accept,recv,send,close,listen peer=127.0.0.1,::1"
	expect_screen "$size: a long filter set" 'live log filter'
	keys Tab End          # servers: the last one in view
	check_screen "$size: every pane within its borders" "$c" "$r" panes
	# A long notice (a start that fails) is shown whole in the status bar.
	keys Home Enter Up C-u  # to [Start], then the port field
	keys -l "$p_echo"
	keys Down Enter         # [Start]: the echo server's port is taken
	notice="cannot start tcp:echo:ipv4:$p_echo: bind 127.0.0.1:$p_echo: Address already in use"
	status_whole() { screen | tail -n 3 | tr -d '\n' | tr -s ' ' | grep -qF "$notice (another socket holds that port; port 0 picks a free one)"; }
	if wait_for 5 status_whole; then ok "$size: a long notice is whole"; else
		fail "$size: a long notice is whole"; screen | sed 's/^/    | /' >&2; fi
	check_screen "$size: and the panes stay within their borders" "$c" "$r" panes
	keys F1
	expect_screen "$size: help open" 'socklab help'
	check_screen "$size: help inside its frame" "$c" "$r" help
	keys End
	expect_screen "$size: help scrolls to its last line" 'F7 5 +dual-stack'
	check_screen "$size: scrolled help inside its frame" "$c" "$r" help
	keys Escape
	tui_stop
done
t_done
