#!/usr/bin/env bash
# The kernel checks the memory map the host hands it and refuses to boot
# on a bad one (fail closed). `csvsm run --memory-map` plays the hostile
# host: it writes the listed entries unchecked.
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
echo "1..6"
n=0
# boot NAME WANT_STATUS MAP PATTERN
boot() {
	local name=$1 want=$2 map=$3 pattern=$4 rc
	n=$((n + 1))
	build/tools/csvsm run --igvm build/csvsm-test.igvm --timeout 60 \
		--cmdline "vmtest.suite=boot" --memory-map "$map" >"$tmp" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ] && tr -d '\r' <"$tmp" | grep -qF -- "$pattern"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name (exit $rc, want $want; want '$pattern')"
		tr -d '\r' <"$tmp" | sed 's/^/# /' | tail -15
	fi
}
boot "a good map given explicitly boots" 0 "0:0xA0,0x100000:0xFF00" \
	"# vmtest: 1 passed, 0 failed"
boot "overlapping entries are refused" 1 "0:0xA0,0x90000:0x10000" \
	"csvsm: refusing to boot: memory map entry 1: unsorted or overlaps"
boot "unsorted entries are refused" 1 "0x100000:0xFF00,0:0xA0" \
	"memory map entry 1: unsorted or overlaps the previous entry"
boot "an unknown type is refused" 1 "0:0xA0,0x100000:0xFF00:9" \
	"memory map entry 1: unknown type"
boot "an SVSM region outside RAM is refused" 1 "0:0xA0,0x100000:0x800" \
	"the SVSM region [0x200000, 0x1200000) is not RAM"
boot "a range beyond 2^52 is refused" 1 \
	"0:0xA0,0x100000:0xFF00,0xFFFFFFFFFF000:2" \
	"memory map entry 2: range beyond the physical address space"
