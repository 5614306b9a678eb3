#!/bin/bash
# SPDX-License-Identifier: MIT
#
# `csvsm dump` against corrupted IGVM files, printing TAP. Starts from a
# valid file (build/csvsm.igvm if it exists, else the sample written by
# build/tools/mkigvm), checks it passes, then breaks one rule at a time
# (recomputing the checksum with `mkigvm --fix-checksum` where the rule
# sits behind it) and checks that dump refuses each variant with exit
# status 1, nothing on stdout and exactly one line on stderr naming the
# rule. Also checks unreadable, empty, oversized files and usage errors.

set -u
cd "$(dirname "$0")/../.." || exit 1

CSVSM=build/tools/csvsm
MKIGVM=build/tools/mkigvm
. tests/prove/lib.sh

if ! make -s "$CSVSM" "$MKIGVM" >/dev/null 2>&1; then
	echo "Bail out! cannot build $CSVSM and $MKIGVM"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -f build/csvsm.igvm ]; then
	src=build/csvsm.igvm
else
	src=$tmp/sample.igvm
	"$MKIGVM" "$src" || { echo "Bail out! mkigvm failed"; exit 1; }
fi
echo "# valid file: $src"

u32() { # u32 FILE OFFSET: prints the little-endian u32 at OFFSET
	od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '
}

put() { # put FILE OFFSET BYTES VALUE: writes VALUE little-endian
	local v=$4 s="" i
	for ((i = 0; i < $3; i++)); do
		s+=$(printf '\\x%02x' $((v & 0xff)))
		v=$((v >> 8))
	done
	printf "$s" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# find_tlv FILE TYPE: prints the offset of the first TLV of TYPE, or
# nothing. Walks the variable headers from the fixed header's fields.
find_tlv() {
	local off end type len
	off=$(u32 "$1" 8)
	end=$((off + $(u32 "$1" 12)))
	while [ $((off + 8)) -le $end ]; do
		type=$(($(u32 "$1" "$off") & 0x7fffffff))
		len=$(u32 "$1" $((off + 4)))
		if [ "$type" -eq "$2" ]; then
			echo "$off"
			return
		fi
		off=$((off + 8 + ((len + 7) & ~7)))
	done
}

# refuse DESCRIPTION FILE REGEX: dump must exit 1 with one stderr line.
refuse() {
	local rc lines
	"$CSVSM" dump "$2" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ $rc -eq 1 ] && [ "$lines" -eq 1 ] && [ ! -s "$tmp/out" ] &&
		grep -Eq "^csvsm: .*: .*($3)" "$tmp/err"; then
		ok 0 "$1"
	else
		ok 1 "$1"
		echo "#   exit $rc, $lines stderr lines: $(head -c 300 "$tmp/err")"
	fi
}

# variant NAME: a fresh copy of the valid file to corrupt.
variant() {
	cp "$src" "$tmp/$1.igvm"
	echo "$tmp/$1.igvm"
}

fix() {
	"$MKIGVM" --fix-checksum "$1"
}

# ---- the valid file ---------------------------------------------------
out=$("$CSVSM" dump --check "$src" 2>&1)
rc=$?
[ $rc -eq 0 ] && [[ $out == "$src: ok ("*" headers, "*" pages)" ]]
ok $? "valid file passes --check ($out)"
"$CSVSM" dump "$src" >"$tmp/full" 2>"$tmp/err"
[ $? -eq 0 ] && grep -q '^summary:' "$tmp/full" && [ ! -s "$tmp/err" ]
ok $? "valid file dumps with a summary"
"$CSVSM" dump --verbose "$src" >/dev/null 2>&1
ok $? "valid file dumps with --verbose"

# ---- fixed header -------------------------------------------------------
f=$(variant magic); put "$f" 0 1 0x58
refuse "bad magic" "$f" "magic"

f=$(variant version); put "$f" 4 4 3; fix "$f"
refuse "format version 3" "$f" "format version"

f=$(variant total); put "$f" 16 4 $(($(u32 "$f" 16) + 4096)); fix "$f"
refuse "total_file_size larger than the file" "$f" "total_file_size"

f=$(variant short); head -c $(($(stat -c %s "$src") / 2)) "$src" >"$f"
refuse "file cut in half" "$f" "total_file_size"

f=$(variant longer); printf '\0\0\0\0\0\0\0\0' >>"$f"
refuse "8 bytes appended" "$f" "total_file_size"

f=$(variant checksum); put "$f" 20 4 $(($(u32 "$f" 20) ^ 0x100))
refuse "bad checksum" "$f" "checksum"

f=$(variant vhlow); put "$f" 8 4 16; fix "$f"
refuse "variable header offset inside the fixed header" "$f" \
	"variable header offset"

f=$(variant vhalign); put "$f" 8 4 $(($(u32 "$f" 8) + 4)); fix "$f"
refuse "unaligned variable header offset" "$f" "variable header offset"

f=$(variant vhempty); put "$f" 12 4 0; fix "$f"
refuse "empty variable header region" "$f" "empty"

