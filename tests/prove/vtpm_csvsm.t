#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The vTPM inside csvsm end to end: `csvsm run --mssim-port` boots the
# production image, whose init starts the vTPM service behind svsm-reqd,
# and Debian's tpm2-tools reach it through the mssim bridge, each
# command one SVSM_VTPM_CMD over the native request channel. Every value
# that can be computed outside the TPM is: PCR values with sha256sum,
# signatures with openssl. Then requests built byte for byte as Linux's
# tpm_svsm driver builds them go through `csvsm call`, and malformed ones
# must get the SVSM errors docs/PROTOCOL.md gives, leaving the TPM
# serving. tpm2-tools without a resource manager leave objects loaded,
# so transient objects are flushed after each step.
cd "$(dirname "$0")/../.." || exit 1
CSVSM=build/tools/csvsm
tmp=$(mktemp -d)
sock=$tmp/req.sock
n=0
vm=

if ! make -s "$CSVSM" build/csvsm.igvm >/dev/null 2>&1; then
	echo "Bail out! cannot build $CSVSM and build/csvsm.igvm"
	exit 1
fi
for t in tpm2_startup openssl python3 sha256sum xxd; do
	if ! command -v "$t" >/dev/null; then
		echo "1..0 # SKIP $t not installed (scripts/deps.sh)"
		exit 0
	fi
done
trap '[ -n "$vm" ] && kill $vm 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

