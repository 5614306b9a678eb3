#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Fuzzes the IGVM reader for 15 seconds (scripts/fuzz.sh igvm 15) and
# prints the verdict as TAP; the fuzzer's own output becomes diagnostics.

set -u
cd "$(dirname "$0")/../.." || exit 1

echo "1..1"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if make -s build/fuzz-igvm >"$log" 2>&1 &&
	bash scripts/fuzz.sh igvm 15 >>"$log" 2>&1; then
	echo "ok 1 - fuzz igvm 15s"
	sed 's/^/# /' "$log" | tail -n 3
else
	echo "not ok 1 - fuzz igvm 15s"
	sed 's/^/# /' "$log" | tail -n 40
fi
