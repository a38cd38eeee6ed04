#!/usr/bin/env bash
# The backlog made visible (issue 11), from the real screen: the client
# pane's connection, complete in the kernel but not accepted yet by a busy
# sequential server, says it waits in the backlog, and says when it is
# accepted; the log's ACCEPT line says how long it waited in the accept
# queue and that it is the client pane's (a wait under 0.1 s is not
# said); the accept queue line says that Linux admits backlog+1 (3 of
# backlog 2); SYNs dropped on the full queue are counted (the namespace's
# ListenOverflows since the lab began) in the servers pane and the log,
# and a connect that times out against the full queue says why;
# /connect refused where the lab's server listens on the other family
# names that server and the address to try. Then the same at 80x24:
# nothing cut, no border crossed.
# Each lab runs in a network namespace of its own (the drop counters are
# the namespace's, and 9301 is then ours); its clients enter it.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"
source "$SOCKLAB_TESTS/tui/lib-netns.sh"

# ---- wide: every sentence whole on one row ----
lab_in_netns 200 50 --sequential --backlog 2 --serve tcp:echo:ipv4:9101@127.0.0.1 ||
	{ fail "tmux"; t_done; }
expect_screen "a sequential server with listen(2)" '#1 LISTEN tcp/echo ipv4 127\.0\.0\.1:9101'
expect_screen "its queue line says Linux admits backlog+1" 'accept queue 0 of backlog 2 \(Linux admits 3\)'
if screen | grep -q 'SYNs\? dropped'; then fail "no drop counted before any"; else ok "no drop counted before any"; fi

# One client is served; the sequential server takes no other meanwhile.
clients first 9101 1 uno || fail "the first client connected"
p_first=$(cat "$T_DIR/first.ports")
expect_screen "the first client is served" "#1 RECV tcp \('127\.0\.0\.1', $p_first\) 4 B \"uno\\\\n\""
type_line "/connect 127.0.0.1 9101"
expect_screen "the client pane connects (the kernel's handshake)" "connected to \('127\.0\.0\.1', 9101\) from"
expect_screen "and says it waits in the backlog" 'waiting in the backlog of server #1: the kernel completed the handshake'
expect_screen "its title says so" 'Client .*tcp \(.127\.0\.0\.1., 9101\) waiting in the backlog'
expect_screen "the accept queue holds it" 'accept queue 1 of backlog 2 \(Linux admits 3\)'
p_own=$(screen | grep -oE "connected to \('127\.0\.0\.1', 9101\) from \('127\.0\.0\.1', [0-9]+\)" |
	grep -oE '[0-9]+\)$' | tr -d ')')
type_line "hola"
expect_screen "a line typed meanwhile is sent (the kernel keeps it)" '^ > hola'

# Four more: two fit (3 of backlog 2), the SYNs of the other two are dropped.
clients more 9101 4 || fail "more clients started"
expect_screen "Linux admits backlog+1: 3 of backlog 2" 'accept queue 3 of backlog 2 \(Linux admits 3\)'
expect_screen "the dropped SYNs are counted in the servers pane" \
	'─ ([2-9]|[1-9][0-9]+) SYNs dropped: accept queue full \(whole netns\) ─'
expect_screen "and in the log" \
	'the kernel dropped [1-9][0-9]* SYNs? on a full accept queue \(ListenOverflows, whole netns: [1-9][0-9]* since the lab began\)'

# The first client leaves: the server accepts the next, the client pane's.
kill "$first_pid"
expect_screen "the client pane says it was accepted, and after how long" \
	'accepted by server #1 after [0-9]+\.[0-9] s in the backlog'
expect_screen "then the reply to the line sent meanwhile" '^ < eco: hola'
wait_gone 'Client .*waiting in the backlog' 5 && ok "the title no longer says it waits" ||
	fail "the title no longer says it waits"
expect_screen "the log's ACCEPT says how long it waited, and whose it is" \
	"#1 ACCEPT tcp \('127\.0\.0\.1', $p_own\) after [0-9]+\.[0-9]{3} s in the accept queue  \(the client pane's\)"
if screen | grep -E "#1 ACCEPT tcp \('127\.0\.0\.1', $p_first\)" | grep -q 'after\|client pane'; then
	fail "the first client's ACCEPT: no wait worth saying, not the pane's"
	screen | grep -E "#1 ACCEPT" | sed 's/^/    | /' >&2
else
	ok "the first client's ACCEPT: no wait worth saying, not the pane's"
fi
check_match "the client pane's own port is known" '^[0-9]+$' "$p_own"
# The detail view gives the wait too (client -> servers -> presets -> log).
keys Tab Tab Tab
keys /
keys -l "kind=accept peer=127.0.0.1:$p_own"
keys Enter
expect_screen "filtered to the pane's ACCEPT" "filter: .*kind=accept"
keys Enter
expect_screen "its detail: the wait in the accept queue" \
	' [0-9]+\.[0-9]{3} s in the accept queue, complete, before accept\(\)'
