#!/bin/bash
# SPDX-License-Identifier: MIT
#
# `csvsm run` end to end, printing TAP. Boots hand-made IGVM images
# written by build/tools/mkboot (page tables, a parameter area and a
# payload that checks every register of the native context) through the
# reset shim under QEMU (TCG): the guest's exit value becomes csvsm's exit
# status, the parameters reach the guest, a triple fault and a hang are
# failures. Broken images and images the loader must refuse are refused
# with exit status 1 and one line on stderr before QEMU starts (a fake
# QEMU records whether it ran). Last, SIGTERM reaches QEMU and no
# temporary directory is left behind.

set -u
cd "$(dirname "$0")/../.." || exit 1

CSVSM=build/tools/csvsm
MKBOOT=build/tools/mkboot
. tests/prove/lib.sh

if ! make -s "$CSVSM" "$MKBOOT" >/dev/null 2>&1; then
	echo "Bail out! cannot build $CSVSM and $MKBOOT"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/t"
export TMPDIR=$tmp/t # csvsm's private directories go here

# run_vm NAME [csvsm run options]: boots $tmp/NAME.igvm; sets rc, out, err.
run_vm() {
	local img=$tmp/$1.igvm
	shift
	"$CSVSM" run --igvm "$img" --timeout 60 "$@" </dev/null \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(tr -d '\r' <"$tmp/out")
	err=$(cat "$tmp/err")
}

# A fake QEMU that only records that it ran.
cat >"$tmp/fakeqemu" <<EOF
#!/bin/sh
touch "$tmp/qemu-ran"
exit 33
EOF
chmod +x "$tmp/fakeqemu"

# refused NAME WORD DESCRIPTION: csvsm refuses $tmp/NAME.igvm with exit 1,
# one line on stderr naming the file and containing WORD, and no QEMU.
refused() {
	local img=$tmp/$1.igvm lines
	rm -f "$tmp/qemu-ran"
	"$CSVSM" run --igvm "$img" --qemu "$tmp/fakeqemu" </dev/null \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && [ ! -e "$tmp/qemu-ran" ] &&
		grep -q "^csvsm: $img: .*$2" "$tmp/err"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "# rc=$rc stderr: $(head -3 "$tmp/err")"
	fi
}

mk() { # mk NAME [mkboot options]
	local name=$1
	shift
	"$MKBOOT" "$@" "$tmp/$name.igvm" || echo "Bail out! mkboot $*"
}

mk ok
mk fail --exit 0x11
mk loop --loop
mk fault --fault

# 1-3: a good image boots, the payload saw the whole context.
run_vm ok
ok $((rc != 0)) "the test image exits 0 through isa-debug-exit 0x10"
echo "$out" | grep -qx 'csvsm-shim-ok'
ok $? "the payload prints the marker (all registers arrived)"
echo "$out" | grep -q 'bad-regs'
ok $((!$?)) "no register mismatch"

# 4-6: parameters: vCPU count, command line, memory map.
run_vm ok --cpus 2 --cmdline "console=ttyS0 quiet" --mem 3G
ok $rc "boots with --cpus 2 --mem 3G"
echo "$out" | grep -qx 'vp_count=0000000000000002' &&
	echo "$out" | grep -qx 'cmdline=console=ttyS0 quiet'
ok $? "the guest reads the vCPU count and the command line"
echo "$out" | grep -qx 'mem 0000000000000000 00000000000000a0' &&
	echo "$out" | grep -qx 'mem 0000000000000100 000000000007ff00' &&
	echo "$out" | grep -qx 'mem 0000000000100000 0000000000040000'
ok $? "the guest reads the q35 memory map (2 GiB low, 1 GiB at 4 GiB)"

# 7-9: failure, triple fault, hang.
run_vm fail
[ "$rc" -eq 1 ] && echo "$out" | grep -qx 'csvsm-shim-ok'
ok $? "a payload writing 0x11 makes csvsm exit 1"
run_vm fault
[ "$rc" -eq 1 ] && echo "$err" | grep -q 'without reporting (triple fault?)'
ok $? "a triple fault exits 1 with a message"
start=$(date +%s)
"$CSVSM" run --igvm "$tmp/loop.igvm" --timeout 2 </dev/null >/dev/null \
	2>"$tmp/err"
