#!/usr/bin/env bash
# Instructions per allocate+free operation of the memory allocators,
# counted by callgrind: page_alloc/page_free on CPU 0, kmalloc/kfree of
# 64 bytes, and glibc malloc/free of 64 bytes for comparison. Builds
# build/bench/alloc_bench with its own gcc command line (-O2, no
# sanitizers; the Makefile is not involved) and prints a table.
#
# Usage: bash bench/run.sh [ITERATIONS]    (default 1000000; or N=...)
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-${N:-1000000}}
OUT=build/bench
BIN=$OUT/alloc_bench
CC=${CC:-gcc}
CFLAGS=(-std=gnu11 -O2 -g -fno-omit-frame-pointer -D_GNU_SOURCE
	-Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes
	-Wmissing-prototypes -Wframe-larger-than=1024
	-Iplat/host/include -Iinclude -Iarch/x86/include -Ilib)
SRCS=(bench/alloc_bench.c kernel/mm/heap.c plat/host/heap_backend.c
	kernel/mm/page_alloc.c kernel/mm/alloc_fail.c)
WORKLOADS=(pages kmalloc malloc)
LABELS=("page_alloc+page_free (cpu 0, order 0)" "kmalloc(64)+kfree"
	"malloc(64)+free (glibc)")

command -v valgrind >/dev/null || { echo "run.sh: valgrind not found" >&2; exit 1; }
[[ $N =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: bad iteration count '$N'" >&2; exit 1; }
mkdir -p "$OUT"
"$CC" "${CFLAGS[@]}" -o "$BIN" "${SRCS[@]}"

# Ir collected inside bench_<workload> (inclusive of everything it calls).
declare -A IR
for w in "${WORKLOADS[@]}"; do
	prof=$OUT/callgrind.$w.out
	if ! valgrind --tool=callgrind --toggle-collect="bench_$w" \
		--callgrind-out-file="$prof" "$BIN" "$w" "$N" \
		>"$OUT/$w.log" 2>&1; then
		echo "run.sh: workload $w failed; see $OUT/$w.log" >&2
		exit 1
	fi
	IR[$w]=$(awk '$1 == "summary:" { print $2; exit }' "$prof")
	[[ -n ${IR[$w]} && ${IR[$w]} -gt 0 ]] || {
		echo "run.sh: no events for $w in $prof" >&2; exit 1; }
done

printf '\nallocator benchmark: %s iterations, callgrind Ir (instructions)\n\n' "$N"
printf '%-40s %14s %10s\n' "workload" "Ir total" "Ir/op"
printf '%-40s %14s %10s\n' "--------" "--------" "-----"
for i in "${!WORKLOADS[@]}"; do
	w=${WORKLOADS[$i]}
	awk -v l="${LABELS[$i]}" -v ir="${IR[$w]}" -v n="$N" \
		'BEGIN { printf "%-40s %14d %10.1f\n", l, ir, ir / n }'
done
awk -v k="${IR[kmalloc]}" -v m="${IR[malloc]}" -v p="${IR[pages]}" 'BEGIN {
	printf "\nratio kmalloc/malloc: %.2f\n", k / m
	printf "ratio page_alloc/malloc: %.2f\n", p / m
}'
echo "(profiles: $OUT/callgrind.*.out; callgrind_annotate --inclusive=yes FILE)"
