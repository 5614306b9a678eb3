#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The vTPM inside csvsm end to end through the mssim bridge: `csvsm run
# --mssim-port` boots the production image, whose init starts the vTPM
# service behind svsm-reqd, and Debian's tpm2-tools reach it through the
# bridge, each command one SVSM_VTPM_CMD over the native request channel.
# Every value that can be computed outside the TPM is: PCR values with
# sha256sum, signatures with openssl. Malformed requests sent with `csvsm
# call` beside the bridge get their SVSM errors and the tools go on (the
# full list, with Linux's request layout byte for byte, is
# tests/prove/vtpm_reqd.t); raw mssim frames abuse the bridge
# (tests/e2e/mssim_bridge.py). Then build/csvsm-vtpmfault.igvm, whose
# vTPM faults on its second request: the tool gets TPM_RC_FAILURE, the
# bridge reports csvsm's BUSY, init restarts the vTPM, and the next tool
# is served. tpm2-tools without a resource manager leave objects loaded,
# so transient objects are flushed after each step.
cd "$(dirname "$0")/../.." || exit 1
CSVSM=build/tools/csvsm
tmp=$(mktemp -d)
. tests/prove/lib.sh
. tests/prove/tpm2_tools.sh
CALL_TIMEOUT=300
vm=

if ! make -s "$CSVSM" build/csvsm.igvm build/csvsm-vtpmfault.igvm \
	>/dev/null 2>&1; then
	echo "Bail out! cannot build $CSVSM and the images"
	exit 1
fi
need_tools tpm2_startup openssl python3 sha256sum xxd
trap '[ -n "$vm" ] && kill $vm 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

is_free() { # is_free PORT: nothing listens on 127.0.0.1:PORT
	python3 -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
# boot IMAGE: csvsm_boot with the bridge on a free port pair; waits
# until the vTPM serves.
boot() {
	for _ in $(seq 1 20); do
		port=$((20000 + RANDOM % 40000))
		is_free "$port" && is_free $((port + 1)) && break
	done
	T=(-T "mssim:host=127.0.0.1,port=$port")
	csvsm_boot "$1" 'vtpm: TPM up' 300 --mssim-port "$port" --timeout 3000
	if ! grep -q "csvsm: mssim: serving tpm2-tools on 127.0.0.1:$port" \
		"$console" || ! grep -q 'vtpm: TPM up' "$console"; then
		echo "Bail out! $1: the bridge or the vTPM did not start"
		sed 's/^/# /' "$console" | tail -20
		exit 1
	fi
}

boot csvsm

# The service ran TPM2_Startup: a client's Startup gets TPM_RC_INITIALIZE,
# which tpm2_startup accepts.
tpm startup -c
ok $? "tpm2_startup -c"

tpm2_tool_checks

# --- malformed requests beside the bridge ------------------------------
# svsm_req CMD LOCALITY SIZE HEX: Linux's tpm_svsm request.
svsm_req() { echo "$(le 4 "$1")$(le 1 "$2")$(le 4 "$3")$4"; }
GETRANDOM8=80010000000c0000017b0008
B=0x4000000
expect INVALID_PARAMETER "locality 1" vtpm 1 $B \
	--write $B:"$(svsm_req 8 1 12 $GETRANDOM8)"
expect INVALID_PARAMETER "size 4088" vtpm 1 $B \
	--write $B:"$(svsm_req 8 0 4088 $GETRANDOM8)"
expect UNSUPPORTED_CALL "platform command 7" vtpm 1 $B \
	--write $B:"$(svsm_req 7 0 12 $GETRANDOM8)"
expect INVALID_ADDRESS "a buffer in the SVSM region" vtpm 1 0x400000
expect INVALID_ADDRESS "a buffer beyond RAM" vtpm 1 0x100000000000
tpm getrandom 8 -o "$tmp/rand3" && [ "$(stat -c %s "$tmp/rand3")" -eq 8 ]
ok $? "after them tpm2-tools are still served through the bridge"

# Raw mssim frames against the bridge in front of the real TPM.
python3 tests/e2e/mssim_bridge.py "$port" csvsm >"$tmp/out" 2>&1
rcp=$?
while read -r line; do
	case $line in
	"ok "*) ok 0 "bridge: ${line#ok }" ;;
	"not ok "*) ok 1 "bridge: ${line#not ok }" ;;
	esac
done <"$tmp/out"
ok $rcp "the bridge checks ran to the end"
grep -q 'csvsm: mssim: SVSM_VTPM_CMD: INVALID_PARAMETER' "$console"
ok $? "the bridge reported csvsm's INVALID_PARAMETER for locality 1"
! grep -q 'init: \(vtpm\|svsm-reqd\) \(exited\|killed\)' "$console"
ok $? "neither svsm-reqd nor the vTPM ended"
kill $vm 2>/dev/null
wait $vm 2>/dev/null

# ---- a vTPM that faults on its second request ----
boot csvsm-vtpmfault
fails=0
for i in 1 2 3; do
	tpm getrandom 8 -o "$tmp/r$i"
	st=$?
	if [ $st -ne 0 ]; then
		fails=$((fails + 1))
		grep -q '(0x101)' "$tmp/out" || fails=99
	fi
done
[ $fails -eq 1 ] && [ $st -eq 0 ] && [ "$(stat -c %s "$tmp/r3")" -eq 8 ]
ok $? "the command the vTPM faults on fails with TPM_RC_FAILURE, the next tools are served"
grep -q 'csvsm: mssim: SVSM_VTPM_CMD: BUSY' "$console"
ok $? "the bridge reports csvsm's BUSY"
grep -q 'process [0-9]* (/sbin/vtpm) killed: page fault' "$console" &&
	grep -q 'init: vtpm killed by page fault, restarting' "$console" &&
	[ "$(grep -c 'init: started vtpm' "$console")" -eq 2 ]
ok $? "csvsm reports the crash and init restarts the vTPM"

echo "1..$n"
