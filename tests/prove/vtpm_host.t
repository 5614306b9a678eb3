#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The vTPM service core end to end on the host: build/tools/vtpm-host
# (user/vtpm) behind the mssim protocol, driven by Debian's tpm2-tools
# through the mssim TCTI. Every value that can be computed outside the
# TPM is: PCR values with sha256sum, signatures with openssl, the EKs
# with tpm2_createek's own TCG templates, the manifest with the EK that
# tpm2_readpublic returns. tpm2-tools without a resource manager leave
# objects loaded, so transient objects are flushed after each step.
# Then raw mssim frames (tests/e2e/vtpm_frames.py) abuse both ports and
# the server must keep serving.
cd "$(dirname "$0")/../.." || exit 1
HOST=build/tools/vtpm-host
tmp=$(mktemp -d)
. tests/prove/lib.sh
. tests/prove/tpm2_tools.sh
srv=

if ! make -s "$HOST" >/dev/null 2>&1; then
	echo "Bail out! cannot build $HOST"
	exit 1
fi
need_tools tpm2_startup tpm2_createek openssl python3 sha256sum
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

# A free port pair: try a few random ones (the server exits 3 if busy).
for _ in $(seq 1 20); do
	port=$((20000 + RANDOM % 40000))
	"$HOST" --port "$port" --manifest "$tmp/manifest" >"$tmp/server" 2>&1 &
	srv=$!
	for _ in $(seq 1 100); do
		grep -q ready "$tmp/server" && break
		kill -0 $srv 2>/dev/null || break
		sleep 0.05
	done
	grep -q ready "$tmp/server" && break
	wait $srv 2>/dev/null
	srv=
done
if [ -z "$srv" ]; then
	echo "Bail out! vtpm-host did not start"
	sed 's/^/# /' "$tmp/server"
	exit 1
fi
T=(-T "mssim:host=127.0.0.1,port=$port")

grep -q manufactured "$tmp/server"
ok $? "the service manufactured the TPM at first start"

# The service ran TPM2_Startup: a client's Startup is tolerated (the
# TPM answers TPM_RC_INITIALIZE, which tpm2_startup accepts).
tpm startup -c
ok $? "tpm2_startup -c is accepted after the service's own Startup"

tpm2_tool_checks

# The EKs: persisted where the service says, equal to what tpm2_createek
# makes from the TCG templates, and the manifest is the RSA EK's
# TPMT_PUBLIC (the TPM2B_PUBLIC without its 2-byte size).
tpm readpublic -c 0x81010001 -f tss -o "$tmp/ek.tss" &&
	tail -c +3 "$tmp/ek.tss" | cmp -s - "$tmp/manifest"
ok $? "the manifest is the TPMT_PUBLIC of the EK at 0x81010001"
flush
for g in rsa:0x81010001 ecc:0x81010002; do
	tpm createek -G "${g%%:*}" -c "$tmp/ek-${g%%:*}.ctx" \
		-u "$tmp/ek-${g%%:*}.pub" &&
		tpm readpublic -c "$tmp/ek-${g%%:*}.ctx" -f tss \
			-o "$tmp/want.tss" && flush &&
		tpm readpublic -c "${g##*:}" -f tss -o "$tmp/got.tss" &&
		cmp -s "$tmp/want.tss" "$tmp/got.tss"
	ok $? "the ${g%%:*} EK at ${g##*:} is the TCG default template's"
	flush
done

# Raw frames: malformed, oversized, unknown and truncated, on both ports.
python3 tests/e2e/vtpm_frames.py "$port" >"$tmp/out" 2>&1
ok $? "malformed mssim frames close their connection only"
kill -0 $srv 2>/dev/null && tpm getrandom 8 -o "$tmp/rand2" &&
	[ "$(stat -c %s "$tmp/rand2")" -eq 8 ]
ok $? "the server still serves afterwards"

echo "1..$n"
