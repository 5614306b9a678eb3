#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The RAM FS end to end, printing TAP: mkramfs packs files from the
# command line and from manifests, --list and --cat read them back
# byte for byte, and every bad input is refused with exit status 1 and one
# line on stderr naming the reason (bad paths of each kind, duplicates,
# a file that is a parent directory, missing, non-regular and oversized
# inputs, a corrupted archive); usage errors exit 2. igvmbld refuses a
# corrupted archive; `csvsm dump --check` accepts both images; the kernel
# refuses to boot an image whose archive was corrupted after the build,
# and boots an image without one, saying so.

set -u
cd "$(dirname "$0")/../.." || exit 1

MKRAMFS=build/tools/mkramfs
MKIGVM=build/tools/mkigvm
CSVSM=build/tools/csvsm
IGVMBLD=build/tools/igvmbld
. tests/prove/lib.sh

if ! make -s "$MKRAMFS" "$MKIGVM" "$CSVSM" "$IGVMBLD" build/csvsm.igvm \
	build/csvsm-test.igvm >/dev/null 2>&1; then
	echo "Bail out! cannot build the tools and images"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# refuse DESCRIPTION WANT_STATUS REGEX COMMAND...: the command must exit
# with WANT_STATUS, print exactly one line on stderr matching REGEX (for
# status 1) and nothing on stdout.
refuse() {
	local desc=$1 want=$2 re=$3 rc lines
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ $rc -eq "$want" ] && [ ! -s "$tmp/out" ] &&
		{ [ "$want" -eq 2 ] || { [ "$lines" -eq 1 ] &&
			grep -Eq "$re" "$tmp/err"; }; }; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		echo "#   exit $rc (want $want), $lines stderr lines: $(head -c 300 "$tmp/err")"
	fi
}

# ---- packing and reading back -----------------------------------------
mkdir "$tmp/src"
printf 'hello\n' >"$tmp/src/hello"
head -c 10000 /dev/urandom >"$tmp/src/random"
: >"$tmp/src/empty"
printf '#!/bin/sh\n' >"$tmp/src/tool"
chmod +x "$tmp/src/tool"
cat >"$tmp/manifest" <<EOF
# a comment, then a blank line

/etc/hello=$tmp/src/hello
/etc/empty=$tmp/src/empty
EOF
"$MKRAMFS" --output "$tmp/a.ramfs" --manifest "$tmp/manifest" \
	"/bin/tool=$tmp/src/tool" "/data/random=$tmp/src/random" 2>"$tmp/err"
ok $? "pack from a manifest and arguments"
"$MKRAMFS" --list "$tmp/a.ramfs" >"$tmp/list" 2>"$tmp/err"
cat >"$tmp/want" <<EOF
0100555 10 /bin/tool
0100444 10000 /data/random
0100444 0 /etc/empty
0100444 6 /etc/hello
EOF
cmp -s "$tmp/list" "$tmp/want"
ok $? "--list: sorted paths, modes (executable from the source) and sizes"
all=0
for p in /bin/tool:tool /data/random:random /etc/empty:empty /etc/hello:hello; do
	"$MKRAMFS" --cat "$tmp/a.ramfs" "${p%%:*}" >"$tmp/cat" &&
		cmp -s "$tmp/cat" "$tmp/src/${p#*:}" || all=1
done
ok $all "--cat: every file reads back byte for byte"
size=$(stat -c %s "$tmp/a.ramfs")
[ $((size % 4096)) -eq 0 ] && [ "$size" -eq $((6 * 4096)) ]
ok $? "archive is whole pages: header, 3 pages of data, 1 each ($size bytes)"
"$MKRAMFS" --output "$tmp/b.ramfs" "/data/random=$tmp/src/random" \
	"/etc/empty=$tmp/src/empty" "/bin/tool=$tmp/src/tool" \
	"/etc/hello=$tmp/src/hello" && cmp -s "$tmp/a.ramfs" "$tmp/b.ramfs"
ok $? "same files in another order give the same bytes"

# ---- refusals ----------------------------------------------------------
h=$tmp/src/hello
refuse "relative path" 1 "etc/x: path is not absolute" \
	"$MKRAMFS" --output "$tmp/x" "etc/x=$h"
refuse "empty component" 1 "empty path component" \
	"$MKRAMFS" --output "$tmp/x" "/etc//x=$h"
refuse "trailing slash" 1 "empty path component" \
	"$MKRAMFS" --output "$tmp/x" "/etc/=$h"
refuse "dot component" 1 '"\." or "\.\."' \
	"$MKRAMFS" --output "$tmp/x" "/etc/./x=$h"
refuse "dot-dot component" 1 '"\." or "\.\."' \
	"$MKRAMFS" --output "$tmp/x" "/etc/../x=$h"
refuse "space in a path" 1 "not visible ASCII" \
	"$MKRAMFS" --output "$tmp/x" "/etc/a b=$h"
refuse "path of 104 bytes" 1 "longer than 103" \
	"$MKRAMFS" --output "$tmp/x" "/$(printf 'a%.0s' $(seq 103))=$h"
refuse "duplicate path" 1 "/x: given twice" \
	"$MKRAMFS" --output "$tmp/x" "/x=$h" "/x=$h"
