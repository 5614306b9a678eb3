#!/usr/bin/env bash
# Static checks that run in every `make test`: clang-format over every C
# source and header, and each header compiling on its own.
cd "$(dirname "$0")/../.." || exit 1
echo "1..2"
if out=$(make --no-print-directory check-format 2>&1); then
	echo "ok 1 - clang-format"
else
	echo "not ok 1 - clang-format"
	sed 's/^/# /' <<<"$out" | head -40
fi
if out=$(make --no-print-directory check-headers 2>&1); then
	echo "ok 2 - headers are self-contained"
else
	echo "not ok 2 - headers are self-contained"
	sed 's/^/# /' <<<"$out" | head -40
fi
