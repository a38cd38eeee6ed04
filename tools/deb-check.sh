#!/usr/bin/env bash
# deb-check.sh DEB: what `make deb` built holds the binary (and it runs)
# and the man page, in the places Debian wants them, and lintian reports
# no error. Prints lintian's warnings; exits 1 on any failure.
set -u
deb=$1
fail=0
list=$(dpkg -c "$deb") || { echo "deb-check: dpkg -c $deb failed" >&2; exit 1; }
for want in ./usr/bin/socklab ./usr/share/man/man1/socklab.1.gz ./usr/share/doc/socklab/copyright \
	./usr/share/man/es/man1/socklab.1.gz ./usr/share/locale/es/LC_MESSAGES/socklab.mo; do
	if grep -q " $want\$" <<<"$list"; then
		echo "  ok   deb: $want"
	else
		echo "  FAIL deb: $want is not in the package" >&2
		fail=1
	fi
done
grep -q '^-rwxr-xr-x root/root .* ./usr/bin/socklab$' <<<"$list" ||
	{ echo "  FAIL deb: usr/bin/socklab is not root-owned 0755" >&2; fail=1; }
# Anything outside /usr is a packaging mistake here.
if grep -vE ' \./(usr(/.*)?)?$' <<<"$list" | grep -q .; then
	echo "  FAIL deb: files outside /usr:" >&2
	grep -vE ' \./(usr(/.*)?)?$' <<<"$list" >&2
	fail=1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
if "$tmp/usr/bin/socklab" --version | grep -q '^socklab '; then
	echo "  ok   deb: the packaged binary runs"
else
	echo "  FAIL deb: the packaged binary does not run" >&2
	fail=1
fi
if command -v lintian >/dev/null; then
	out=$(lintian --fail-on error "$deb" 2>&1)
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/  lintian: /'
	if [ $rc -eq 0 ]; then echo "  ok   deb: lintian reports no error"; else
		echo "  FAIL deb: lintian reports errors" >&2; fail=1; fi
else
	echo "  skip deb: lintian is not installed" >&2
fi
exit $fail
