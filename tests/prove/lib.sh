# SPDX-License-Identifier: MIT
#
# Shared by the tests/prove scripts (sourced, not run): TAP results and
# the `csvsm call` helpers of the scripts that drive csvsm's request
# channel. The caller sets `tmp` (a scratch directory) and, for the call
# helpers, `CSVSM` and `sock`; `n` and `failed` count results.
n=0
failed=0

# ok STATUS DESCRIPTION: one TAP result; a failure shows the end of
# $tmp/out (the last command's output) when there is one.
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		if [ -n "${tmp:-}" ] && [ -f "$tmp/out" ]; then
			sed 's/^/# /' "$tmp/out" | tail -"${OK_TAIL:-12}"
		fi
	fi
}

# call ARGS...: one `csvsm call` on $sock (timeout CALL_TIMEOUT seconds,
# default 60); output in $tmp/out, status in $rc.
call() {
	"$CSVSM" call --socket "$sock" --timeout "${CALL_TIMEOUT:-60}" "$@" \
		>"$tmp/out" 2>&1
	rc=$?
}

# reg NAME: the register's value from the last call.
reg() {
	awk -v r="$1" '$1 == r { print $2 }' "$tmp/out"
}

# readback GPA: the hex bytes the last call's --read GPA:... printed
# (over as many lines as it took).
readback() {
	local a
	a=$(printf '0x%x' "$1")
	awk -v h="read $a:" '
		index($0, h) == 1 { on = 1; printf "%s", substr($0, length(h) + 1); next }
		on && /^ / { printf "%s", $0; next }
		{ on = 0 }' "$tmp/out" | tr -d ' '
}

# expect RESULT DESCRIPTION ARGS...: the call is answered with RESULT.
expect() {
	local want=$1 what=$2
	shift 2
	call "$@"
	[ "$rc" -eq 0 ] && grep -q "^rax 0x[0-9a-f]* $want\$" "$tmp/out"
	ok $? "$what: $want"
}

# le BYTES VALUE: VALUE as BYTES little-endian bytes, in hex.
le() {
	local i out=
	for ((i = 0; i < $1; i++)); do
		out+=$(printf '%02x' $((($2 >> (8 * i)) & 0xff)))
	done
	echo "$out"
}

# need_tools TOOL...: skips the whole script when one is not installed.
need_tools() {
	local t
	for t in "$@"; do
		if ! command -v "$t" >/dev/null; then
			echo "1..0 # SKIP $t not installed (scripts/deps.sh)"
			exit 0
		fi
	done
}

# csvsm_boot IMAGE READY SECONDS [RUN-ARGS...]: starts `csvsm run` on
# build/IMAGE.igvm with its request socket at $sock and its console in
# $console (a file per boot: a VM being stopped may still be writing to
# its own); $vm is its process. Waits up to SECONDS for a console line
# matching READY; false if it does not come or the VM ends first.
csvsm_boot() {
	local image=$1 ready=$2 secs=$3 i
	shift 3
	sock=$tmp/req-$image.sock
	console=$tmp/console-$image
	"$CSVSM" run --igvm "build/$image.igvm" --request-socket "$sock" \
		"$@" </dev/null >"$console" 2>&1 &
	vm=$!
	for ((i = 0; i < secs * 5; i++)); do
		grep -q "$ready" "$console" && return 0
		kill -0 "$vm" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}
