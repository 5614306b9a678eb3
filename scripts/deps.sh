#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every Debian 12 package csvsm needs to build, run and test,
# and only those that are missing. Safe to run any number of times.
set -euo pipefail

PKGS=(
	make gcc binutils libc6-dev
	clang lld llvm libclang-rt-14-dev
	clang-format clang-tidy cppcheck bear
	qemu-system-x86
	perl python3
	valgrind
	libssl-dev libtpms-dev tpm2-tools swtpm
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ "${#missing[@]}" -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}; run as root to install" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
