#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Usage: scripts/fuzz.sh NAME SECONDS
#
# Runs the libFuzzer target build/fuzz-NAME for SECONDS on a copy of its
# seed corpus tests/fuzz/corpus/NAME (the copy lives in a temporary
# directory, so the repository is never written). UBSan findings stop the
# run like ASan ones. On a crash the reproducer is kept in
# build/fuzz-artifacts/NAME/ and the exit status is 1; 2 on a usage error.

set -u
cd "$(dirname "$0")/.." || exit 2

if [ $# -ne 2 ] || ! [[ $2 =~ ^[0-9]+$ ]]; then
	echo "usage: scripts/fuzz.sh NAME SECONDS" >&2
	exit 2
fi
name=$1
seconds=$2
bin=build/fuzz-$name
seeds=tests/fuzz/corpus/$name
artifacts=build/fuzz-artifacts/$name

if [ ! -x "$bin" ]; then
	echo "fuzz.sh: $bin is not built (make $bin)" >&2
	exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/corpus" "$tmp/artifacts"
if [ -d "$seeds" ]; then
	cp -R "$seeds/." "$tmp/corpus/"
fi

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$tmp/artifacts/" \
	"$tmp/corpus" >"$tmp/log" 2>&1
rc=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/log")
if [ $rc -ne 0 ]; then
	mkdir -p "$artifacts"
	cp "$tmp/artifacts/"* "$artifacts/" 2>/dev/null
	tail -n 60 "$tmp/log" >&2
	echo "fuzz.sh: $name: failed (exit $rc); reproducers in $artifacts/" >&2
	exit 1
fi
echo "fuzz.sh: $name: no crash in ${seconds}s (${runs:-?} runs)"