keys Escape
wait_gone 'event #[0-9]+ ' 5 || fail "Esc closes the detail"
keys c Tab
# the order: the accept is said before the reply it made possible
screen >"$T_DIR/wide.txt"
if [ "$(grep -n 'accepted by server #1' "$T_DIR/wide.txt" | cut -d: -f1)" -lt \
	"$(grep -n '^ < eco: hola' "$T_DIR/wide.txt" | cut -d: -f1)" ]; then
	ok "accepted, then the reply"
else
	fail "accepted, then the reply"; sed 's/^/    | /' "$T_DIR/wide.txt" >&2
fi

# ---- refused on one family, the lab's server on the other ----
if nsenter --net="/proc/$(pane_pid)/ns/net" sh -c 'grep -q "^0\{31\}1 " /proc/net/if_inet6'; then
	keys F6
	expect_screen "F6: section 4 on [::1]:9301" '#2 LISTEN tcp/raw ipv6 \[::1\]:9301'
	if getent ahosts localhost | grep -q '^::1 '; then
		# localhost gives ::1 here: the client tries it and connects.
		type_line "/connect localhost 9301"
		expect_screen "localhost reaches [::1]:9301" "connected to \('::1', 9301, 0, 0\)"
	else
		type_line "/connect localhost 9301"
		expect_screen "localhost is 127.0.0.1 here: refused" "trying \('127\.0\.0\.1', 9301\) \.\.\. Connection refused"
		expect_screen "the hint names the lab's server and what to type" \
			"the lab's server #2 listens on \[::1\]:9301: try /connect ::1 9301"
	fi
	type_line "/close"
	type_line "/connect 127.0.0.1 9301"
	expect_screen "refused on 127.0.0.1" "trying \('127\.0\.0\.1', 9301\) \.\.\. Connection refused"
	expect_screen "the hint, for 127.0.0.1 too" \
		"the lab's server #2 listens on \[::1\]:9301: try /connect ::1 9301 *$"
	type_line "/connect ::1 9301"
	expect_screen "the hint's address connects" "connected to \('::1', 9301, 0, 0\)"
	type_line "hola ipv6"
	expect_screen "and is served at once" '^ < hola ipv6'
	if screen | grep -q 'waiting in the backlog of server #2'; then
		fail "an accept at once is not called a wait"; else ok "an accept at once is not called a wait"; fi
else
	echo "  skip: no ::1 in the namespace, the refused hint not checked" >&2
fi
quit_asked
if wait_for 10 pane_dead; then ok "quits"; else fail "quits"; fi
kill "$more_pid" 2>/dev/null
rm -f "$T_DIR"/*.ports
tui_stop

# ---- 80x24: the same lines fit, nothing is cut or crosses a border ----
cat >"$T_DIR/fits.py" <<'PY'
import sys
cols, rows = 80, 24
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:rows]
lines = [l.ljust(cols) for l in lines + [""] * (rows - len(lines))]
left = min(max(cols * 9 // 20, 30), 52)
top = rows - 1 - min(max(rows - 17, 5), 12)
bad = []
for y in range(top):
    if lines[y][left] != "│":
        bad.append("row %d: the rule is overwritten: %r" % (y, lines[y]))
    if lines[y][left - 1] not in " …─":
        bad.append("row %d: reaches the edge uncut: %r" % (y, lines[y][:left]))
    if "…" in lines[y][:left] and ("accept queue" in lines[y] or "SYN" in lines[y]):
        bad.append("row %d: cut: %r" % (y, lines[y][:left]))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
lab_in_netns 80 24 --sequential --backlog 2 --serve tcp:echo:ipv4:9101@127.0.0.1 ||
	{ fail "tmux"; t_done; }
expect_screen "80x24: the queue line, short" 'accept queue 0 of backlog 2\+1 +│'
clients first 9101 1 uno || fail "the first client connected"
expect_screen "80x24: the first client is served" 'accept queue 0 of backlog 2\+1'
type_line "/connect 127.0.0.1 9101"
expect_screen "80x24: the title says it waits" 'Client .*9101\) waiting in the backlog *$'
clients more 9101 4 || fail "more clients started"
expect_screen "80x24: 3 of backlog 2+1" 'accept queue 3 of backlog 2\+1 +│'
expect_screen "80x24: the drops in the heading, whole" '─ ([2-9]|[1-9][0-9]+) SYN drops: queue full, netns ─+│'
# A client arriving now finds the queue full: its SYNs are dropped until
# it gives up, and the pane says why (the pane's queued connection,
# closed, keeps its place until accepted).
type_line "/connect 127.0.0.1 9101"
expect_screen "80x24: against a full queue the connect times out" \
	"trying \('127\.0\.0\.1', 9101\) \.\.\. Connection timed out"
expect_screen "80x24: and the pane says why" "the accept queue of the lab's server #1 is full \(3 of"
screen >"$T_DIR/small.txt"
if python3 "$T_DIR/fits.py" "$T_DIR/small.txt" >"$T_DIR/why" 2>&1; then ok "80x24: nothing cut, no border crossed"; else
	fail "80x24: nothing cut, no border crossed"; sed 's/^/    ! /' "$T_DIR/why" >&2
	sed 's/^/    | /' "$T_DIR/small.txt" >&2; fi
quit_asked
if wait_for 10 pane_dead; then ok "quits"; else fail "quits"; fi
t_done