rc=$?
elapsed=$(($(date +%s) - start))
[ "$rc" -eq 1 ] && [ "$elapsed" -le 8 ] &&
	grep -q '^csvsm: timeout after 2 s$' "$tmp/err"
ok $? "--timeout 2 stops a guest that loops forever (${elapsed}s)"

# 10-13: broken files, refused by the reader before QEMU starts.
cp "$tmp/ok.igvm" "$tmp/flip.igvm"
printf '\xa5' | dd of="$tmp/flip.igvm" bs=1 seek=40 conv=notrunc status=none
refused flip checksum "a flipped header byte is refused"
head -c -1 "$tmp/ok.igvm" >"$tmp/trunc.igvm"
refused trunc total_file_size "a truncated file is refused"
mk tlv --bad-tlv-length
refused tlv "payload length" "a bad TLV length is refused"
mk overlap --overlap
refused overlap overlaps "overlapping pages are refused"

# 14-18: valid files the loader must refuse for this VM.
mk vga --page 0xa0000
refused vga "legacy hole" "a page in the VGA hole is refused"
mk shim --page 0xfffff000
refused shim "reset shim" "a page over the shim is refused"
mk alias --page 0xf0000
refused alias "reset shim" "a page over the shim's low alias is refused"
mk high --page 0x10000000
refused high "outside the RAM" "a page outside the RAM (256M) is refused"
mk noidmap --no-idmap
refused noidmap "identity-map" "page tables without the 3 GiB map are refused"

# 19: a command line longer than its area.
long=$(head -c 3840 /dev/zero | tr '\0' x)
rm -f "$tmp/qemu-ran"
"$CSVSM" run --igvm "$tmp/ok.igvm" --cmdline "$long" --qemu "$tmp/fakeqemu" \
	</dev/null >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && [ ! -e "$tmp/qemu-ran" ] &&
	grep -q 'command line too long' "$tmp/err"
ok $? "a command line too long for its area is refused"

# 20: --dry-run prints QEMU's command line.
"$CSVSM" run --igvm "$tmp/ok.igvm" --dry-run --gdb 1234 >"$tmp/out" 2>&1
rc=$?
line=$(cat "$tmp/out")
[ "$rc" -eq 0 ] && [ "$(grep -o -- '-device loader,' "$tmp/out" | wc -l)" -eq 2 ] &&
	case "$line" in
	"qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 1 -m 256M "*"-no-reboot"*"-device isa-debug-exit,iobase=0xf4,iosize=0x04 -bios "*"/shim.bin "*"addr=0x200000,force-raw=on"*"addr=0x210000,force-raw=on -gdb tcp::1234") true ;;
	*) false ;;
	esac
ok $? "--dry-run prints the QEMU command line (2 merged blobs)"

# 21: SIGTERM to csvsm reaches QEMU; csvsm ends by the signal.
"$CSVSM" run --igvm "$tmp/loop.igvm" </dev/null >/dev/null 2>&1 &
pid=$!
sleep 1
kill -TERM "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 143 ] && ! pgrep -f "$TMPDIR/csvsm-run" >/dev/null
ok $? "SIGTERM is forwarded to QEMU and csvsm ends by it"

# 22: no private directory is left behind.
[ -z "$(ls -A "$TMPDIR")" ]
ok $? "every temporary directory was removed"

# 23: the lead's test image, when built, is accepted by the loader.
if [ -f build/csvsm-test.igvm ]; then
	"$CSVSM" run --igvm build/csvsm-test.igvm --dry-run >/dev/null 2>"$tmp/err"
	ok $? "build/csvsm-test.igvm passes the loader's checks"
	[ -s "$tmp/err" ] && sed 's/^/# /' "$tmp/err"
else
	n=$((n + 1))
	echo "ok $n - build/csvsm-test.igvm # SKIP not built"
fi

# 24-25: --icount makes QEMU's time follow instructions (TCG only).
"$CSVSM" run --igvm "$tmp/ok.igvm" --dry-run --icount >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && grep -q -- ' -accel tcg -cpu max -icount shift=0,sleep=off -smp 1 ' "$tmp/out"
ok $? "--icount adds -icount shift=0,sleep=off"
"$CSVSM" run --igvm "$tmp/ok.igvm" --dry-run --icount --accel kvm \
	>/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- '--icount needs --accel tcg' "$tmp/err"
ok $? "--icount with --accel kvm is a usage error"

echo "1..$n"
exit $((failed > 0))
