# `socklab serve --json`: one JSON object per line with the contract's
# fields (checked by tests/tools/jsoncheck for every line), payload bytes of any
# kind still valid JSON that decodes to what was sent, IPv4-mapped peers
# with mapped_ipv4, v6only on IPv6 listens, message and errno on warnings.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "$PY is not installed"
[ -x "$JSONCHECK" ] || skip "$JSONCHECK is not built (make $JSONCHECK)"
here=$(cd "$(dirname "$0")" && pwd)

# jq_get NAME PYEXPR: evaluates PYEXPR over ev (the list of events).
jq_get() {
	"$PY" -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
print(eval(sys.argv[2]))' "$T_DIR/$1.out" "$2"
}

# The checker itself tells bad from good: a duplicate key, data without
# its hex, a float where an integer belongs, a trailing comma.
good='{"event":"recv","time":"2026-01-01T00:00:00.000Z","server":1,"transport":"tcp","service":"raw","family":"ipv4","conn":1,"local":{"addr":"127.0.0.1","port":1},"peer":{"addr":"127.0.0.1","port":2},"bytes":1,"data":"a","hex":"61"}'
printf '%s\n' "$good" >"$T_DIR/good.json"
"$JSONCHECK" events "$T_DIR/good.json" >/dev/null && ok "jsoncheck accepts a good event" ||
	fail "jsoncheck rejects a good event"
for bad in "${good/\"bytes\":1/\"bytes\":1,\"bytes\":1}" "${good/,\"hex\":\"61\"/}" \
	"${good/\"bytes\":1/\"bytes\":1.0}" "${good%\}},}" "${good/\"61\"/\"6\"}"; do
	printf '%s\n' "$bad" >"$T_DIR/bad.json"
	"$JSONCHECK" events "$T_DIR/bad.json" >/dev/null && fail "jsoncheck accepts: $bad" ||
		ok "jsoncheck rejects a bad event"
done

serve_start j --json tcp:echo:ipv4:0 tcp:raw:ipv4:0 udp:echo:ipv4:0 ||
	{ fail "servers did not listen"; cat "$T_DIR/j.err" >&2; t_done; }
echo_p=$(json_port j 1) raw_p=$(json_port j 2) udp_p=$(json_port j 3)
check_match "listen event gives the kernel's port" '^[1-9][0-9]*$' "$echo_p"

run_out got "$SOCKLAB" client 127.0.0.1 "$echo_p" hola
check "echo reply under --json" $'eco: hola\n' "$got"
run_out got "$SOCKLAB" client --udp 127.0.0.1 "$udp_p" ping
check "udp reply under --json" $'ping\n' "$got"

# Every byte value, NUL, ESC sequences, quotes, backslashes, C1 controls,
# invalid and valid UTF-8: the preview must still be valid JSON and decode
# to the bytes, invalid ones as U+00NN each (escape.h's rule).
"$PY" -c '
import sys
p = b"a\x00b\x1b[2J\x1b]0;title\x07\xff\x9b\"\\\r\t\x7f\xc3\xb1 \xe2\x82\xac \xed\xa0\x80 \xc0\xaf \xf0\x9f\x98\x80 \xe2\x80\xa8\x01"
sys.stdout.buffer.write(p + bytes(range(1, 32)) + b"end\n")' >"$T_DIR/payload"
"$SOCKLAB" client 127.0.0.1 "$raw_p" <"$T_DIR/payload" >"$T_DIR/payload.back" 2>"$T_DIR/last.err"
cmp -s "$T_DIR/payload" "$T_DIR/payload.back" && ok "binary payload echoed" ||
	fail "binary payload not echoed unchanged"
wait_log j '"event":"close".*"server":2|"server":2.*"event":"close"' || fail "raw close not logged"

"$JSONCHECK" events "$T_DIR/j.out" --now "$(date +%s)" >"$T_DIR/jc" &&
	ok "every line is valid JSON with the contract's fields" ||
	{ fail "JSON contract"; cat "$T_DIR/jc" >&2; }

