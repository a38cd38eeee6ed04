#!/usr/bin/env bash
# The man pages against the program, so that neither drifts: every long
# option that a subcommand's --help lists appears in both doc/socklab.1
# and doc/es/socklab.1; the two pages have as many sections (.SH) and
# subsections (.SS); every F-key that the lab's help (F1, drawn by the
# real binary in tmux) names appears in both pages; both render with
# groff -ww without a warning. SOCKLAB_MAN_EN / SOCKLAB_MAN_ES point it at
# other pages (to see it fail on an old one).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
TOP=$(cd "$SOCKLAB_TESTS/.." && pwd)
EN=${SOCKLAB_MAN_EN:-$TOP/doc/socklab.1}
ES=${SOCKLAB_MAN_ES:-$TOP/doc/es/socklab.1}
PAGES=("$EN" "$ES")
for p in "${PAGES[@]}"; do [ -r "$p" ] || { fail "no man page $p"; t_done; }; done

# plain FILE: the page's source with font escapes and \- undone, so that
# \fB\-\-wire\fR reads --wire and .BR F2 " .. " F7 reads F2  ..  F7.
plain() {
	sed -e 's/\\f[BIRP]//g' -e 's/\\f([A-Z][A-Z]//g' -e 's/\\-/-/g' -e 's/\\(en/-/g' \
		-e 's/\\&//g' -e 's/"/ /g' "$1"
}

# fkeys: the F-keys named in standard input, one a line, a range
# (F2..F7, F2-F7, F2 .. F7) spelt out key by key.
fkeys() {
	grep -oE '(^|[^[:alnum:]_])F[0-9]+( *(\.\.|-) *F[0-9]+)?' | grep -oE 'F[0-9]+.*' |
		while read -r k; do
			if [[ $k =~ ^F([0-9]+)[^0-9]+F([0-9]+)$ ]]; then
				seq -f 'F%g' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
			else
				echo "$k"
			fi
		done | sort -u
}

# Long options: from each subcommand's --help (the lab's own is the top
# level's); each one must be in both pages, as an option (--pcap, not
# --pcapx).
opts=$T_DIR/options out=
: >"$opts"
for cmd in "" serve client resolve sockets sandbox "sandbox exec"; do
	# shellcheck disable=SC2086 # the subcommand's words, split on purpose
	run_out out "$SOCKLAB" $cmd --help
	check "socklab ${cmd:+$cmd }--help exits 0" 0 "$RC"
	printf '%s\n' "$out" | grep -oE -- '--[a-z][a-z0-9-]*' >>"$opts"
done
sort -u -o "$opts" "$opts"
check_match "the --help texts list long options" '--wire' "$(cat "$opts")"
for p in "${PAGES[@]}"; do
	plain "$p" >"$T_DIR/plain"
	missing=$(while read -r o; do
		grep -qE -- "(^|[^[:alnum:]-])$o([^[:alnum:]-]|$)" "$T_DIR/plain" || printf ' %s' "$o"
	done <"$opts")
	check "${p#"$TOP"/}: every long option of --help (missing:${missing:- none})" "" "$missing"
done

# Sections: the Spanish page is a translation of the English one, section
# for section.
sections() { grep -c "^\.$1 " "$2"; }
for m in SH SS; do
	n_en=$(sections "$m" "$EN") n_es=$(sections "$m" "$ES")
	check "as many .$m in both pages ($n_en in English)" "$n_en" "$n_es"
done
check_match "the English page has its sections" '^1[0-9]$' "$(sections SH "$EN")"

# F-keys: those the lab's help names, read off the real help overlay.
if command -v tmux >/dev/null 2>&1; then
	# shellcheck source=tests/tui/lib-tui.sh
	. "$SOCKLAB_TESTS/tui/lib-tui.sh"
	export SOCKLAB_NO_CAPTURE=1
	# Tall enough for the whole help on one screen (it scrolls when not).
	tui_start 140 120 || fail "tmux"
	if wait_screen 'socklab>' && keys F1 && wait_screen 'socklab help'; then
		screen >"$T_DIR/help"
		tui_stop
		if grep -q 'more below' "$T_DIR/help"; then
			fail "the lab's help did not fit at 140x120: make the terminal taller"
		fi
		fkeys <"$T_DIR/help" >"$T_DIR/help.keys"
		check_match "the lab's help names F1 to F10" \
			'F1 F10 F2 F3 F4 F5 F6 F7 F8 F9' "$(tr '\n' ' ' <"$T_DIR/help.keys")"
		for p in "${PAGES[@]}"; do
			plain "$p" | fkeys >"$T_DIR/page.keys"
			missing=$(comm -23 "$T_DIR/help.keys" "$T_DIR/page.keys" | tr '\n' ' ')
			check "${p#"$TOP"/}: every F-key of the lab's help (missing: ${missing:-none})" "" "$missing"
		done
	else
		fail "the lab's help (F1) did not open"
	fi
else
	echo "  skip $T_NAME: tmux is not installed: the F-keys of the lab's help are not checked" >&2
fi

# Rendering: groff with every warning, through preconv (-k: the Spanish
# page is UTF-8, as its coding line says) and tbl (-t: the sandbox's
# table), at man's width for an 80-column terminal and on wider ones
# (where a paragraph falls decides whether tbl finds room for the table).
if command -v groff >/dev/null 2>&1; then
	for p in "${PAGES[@]}"; do
		for ll in 78 100 132; do
			warn=$(groff -k -t -man -Tutf8 -ww -z -rLL=${ll}n "$p" 2>&1)
			check "${p#"$TOP"/}: groff -ww renders it without a warning at $ll columns" "" "$warn"
		done
	done
else
	echo "  skip $T_NAME: groff is not installed (apt-get install groff-base): the rendering is not checked" >&2
fi
t_done
