#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The SVSM core protocol end to end through the native request channel:
# `csvsm run --request-socket` boots the production image, whose init
# starts svsm-reqd, so every call is served in ring 3; each check
# is one `csvsm call` (with guest-memory writes before it and reads after
# it) whose result code, registers and guest memory are compared with
# what the SVSM specification (58019) says. Then
# tests/e2e/reqchan_frames.py abuses the channel itself (bad CRCs,
# versions, types, lengths, sequence numbers, garbage) and checks every
# bad frame is answered with the right error and the channel stays up.
cd "$(dirname "$0")/../.." || exit 1
CSVSM=build/tools/csvsm
tmp=$(mktemp -d)
. tests/prove/lib.sh
vm=

if ! make -s "$CSVSM" build/csvsm.igvm >/dev/null 2>&1; then
	echo "Bail out! cannot build $CSVSM and build/csvsm.igvm"
	exit 1
fi
trap 'kill $vm 2>/dev/null; wait $vm 2>/dev/null; rm -rf "$tmp"' EXIT

# Calls go through svsm-reqd, which init starts: wait for it to serve.
csvsm_boot csvsm 'svsm-reqd: serving SVSM requests' 60 --timeout 600
if ! grep -q 'requests: native request channel on COM2' "$console" ||
	! grep -q 'svsm-reqd: serving SVSM requests' "$console"; then
	echo "Bail out! csvsm did not start its request channel and svsm-reqd"
	sed 's/^/# /' "$console" | tail -20
	exit 1
fi

# pval_req ENTRIES NEXT E...: a PVALIDATE request's bytes in hex.
pval_req() {
	local out e
	out=$(le 2 "$1")$(le 2 "$2")00000000
	shift 2
	for e in "$@"; do out+=$(le 8 "$e"); done
	echo "$out"
}

V=4    # validate
ICF=8  # ignore_cf
L=0x2000000 # the request lists live here
P=0x5000000 # pages to validate

# 1: the channel and the guest span.
call --info
grep -qx 'guest memory 0x100000 size 0xff00000' "$tmp/out" &&
	grep -qx 'vcpus 1' "$tmp/out"
ok $? "csvsm call --info: guest memory above 1 MiB, one vCPU"

# QUERY_PROTOCOL and unknown calls.
expect SUCCESS "QUERY_PROTOCOL(0, 1)" core 6 1
[ "$(reg rcx)" = 0x0000000100000001 ]
ok $? "QUERY_PROTOCOL(0, 1) answers versions 1..1"
expect SUCCESS "QUERY_PROTOCOL(0, 2)" core 6 2
[ "$(reg rcx)" = 0x0000000000000000 ]
ok $? "QUERY_PROTOCOL(0, 2) answers 0: version not offered"
call core 6 0x200000001
[ "$(reg rcx)" = 0x0000000100000001 ]
ok $? "QUERY_PROTOCOL(2, 1) answers 1..1: the vTPM service is linked"
expect UNSUPPORTED_PROTOCOL "protocol 9" 9 0
expect UNSUPPORTED_CALL "core call 8" core 8
expect UNSUPPORTED_CALL "DEPOSIT_MEM" core 4 0x3000000 1
expect UNSUPPORTED_CALL "WITHDRAW_MEM" core 5 0x3000000 1
expect SUCCESS "CONFIGURE_VTOM query" core 7 1
[ "$(reg rcx)" = 0x0000000000000000 ]
ok $? "CONFIGURE_VTOM query answers 0: no vTOM"
expect INVALID_REQUEST "CONFIGURE_VTOM configure" core 7 0

# REMAP_CA.
expect INVALID_PARAMETER "REMAP_CA misaligned" core 0 0x3000008
expect INVALID_ADDRESS "REMAP_CA into the SVSM region" core 0 0x400000
expect INVALID_ADDRESS "REMAP_CA below 1 MiB" core 0 0x9000
expect INVALID_ADDRESS "REMAP_CA beyond RAM" core 0 0x100000000000
expect SUCCESS "REMAP_CA" core 0 0x3000000 \
	--write 0x3000000:ffffffffffffffffaa --read 0x3000000:9
[ "$(readback 0x3000000)" = 0000000000000000aa ]
ok $? "REMAP_CA zeroes the new calling area's header, not its buffer"

