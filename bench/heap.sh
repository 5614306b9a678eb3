#!/usr/bin/env bash
# libsvsm's heap against glibc malloc on the host, same run, same fixed
# workload (bench/heap_bench.c): wall time (best and median of REPS runs)
# and callgrind instruction counts of one run each. Builds
# build/bench/heap_bench with -O2 and no sanitizers; the Makefile is not
# involved. Results and how to read them: bench/heap.md.
#
# Usage: bash bench/heap.sh [STEPS] [REPS]    (default 1000000 and 7)
set -euo pipefail
cd "$(dirname "$0")/.."

STEPS=${1:-1000000}
REPS=${2:-7}
OUT=build/bench
BIN=$OUT/heap_bench
CC=${CC:-gcc}
CFLAGS=(-std=gnu11 -O2 -g -fno-omit-frame-pointer -D_GNU_SOURCE
	-Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes
	-Wmissing-prototypes -Iuser/lib/include -Iinclude -Ilib)
SRCS=(bench/heap_bench.c user/lib/heap.c user/lib/string.c user/lib/sys.c)

[[ $STEPS =~ ^[1-9][0-9]*$ && $REPS =~ ^[1-9][0-9]*$ ]] ||
	{ echo "heap.sh: bad arguments" >&2; exit 1; }
mkdir -p "$OUT"
"$CC" "${CFLAGS[@]}" -o "$BIN" "${SRCS[@]}"

echo "wall time, $STEPS steps, best/median of $REPS:"
for a in libsvsm glibc; do
	"$BIN" "$a" "$STEPS" "$REPS"
done

if command -v valgrind >/dev/null; then
	echo
	echo "callgrind, $STEPS steps, one run (Ir inside run_<allocator>):"
	declare -A IR
	for a in libsvsm glibc; do
		prof=$OUT/callgrind.heap_$a.out
		valgrind --tool=callgrind --toggle-collect="run_$a" \
			--callgrind-out-file="$prof" "$BIN" "$a" "$STEPS" 1 \
			>"$OUT/heap_$a.log" 2>&1
		IR[$a]=$(awk '$1 == "summary:" { print $2; exit }' "$prof")
		awk -v a="$a" -v ir="${IR[$a]}" -v n="$STEPS" \
			'BEGIN { printf "%-8s %14.0f Ir  %8.1f Ir/step\n", a, ir, ir / n }'
	done
	awk -v s="${IR[libsvsm]}" -v g="${IR[glibc]}" \
		'BEGIN { printf "ratio libsvsm/glibc: %.2f\n", s / g }'
fi