refuse "file is a parent directory" 1 "a parent directory is a file" \
	"$MKRAMFS" --output "$tmp/x" "/a=$h" "/a/b=$h"
refuse "missing source" 1 "No such file" \
	"$MKRAMFS" --output "$tmp/x" "/x=$tmp/nope"
refuse "directory as source" 1 "not a regular file" \
	"$MKRAMFS" --output "$tmp/x" "/x=$tmp/src"
truncate -s 300M "$tmp/huge"
refuse "input over 256 MiB" 1 "larger than 268435456 bytes" \
	"$MKRAMFS" --output "$tmp/x" "/x=$tmp/huge"
rm -f "$tmp/huge"
refuse "not DEST=SRC" 1 "is not DEST=SRC" \
	"$MKRAMFS" --output "$tmp/x" "/x"
printf '# ok\n/a=%s\n/b/../c=%s\n' "$h" "$h" >"$tmp/bad.manifest"
refuse "manifest error names file and line" 1 "bad.manifest:3: /b/\\.\\./c: path component" \
	"$MKRAMFS" --output "$tmp/x" --manifest "$tmp/bad.manifest"
[ ! -e "$tmp/x" ]
ok $? "nothing written after a refusal"
refuse "no --output" 2 "" "$MKRAMFS" "/x=$h"
refuse "unknown option" 2 "" "$MKRAMFS" --frobnicate --output "$tmp/x"
refuse "--cat without a path" 2 "" "$MKRAMFS" --cat "$tmp/a.ramfs"

cp "$tmp/a.ramfs" "$tmp/bad.ramfs"
printf 'X' | dd of="$tmp/bad.ramfs" bs=1 seek=$((4096 + 3)) conv=notrunc status=none
refuse "--list of a corrupted archive" 1 "bad CRC-32" \
	"$MKRAMFS" --list "$tmp/bad.ramfs"
refuse "--cat of a missing file" 1 "no file /nope" \
	"$MKRAMFS" --cat "$tmp/a.ramfs" /nope
head -c 8192 "$tmp/a.ramfs" >"$tmp/short.ramfs"
refuse "--list of a truncated archive" 1 "total size" \
	"$MKRAMFS" --list "$tmp/short.ramfs"

# ---- igvmbld and csvsm dump ---------------------------------------------
refuse "igvmbld refuses a corrupted archive" 1 "RAM FS: bad CRC-32" \
	"$IGVMBLD" --kernel build/csvsm-test.elf --ramfs "$tmp/bad.ramfs" \
	--output "$tmp/bad.igvm"
for img in build/csvsm.igvm build/csvsm-test.igvm; do
	out=$("$CSVSM" dump --check "$img" 2>&1)
	ok $? "csvsm dump --check $img ($out)"
done

# ---- the kernel ---------------------------------------------------------
# boot NAME IMAGE WANT_STATUS PATTERN, on one CPU: only the boot CPU
# takes part in mounting the RAM FS, and fewer vCPUs boot faster on a
# loaded host.
boot() {
	local rc
	"$CSVSM" run --igvm "$2" --cpus 1 --timeout 60 \
		--cmdline "vmtest.suite=boot" \
		>"$tmp/boot" 2>&1
	rc=$?
	if [ "$rc" -eq "$3" ] && tr -d '\r' <"$tmp/boot" | grep -qF -- "$4"; then
		ok 0 "$1"
	else
		ok 1 "$1 (exit $rc, want $3; want '$4')"
		tr -d '\r' <"$tmp/boot" | sed 's/^/# /' | tail -15
	fi
}

# The archive's header in the image: the magic followed by version 1 and
# a 64-byte header (the magic alone also occurs in the kernel's code).
cp build/csvsm-test.igvm "$tmp/corrupt.igvm"
off=$(LC_ALL=C grep -obUaP 'CSRAMFS\x00\x01\x00\x00\x00\x40\x00\x00\x00' \
	"$tmp/corrupt.igvm" | head -1 | cut -d: -f1)
if [ -n "$off" ]; then
	# A byte of the first entry's path: the archive CRC no longer matches.
	printf 'Q' | dd of="$tmp/corrupt.igvm" bs=1 seek=$((off + 64 + 26)) \
		conv=notrunc status=none
	"$MKIGVM" --fix-checksum "$tmp/corrupt.igvm"
	out=$("$CSVSM" dump --check "$tmp/corrupt.igvm" 2>&1)
	ok $? "the corrupted image is still a valid IGVM file ($out)"
	boot "the kernel refuses a corrupted archive" "$tmp/corrupt.igvm" 1 \
		"csvsm: refusing to boot: RAM FS: bad CRC-32"
else
	ok 1 "find the RAM FS header in build/csvsm-test.igvm"
fi
boot "the test image boots with its RAM FS" build/csvsm-test.igvm 0 \
	" files in "
if "$IGVMBLD" --kernel build/csvsm-test.elf --output "$tmp/none.igvm" \
	2>/dev/null; then
	boot "an image without a RAM FS boots and says so" "$tmp/none.igvm" 0 \
		"ramfs: no RAM FS"
else
	ok 1 "build an image without a RAM FS"
fi

echo "1..$n"
[ $failed -eq 0 ]
