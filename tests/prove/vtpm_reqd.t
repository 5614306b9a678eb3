#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The vTPM protocol (2) end to end inside csvsm: `csvsm run
# --request-socket` boots the production image, whose init starts
# svsm-reqd and the vTPM service (/sbin/vtpm, a ring-3 process) joined by
# a channel. Each check is one `csvsm call` whose request buffer is built
# byte for byte as Linux's tpm_svsm driver builds it (platform command u32
# at 0, locality u8 at 4, size u32 at 5, command at 9; response size u32
# at 0, response at 4, all little endian), and whose result code and
# guest memory are compared with SVSM 58019 chapter 8. Bad requests get
# their SVSM errors and the TPM keeps answering.
#
# Then build/csvsm-vtpmfault.igvm, whose vTPM faults when its second
# request arrives (first run only): that request fails with BUSY, init
# reports the fault and starts the vTPM again, and the next request is
# answered by the new process.
cd "$(dirname "$0")/../.." || exit 1
CSVSM=build/tools/csvsm
tmp=$(mktemp -d)
. tests/prove/lib.sh
CALL_TIMEOUT=120
vm=

if ! make -s "$CSVSM" build/csvsm.igvm build/csvsm-vtpmfault.igvm \
	>/dev/null 2>&1; then
	echo "Bail out! cannot build $CSVSM and the images"
	exit 1
fi
trap 'kill $vm 2>/dev/null; wait $vm 2>/dev/null; rm -rf "$tmp"' EXIT

# boot IMAGE: csvsm_boot, then waits until the vTPM serves.
boot() {
	csvsm_boot "$1" 'vtpm: TPM up' 120 --timeout 600
	if ! grep -q 'svsm-reqd: serving SVSM requests (protocols: core, vtpm)' \
		"$console" || ! grep -q 'vtpm: TPM up' "$console"; then
		echo "Bail out! $1: svsm-reqd and the vTPM did not start"
		sed 's/^/# /' "$console" | tail -20
		exit 1
	fi
}

# svsm_req CMD LOCALITY SIZE HEX: struct tpm_svsm_send_cmd_req (Linux
# drivers/char/tpm/tpm_svsm.c): packed, little endian.
svsm_req() {
	echo "$(le 4 "$1")$(printf '%02x' "$2")$(le 4 "$3")$4"
}

# A TPM2_GetRandom(16) command (TPM 2.0 part 3, 16.1): tag
# TPM_ST_NO_SESSIONS, size 12, TPM_CC_GetRandom, bytesRequested.
GETRANDOM=80010000000c0000017b0010
STARTUP=80010000000c000001440000 # TPM2_Startup(TPM_SU_CLEAR)

L=0x2000000 # a PVALIDATE list
B=0x5000000 # request buffers (4 validated pages)

