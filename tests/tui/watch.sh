#!/usr/bin/env bash
# Watching live traffic in the lab: the log filtered with / (its title
# says by what; a bad filter says why; c clears it), a line opened with
# Enter (a mapped peer raw and normalised, the payload as hex + ASCII),
# pause with p or Space (events keep being recorded, resume shows them,
# End goes back to live), /filter and /save from the client pane (CSV and
# JSON Lines read back), --log FILE with every event, the servers panel's
# rates and a sequential server's accept queue filling up.
source "$SOCKLAB_TESTS/lib.sh"
source "$SOCKLAB_TESTS/tui/lib-tui.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

serve=(--serve tcp:echo:ipv4:0 --serve tcp:cmd:ipv4:0)
have_ipv6 && serve+=(--serve tcp:hello:dual:0)
tui_start 160 45 "${serve[@]}" --log "$T_DIR/lab.jsonl" || { fail "tmux"; t_done; }
expect_screen "servers listen" '#2 LISTEN tcp/cmd ipv4 127\.0\.0\.1:[0-9]+'
p_echo=$(log_port 1)
p_cmd=$(log_port 2)
p_dual=
if have_ipv6; then
	expect_screen "the dual-stack server listens" '#3 LISTEN tcp/hello dual'
	p_dual=$(log_port 3)
fi
client() { timeout 10 "$SOCKLAB" client 127.0.0.1 "$@" </dev/null >/dev/null; }
client "$p_echo" hola
client "$p_cmd" PING
expect_screen "echo traffic logged" "#1 SEND tcp \('127\.0\.0\.1', [0-9]+\) 10 B \"eco: hola\\\\n\""
expect_screen "cmd traffic logged" "#2 RECV tcp \('127\.0\.0\.1', [0-9]+\) 5 B \"PING\\\\n\""

# Focus the log: client -> servers -> presets -> log.
keys Tab Tab Tab
expect_screen "log pane focused, its keys shown" 'Enter Detail  / Filter'

# ---- filter ----
keys /
expect_screen "/ opens the filter prompt" 'filter> _'
keys -l "server=2 kind=recv"
keys Enter
expect_screen "the title names the filter" 'Live log  filter: server=2 kind=recv'
expect_screen "the matching line stays" '#2 RECV tcp .*"PING\\n"'
if wait_gone '#1 RECV|#2 SEND|#1 SEND' 5; then ok "the others are filtered out"; else
	fail "the others are filtered out"; fi
# New events are filtered as they come.
client "$p_echo" nueva
client "$p_cmd" "ECHO otra"
expect_screen "a new match shows" '#2 RECV tcp .*"ECHO otra\\n"'
if screen | grep -q '"nueva'; then fail "a new non-match is hidden"; else ok "a new non-match is hidden"; fi
# A bad filter says why and keeps the prompt open.
keys / C-u
keys -l "kind=nope"
keys Enter
expect_screen "a bad filter says why" "unknown event kind 'nope'"
expect_screen "the prompt stays open" 'filter> kind=nope_'
keys Escape
if wait_gone 'filter> ' 5; then ok "Esc closes the prompt"; else fail "Esc closes the prompt"; fi
expect_screen "the filter in force stays" 'Live log  filter: server=2 kind=recv'
# One key clears it.
keys c
if wait_gone 'filter: ' 5; then ok "c clears the filter"; else fail "c clears the filter"; fi
expect_screen "everything shows again" '#1 RECV tcp .*"nueva\\n"'

# ---- detail view ----
keys / C-u
keys -l "server=1 kind=recv text=hola"
keys Enter
expect_screen "filtered to the hola line" 'filter: server=1 kind=recv text="hola"'
keys Enter
expect_screen "Enter opens the detail" 'event #[0-9]+ .*Esc closes'
expect_screen "what and where" 'recv on server #1  \(tcp/echo ipv4\)'
expect_screen "the peer's tuple" "peer +\('127\.0\.0\.1', [0-9]+\)"
expect_screen "the local end" "local +\('127\.0\.0\.1', $p_echo\)"
expect_screen "the byte count" '5 bytes \(5 recorded\)'
expect_screen "the hex dump" '0000  68 6f 6c 61 0a {20,}\|hola\.\|'
keys Escape
if wait_gone 'event #[0-9]+ ' 5; then ok "Esc closes the detail"; else fail "Esc closes the detail"; fi
keys c
if have_ipv6; then
	client "$p_dual"
	keys /
	keys -l "server=3 kind=accept"
	keys Enter
	expect_screen "the dual-stack accept" "#3 ACCEPT tcp \('::ffff:127\.0\.0\.1'"
	keys Enter
	expect_screen "a mapped peer's tuple in full" "peer +\('::ffff:127\.0\.0\.1', [0-9]+, 0, 0\)"
	expect_screen "raw and normalised" 'IPv4-mapped: raw ::ffff:127\.0\.0\.1, normalised 127\.0\.0\.1'
	expect_screen "flowinfo and scope_id" 'flowinfo 0  scope_id 0 \(no scope\)'
	keys Escape
	keys c
	wait_gone 'filter: ' 5 || fail "filter cleared"
