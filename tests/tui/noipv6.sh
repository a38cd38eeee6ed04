#!/usr/bin/env bash
# A host without IPv6 (a network namespace of our own with IPv6 disabled
# on its loopback): an IPv6 server cannot start and the lab says why, a
# dual-stack one falls back to IPv4 with a warning, an IPv4 one runs, and
# the lab goes on serving them.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"
[ "$(id -u)" = 0 ] || skip "needs root for a network namespace"
unshare -n true 2>/dev/null || skip "cannot create a network namespace"

inner=$(printf '%q ' "$SOCKLAB" --serve tcp:hello:ipv6:0 --serve tcp:hello:dual:0 \
	--serve tcp:echo:ipv4:0)
tmx new-session -d -s "$TUI_PANE" -x 160 -y 40 \
	"env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME=$XDG_STATE_HOME unshare -n sh -c 'ip link set lo up && sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.lo.disable_ipv6=1 && exec $inner'" ||
	{ fail "tmux"; t_done; }
expect_screen "IPv6 server: the cause is shown" 'cannot start tcp:hello:ipv6:0: .*IPv6 is unavailable'
expect_screen "dual-stack: falls back to IPv4, with a warning" '#1 WARNING IPv6 is unavailable .*: serving IPv4'
expect_screen "dual-stack: listening on IPv4" '#1 LISTEN tcp/hello dual 0\.0\.0\.0:[0-9]+'
expect_screen "IPv4 server still starts" '#2 LISTEN tcp/echo ipv4 127\.0\.0\.1:[0-9]+'
port=$(screen | grep -m1 -oE '#1 LISTEN tcp/hello dual 0\.0\.0\.0:[0-9]+' | grep -oE '[0-9]+$')
type_line "/connect 127.0.0.1 $port"
expect_screen "the lab goes on: the fallback server answers" '^ < hola dual$'
quit_asked
if wait_for 5 sh -c "! tmux -L $TMUX_SOCK has-session 2>/dev/null || [ \"\$(tmux -L $TMUX_SOCK display-message -p '#{pane_dead}')\" = 1 ]"; then
	ok "quits"
else
	fail "quits"
fi
t_done
