#!/usr/bin/env bash
# The log never misstates the protocol (issue 11): FOO, BAR and BAZ sent
# to the command server show each RECV followed by its own ERR, with no
# reply folded under the wrong line; /save all writes every event.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"

tui_start 120 40 --serve tcp:cmd:ipv4:0 || { fail "tmux"; t_done; }
expect_screen "lab up" '#1 LISTEN tcp/cmd ipv4'
expect_screen "one line: singular" ' 1 line  dropped 0'
port=$(log_port 1)
type_line "/connect 127.0.0.1 $port"
expect_screen "connected" "connected to \('127\.0\.0\.1', $port\)"
for w in FOO BAR BAZ; do
	type_line "$w"
	expect_screen "$w answered" "^ < ERR$"
done
log_text() { screen | sed 's/^[^│]*│//' | tr '\n' ' ' | tr -s ' '; }
in_order() {
	log_text | grep -qE 'RECV tcp [^"]*"FOO\\n" [0-9:.]+ #1 SEND tcp [^"]*"ERR\\n" [0-9:.]+ #1 RECV tcp [^"]*"BAR\\n" [0-9:.]+ #1 SEND tcp [^"]*"ERR\\n" [0-9:.]+ #1 RECV tcp [^"]*"BAZ\\n" [0-9:.]+ #1 SEND tcp [^"]*"ERR\\n"'
}
if wait_for 5 in_order; then ok "each RECV is followed by its own ERR"; else
	fail "each RECV is followed by its own ERR"; screen | sed 's/^/    | /' >&2; fi
if screen | grep -qE '"ERR\\n" +x[0-9]'; then fail "no ERR folded"; else ok "no ERR folded"; fi
type_line "/save $T_DIR/all.jsonl all"
expect_screen "saved" "saved [0-9]+ events to $T_DIR/all.jsonl"
check "every SEND saved" 3 "$(grep -c '"event":"send"' "$T_DIR/all.jsonl")"
check "every RECV saved" 3 "$(grep -c '"event":"recv"' "$T_DIR/all.jsonl")"
quit_asked
wait_for 5 pane_dead || fail "quit"
t_done