f=$(variant vhbig); put "$f" 12 4 0x7ffffff0
refuse "variable header region past the end" "$f" "outside the file"

# ---- variable headers ---------------------------------------------------
vh=$(u32 "$src" 8)
f=$(variant unknown); put "$f" "$vh" 4 0x250; fix "$f"
refuse "unknown type" "$f" "unknown variable header type"

f=$(variant plen); put "$f" $((vh + 4)) 4 8; fix "$f"
refuse "SUPPORTED_PLATFORM payload too short" "$f" "payload length"

f=$(variant runs); put "$f" $((vh + 4)) 4 0x10000000; fix "$f"
refuse "TLV runs past the region" "$f" "runs past"

f=$(variant pmask); put "$f" $((vh + 8)) 4 0; fix "$f"
refuse "platform mask zero" "$f" "exactly one bit"

f=$(variant pmask2); put "$f" $((vh + 8)) 4 0x3; fix "$f"
refuse "platform mask with two bits" "$f" "exactly one bit"

f=$(variant pversion); put "$f" $((vh + 14)) 2 2; fix "$f"
refuse "platform version 2" "$f" "platform version"

f=$(variant ptype); put "$f" $((vh + 13)) 1 0x7f; fix "$f"
refuse "unknown platform type" "$f" "unknown platform type"

pd=$(find_tlv "$src" $((0x302)))
if [ -n "$pd" ]; then
	p=$((pd + 8))
	f=$(variant pdgpa); put "$f" "$p" 1 $(($(od -An -tu1 -j "$p" -N1 "$f") | 0x80)); fix "$f"
	refuse "PAGE_DATA gpa not aligned" "$f" "not 4 KiB aligned"

	f=$(variant pd2m); put "$f" $((p + 16)) 4 1; fix "$f"
	refuse "PAGE_DATA 2 MiB flag" "$f" "2 MiB"

	f=$(variant pdflags); put "$f" $((p + 16)) 4 0x100; fix "$f"
	refuse "PAGE_DATA unknown flags" "$f" "unknown PAGE_DATA flags"

	f=$(variant pdtype); put "$f" $((p + 20)) 2 9; fix "$f"
	refuse "PAGE_DATA unknown data type" "$f" "data type"

	f=$(variant pdrsvd); put "$f" $((p + 22)) 2 1; fix "$f"
	refuse "PAGE_DATA reserved field" "$f" "reserved"

	f=$(variant pdmask); put "$f" $((p + 8)) 4 0; fix "$f"
	refuse "PAGE_DATA zero mask" "$f" "zero compatibility mask"

	f=$(variant pdundecl); put "$f" $((p + 8)) 4 0x80000000; fix "$f"
	refuse "PAGE_DATA undeclared platform" "$f" "undeclared platforms"

	f=$(variant pdoff); put "$f" $((p + 12)) 4 $(($(u32 "$f" 16) - 8)); fix "$f"
	refuse "PAGE_DATA file_offset past the end" "$f" "file data region"
fi

vp=$(find_tlv "$src" $((0x304)))
if [ -n "$vp" ]; then
	f=$(variant vpoff); put "$f" $((vp + 8 + 12)) 4 0; fix "$f"
	refuse "VP_CONTEXT without file data" "$f" "VP_CONTEXT file_offset"

	f=$(variant vppad); put "$f" $((vp + 8 + 20)) 1 0xff; fix "$f"
	refuse "non-zero padding after VP_CONTEXT" "$f" "padding"

	f=$(variant vplen); put "$f" $((vp + 4)) 4 24; fix "$f"
	refuse "VP_CONTEXT payload of 24 bytes" "$f" "payload length"
fi

ins=$(find_tlv "$src" $((0x303)))
if [ -n "$ins" ]; then
	f=$(variant insidx); put "$f" $((ins + 8 + 12)) 4 63; fix "$f"
	refuse "PARAMETER_INSERT of an undeclared area" "$f" \
		"undeclared parameter area"

	f=$(variant insgone); put "$f" "$ins" 4 0x800003ff; fix "$f"
	refuse "parameter area never inserted" "$f" "never inserted"
fi

# ---- files that cannot be IGVM -----------------------------------------
: >"$tmp/empty.igvm"
refuse "empty file" "$tmp/empty.igvm" "too small"
truncate -s 300M "$tmp/huge.igvm"
refuse "file over 256 MiB" "$tmp/huge.igvm" "256 MiB"
rm -f "$tmp/huge.igvm"
refuse "missing file" "$tmp/does-not-exist.igvm" "No such file"
refuse "directory" "$tmp" "not a regular file"

# ---- usage ----------------------------------------------------------------
"$CSVSM" dump >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "no FILE is a usage error (exit 2)"
"$CSVSM" dump --frobnicate "$src" >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "unknown option is a usage error (exit 2)"
"$CSVSM" dump "$src" "$src" >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "two FILEs is a usage error (exit 2)"

echo "1..$n"
[ $failed -eq 0 ]
