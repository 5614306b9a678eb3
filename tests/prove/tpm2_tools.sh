# SPDX-License-Identifier: MIT
#
# The tpm2-tools checks every vTPM transport must pass (sourced by
# tests/prove/vtpm_host.t, vtpm-host on the host, and vtpm_csvsm.t, the
# vTPM inside csvsm through the mssim bridge): getrandom, PCR extend and
# read against SHA-256 computed here, a storage primary with an RSA-2048
# and an ECC P-256 signing key under it (create, load, sign, verify, and
# the signature checked by OpenSSL's command line too), an NV index
# written and read back, and the fixed properties. The caller sets T
# (the tools' -T option, as an array) and tmp, and sources lib.sh.

tpm() { # tpm TOOL ARGS...: one tool; output in $tmp/out
	local tool=$1
	shift
	"tpm2_$tool" "${T[@]}" "$@" >"$tmp/out" 2>&1
}

# flush: the tools leave objects and sessions loaded (no resource manager).
flush() {
	tpm2_flushcontext "${T[@]}" -t >/dev/null 2>&1
	tpm2_flushcontext "${T[@]}" -s >/dev/null 2>&1
}

tpm2_tool_checks() {
	tpm getrandom 16 -o "$tmp/rand"
	[ $? -eq 0 ] && [ "$(stat -c %s "$tmp/rand")" -eq 16 ]
	ok $? "getrandom 16 returns 16 bytes"
	tpm getrandom 16 -o "$tmp/rand2" && ! cmp -s "$tmp/rand" "$tmp/rand2"
	ok $? "two getrandom 16 differ"

	# PCR 16: read, extend, read; compare with sha256(old || digest).
	tpm pcrread sha256:16 -o "$tmp/pcr0" &&
		d=$(printf 'csvsm vtpm' | sha256sum | cut -d' ' -f1) &&
		tpm pcrextend "16:sha256=$d" && tpm pcrread sha256:16 -o "$tmp/pcr1"
	st=$?
	want=$( (cat "$tmp/pcr0" && printf '%s' "$d" | xxd -r -p) | sha256sum |
		cut -d' ' -f1)
	got=$(xxd -p -c 64 "$tmp/pcr1" 2>/dev/null)
	[ $st -eq 0 ] && [ -n "$got" ] && [ "$got" = "$want" ]
	ok $? "pcrextend then pcrread: sha256(old || digest) ($got)"

	tpm createprimary -C o -G ecc -c "$tmp/prim.ctx"
	ok $? "createprimary (owner, ECC)"
	flush
	printf 'the message csvsm signs\n' >"$tmp/msg"
	printf 'another message\n' >"$tmp/msg2"
	for alg in rsa2048 ecc256; do
		tpm create -C "$tmp/prim.ctx" -G "$alg" -u "$tmp/$alg.pub" \
			-r "$tmp/$alg.priv"
		ok $? "create $alg signing key"
		flush
		tpm load -C "$tmp/prim.ctx" -u "$tmp/$alg.pub" -r "$tmp/$alg.priv" \
			-c "$tmp/$alg.ctx"
		ok $? "load $alg"
		flush
		tpm sign -c "$tmp/$alg.ctx" -g sha256 -o "$tmp/$alg.sig" "$tmp/msg"
		ok $? "sign with $alg"
		flush
		tpm verifysignature -c "$tmp/$alg.ctx" -g sha256 -m "$tmp/msg" \
			-s "$tmp/$alg.sig"
		ok $? "verifysignature $alg"
		flush
		tpm sign -c "$tmp/$alg.ctx" -g sha256 -f plain -o "$tmp/$alg.plain" \
			"$tmp/msg" && flush &&
			tpm readpublic -c "$tmp/$alg.ctx" -f pem -o "$tmp/$alg.pem" &&
			openssl dgst -sha256 -verify "$tmp/$alg.pem" \
				-signature "$tmp/$alg.plain" "$tmp/msg" >"$tmp/out" 2>&1
		ok $? "openssl dgst -verify accepts the $alg signature"
		flush
		openssl dgst -sha256 -verify "$tmp/$alg.pem" \
			-signature "$tmp/$alg.plain" "$tmp/msg2" >"$tmp/out" 2>&1
		[ $? -ne 0 ]
		ok $? "openssl rejects the $alg signature over another message"
	done

	head -c 32 /dev/urandom >"$tmp/nvdata"
	tpm nvdefine 0x1500016 -C o -s 32 -a "ownerread|ownerwrite" &&
		tpm nvwrite 0x1500016 -C o -i "$tmp/nvdata" &&
		tpm nvread 0x1500016 -C o -s 32 -o "$tmp/nvback" &&
		cmp -s "$tmp/nvdata" "$tmp/nvback"
	ok $? "nvdefine, nvwrite, nvread: the data comes back"
	tpm nvundefine 0x1500016 -C o
	ok $? "nvundefine"

	tpm getcap properties-fixed && grep -q 'TPM2_PT_FAMILY_INDICATOR' "$tmp/out" &&
		grep -q 'value: "2.0"' "$tmp/out"
	ok $? "getcap properties-fixed: a TPM 2.0"
}
