# Flow control end to end: `socklab client` streams 64 MiB from standard
# input to each TCP service of a real `socklab serve` and reads the replies
# as they come (the client session writes without waiting and reads at
# once); every byte comes back, in order, on echo, echo-stdio, cmd and raw,
# and nobody is closed for "not reading".
. "$SOCKLAB_TESTS/lib.sh"

serve_start s tcp:echo:ipv4:0 tcp:echo-stdio:ipv4:0 tcp:cmd:ipv4:0 tcp:raw:ipv4:0 ||
	{ fail "serve did not start"; t_done; }
# 64 MiB of lines 1..200 bytes long, and what each service answers.
python3 - "$T_DIR" <<'PY'
import sys, os
d = sys.argv[1]
alpha = b"abcdefghijklmnopqrstuvwxyz0123456789"
lines, size, i = [], 0, 0
while size < 64 * 1024 * 1024:
    n = i * 37 % 200 + 1
    line = bytes(alpha[(i + k * 7) % 36] for k in range(min(n, 36))) * (n // 36 + 1)
    line = line[:n]
    lines.append(line)
    size += n + 1
    i += 1
body = b"\n".join(lines) + b"\n"
open(os.path.join(d, "in"), "wb").write(body)
open(os.path.join(d, "in.cmd"), "wb").write(b"".join(b"ECHO " + l + b"\n" for l in lines))
open(os.path.join(d, "want.echo"), "wb").write(b"".join(b"eco: " + l + b"\n" for l in lines))
PY
n=0
for svc in echo echo-stdio cmd raw; do
	n=$((n + 1))
	port=$(listen_port s $n)
	in=$T_DIR/in want=$T_DIR/want.echo
	case $svc in cmd) in=$T_DIR/in.cmd want=$T_DIR/in ;; raw) want=$T_DIR/in ;; esac
	if timeout 120 "$SOCKLAB" client 127.0.0.1 "$port" <"$in" >"$T_DIR/got.$svc" 2>"$T_DIR/err.$svc"; then
		ok "$svc: client finished"
	else
		fail "$svc: client failed: $(head -c 300 "$T_DIR/err.$svc")"
	fi
	if cmp -s "$want" "$T_DIR/got.$svc"; then
		ok "$svc: $(stat -c %s "$want") bytes back intact"
	else
		fail "$svc: replies differ ($(stat -c %s "$T_DIR/got.$svc") of $(stat -c %s "$want") bytes)"
	fi
	rm -f "$T_DIR/got.$svc"
done
if grep -q "peer is not reading\|output-cap" "$T_DIR/s.out"; then
	fail "a streaming client was closed: $(grep -m1 'not reading' "$T_DIR/s.out")"
else
	ok "no client closed for not reading"
fi
t_done
