# The command line in Spanish (LANG=es_ES.UTF-8): --help, errors and
# serve's lines in the tutorial's words; the program follows LANGUAGE,
# LC_ALL, LC_MESSAGES and LANG; what is not for people does not change
# with the language: the bytes on the wire and the JSON Lines.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"

ES=es_ES.UTF-8
locale -a 2>/dev/null | grep -qix 'es_ES\.utf-\?8' ||
	skip "no $ES locale (localedef -i es_ES -f UTF-8 $ES)"
# env execs the command: a background job's $! is socklab itself.
es=(env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=$ES)
en=(env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8)

# --help and usage
run_out got "${es[@]}" "$SOCKLAB" --help
check "es: --help exit status" 0 "$RC"
check_match "es: --help in Spanish" '^uso: socklab \[' "$got"
check_match "es: the tutorial's servers" 'Los servidores del tutorial:' "$got"
check_match "es: option names unchanged" '--idle-timeout S  cierra las conexiones' "$got"
run_out got "${en[@]}" "$SOCKLAB" --help
check_match "en: --help in English" '^usage: socklab \[' "$got"
run_out got "${es[@]}" "$SOCKLAB" serve tcp:nope:ipv4:0
check "es: bad SPEC exits 2" 2 "$RC"
check_match "es: the core's error in Spanish" "servicio desconocido 'nope' \\(se espera echo" "$(last_err)"
run_out got "${es[@]}" "$SOCKLAB" serve --bogus tcp:echo:ipv4:0
check_match "es: the CLI's error in Spanish" "serve: opción desconocida '--bogus'" "$(last_err)"

# which variable wins (GNU gettext's order: LANGUAGE, LC_ALL, LC_MESSAGES, LANG)
first() { "$@" "$SOCKLAB" --help | head -1 | cut -d' ' -f1; }
check "LANG=es" "uso:" "$(first env -i LANG=$ES)"
check "LC_ALL=es over LANG=C" "uso:" "$(first env -i LANG=C LC_ALL=$ES)"
check "LC_MESSAGES=es" "uso:" "$(first env -i LANG=C LC_MESSAGES=$ES)"
check "LC_ALL=C over LANG=es" "usage:" "$(first env -i LANG=$ES LC_ALL=C)"
check "LANGUAGE=en over LANG=es" "usage:" "$(first env -i LANG=$ES LANGUAGE=en)"
check "LANGUAGE=fr:es falls back to es" "uso:" "$(first env -i LANG=C.UTF-8 LANGUAGE=fr:es)"

# serve's lines: the tutorial's words; the replies: the same bytes
"${es[@]}" "$SOCKLAB" serve tcp:echo:ipv4:0 tcp:hello:dual:0 >"$T_DIR/es.out" 2>"$T_DIR/es.err" &
es_pid=$!
T_PIDS+=("$es_pid")
listening_es() { [ "$(grep -c 'Escuchando en' "$T_DIR/es.out")" -ge 2 ]; }
wait_for 10 listening_es || { fail "es: servers did not listen"; cat "$T_DIR/es.err" >&2; t_done; }
out=$(cat "$T_DIR/es.out")
check_match "es: listen line" "#1 Escuchando en 127\\.0\\.0\\.1:[0-9]+ \\(tcp/echo ipv4\\)" "$out"
check_match "es: dual-stack line" "#2 Escuchando en \\[::\\]:[0-9]+ \\(tcp/hello dual\\) v6only=0, Dual-stack habilitado" "$out"
p1=$(grep -m1 '#1 Escuchando' "$T_DIR/es.out" | grep -oE ':[0-9]+ ' | tr -d ': ')
p2=$(grep -m1 '#2 Escuchando' "$T_DIR/es.out" | grep -oE '\]:[0-9]+ ' | tr -d ']: ')
run_out got "${es[@]}" "$SOCKLAB" client 127.0.0.1 "$p1" hola
check "es: the echo's bytes do not change" $'eco: hola\n' "$got"
run_out got "${es[@]}" "$SOCKLAB" client 127.0.0.1 "$p2"
check "es: the greeting's bytes do not change" $'hola dual\n' "$got"
wait_log es "#2 Cierre de \\('::ffff:127\\.0\\.0\\.1'" || fail "es: no close line on #2"
out=$(cat "$T_DIR/es.out")
check_match "es: accept line" "#1 Conexión de \\('127\\.0\\.0\\.1', [0-9]+\\) \\(tcp\\)" "$out"
check_match "es: recv line" "#1 Recibido de \\('127\\.0\\.0\\.1', [0-9]+\\) \\(tcp\\) 5 B \"hola\\\\n\"" "$out"
check_match "es: close line" "#1 Cierre de \\('127\\.0\\.0\\.1', [0-9]+\\) \\(tcp\\) peer-eof" "$out"
check_match "es: mapped peer note" "IPv4 mapeada 127\\.0\\.0\\.1" "$out"
stop_serve "$es_pid" TERM
check "es: serve exits 0" 0 "$RC"
check_match "es: stop line" "#1 Servidor detenido" "$(cat "$T_DIR/es.out")"

# the dual-stack fallback warning, in the tutorial's words
SOCKLAB_FAULT_V6ONLY=1 "${es[@]}" "$SOCKLAB" serve tcp:hello:dual:0 >"$T_DIR/fb.out" 2>"$T_DIR/fb.err" &
fb_pid=$!
T_PIDS+=("$fb_pid")
fb_listening() { [ "$(grep -c 'Escuchando en' "$T_DIR/fb.out")" -ge 2 ]; }
wait_for 10 fb_listening || fail "es: fallback servers did not listen"
check_match "es: fallback warning" "#1 Advertencia: No se pudo habilitar dual-stack: IPV6_V6ONLY=0 rechazado" "$(cat "$T_DIR/fb.out")"
stop_serve "$fb_pid" TERM
check "es: fallback serve exits 0" 0 "$RC"

# JSON Lines: the same keys and values in both languages (times, waits and ports aside)
json_run() { # NAME ENV...
	local name=$1 pid port
	shift
	SOCKLAB_FAULT_V6ONLY=1 "$@" "$SOCKLAB" serve --json tcp:echo:ipv4:0 tcp:hello:dual:0 \
		>"$T_DIR/$name.out" 2>"$T_DIR/$name.err" &
	pid=$!
	T_PIDS+=("$pid")
	wait_for 10 _listening "$T_DIR/$name.out" 3 || { fail "$name: no listen"; return; }
	port=$(json_port "$name" 1)
	"$@" "$SOCKLAB" client 127.0.0.1 "$port" hola >/dev/null
	wait_for 5 grep -q '"reason":"peer-eof"' "$T_DIR/$name.out" || fail "$name: no close"
	stop_serve "$pid" TERM
	check "$name: serve exits 0" 0 "$RC"
	sed -E 's/"time":"[^"]*"//; s/"port":[0-9]+//g; s/"accept_wait_ms":[0-9]+//g' "$T_DIR/$name.out" >"$T_DIR/$name.norm"
}
json_run json_en "${en[@]}"
json_run json_es "${es[@]}"
check "JSON Lines do not change with the language" "$(cat "$T_DIR/json_en.norm")" "$(cat "$T_DIR/json_es.norm")"
check_match "JSON keeps the English message" '"message":"IPV6_V6ONLY=0 refused [(]' "$(cat "$T_DIR/json_es.norm")"
t_done
