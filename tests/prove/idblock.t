#!/bin/bash
# SPDX-License-Identifier: MIT
#
# `igvmbld --id-key`, printing TAP. Builds the igvmbld test kernel with and
# without an SEV-SNP ID block signed by a fresh P-384 key, then checks
# with tools that share no code with csvsm (tests/e2e/snp_id_block.py and
# the openssl command line) that the signature verifies over the 96-byte
# ID block with the public key the file carries, that this key is the ID
# key's, and that ld is the launch digest `csvsm measure` prints, with
# and without the block. Also: a P-256 key, a file that is not a key and
# an image without the SNP platform are refused; `csvsm dump` shows the
# block and refuses a wrong key algorithm or curve; `csvsm measure`
# refuses an ld that differs from the digest.

set -u
cd "$(dirname "$0")/../.." || exit 1

CSVSM=build/tools/csvsm
MKIGVM=build/tools/mkigvm
IGVMBLD=build/tools/igvmbld
ELF=build/igvmbld-fixture.elf
IDB="python3 tests/e2e/snp_id_block.py"
. tests/prove/lib.sh

if ! make -s "$CSVSM" "$MKIGVM" "$IGVMBLD" "$ELF" >/dev/null 2>&1; then
	echo "Bail out! cannot build $CSVSM, $MKIGVM, $IGVMBLD and $ELF"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

put() { # put FILE OFFSET BYTES VALUE: writes VALUE little-endian
	local v=$4 s="" i
	for ((i = 0; i < $3; i++)); do
		s+=$(printf '\\x%02x' $((v & 0xff)))
		v=$((v >> 8))
	done
	printf "$s" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

openssl ecparam -name secp384r1 -genkey -noout -out "$tmp/id.pem" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/p256.pem" \
	2>/dev/null

# ---- building ------------------------------------------------------------
"$IGVMBLD" --kernel "$ELF" --output "$tmp/plain.igvm" >"$tmp/out" 2>&1
ok $? "an image without an ID block"
"$IGVMBLD" --kernel "$ELF" --output "$tmp/id.igvm" --id-key "$tmp/id.pem" \
	>"$tmp/out" 2>&1
ok $? "an image signed with a fresh P-384 ID key"
"$CSVSM" dump --check "$tmp/id.igvm" >"$tmp/out" 2>&1
ok $? "csvsm dump --check accepts the signed image"

# ---- the digest ----------------------------------------------------------
d_plain=$("$CSVSM" measure --bare "$tmp/plain.igvm")
d_id=$("$CSVSM" measure --bare "$tmp/id.igvm")
echo "# launch digest: $d_id"
[[ "$d_plain" =~ ^[0-9a-f]{96}$ ]] && [ "$d_plain" = "$d_id" ]
ok $? "the ID block leaves the launch digest as it is"
[ "$(python3 tests/e2e/snp_measure.py digest "$tmp/id.igvm")" = "$d_id" ]
ok $? "the signed image's digest equals the independent Python computation"
"$CSVSM" measure "$tmp/id.igvm" >"$tmp/out" 2>&1
grep -qx "ID block ld: matches" "$tmp/out"
ok $? "csvsm measure reports that the ID block's ld matches"

# ---- the signature, checked with openssl -----------------------------------
$IDB extract "$tmp/id.igvm" "$tmp" >"$tmp/ld" 2>"$tmp/out"
[ "$(cat "$tmp/ld")" = "ld $d_id" ]
ok $? "the ID block's ld is the digest csvsm measure prints"
openssl dgst -sha384 -verify "$tmp/pub.der" -keyform DER \
	-signature "$tmp/sig.der" "$tmp/signed.bin" >"$tmp/out" 2>&1
ok $? "openssl verifies the signature over the 96-byte ID block"
openssl ec -in "$tmp/id.pem" -pubout -outform DER 2>/dev/null |
	cmp -s - "$tmp/pub.der"
ok $? "the public key in the file is the ID key's"
cp "$tmp/signed.bin" "$tmp/bad.bin"
put "$tmp/bad.bin" 90 1 1 # policy 0x10000 instead of 0x30000
! openssl dgst -sha384 -verify "$tmp/pub.der" -keyform DER \
	-signature "$tmp/sig.der" "$tmp/bad.bin" >"$tmp/out" 2>&1
ok $? "the signature does not verify over an ID block with another policy"
"$IGVMBLD" --kernel "$ELF" --output "$tmp/id2.igvm" \
	--id-key "$tmp/id.pem" >/dev/null 2>&1 &&
	$IDB extract "$tmp/id2.igvm" "$tmp" >/dev/null &&
	openssl dgst -sha384 -verify "$tmp/pub.der" -keyform DER \
		-signature "$tmp/sig.der" "$tmp/signed.bin" >"$tmp/out" 2>&1
ok $? "a second signed build verifies too"

# ---- refusals ------------------------------------------------------------
refuse_key() { # refuse_key DESCRIPTION WORDS IGVMBLD-ARGS...
	local what=$1 words=$2
	shift 2
	rm -f "$tmp/r.igvm"
	"$IGVMBLD" --kernel "$ELF" --output "$tmp/r.igvm" "$@" \
		>"$tmp/out" 2>&1
	[ $? -eq 1 ] && grep -q "$words" "$tmp/out" && [ ! -e "$tmp/r.igvm" ]
	ok $? "$what is refused"
}
refuse_key "a P-256 key" "must be ECDSA P-384 (secp384r1), not prime256v1" \
	--id-key "$tmp/p256.pem"
echo "not a key" >"$tmp/junk.pem"
refuse_key "a file that is not a key" "not an unencrypted PEM private key" \
	--id-key "$tmp/junk.pem"
refuse_key "a missing key file" "No such file" --id-key "$tmp/none.pem"
refuse_key "an ID key without the snp platform" "needs the snp platform" \
	--id-key "$tmp/id.pem" --platforms native

# ---- dump ----------------------------------------------------------------
"$CSVSM" dump "$tmp/id.igvm" >"$tmp/out" 2>&1
grep -q "SNP_ID_BLOCK .*mask 0x1 (SEV_SNP) version 1 guest_svn 0 "`
	`"id_key_algo 1 curve 2 author_key no" "$tmp/out" &&
	grep -q "^ *ld $d_id\$" "$tmp/out"
ok $? "csvsm dump shows the ID block and its ld"

off=$($IDB offset "$tmp/id.igvm")
corrupt() { # corrupt DESCRIPTION WORDS OFFSET BYTES VALUE [TOOL]
	cp "$tmp/id.igvm" "$tmp/c.igvm"
	put "$tmp/c.igvm" $((off + $3)) "$4" "$5"
	"$MKIGVM" --fix-checksum "$tmp/c.igvm"
	"$CSVSM" "${6:-dump}" "$tmp/c.igvm" >"$tmp/out" 2>&1
	[ $? -eq 1 ] && grep -q "$2" "$tmp/out"
	ok $? "$1"
}
corrupt "dump refuses ID key algorithm 2" "ID key algorithm 2 is not" 96 4 2
corrupt "dump refuses ID key curve 1" "ID key curve 1 is not P-384" 248 4 1
corrupt "dump refuses a non-zero reserved byte" "reserved field" 6 1 1
corrupt "dump refuses author_key_enabled 2" "author_key_enabled 2" 4 1 2
corrupt "measure refuses an ld that differs from the digest" \
	"ld that differs from the launch digest" 8 1 \
	$((0x${d_id:0:2} ^ 0xff)) measure

echo "1..$n"
[ $failed -eq 0 ]