# validate GPA...: validates the pages through the core protocol.
validate() {
	local list e
	list=$(le 2 $#)$(le 2 0)00000000
	for e in "$@"; do list+=$(le 8 $((e | 4))); done
	call core 1 $L --write $L:"$list"
	[ "$rc" -eq 0 ] && grep -q '^rax 0x0* SUCCESS$' "$tmp/out"
}

# tpm GPA HEX: sends one command from a buffer at GPA, reads the
# response area back (size and 64 bytes) into $rsp; sets $rc and RAX.
tpm() {
	local len=$((${#2} / 2))
	call --write "$1:$(svsm_req 8 0 "$len" "$2")" --read "$1:68" vtpm 1 "$1"
	rsp=$(readback "$1")
}

# ---- the production image ----
boot csvsm

expect SUCCESS "QUERY_PROTOCOL(2, 1)" core 6 0x200000001
[ "$(reg rcx)" = 0x0000000100000001 ]
ok $? "the vTPM protocol is offered in versions 1..1"
expect SUCCESS "SVSM_VTPM_QUERY" vtpm 0
[ "$(reg rcx)" = 0x0000000000000100 ] && [ "$(reg rdx)" = 0x0000000000000000 ]
ok $? "SVSM_VTPM_QUERY: platform command bitmap bit 8 only, features 0"
expect UNSUPPORTED_CALL "vTPM call 2" vtpm 2 $B

validate $B $((B + 0x1000)) $((B + 0x2000)) $((B + 0x3000))
ok $? "four buffer pages validated"

# TPM2_Startup: the service ran it at start, so the TPM says so.
tpm $B $STARTUP
grep -q '^rax 0x0* SUCCESS$' "$tmp/out" &&
	[ "${rsp:0:28}" = 0a00000080010000000a00000100 ]
ok $? "TPM2_Startup: size 10 at 0, TPM_RC_INITIALIZE at 4 (already started)"

tpm $B $GETRANDOM
r1=${rsp:32:32}
grep -q '^rax 0x0* SUCCESS$' "$tmp/out" &&
	[ "${rsp:0:32}" = 1c00000080010000001c000000000010 ]
ok $? "TPM2_GetRandom(16): size 28 at 0, success header and 16 bytes at 4"
tpm $((B + 0x10)) $GETRANDOM
r2=${rsp:32:32}
grep -q '^rax 0x0* SUCCESS$' "$tmp/out" &&
	[ "${rsp:0:32}" = 1c00000080010000001c000000000010 ] &&
	[ "$r1" != "$r2" ] && [ "$r1" != 00000000000000000000000000000000 ]
ok $? "an unaligned buffer works; two GetRandom answers differ"

# The response is written over the request once: 4 + 28 bytes, no more.
call --write $B:"$(svsm_req 8 0 12 $GETRANDOM)$(printf 'ee%.0s' $(seq 1 40))" \
	--read $B:64 vtpm 1 $B
[ "$(readback $B | cut -c65-122)" = "$(printf 'ee%.0s' $(seq 1 29))" ]
ok $? "the bytes after the response are left as the guest wrote them"

# Bad requests: SVSM errors, and nothing reaches the TPM.
expect UNSUPPORTED_CALL "platform command 9" \
	--write $B:"$(svsm_req 9 0 12 $GETRANDOM)" vtpm 1 $B
expect UNSUPPORTED_CALL "platform command 0" \
	--write $B:"$(svsm_req 0 0 12 $GETRANDOM)" vtpm 1 $B
expect INVALID_PARAMETER "locality 1" \
	--write $B:"$(svsm_req 8 1 12 $GETRANDOM)" vtpm 1 $B
expect INVALID_PARAMETER "locality 4" \
	--write $B:"$(svsm_req 8 4 12 $GETRANDOM)" vtpm 1 $B
expect INVALID_PARAMETER "size 4088, past the page" \
	--write $B:"$(svsm_req 8 0 4088 $GETRANDOM)" vtpm 1 $B
expect INVALID_PARAMETER "size 0xffffffff" \
	--write $B:"$(svsm_req 8 0 0xffffffff $GETRANDOM)" vtpm 1 $B
expect INVALID_ADDRESS "a buffer running into the SVSM region" vtpm 1 0x1ff010
expect INVALID_ADDRESS "a buffer running past the end of RAM" vtpm 1 0xffff010
expect INVALID_ADDRESS "a buffer in the SVSM region" vtpm 1 0x400000
expect INVALID_ADDRESS "a buffer below 1 MiB" vtpm 1 0x9000
expect INVALID_ADDRESS "a buffer beyond RAM" vtpm 1 0x100000000000
expect INVALID_ADDRESS "a buffer wrapping around" vtpm 1 0xfffffffffffff800

# Commands the TPM itself refuses come back as TPM responses.
tpm $B 80010000000c0000017b00
grep -q '^rax 0x0* SUCCESS$' "$tmp/out" && [ "${rsp:0:8}" = 0a000000 ] &&
	[ "${rsp:20:8}" != 00000000 ]
ok $? "a command whose header size is not its length: a TPM error response"
call --write $B:"$(svsm_req 8 0 4087 8001)" --read $B:16 vtpm 1 $B
rsp=$(readback $B)
grep -q '^rax 0x0* SUCCESS$' "$tmp/out" && [ "${rsp:0:8}" = 0a000000 ] &&
	[ "${rsp:20:8}" != 00000000 ]
ok $? "4087 bytes of junk: a TPM error response"

tpm $B $GETRANDOM
grep -q '^rax 0x0* SUCCESS$' "$tmp/out" &&
	[ "${rsp:0:32}" = 1c00000080010000001c000000000010 ]
ok $? "the TPM still answers after the bad requests"
! grep -q 'init: \(vtpm\|svsm-reqd\) \(exited\|killed\)' "$console"
ok $? "neither svsm-reqd nor the vTPM ended"
kill $vm 2>/dev/null
wait $vm 2>/dev/null

# ---- a vTPM that faults ----
boot csvsm-vtpmfault
validate $B
ok $? "fault image: buffer page validated"
tpm $B $GETRANDOM
grep -q '^rax 0x0* SUCCESS$' "$tmp/out"
ok $? "fault image: the first request is answered"
tpm $B $GETRANDOM
grep -q '^rax 0x[0-9a-f]* BUSY$' "$tmp/out"
ok $? "the request the vTPM faults on fails with BUSY"
for _ in $(seq 1 300); do
	[ "$(grep -c 'vtpm: TPM up' "$console")" -ge 2 ] && break
	sleep 0.2
done
grep -q 'process [0-9]* (/sbin/vtpm) killed: page fault' "$console" &&
	grep -q 'init: vtpm killed by page fault, restarting in 100 ms' \
		"$console"
ok $? "the fault is reported and init restarts the vTPM"
grep -q 'svsm-reqd: vtpm ended before answering request 2' "$console"
ok $? "svsm-reqd learns the vTPM ended with its request"
tpm $B $GETRANDOM
grep -q '^rax 0x0* SUCCESS$' "$tmp/out" &&
	[ "${rsp:0:32}" = 1c00000080010000001c000000000010 ]
ok $? "the restarted vTPM answers the next request"
[ "$(grep -c 'init: started vtpm' "$console")" -eq 2 ] &&
	! grep -q 'init: svsm-reqd \(exited\|killed\)' "$console"
ok $? "the vTPM started twice, svsm-reqd once"

echo "1..$n"
