# The tutorial's programs committed in tests/interop/tutorial/ are exactly
# what extract.py takes out of the seed file today: same names, same bytes.
# Skipped when the seed is not reachable (../shared/seed beside the
# repository, or $SOCKLAB_SEED), as in a bare clone.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "$PY is not installed"
here=$(cd "$(dirname "$0")" && pwd)

seed=$("$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import extract; print(extract.seed_path())' "$here")
[ -f "$seed" ] || skip "seed file not reachable ($seed); set SOCKLAB_SEED to check the copies"

"$PY" "$here/extract.py" "$seed" "$T_DIR/fresh" >"$T_DIR/names" || { fail "extract.py failed"; t_done; }
check "every block has a committed copy" "$(ls "$T_DIR/fresh")" "$(ls "$here/tutorial")"
if diff -r "$T_DIR/fresh" "$here/tutorial" >"$T_DIR/diff"; then
	ok "committed copies are byte-identical to a fresh extraction ($(wc -l <"$T_DIR/names") files)"
else
	fail "committed copies differ from the seed; rerun tests/interop/extract.py"
	cat "$T_DIR/diff" >&2
fi
# The extraction itself: twelve blocks, the eleven programs named by their
# first-line comment, each one's first line being that comment.
check "blocks found" 12 "$(wc -l <"$T_DIR/names")"
for f in "$T_DIR"/fresh/*.py; do
	n=$(basename "$f")
	[ "$n" = recv_all.py ] && continue
	check "$n starts with its own name" "# $n" "$(head -n1 "$f")"
done
# Each committed program at least compiles (they are run by the other
# interop scripts; this catches a mangled copy early).
"$PY" -c '
import sys
for f in sys.argv[1:]:
    compile(open(f, "rb").read(), f, "exec")' "$here"/tutorial/*.py &&
	ok "every copy compiles" || fail "a copy does not compile"

t_done
