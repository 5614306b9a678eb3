#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# CPU discovery from QEMU's ACPI MADT, end to end. The kernel reads the
# tables through fw_cfg, runs QEMU's table-loader script on private
# copies and starts the CPUs the MADT lists:
#  - a 2-socket, 3-core topology gives APIC IDs 0 1 2 4 5 6, and every
#    one of them must come online (the smp suite checks each CPU saw its
#    own ID and that the list came from the MADT);
#  - tables that disagree with the IGVM vCPU count stop boot (fail
#    closed), played by `csvsm run --vp-count`, a hostile host;
#  - without ACPI tables (QEMU -machine acpi=off) the list falls back to
#    0..n-1 with a warning.
cd "$(dirname "$0")/../.." || exit 1
CSVSM=build/tools/csvsm
IMG=build/csvsm-test.igvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/prove/lib.sh

# boot [csvsm run options]: sets rc; the console (no CRs) is in $tmp/out.
boot() {
	"$CSVSM" run --igvm "$IMG" --timeout 120 "$@" </dev/null 2>&1 |
		tr -d '\r' >"$tmp/out"
	rc=${PIPESTATUS[0]}
}

has() { # has LINE: the console holds exactly this line
	grep -qxF -- "$1" "$tmp/out"
}

# 1-3: six CPUs with non-sequential APIC IDs.
boot --topology 2:3:1 --cmdline vmtest.suite=smp
[ "$rc" -eq 0 ] && grep -q '^# vmtest: [1-9][0-9]* passed, 0 failed' "$tmp/out"
ok $? "--topology 2:3:1 boots and the smp suite passes on 6 CPUs"
has "cpus: 6 from the ACPI MADT, APIC IDs 0 1 2 4 5 6"
ok $? "the CPU list comes from the MADT: APIC IDs 0 1 2 4 5 6"
all=0
i=1
for id in 1 2 4 5 6; do
	has "cpu $i (apic id $id) online" || all=1
	i=$((i + 1))
done
has "cpus: 6 of 6 CPUs online" || all=1
ok $all "APs with APIC IDs 1 2 4 5 6 each come online"

# 4: the default topology also takes its list from the MADT.
boot --cpus 4 --cmdline vmtest.suite=smp
[ "$rc" -eq 0 ] && has "cpus: 4 from the ACPI MADT, APIC IDs 0 1 2 3"
ok $? "--cpus 4: the list comes from the MADT, APIC IDs 0 1 2 3"

# 5-6: a vCPU count that disagrees with the MADT stops boot.
boot --cpus 4 --vp-count 2 --cmdline vmtest.suite=smp
[ "$rc" -eq 1 ] && has "csvsm: refusing to boot: MADT lists 4 enabled CPUs but the IGVM parameters give 2 vCPUs" &&
	! grep -q 'online' "$tmp/out"
ok $? "4 CPUs in the MADT, 2 in the parameters: boot refused, no AP started"
boot --cpus 2 --vp-count 3 --cmdline vmtest.suite=smp
[ "$rc" -eq 1 ] && has "csvsm: refusing to boot: MADT lists 2 enabled CPUs but the IGVM parameters give 3 vCPUs"
ok $? "2 CPUs in the MADT, 3 in the parameters: boot refused"

# 7: no ACPI tables: the sequential fallback, with a warning.
cat >"$tmp/qemu" <<'EOS'
#!/bin/sh
exec qemu-system-x86_64 "$@" -machine acpi=off
EOS
chmod +x "$tmp/qemu"
boot --cpus 4 --qemu "$tmp/qemu" --cmdline vmtest.suite=boot
[ "$rc" -eq 0 ] &&
	has "WARNING: smp: no ACPI tables (fw_cfg has no etc/table-loader): assuming APIC IDs 0..3" &&
	has "cpus: 4 from the vCPU count, APIC IDs 0 1 2 3" &&
	has "cpus: 4 of 4 CPUs online"
ok $? "acpi=off: falls back to APIC IDs 0..3 with a warning"

# 8-9: the option itself.
"$CSVSM" run --igvm "$IMG" --dry-run --topology 2:3:1 >"$tmp/out" 2>&1
[ $? -eq 0 ] && grep -q -- ' -smp 6,sockets=2,cores=3,threads=1 ' "$tmp/out"
ok $? "--topology 2:3:1 gives QEMU -smp 6,sockets=2,cores=3,threads=1"
"$CSVSM" run --igvm "$IMG" --dry-run --topology 2:3:1 --cpus 4 >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q -- '--cpus 4 but --topology gives 6' "$tmp/out" &&
	"$CSVSM" run --igvm "$IMG" --dry-run --topology 2:0:1 >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "--topology that disagrees with --cpus, or has a 0, is a usage error"

echo "1..$n"
