#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Fuzzes every libFuzzer target the module.mk files register (the
# fuzz-targets list) for 10 seconds each, with scripts/fuzz.sh, and prints
# one TAP line per target; the fuzzer's own output becomes diagnostics.

set -u
cd "$(dirname "$0")/../.." || exit 1

seconds=10
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! targets=$(make -s --no-print-directory \
	--eval='print-fuzz-targets: ; @echo $(fuzz-targets)' \
	print-fuzz-targets 2>"$log"); then
	echo "1..1"
	echo "not ok 1 - list the fuzz targets"
	sed 's/^/# /' "$log" | tail -n 20
	exit 0
fi
if [ -z "$targets" ]; then
	echo "1..0 # SKIP no fuzz targets registered"
	exit 0
fi
read -r -a names <<<"$targets"
echo "1..${#names[@]}"
n=0
for name in "${names[@]}"; do
	n=$((n + 1))
	if make -s "build/fuzz-$name" >"$log" 2>&1 &&
		bash scripts/fuzz.sh "$name" "$seconds" >>"$log" 2>&1; then
		echo "ok $n - fuzz $name ${seconds}s"
		sed 's/^/# /' "$log" | tail -n 3
	else
		echo "not ok $n - fuzz $name ${seconds}s"
		sed 's/^/# /' "$log" | tail -n 40
	fi
done
