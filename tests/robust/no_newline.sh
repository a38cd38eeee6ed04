# 100 MB without a newline: every line service answers the over-long line
# with an error, keeps the connection, keeps its memory bounded and keeps
# serving the other clients meanwhile.
. "$SOCKLAB_TESTS/lib.sh"
peers() { /usr/bin/python3 "$SOCKLAB_TESTS/robust/peers.py" "$@"; }
rss_kb() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }

serve_start s tcp:echo:ipv4:0 tcp:echo-stdio:ipv4:0 tcp:cmd:ipv4:0 || { fail "serve did not start"; t_done; }
before=$(rss_kb "$s_pid" VmRSS)
n=0
for last in 'eco: hola\n' 'eco: hola\n' 'ERR\n'; do
	n=$((n + 1))
	port=$(listen_port s $n)
	peers no-newline "$port" 100 "$last" >"$T_DIR/flood$n" 2>&1 &
	flood=$!
	# Another client is answered while the flood goes on.
	if peers echo "$port" >/dev/null; then ok "#$n serves others during the flood"
	elif [ $n -eq 3 ]; then ok "#$n (cmd) answered"; else fail "#$n did not serve another client"; fi
	if wait "$flood"; then ok "#$n: error line, then the next line served"
	else fail "#$n flood: $(cat "$T_DIR/flood$n")"; fi
done
hwm=$(rss_kb "$s_pid" VmHWM)
grown=$(( (hwm - before) / 1024 ))
if [[ "${SOCKLAB_BUILD:-}" == *thread* ]]; then
	ok "memory not judged under ThreadSanitizer (its shadow memory dwarfs ours)"
elif [ "$grown" -lt 48 ]; then ok "memory grew by ${grown} MiB for 300 MB of unterminated lines"
else fail "memory grew by ${grown} MiB (before ${before} kB, peak ${hwm} kB)"; fi
check_match "overflow logged" "line longer than 65536 bytes" "$(cat "$T_DIR/s.out")"
t_done
