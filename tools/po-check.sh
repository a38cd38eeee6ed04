#!/usr/bin/env bash
# make po-check: the catalogues are complete and nothing bypasses them.
#   1. po/socklab.pot is what xgettext extracts from the code now;
#   2. every po/LL.po passes msgfmt --check with no untranslated or fuzzy
#      message, and has every msgid of the template;
#   3. no string literal that reads as words for a person is left unmarked:
#      every literal the code holds (xgettext --extract-all) that has two
#      words in a row must be marked (_, N_, NN_, msg_tr, ngettext) or be
#      listed in po/not-translated (wire bytes, machine formats, syntax).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
sources=$(ls include/socklab/*.h src/*/*.h src/*/*.c | sort)
kw=(--keyword=_ --keyword=N_ --keyword=msg_tr --keyword=msg_ntr:1,2 --keyword=ngettext:1,2
    --keyword=NN_:1,2)

# 1. the template is up to date (same messages and comments; dates aside)
# shellcheck disable=SC2086
xgettext --from-code=UTF-8 --language=C "${kw[@]}" --add-comments=TRANSLATORS: \
	--no-location --sort-output -o "$tmp/now.pot" $sources 2>/dev/null
# the messages without the header entry
strip() { msgcat --no-wrap --sort-output "$1" | awk 'h { print } /^$/ { h = 1 }'; }
if ! diff -u <(strip po/socklab.pot) <(strip "$tmp/now.pot") > "$tmp/pot.diff"; then
	echo "po-check: po/socklab.pot is out of date with the code (run make po-update):"
	head -40 "$tmp/pot.diff"
	fail=1
fi

# 2. every language complete
for po in po/*.po; do
	stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1) || {
		echo "po-check: $po: msgfmt --check failed:"; echo "$stats"; fail=1; continue; }
	echo "po-check: $po: $stats"
	case $stats in
	*untranslated* | *fuzzy*) echo "po-check: $po has untranslated or fuzzy messages"; fail=1 ;;
	esac
	missing=$(msgcomm --no-wrap --less-than=2 --unique "$tmp/now.pot" "$po" 2>/dev/null |
		msgattrib --no-wrap --untranslated 2>/dev/null | grep -c '^msgid "[^"]' || true)
	if [ "${missing:-0}" != 0 ]; then
		echo "po-check: $po lacks $missing message(s) of the code (run make po-update)"
		fail=1
	fi
done

# 3. nothing for people bypasses the catalogue
# shellcheck disable=SC2086
xgettext --from-code=UTF-8 --language=C --extract-all --no-wrap --no-location \
	-o "$tmp/all.pot" $sources 2>/dev/null
msgids() { grep -E '^msgid(_plural)? "' "$1" | sed -E 's/^msgid(_plural)? //' | sort -u; }
msgids "$tmp/all.pot" | grep -E '[A-Za-z]{2,} [A-Za-z]{2,}' > "$tmp/words" || true
msgcat --no-wrap "$tmp/now.pot" > "$tmp/now1.pot"
{ msgids "$tmp/now1.pot"; grep -v '^#' po/not-translated | sed '/^$/d'; } | sort -u > "$tmp/known"
comm -23 "$tmp/words" "$tmp/known" > "$tmp/bypass"
if [ -s "$tmp/bypass" ]; then
	echo "po-check: sentences that bypass the catalogue (mark them, or list them in po/not-translated):"
	sed 's/^/  /' "$tmp/bypass"
	fail=1
fi
[ $fail = 0 ] && echo "po-check: ok"
exit $fail
