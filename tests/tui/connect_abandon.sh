#!/usr/bin/env bash
# A connect given up while in progress (/close while the client pane's
# SYNs go unanswered, against a full accept queue) is traced as it
# happened in the System calls pane: the non-blocking connect left in
# progress (EINPROGRESS), then the close of that socket, with its Python.
# The lab runs in a network namespace of its own; its clients enter it.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"
source "$SOCKLAB_TESTS/tui/lib-netns.sh"

lab_in_netns 140 45 --sequential --backlog 1 --serve tcp:echo:ipv4:9101@127.0.0.1 ||
	{ fail "tmux"; t_done; }
expect_screen "a sequential server with listen(1)" '#1 LISTEN tcp/echo ipv4 127\.0\.0\.1:9101'

# One client served, two in the queue (Linux admits backlog+1): full.
clients fill 9101 3 || fail "the clients did not start"
expect_screen "the accept queue is full" 'accept queue 2 of backlog 1'

# The System calls pane in the log's slot, then back to the client pane.
keys BTab
keys F8 F8
expect_screen "system calls pane" " System calls"
keys Tab
type_line "/connect 127.0.0.1 9101"
expect_screen "the client's socket()" "client socket\(AF_INET, SOCK_STREAM, 0\) = [0-9]+"
type_line "/close"
expect_screen "the connect in progress, given up" \
	"client connect\([0-9]+, \('127\.0\.0\.1', 9101\)\) = -1 EINPROGRESS \(Operation now in"
fd=$(screen | sed -nE "s/.*client connect\(([0-9]+), \('127\.0\.0\.1', 9101\)\) = -1 EINPROGRESS.*/\1/p" | head -1)
check_match "the socket it was on" '^[0-9]+$' "$fd"
expect_screen "then the close of that socket, with its Python" "client close\($fd\) = 0 +c\.close\(\)"
if screen | grep -q 'Connection timed out\|ETIMEDOUT'; then fail "closed, not timed out"; else ok "closed, not timed out"; fi
quit_asked
if wait_for 10 pane_dead; then ok "quits"; else fail "quits"; fi
t_done
