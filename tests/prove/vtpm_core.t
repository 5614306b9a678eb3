#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The vTPM service core through the vTPM protocol layer (KTAP, ASan and
# UBSan; tests/unit/test_vtpm_core.c). Its own binary: it links libtpms.
cd "$(dirname "$0")/../.." || exit 1
if ! make -s build/vtpm-core-tests >/dev/null 2>&1; then
	echo "Bail out! cannot build build/vtpm-core-tests (scripts/deps.sh)"
	exit 1
fi
exec build/vtpm-core-tests