else
	echo "  skip: no ::1 on this host, the mapped peer's detail not shown" >&2
fi

# ---- pause ----
keys p
expect_screen "p pauses" 'PAUSED \+0 new'
client "$p_echo" pausa
expect_screen "events arrive while paused" 'PAUSED \+[1-9][0-9]* new'
if screen | grep -q '"pausa'; then fail "the view is frozen"; else ok "the view is frozen"; fi
if wait_for 5 grep -q '"data":"pausa\\n"' "$T_DIR/lab.jsonl"; then
	ok "recorded meanwhile (--log)"; else fail "recorded meanwhile (--log)"; fi
keys p
expect_screen "resume shows what arrived" '#1 RECV tcp .*"pausa\\n"'
if wait_gone 'PAUSED' 5; then ok "resumed"; else fail "resumed"; fi
keys Space
expect_screen "Space pauses too" 'PAUSED \+0 new'
client "$p_echo" luego
expect_screen "paused again, counting" 'PAUSED \+[1-9]'
keys End
expect_screen "End goes back to live" '#1 RECV tcp .*"luego\\n"'
if wait_gone 'PAUSED' 5; then ok "End resumes"; else fail "End resumes"; fi

# ---- /filter and /save from the client pane ----
keys Tab               # log -> client
type_line "/filter server=1"
expect_screen "/filter sets it" 'live log filter: server=1'
expect_screen "and the title says so" 'Live log  filter: server=1'
type_line "/save $T_DIR/one.csv"
expect_screen "/save writes the shown lines" "saved [0-9]+ events to $T_DIR/one\.csv \(csv\)"
type_line "/save $T_DIR/all.jsonl all"
expect_screen "/save all" "saved [0-9]+ events to $T_DIR/all\.jsonl \(jsonl\)"
type_line "/filter"
expect_screen "/filter alone clears it" 'live log filter cleared'
python3 - "$T_DIR" >"$T_DIR/check.out" 2>&1 <<'PY'
import csv, json, sys
d = sys.argv[1]
rows = list(csv.reader(open(d + "/one.csv", newline="")))
assert rows[0] == ["time", "server", "event", "transport", "from address", "from port",
                   "to address", "to port", "bytes", "ASCII", "hex"], rows[0]
assert len(rows) > 2, rows
for r in rows[1:]:
    assert len(r) == 11 and r[1] == "1", r
    assert bytes.fromhex(r[10]).decode("latin-1") is not None
recv = [r for r in rows[1:] if r[2] == "recv" and r[9] == "hola\\n"]
assert recv and recv[0][6] == "127.0.0.1" and recv[0][10] == "686f6c610a", recv
servers = set()
for line in open(d + "/all.jsonl"):
    servers.add(json.loads(line)["server"])
assert {1, 2} <= servers, servers
# --log: every event, one valid JSON object a line.
kinds = [json.loads(l)["event"] for l in open(d + "/lab.jsonl")]
assert "listen" in kinds and kinds.count("recv") >= 5, kinds
print("saved files check out")
PY
if grep -q "saved files check out" "$T_DIR/check.out"; then ok "CSV, JSON Lines and --log read back"
else fail "CSV, JSON Lines and --log read back"; sed 's/^/    | /' "$T_DIR/check.out" >&2; fi

# ---- counters: rates and a sequential server's accept queue ----
expect_screen "rates over 1 s and 10 s" '1s  in [0-9.]+ [KMG]?i?B/s  out'
keys Tab               # client -> servers
keys Down Down Down    # transport, family, service -> mode
keys Right             # concurrent -> sequential
expect_screen "form set to sequential" '\[sequential\]'
keys Enter Enter       # to [Start], then start
n=$((${#serve[@]} / 2 + 1))
expect_screen "sequential server started" "#$n LISTEN tcp/echo ipv4 127\.0\.0\.1:[0-9]+"
p_seq=$(log_port "$n")
keys End               # select it: the list scrolls to its counters
check_match "its port" '^[0-9]+$' "$p_seq"
cat >"$T_DIR/hold.py" <<'PY'
import socket, sys, time
held = []
for _ in range(3):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    held.append(s)
time.sleep(30)
PY
python3 "$T_DIR/hold.py" "$p_seq" &
T_PIDS+=($!)
expect_screen "two clients wait in the backlog" 'accept queue 2 of backlog 8'
kill "${T_PIDS[-1]}"
expect_screen "the queue drains" 'accept queue 0 of backlog 8'

quit_asked
if wait_for 10 pane_dead; then ok "quits"; else fail "quits"; fi
t_done
