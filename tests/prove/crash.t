#!/usr/bin/env bash
# A deliberate fault in a test-only path is reported with the exception,
# the registers and a backtrace that names the faulting function and its
# callers; the VM then exits with failure (fail closed).
cd "$(dirname "$0")/../.." || exit 1
echo "1..4"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
n=0
check() { # name cmdline pattern...
	local name=$1 cmd=$2 out rc ok=1
	shift 2
	n=$((n + 1))
	build/tools/csvsm run --igvm build/csvsm-test.igvm \
		--cmdline "$cmd" --timeout 60 >"$tmp" 2>&1
	rc=$?
	out=$(tr -d '\r' <"$tmp")
	[ "$rc" -eq 1 ] || { echo "# exit status $rc, want 1"; ok=0; }
	for p in "$@"; do
		grep -qF -- "$p" <<<"$out" || { echo "# missing: $p"; ok=0; }
	done
	if [ $ok -eq 1 ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		sed 's/^/# /' <<<"$out" | tail -30
	fi
}
check "page fault report names vmtest_crash_pagefault" "vmtest.crash=pf" \
	"unhandled exception: #PF page fault (vector 14)" "CR2: " \
	"RIP: [<" "] vmtest_crash_pagefault+0x" "backtrace:" \
	"] maybe_crash+0x" "] kernel_payload+0x" "] kernel_main+0x" \
	"csvsm: fatal exception, stopping"
check "invalid opcode report names vmtest_crash_invalid_opcode" \
	"vmtest.crash=ud" "#UD invalid opcode (vector 6)" \
	"] vmtest_crash_invalid_opcode+0x" "] kernel_payload+0x"
check "stack overflow hits the guard page and is reported as such" \
	"vmtest.crash=stack" "unhandled exception: #DF double fault (vector 8)" \
	"kernel stack overflow: guard page hit at 0x" \
	"] vmtest_crash_stack_overflow+0x"
check "executing a data page faults (NX)" "vmtest.crash=nx" \
	"#PF page fault (vector 14) error code 0x11" \
	"RIP: [<" "] vmtest_crash_execute_data+0x"