got=$("$PY" -c '
import codecs, json, sys
codecs.register_error("bytewise", lambda e: ("".join(chr(b) for b in e.object[e.start:e.end]), e.end))
want = open(sys.argv[2], "rb").read().decode("utf-8", "bytewise")
recv = [e for e in map(json.loads, open(sys.argv[1])) if e["event"] == "recv" and e["server"] == 2]
data = "".join(e["data"] for e in recv)
n = sum(e["bytes"] for e in recv)
print("same" if data == want and n == len(open(sys.argv[2], "rb").read()) else "differ: %r vs %r" % (data, want))
' "$T_DIR/j.out" "$T_DIR/payload")
check "binary payload: data decodes to the bytes sent" same "$got"

# A payload far over the preview, made of the bytes that escape longest:
# the line is cut as a preview, never as JSON (data_cut, real byte count).
serve_start jb --json tcp:echo:ipv4:0 || fail "big-payload server did not listen"
"$PY" -c 'import sys; sys.stdout.buffer.write(b"\x01\"\\\xff" * 6000 + b"\xc3\xb1" * 3000 + b"\n")' >"$T_DIR/big"
"$SOCKLAB" client 127.0.0.1 "$(json_port jb 1)" <"$T_DIR/big" >"$T_DIR/big.back" 2>&1
check "big line echoed" "$(( 24000 + 6000 + 6 ))" "$(stat -c %s "$T_DIR/big.back")"
wait_log jb '"event":"close"' || fail "big-payload close not logged"
"$JSONCHECK" events "$T_DIR/jb.out" >"$T_DIR/jc" && ok "worst-case escapes: still valid JSON" ||
	{ fail "worst-case escapes JSON"; cat "$T_DIR/jc" >&2; }
check "worst-case escapes: real byte counts and data_cut" "30001 True" \
	"$(jq_get jb '" ".join(str(x) for x in (sum(e["bytes"] for e in ev if e["event"]=="recv"), any(e.get("data_cut") for e in ev if e["event"]=="recv")))')"

# Text lines show a payload's first 96 bytes, so a text-only serve keeps
# no more (server_options.preview_max); its --log still gets all an event
# holds (4096 bytes), in the --json form.
serve_start tb --log "$T_DIR/tb.jsonl" tcp:echo:ipv4:0 || fail "text server with --log did not listen"
"$PY" -c 'import sys; sys.stdout.write("0123456789" * 600 + "\n")' >"$T_DIR/six"
"$SOCKLAB" client 127.0.0.1 "$(listen_port tb 1)" <"$T_DIR/six" >/dev/null 2>&1
wait_log tb 'CLOSE' || fail "text server: close not logged"
check_match "text: the first 96 bytes, the real size and ..." \
	"RECV tcp \('127\.0\.0\.1', [0-9]+\) [0-9]+ B \"(0123456789){9}012345\"\.\.\." "$(cat "$T_DIR/tb.out")"
wait_for 5 grep -q '"event":"close"' "$T_DIR/tb.jsonl" || fail "the log has no close"
check "--log keeps 4096 bytes of a recv" "4096" "$("$PY" -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
print(max(len(bytes.fromhex(e["hex"])) for e in ev if e["event"] == "recv"))' "$T_DIR/tb.jsonl")"

check "recv event fields" "tcp raw ipv4 127.0.0.1 $raw_p 127.0.0.1" \
	"$(jq_get j '" ".join(str(x) for e in ev if e["event"]=="recv" and e["server"]==2 for x in (e["transport"], e["service"], e["family"], e["local"]["addr"], e["local"]["port"], e["peer"]["addr"]))')"
check "echo events in order" "listen accept recv send close" \
	"$(jq_get j '" ".join(e["event"] for e in ev if e["server"]==1)')"
check "echo send data" "'eco: hola\\n'" "$(jq_get j 'repr([e["data"] for e in ev if e["event"]=="send" and e["server"]==1][0])')"
check "close reason" "peer-eof" "$(jq_get j '[e["reason"] for e in ev if e["event"]=="close" and e["server"]==1][0]')"
check "udp events" "listen dgram-in dgram-out" "$(jq_get j '" ".join(e["event"] for e in ev if e["server"]==3)')"
check "udp datagram fields" "ping 4 127.0.0.1" \
	"$(jq_get j '" ".join(str(x) for e in ev if e["event"]=="dgram-in" for x in (e["data"], e["bytes"], e["peer"]["addr"]))')"

# --json with --trace: the system-call steps are JSON too.
serve_start jt --json --trace tcp:echo:ipv4:0 || fail "traced server did not listen"
"$SOCKLAB" client 127.0.0.1 "$(json_port jt 1)" x >/dev/null 2>&1
wait_log jt '"syscall":"close"' || fail "traced close not logged"
"$JSONCHECK" events "$T_DIR/jt.out" >"$T_DIR/jc" && ok "--json --trace lines valid" ||
	{ fail "--json --trace contract"; cat "$T_DIR/jc" >&2; }
check "syscalls in order" "socket setsockopt bind listen accept4 recv send recv close" \
	"$(jq_get jt '" ".join(e["syscall"] for e in ev if e["event"]=="syscall")')"
# Each call names its socket (fd): accept4 the listener's, the
# connection's recv, send and close the fd accept4 returned, with the
# connection's id.
check "accept4 on the listener; recv, send, recv, close on what it returned" "True True True" \
	"$(jq_get jt '" ".join(str(x) for x in (
	  [e["fd"] for e in ev if e.get("syscall")=="accept4"] == [e["fd"] for e in ev if e.get("syscall")=="listen"],
	  [e["ret"] for e in ev if e.get("syscall")=="accept4"] * 4 == [e["fd"] for e in ev if e.get("syscall") in ("recv", "send", "close") and e.get("conn")],
	  [e.get("conn") for e in ev if e.get("syscall")=="accept4"] == [1]))')"

