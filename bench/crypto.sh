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
#
# Usage: bash bench/crypto.sh
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
table "OpenSSL limited to general registers (OPENSSL_ia32cap=~0x1000020000000000:0):" \
	OPENSSL_ia32cap='~0x1000020000000000:0'