# PVALIDATE: a good list; next advances to entries.
expect SUCCESS "PVALIDATE 3 pages" core 1 $L \
	--write $L:"$(pval_req 3 0 $((P | V)) $((P + 0x1000 | V)) $((P + 0x2000 | V)))" \
	--read $L:4
[ "$(readback $L)" = 03000300 ]
ok $? "PVALIDATE advances next to entries in guest memory"
expect PVALIDATE_FAIL_NO_CHANGE "PVALIDATE of a valid page" core 1 $L \
	--write $L:"$(pval_req 1 0 $((P | V)))" --read $L:4
[ "$(readback $L)" = 01000000 ]
ok $? "a failing first entry leaves next at 0"
expect SUCCESS "PVALIDATE of a valid page with ignore_cf" core 1 $L \
	--write $L:"$(pval_req 1 0 $((P | V | ICF)))"
expect INVALID_PARAMETER "PVALIDATE entry with a reserved bit" core 1 $L \
	--write $L:"$(pval_req 3 0 $((P + 0x3000 | V)) $((P + 0x4000 | V | 0x100)) $((P + 0x5000 | V)))" \
	--read $L:4
[ "$(readback $L)" = 03000100 ]
ok $? "next points at the failing entry (1)"
expect SUCCESS "PVALIDATE resumes at next" core 1 $L \
	--write $L:"$(pval_req 3 2 0x1 0x1 $((P + 0x5000 | V)))" --read $L:4
[ "$(readback $L)" = 03000300 ]
ok $? "entries before next are not looked at"
expect INVALID_PARAMETER "PVALIDATE size 2" core 1 $L \
	--write $L:"$(pval_req 1 0 $((P + 0x6000 | V | 2)))"
expect INVALID_PARAMETER "PVALIDATE misaligned request" core 1 $((L + 4))
expect INVALID_PARAMETER "PVALIDATE entries 0" core 1 $L \
	--write $L:"$(pval_req 0 0)"
expect INVALID_PARAMETER "PVALIDATE next >= entries" core 1 $L \
	--write $L:"$(pval_req 1 1 $((P | V)))"
expect INVALID_PARAMETER "PVALIDATE list past its page" core 1 $((L + 0xFF0)) \
	--write $((L + 0xFF0)):"$(pval_req 2 0 $((P | V)))"
expect INVALID_ADDRESS "PVALIDATE request in the SVSM region" core 1 0x400000
expect INVALID_ADDRESS "PVALIDATE of an SVSM page" core 1 $L \
	--write $L:"$(pval_req 2 0 $((P + 0x7000 | V)) $((0x400000 | V)))" \
	--read $L:4
[ "$(readback $L)" = 02000100 ]
ok $? "next stops at the SVSM page"
expect INVALID_PARAMETER "PVALIDATE 2 MiB, misaligned" core 1 $L \
	--write $L:"$(pval_req 1 0 $((0x6001000 | V | 1)))"
expect SUCCESS "PVALIDATE 2 MiB" core 1 $L \
	--write $L:"$(pval_req 1 0 $((0x6000000 | V | 1)))"
expect SUCCESS "PVALIDATE rescind 4 KiB inside it" core 1 $L \
	--write $L:"$(pval_req 1 0 0x6001000)"
expect PVALIDATE_FAIL_SIZEMISMATCH "PVALIDATE 2 MiB over mixed pages" core 1 $L \
	--write $L:"$(pval_req 1 0 $((0x6000000 | 1)))"
expect SUCCESS "PVALIDATE validate, rescind, validate one page" core 1 $L \
	--write $L:"$(pval_req 3 0 $((P + 0x8000 | V)) $((P + 0x8000)) $((P + 0x8000 | V)))"
expect PVALIDATE_FAIL_NO_CHANGE "PVALIDATE rescind of a page not valid" core 1 $L \
	--write $L:"$(pval_req 1 0 $((P + 0xA000)))"
call core 1 $L --write $((P + 0x9000)):deadbeef \
	--write $L:"$(pval_req 1 0 $((P + 0x9000 | V)))" --read $((P + 0x9000)):4
[ "$(readback $((P + 0x9000)))" = 00000000 ]
ok $? "a page is zeroed when it is validated"

