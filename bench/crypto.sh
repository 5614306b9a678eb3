#!/usr/bin/env bash
# Throughput of own SHA-256/384/512 (lib/crypto/sha2.c) against OpenSSL's
# on this machine, in the same run: 16 KiB and 64-byte messages, best of
# seven 0.2 s runs each (bench/crypto_bench.c). Builds
# build/bench/crypto_bench with its own gcc command line (-O2, no
# sanitizers, the host tools' optimisation level; the Makefile is not
# involved) and prints a Markdown table twice: against OpenSSL as it runs
# by default (on a CPU with SHA extensions or AVX2 it uses them), and
# against OpenSSL restricted to its general-register code
# (OPENSSL_ia32cap masks AVX, SSSE3 and every leaf-7 feature, SHA-NI
# included), which is what our plain C can be compared with like for like.
# Wall time on a shared machine is noisy, so a third table counts
# instructions per byte with callgrind (deterministic), against OpenSSL's
# general-register code (valgrind does not run SHA-NI).
#
# Usage: bash bench/crypto.sh [--no-callgrind]
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=build/bench
BIN=$OUT/crypto_bench
CC=${CC:-gcc}
CFLAGS=(-std=gnu11 -O2 -g -D_GNU_SOURCE
	-Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes
	-Wmissing-prototypes -Iinclude -Ilib)
mkdir -p "$OUT"
"$CC" "${CFLAGS[@]}" -o "$BIN" bench/crypto_bench.c lib/crypto/sha2.c -lcrypto

table() { # table TITLE [ENV...]
	echo "$1"
	echo
	echo "| hash    | message | own MB/s | OpenSSL MB/s | own/OpenSSL |"
	echo "| ------- | ------: | -------: | -----------: | ----------: |"
	shift
	env "$@" "$BIN" | while read -r alg size own ossl ratio; do
		printf '| %-7s | %7s | %8s | %12s | %11s |\n' \
			"$alg" "$size" "$own" "$ossl" "$ratio"
	done
	echo
}

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo
table "OpenSSL as it runs by default:"
SCALAR='~0x1000020000000000:0'
table "OpenSSL limited to general registers (OPENSSL_ia32cap=$SCALAR):" \
	OPENSSL_ia32cap="$SCALAR"

[ "${1:-}" = --no-callgrind ] && exit 0
command -v valgrind >/dev/null || { echo "(valgrind not found: no instruction counts)"; exit 0; }
ir() { # ir IMPL ALG SIZE N: instructions inside count_loop
	OPENSSL_ia32cap="$SCALAR" valgrind --tool=callgrind \
		--toggle-collect='count_loop*' --callgrind-out-file="$OUT/cg.crypto" \
		"$BIN" count "$1" "$2" "$3" "$4" 2>&1 |
		sed -n 's/.*I *refs: *//p' | tr -d ,
}
echo "Instructions per byte (callgrind; OpenSSL limited to general registers):"
echo
echo "| hash    | message | own Ir/B | OpenSSL Ir/B | OpenSSL/own |"
echo "| ------- | ------: | -------: | -----------: | ----------: |"
for alg in SHA-256 SHA-384 SHA-512; do
	for size in 16384 64; do
		n=$((size == 64 ? 5000 : 20))
		own=$(ir own $alg $size $n)
		ossl=$(ir openssl $alg $size $n)
		awk -v a=$alg -v s=$size -v o="$own" -v p="$ossl" -v n=$n 'BEGIN {
			printf "| %-7s | %7s | %8.1f | %12.1f | %11.2f |\n",
				a, s, o / (n * s), p / (n * s), p / o }'
	done
done