is_free() { # is_free PORT: nothing listens on 127.0.0.1:PORT
	python3 -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
for _ in $(seq 1 20); do
	port=$((20000 + RANDOM % 40000))
	is_free "$port" && is_free $((port + 1)) && break
done
"$CSVSM" run --mssim-port "$port" --request-socket "$sock" --timeout 3000 \
	</dev/null >"$tmp/console" 2>&1 &
vm=$!
T=(-T "mssim:host=127.0.0.1,port=$port")

ok() { # ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/# /' "$tmp/out" 2>/dev/null | tail -12
	fi
}

# call ARGS...: one csvsm call; output in $tmp/out, status in $rc.
call() {
	"$CSVSM" call --socket "$sock" --timeout 300 "$@" >"$tmp/out" 2>&1
	rc=$?
}
reg() { awk -v r="$1" '$1 == r { print $2 }' "$tmp/out"; }
readback() { # readback GPA: the hex bytes a --read GPA:... printed
	local a
	a=$(printf '0x%x' "$1")
	sed -n "/^read $a:/,/^[a-z]/p" "$tmp/out" | sed "s/^read $a://" |
		grep -v '^[a-z]' | tr -d ' \n'
}
expect() { # expect RESULT DESCRIPTION ARGS...
	local want=$1 what=$2
	shift 2
	call "$@"
	[ "$rc" -eq 0 ] && grep -q "^rax 0x[0-9a-f]* $want\$" "$tmp/out"
	ok $? "$what: $want"
}

# The vTPM protocol is offered once the service is up (QUERY_PROTOCOL);
# an image whose init starts no vTPM service never offers it.
offered=
for _ in $(seq 1 1200); do
	kill -0 $vm 2>/dev/null || break
	if grep -q 'svsm-reqd: serving SVSM requests' "$tmp/console"; then
		call core 6 0x200000001
		if [ "$rc" -eq 0 ] && [ "$(reg rcx)" = 0x0000000100000001 ]; then
			offered=1
			break
		fi
		# Every service started and none is the vTPM: none will come.
		want=$(sed -n 's/.*init: \([0-9]*\) services in .*/\1/p' "$tmp/console")
		if [ -n "$want" ] && [ "$(grep -c 'init: started' "$tmp/console")" -ge "$want" ] &&
			! grep -qi 'init: started [a-z-]*vtpm' "$tmp/console"; then
			break
		fi
	fi
	sleep 0.5
done
if ! grep -q "csvsm: mssim: serving tpm2-tools on 127.0.0.1:$port" "$tmp/console"; then
	echo "Bail out! csvsm run did not start the mssim bridge"
	sed 's/^/# /' "$tmp/console" | tail -20
	exit 1
fi
if [ -z "$offered" ]; then
	# Without the service the bridge must still answer, with a TPM error.
	tpm2_getrandom "${T[@]}" 16 >"$tmp/out" 2>&1
	[ $? -ne 0 ] && grep -q 'Esys_GetCapability(0x101)' "$tmp/out" &&
		grep -q 'csvsm: mssim: SVSM_VTPM_CMD: UNSUPPORTED_PROTOCOL' "$tmp/console"
	ok $? "no vTPM in csvsm: TPM_RC_FAILURE to the client, the reason on stderr"
	echo "# the vTPM checks need a vTPM service in the image: none started"
	echo "1..$n"
	exit 0
fi
ok 0 "QUERY_PROTOCOL(2, 1) offers the vTPM protocol, version 1"

tpm() { # tpm TOOL ARGS...: one tool; output in $tmp/out
	local tool=$1
	shift
	"tpm2_$tool" "${T[@]}" "$@" >"$tmp/out" 2>&1
}
flush() {
	tpm2_flushcontext "${T[@]}" -t >/dev/null 2>&1
	tpm2_flushcontext "${T[@]}" -s >/dev/null 2>&1
}

# The service ran TPM2_Startup: a client's Startup gets TPM_RC_INITIALIZE,
# which tpm2_startup accepts.
tpm startup -c
ok $? "tpm2_startup -c"

tpm getrandom 16 -o "$tmp/rand"
[ $? -eq 0 ] && [ "$(stat -c %s "$tmp/rand")" -eq 16 ]
ok $? "getrandom 16 returns 16 bytes"
tpm getrandom 16 -o "$tmp/rand2" && ! cmp -s "$tmp/rand" "$tmp/rand2"
ok $? "two getrandom 16 differ"

# PCR 16: read, extend, read; compare with sha256(old || digest).
tpm pcrread sha256:16 -o "$tmp/pcr0" &&
	d=$(printf 'csvsm vtpm through the bridge' | sha256sum | cut -d' ' -f1) &&
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

# --- Linux's tpm_svsm driver, byte for byte, through csvsm call --------
le() { # le BYTES VALUE: VALUE as BYTES little-endian bytes, in hex
	local i out=
	for ((i = 0; i < $1; i++)); do
		out+=$(printf '%02x' $((($2 >> (8 * i)) & 0xff)))
	done
	echo "$out"
}
# svsm_vtpm_cmd_request_fill(): platform_cmd 8, locality, buf_size, buf.
drv_req() { # drv_req CMD LOCALITY HEX
	echo "$(le 4 "$1")$(le 1 "$2")$(le 4 $((${#3} / 2)))$3"
}
GETRANDOM8=80010000000c0000017b0008
B=0x4000000
expect SUCCESS "SVSM_VTPM_QUERY" vtpm 0
[ "$(reg rcx)" = 0x0000000000000100 ] && [ "$(reg rdx)" = 0x0000000000000000 ]
ok $? "SVSM_VTPM_QUERY: TPM_SEND_COMMAND (bit 8), no features"
expect SUCCESS "SVSM_VTPM_CMD as the driver builds it" vtpm 1 $B \
	--write $B:"$(drv_req 8 0 $GETRANDOM8)" --read $B:24
r=$(readback $B)
# svsm_vtpm_cmd_response_parse(): buf_size at 0, the response from 4.
[ "${r:0:8}" = "$(le 4 20)" ] && [ "${r:8:20}" = 80010000001400000000 ] &&
	[ "${r:28:4}" = 0008 ] && [ "${#r}" -eq 48 ]
ok $? "the response as the driver parses it: size 20, TPM_RC_SUCCESS, 8 bytes ($r)"
expect SUCCESS "SVSM_VTPM_CMD at an unaligned buffer" vtpm 1 $((B + 0x123)) \
	--write $((B + 0x123)):"$(drv_req 8 0 $GETRANDOM8)" --read $((B + 0x123)):4
[ "$(readback $((B + 0x123)))" = "$(le 4 20)" ]
ok $? "the unaligned buffer gets its response"

# --- malformed requests: SVSM errors, nothing written back -------------
bad() { # bad RESULT DESCRIPTION GPA HEX
	local req=$4
	expect "$1" "$2" vtpm 1 "$3" --write "$3:$req" --read "$3:$((${#req} / 2))"
	[ "$(readback "$3")" = "$req" ]
	ok $? "$2: the buffer is left as it was"
}
bad INVALID_PARAMETER "locality 1" $B "$(drv_req 8 1 $GETRANDOM8)"
bad INVALID_PARAMETER "locality 4" $B "$(drv_req 8 4 $GETRANDOM8)"
bad INVALID_PARAMETER "size 4088" $B "$(le 4 8)00$(le 4 4088)$GETRANDOM8"
bad INVALID_PARAMETER "size 0xffffffff" $B "$(le 4 8)00ffffffff$GETRANDOM8"
bad UNSUPPORTED_CALL "platform command 7" $B "$(drv_req 7 0 $GETRANDOM8)"
bad UNSUPPORTED_CALL "platform command 0" $B "$(drv_req 0 0 $GETRANDOM8)"
call --info
top=$(sed -n 's/^guest memory \(0x[0-9a-f]*\) size \(0x[0-9a-f]*\)$/\1 \2/p' "$tmp/out")
end=$((${top% *} + ${top#* }))
expect INVALID_ADDRESS "a buffer running past guest memory" vtpm 1 $((end - 0x800))
expect INVALID_ADDRESS "a buffer in the SVSM region" vtpm 1 0x400000
expect INVALID_ADDRESS "a buffer below 1 MiB" vtpm 1 0x9000
expect INVALID_ADDRESS "a buffer beyond RAM" vtpm 1 0x100000000000
expect INVALID_ADDRESS "a buffer wrapping around" vtpm 1 0xfffffffffffff800
expect UNSUPPORTED_CALL "vTPM call 2" vtpm 2 $B
tpm getrandom 8 -o "$tmp/rand3" && [ "$(stat -c %s "$tmp/rand3")" -eq 8 ]
ok $? "after the malformed requests the TPM still answers tpm2-tools"

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
grep -q 'csvsm: mssim: SVSM_VTPM_CMD: INVALID_PARAMETER' "$tmp/console"
ok $? "the bridge reported csvsm's INVALID_PARAMETER for locality 1"

echo "1..$n"