# CREATE_VCPU / DELETE_VCPU. A VMSA: VMPL 2, EFER.SVME, SEV_FEATURES 1.
VMSA=0x7000000
CAA=0x7001000
vmsa_bytes() { # vmsa_bytes VMPL EFER FEATURES: writes for a VMSA page
	echo "--write $((VMSA + 0xCA)):$(le 1 "$1") --write $((VMSA + 0xD0)):$(le 8 "$2") --write $((VMSA + 0x3B0)):$(le 8 "$3")"
}
expect SUCCESS "validate the VMSA page" core 1 $L \
	--write $L:"$(pval_req 1 0 $((VMSA | V)))"
# shellcheck disable=SC2046
expect INVALID_PARAMETER "CREATE_VCPU with VMPL 0 in the VMSA" core 2 $VMSA $CAA 1 \
	$(vmsa_bytes 0 0x1000 1)
# shellcheck disable=SC2046
expect INVALID_PARAMETER "CREATE_VCPU with EFER.SVME clear" core 2 $VMSA $CAA 1 \
	$(vmsa_bytes 2 0 1)
# shellcheck disable=SC2046
expect INVALID_PARAMETER "CREATE_VCPU with other SEV_FEATURES" core 2 $VMSA $CAA 1 \
	$(vmsa_bytes 2 0x1000 3)
expect INVALID_PARAMETER "CREATE_VCPU misaligned VMSA" core 2 $((VMSA + 8)) $CAA 1
expect INVALID_PARAMETER "CREATE_VCPU misaligned CAA" core 2 $VMSA $((CAA + 8)) 1
expect INVALID_PARAMETER "CREATE_VCPU with VMSA == CAA" core 2 $VMSA $VMSA 1
expect INVALID_ADDRESS "CREATE_VCPU with an SVSM page" core 2 0x400000 $CAA 1
expect INVALID_PARAMETER "CREATE_VCPU on a page not validated" core 2 0x7002000 $CAA 1
expect INVALID_PARAMETER "CREATE_VCPU over the caller's calling area" core 2 0x3000000 $CAA 1
# shellcheck disable=SC2046
expect SUCCESS "CREATE_VCPU" core 2 $VMSA $CAA 0x500000001 $(vmsa_bytes 2 0x1000 1)
call core 6 1 --write $((VMSA + 0xCA)):00
[ "$rc" -eq 1 ] && grep -q "error 7" "$tmp/out"
ok $? "a VMSA page is out of the host's reach"
expect PVALIDATE_FAIL_INPUT "PVALIDATE rescind of a VMSA page" core 1 $L \
	--write $L:"$(pval_req 1 0 $VMSA)"
expect INVALID_PARAMETER "CREATE_VCPU twice on one VMSA" core 2 $VMSA 0x7003000 2
expect INVALID_PARAMETER "CREATE_VCPU with a VMSA as calling area" core 2 0x7004000 $VMSA 2
expect INVALID_PARAMETER "DELETE_VCPU misaligned" core 3 $((VMSA + 0x10))
expect INVALID_PARAMETER "DELETE_VCPU of no vCPU" core 3 0x7002000
expect SUCCESS "DELETE_VCPU" core 3 $VMSA
expect SUCCESS "the VMSA page can be rescinded after DELETE_VCPU" core 1 $L \
	--write $L:"$(pval_req 1 0 $VMSA)"

# Bad command lines.
"$CSVSM" call --socket "$sock" core >"$tmp/out" 2>&1
ok $(($? != 2)) "csvsm call without CALL is a usage error"
"$CSVSM" call --socket "$sock" --read 0x1000:5000 core 6 1 >"$tmp/out" 2>&1
ok $(($? != 2)) "csvsm call --read over 4096 bytes is a usage error"
"$CSVSM" call --socket "$tmp/none" --timeout 1 core 6 1 >"$tmp/out" 2>&1
ok $(($? != 1)) "csvsm call to a missing socket fails with status 1"

# The frame layer, abused; the channel must survive it.
python3 tests/e2e/reqchan_frames.py "$sock" >"$tmp/out" 2>&1
rcp=$?
while read -r line; do
	case $line in
	"ok "*) ok 0 "frames: ${line#ok }" ;;
	"not ok "*) ok 1 "frames: ${line#not ok }" ;;
	esac
done <"$tmp/out"
ok $rcp "the frame checks ran to the end"
expect SUCCESS "the channel still serves calls after the abuse" core 6 1
grep -q 'init: started svsm-reqd' "$console" &&
	! grep -q 'init: svsm-reqd \(exited\|killed\)' "$console"
ok $? "svsm-reqd served every call and never ended"

echo "1..$n"
