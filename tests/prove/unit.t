#!/usr/bin/env bash
# Host unit tests (KTAP) under ASan and UBSan.
cd "$(dirname "$0")/../.." || exit 1
exec build/unit-tests
