#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Usage: scripts/elf-expect.sh NAME FILE
#
# Prints what `readelf -hlW FILE` says about an ELF executable as a C
# initialiser named NAME_readelf (a `struct readelf_view`, defined by
# tests/unit/test_elf_load.c): type, entry point, program header offset
# and count, and every program header with its flags as PF_* bits. The
# unit tests compare the loader's plan with it, so the expectations come
# from binutils rather than from the code under test.
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: scripts/elf-expect.sh NAME FILE" >&2
	exit 2
fi
LC_ALL=C readelf -hlW "$2" | awk -v name="$1" -v file="$2" '
/^  Type:/ { type = $2 }
/^  Entry point address:/ { entry = $4 }
/^  Start of program headers:/ { phoff = $5 }
/^  Number of program headers:/ { phnum = $5 }
/^ *[A-Z_]+ +0x[0-9a-f]+ +0x[0-9a-f]+ +0x[0-9a-f]+ +0x[0-9a-f]+ +0x[0-9a-f]+ / {
	flags = 0
	for (i = 7; i < NF; i++) {
		if ($i ~ /R/) flags += 4
		if ($i ~ /W/) flags += 2
		if ($i ~ /E/) flags += 1
	}
	ph[n++] = sprintf("\t\t{ \"%s\", %s, %s, %s, %s, %u, %s },",
		$1, $2, $3, $5, $6, flags, $NF)
}
END {
	if (type == "" || n == 0) {
		print "elf-expect.sh: no program headers in " file > "/dev/stderr"
		exit 1
	}
	printf "/* From readelf -hlW %s (scripts/elf-expect.sh). */\n", file
	printf "static const struct readelf_view %s_READELF = {\n", toupper(name)
	printf "\t\"%s\", %s, %s, %u,\n\t{\n", type, entry, phoff, phnum
	for (i = 0; i < n; i++) print ph[i]
	printf "\t},\n};\n"
}'
