#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The mssim bridge of `csvsm run --mssim-port` against a csvsm that
# misbehaves on purpose: tests/e2e/fake_csvsm.py stands in for QEMU
# (`csvsm run --qemu`) and answers the request channel, so every check
# the bridge makes on what csvsm sends back can be provoked, and what
# the bridge sends (a validated page, Linux's tpm_svsm layout) is
# checked on the other side. tests/e2e/mssim_bridge.py is the client:
# raw mssim frames, good and bad. The end-to-end run with tpm2-tools
# against the real csvsm is tests/prove/vtpm_csvsm.t.
cd "$(dirname "$0")/../.." || exit 1
CSVSM=build/tools/csvsm
FAKE=tests/e2e/fake_csvsm.py
tmp=$(mktemp -d)
. tests/prove/lib.sh
vm=

if ! make -s "$CSVSM" build/csvsm.igvm >/dev/null 2>&1; then
	echo "Bail out! cannot build $CSVSM"
	exit 1
fi
trap '[ -n "$vm" ] && kill $vm 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

is_free() { # is_free PORT: nothing listens on 127.0.0.1:PORT
	python3 -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

# Command line.
"$CSVSM" run --help >"$tmp/out" 2>&1 && grep -q -- '--mssim-port' "$tmp/out"
ok $? "csvsm run --help documents --mssim-port"
for bad in 0 65535 x 2321x; do
	"$CSVSM" run --mssim-port "$bad" --dry-run >"$tmp/out" 2>&1
	ok $(($? != 2)) "--mssim-port $bad is a usage error"
done
"$CSVSM" run --mssim-port 2321 --dry-run >"$tmp/out" 2>&1 &&
	grep -q -- '-chardev socket,id=req,path=[^ ]*/csvsm-run\.[^ /]*/req\.sock,server=on,wait=off' "$tmp/out"
ok $? "--mssim-port without --request-socket gives QEMU a private socket"
"$CSVSM" run --mssim-port 2321 --request-socket "$tmp/r.sock" --dry-run \
	>"$tmp/out" 2>&1 && grep -q -- "path=$tmp/r.sock," "$tmp/out"
ok $? "--mssim-port with --request-socket uses that socket"

# A free port pair, then the bridge in front of the fake csvsm.
for _ in $(seq 1 20); do
	port=$((20000 + RANDOM % 40000))
	is_free "$port" && is_free $((port + 1)) && break
done
"$CSVSM" run --qemu "$FAKE" --mssim-port "$port" --timeout 300 \
	</dev/null >"$tmp/log" 2>&1 &
vm=$!
for _ in $(seq 1 100); do
	grep -q 'fake_csvsm: listening' "$tmp/log" && break
	sleep 0.05
done
grep -q "csvsm: mssim: serving tpm2-tools on 127.0.0.1:$port (platform $((port + 1)))" "$tmp/log"
ok $? "the bridge says where it serves"

# Ports that cannot be bound are refused before QEMU starts.
"$CSVSM" run --qemu /nonexistent --mssim-port "$port" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "cannot listen on 127.0.0.1:$port (data port): Address already in use" "$tmp/out" &&
	! grep -q 'cannot run' "$tmp/out"
ok $? "a busy data port is refused with a message, QEMU not started"
if is_free $((port - 1)); then
	"$CSVSM" run --qemu /nonexistent --mssim-port $((port - 1)) >"$tmp/out" 2>&1
	[ $? -eq 1 ] && grep -q "cannot listen on 127.0.0.1:$port (platform port)" "$tmp/out"
	ok $? "a busy platform port is refused with a message"
else
	ok 0 "# SKIP port $((port - 1)) is taken"
fi

python3 tests/e2e/mssim_bridge.py "$port" fake >"$tmp/out" 2>&1
rcp=$?
while read -r line; do
	case $line in
	"ok "*) ok 0 "${line#ok }" ;;
	"not ok "*) ok 1 "${line#not ok }" ;;
	esac
done <"$tmp/out"
ok $rcp "the client checks ran to the end"

# What the bridge said about each kind of bad input and answer.
cp "$tmp/log" "$tmp/out"
for msg in \
	'closing a platform connection: unknown code on the platform port (57005)' \
	'closing a data connection: command larger than a vTPM buffer holds (4088)' \
	'closing a data connection: command larger than a vTPM buffer holds (4294967295)' \
	'closing a data connection: unknown code on the data port (305419896)' \
	'data connection ended inside a frame (14 bytes)' \
	'closing a data connection: a partial frame (5 bytes) for 5000 ms' \
	'SVSM_VTPM_CMD: response size 4093 is not in 10..4092' \
	'SVSM_VTPM_CMD: response size 9 is not in 10..4092' \
	"SVSM_VTPM_CMD: the TPM response's header does not give its size 14" \
	'SVSM_VTPM_CMD: INVALID_PARAMETER (0x80000005)' \
	'the channel closed' \
	'csvsm refused frame [0-9]*: error 7'; do
	grep -q "csvsm: mssim: .*$msg" "$tmp/log"
	ok $? "stderr: $msg"
done
! grep -q VIOLATION "$tmp/log"
ok $? "every request: RCX the bridge's page, validated, Linux's layout"
[ "$(grep -c 'fake_csvsm: session .* (validations 1,' "$tmp/log")" -gt 5 ] &&
	! grep -q 'validations [2-9]' "$tmp/log"
ok $? "the page is validated once, not per session"

kill $vm
wait $vm 2>/dev/null
vm=
sleep 0.2
is_free "$port" && is_free $((port + 1))
ok $? "the bridge ends with csvsm run"

echo "1..$n"