# Stopping prints stop events, still JSON.
stop_serve "$j_pid" TERM
check "--json serve exits 0 on SIGTERM" 0 "$RC"
check "one stop event per server" "1 2 3" "$(jq_get j '" ".join(str(e["server"]) for e in ev if e["event"]=="stop")' | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
"$JSONCHECK" events "$T_DIR/j.out" >"$T_DIR/jc" && ok "still valid after stop" ||
	{ fail "JSON after stop"; cat "$T_DIR/jc" >&2; }

need_ipv6

serve_start j6 --json tcp:hello:dual:0 tcp:raw:ipv6:0 tcp:hello:dual2:0 ||
	{ fail "IPv6 servers did not listen"; cat "$T_DIR/j6.err" >&2; t_done; }
dual_p=$(json_port j6 1) raw6_p=$(json_port j6 2) dual2_p=$(json_port j6 3)
"$SOCKLAB" client 127.0.0.1 "$dual_p" </dev/null >/dev/null 2>&1
"$SOCKLAB" client ::1 "$dual_p" </dev/null >/dev/null 2>&1
"$SOCKLAB" client 127.0.0.1 "$dual2_p" </dev/null >/dev/null 2>&1
printf 'x\n' | "$SOCKLAB" client ::1 "$raw6_p" >/dev/null 2>&1
wait_for 5 grep -q '"server":3.*"event":"close"\|"event":"close".*"server":3' "$T_DIR/j6.out" ||
	fail "dual2 close not logged"
wait_for 5 grep -q '"event":"close".*"server":2' "$T_DIR/j6.out" || fail "raw6 close not logged"
"$JSONCHECK" events "$T_DIR/j6.out" --now "$(date +%s)" >"$T_DIR/jc" &&
	ok "IPv6 and dual lines valid" || { fail "IPv6 JSON contract"; cat "$T_DIR/jc" >&2; }
check "v6only per listen" "1:False 2:True 3:True 3:None" \
	"$(jq_get j6 '" ".join("%d:%s" % (e["server"], e.get("v6only")) for e in ev if e["event"]=="listen")')"
check "dual peers" "::ffff:127.0.0.1/127.0.0.1/0/0 ::1/None/0/0" \
	"$(jq_get j6 '" ".join("%s/%s/%s/%s" % (e["peer"]["addr"], e["peer"].get("mapped_ipv4"), e["peer"]["flowinfo"], e["peer"]["scope_id"]) for e in ev if e["event"]=="accept" and e["server"]==1)')"
check "dual2 IPv4 peer stays IPv4" "127.0.0.1 False" \
	"$(jq_get j6 '" ".join(str(x) for e in ev if e["event"]=="accept" and e["server"]==3 for x in (e["peer"]["addr"], "flowinfo" in e["peer"]))')"

# A warning: IPV6_V6ONLY=0 refused (the fault seam) carries message and errno.
SOCKLAB_FAULT_V6ONLY=1 serve_start jw --json tcp:echo:dual:0 ||
	{ fail "fallback server did not listen"; t_done; }
"$JSONCHECK" events "$T_DIR/jw.out" >"$T_DIR/jc" && ok "warning lines valid" ||
	{ fail "warning JSON contract"; cat "$T_DIR/jc" >&2; }
check "warning errno" "1 EPERM" "$(jq_get jw '" ".join(str(x) for e in ev if e["event"]=="warning" for x in (e["errno"], e.get("errno_name")))')"
check_match "warning message" "IPV6_V6ONLY=0" "$(jq_get jw '[e["message"] for e in ev if e["event"]=="warning"][0]')"

# A warning without a cause from the system (a line over --max-line) must
# still carry errno, as the contract asks of every warning.
serve_start jl --json --max-line 8 tcp:echo:ipv4:0 || { fail "max-line server did not listen"; t_done; }
run_out got "$SOCKLAB" client 127.0.0.1 "$(json_port jl 1)" 0123456789abcdef ok
check_match "over-long line answered with an error line" $'^ERR line too long.*\neco: ok\n$' "$got"
wait_log jl '"event":"warning"' || fail "line-too-long warning not logged"
check "line-too-long warning: errno 0 (no system cause)" 0 "$(jq_get jl '[e["errno"] for e in ev if e["event"]=="warning"][0]')"
"$JSONCHECK" events "$T_DIR/jl.out" >"$T_DIR/jc" && ok "line-too-long warning valid" ||
	{ fail "line-too-long warning JSON contract"; cat "$T_DIR/jc" >&2; }

t_done
