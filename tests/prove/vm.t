#!/usr/bin/env bash
# The in-VM suites: boots build/csvsm-test.igvm under QEMU (TCG) and passes
# its KTAP output through. A hang becomes a failure after the timeout.
cd "$(dirname "$0")/../.." || exit 1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
build/tools/csvsm run --igvm build/csvsm-test.igvm --cpus "${VM_CPUS:-4}" \
	--timeout "${VM_TIMEOUT:-600}" >"$out" 2>&1
rc=$?
tr -d '\r' <"$out" | sed -n '/^KTAP version 1$/,$p'
if ! grep -q '^# vmtest: ' "$out"; then
	echo "not ok 999 vm # TIMEOUT or crash (csvsm exit $rc)"
	tr -d '\r' <"$out" | sed 's/^/# /' | tail -40
	exit 1
fi
exit "$rc"
