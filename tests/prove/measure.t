#!/bin/bash
# SPDX-License-Identifier: MIT
#
# `csvsm measure`, printing TAP. The digest of build/csvsm.igvm (and of
# the test image and the mkigvm sample) must equal the one computed by
# tests/e2e/snp_measure.py, an independent Python implementation; it must
# be the same twice and for a second image built by make from the same
# source into another directory; it must change when one byte of a
# measured page or of the VMSA changes and stay when a byte only the
# NATIVE platform loads changes. Truncated files, files without an SNP
# platform and usage errors are refused with exit status 1 or 2.

set -u
cd "$(dirname "$0")/../.." || exit 1

CSVSM=build/tools/csvsm
MKIGVM=build/tools/mkigvm
REF="python3 tests/e2e/snp_measure.py"
IMG=build/csvsm.igvm
. tests/prove/lib.sh

if ! make -s "$CSVSM" "$MKIGVM" "$IMG" build/csvsm-test.igvm \
	>/dev/null 2>&1; then
	echo "Bail out! cannot build $CSVSM, $MKIGVM and the images"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bare() { # bare FILE: csvsm's digest, or "failed"
	"$CSVSM" measure --bare "$1" 2>/dev/null || echo failed
}

flip() { # flip FILE OFFSET: inverts the byte at OFFSET
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\x%02x' $((b ^ 0xff)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# ---- the digest of the real image ---------------------------------------
out=$("$CSVSM" measure "$IMG")
rc=$?
[ $rc -eq 0 ] && [[ "$out" =~ ^"launch digest (SEV-SNP): "[0-9a-f]{96}$ ]]
ok $? "measure $IMG prints one line with 96 hex digits"
d1=$(bare "$IMG")
echo "# $IMG: $d1"
[[ "$d1" =~ ^[0-9a-f]{96}$ ]] && [ "$out" = "launch digest (SEV-SNP): $d1" ]
ok $? "--bare prints only the digest"
[ "$(bare "$IMG")" = "$d1" ]
ok $? "the same digest twice"
[ "$($REF digest "$IMG")" = "$d1" ]
ok $? "$IMG: equals the independent Python computation"
t=build/csvsm-test.igvm
[ "$($REF digest "$t")" = "$(bare "$t")" ] && [ "$(bare "$t")" != "$d1" ]
ok $? "$t: equals the Python computation, differs from $IMG"
"$MKIGVM" "$tmp/sample.igvm"
[ "$($REF digest "$tmp/sample.igvm")" = "$(bare "$tmp/sample.igvm")" ]
ok $? "mkigvm sample (zero, secrets, 2-page parameter area): equals Python"

# A second build of the same source, into a directory of its own.
if make -s -j2 BUILD="$tmp/b2" "$tmp/b2/csvsm.igvm" >"$tmp/b2.log" 2>&1; then
	[ "$(bare "$tmp/b2/csvsm.igvm")" = "$d1" ]
	ok $? "a second make-built image from the same source: same digest"
else
	sed 's/^/# /' "$tmp/b2.log"
	ok 1 "a second make-built image from the same source: same digest"
fi
rm -rf "$tmp/b2"

# ---- which bytes count ---------------------------------------------------
$REF offsets "$IMG" >"$tmp/offs"
off() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/offs"; }
for what in measured vmsa native; do
	o=$(off $what)
	if [ -z "$o" ]; then
		ok 1 "$IMG has a $what page"
		continue
	fi
	cp "$IMG" "$tmp/x.igvm"
	flip "$tmp/x.igvm" $((o + 100))
	got=$(bare "$tmp/x.igvm")
	if [ $what = native ]; then
		[ "$got" = "$d1" ]
		ok $? "a flipped byte in a NATIVE-only page leaves the digest"
	else
		[ "$got" != "$d1" ] && [ "$got" != failed ] &&
			[ "$got" = "$($REF digest "$tmp/x.igvm")" ]
		ok $? "a flipped byte in the $what page changes the digest (as Python)"
	fi
done

# ---- refusals ------------------------------------------------------------
refuse() { # refuse DESCRIPTION FILE REGEX: exit 1, one stderr line
	local rc
	"$CSVSM" measure "$2" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
		grep -q "$3" "$tmp/err"
	ok $? "refuses $1 (exit 1, one line: $(head -c 80 "$tmp/err"))"
}
head -c $(($(stat -c %s "$IMG") - 1)) "$IMG" >"$tmp/short.igvm"
refuse "a file one byte short" "$tmp/short.igvm" "csvsm: $tmp/short.igvm: "
head -c 4096 "$IMG" >"$tmp/short2.igvm"
refuse "a file cut inside its headers" "$tmp/short2.igvm" "csvsm: "
$REF no-snp "$IMG" "$tmp/nosnp.igvm"
refuse "a file without an SEV-SNP platform" "$tmp/nosnp.igvm" \
	"no SEV-SNP platform"
refuse "a missing file" "$tmp/none.igvm" "No such file"

# ---- usage ---------------------------------------------------------------
"$CSVSM" measure >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "no FILE is a usage error (exit 2)"
"$CSVSM" measure --frobnicate "$IMG" >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "unknown option is a usage error (exit 2)"
"$CSVSM" measure "$IMG" "$IMG" >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "two FILEs is a usage error (exit 2)"
"$CSVSM" --help | grep -q "measure \[--bare\] FILE"
ok $? "csvsm --help lists measure"

echo "1..$n"
[ $failed -eq 0 ]
