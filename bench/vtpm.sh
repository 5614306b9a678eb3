#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vTPM command latency: csvsm's vTPM service core built for the host
# (build/tools/vtpm-host, mssim), swtpm (same libtpms), and the vTPM
# inside csvsm under QEMU TCG reached through the mssim bridge of `csvsm
# run --mssim-port` (guest page, SVSM_VTPM_CMD over the request channel,
# svsm-reqd, the vTPM process), in the same run. All three are driven by
# bench/vtpm_client.c over one TCP connection with raw TPM commands in
# mssim frames, so neither tpm2-tools nor process start-up is measured.
# vtpm-host and swtpm are measured in rounds, in alternating order (the
# machine is shared), then csvsm is booted and measured in as many
# rounds; each round gives a median per operation, and the table shows
# the median of the round medians and the ratios to swtpm. See
# bench/vtpm.md.
#
# Usage: bash bench/vtpm.sh [ITERATIONS [ROUNDS]]   (default 200 and 5)
# CSVSM_N (default 30) sets the iterations through csvsm, whose commands
# take milliseconds under TCG; CSVSM_N=0 leaves csvsm out.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-${N:-200}}
R=${2:-${ROUNDS:-5}}
CN=${CSVSM_N:-30}
OUT=build/bench
CLIENT=$OUT/vtpm_client
HOST=build/tools/vtpm-host

for t in swtpm gcc; do
	command -v $t >/dev/null || { echo "vtpm.sh: $t not found (scripts/deps.sh)" >&2; exit 1; }
done
[[ $N =~ ^[1-9][0-9]*$ && $R =~ ^[1-9][0-9]*$ && $CN =~ ^[0-9]+$ ]] ||
	{ echo "vtpm.sh: bad arguments" >&2; exit 1; }
mkdir -p "$OUT"
make -s "$HOST"
((CN == 0)) || make -s build/tools/csvsm build/csvsm.igvm
gcc -std=gnu11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$CLIENT" \
	bench/vtpm_client.c

tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT

wait_port() { # wait_port PORT: until something listens there
	for _ in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.05
	done
	echo "vtpm.sh: nothing listens on $1" >&2
	exit 1
}

base=$((20000 + RANDOM % 20000))
vport=$base
sport=$((base + 10))
"$HOST" --port "$vport" >"$tmp/vtpm.log" 2>&1 &
pids+=($!)
mkdir "$tmp/swtpm"
swtpm socket --tpm2 --tpmstate "dir=$tmp/swtpm" \
	--server "type=tcp,port=$sport" --ctrl "type=tcp,port=$((sport + 1))" \
	--flags not-need-init,startup-clear &
pids+=($!)
wait_port "$vport"
wait_port "$sport"

# Each round starts with the next server, so none always runs on a
# cold or a warm machine.
run() {
	case $1 in
	vtpm) "$CLIENT" "$vport" "$N" ;;
	swtpm) "$CLIENT" "$sport" "$N" ;;
	csvsm) "$CLIENT" "$cport" "$CN" ;;
	esac | sed "s/^/$1 $r /" >>"$tmp/results"
}
rounds() { # rounds SERVER...
	local k=$# i
	local servers=("$@")
	for r in $(seq 1 "$R"); do
		for ((i = 0; i < k; i++)); do
			run "${servers[$(((r - 1 + i) % k))]}"
		done
	done
}

# The host servers first, with no QEMU running: a running csvsm (its
# request channel polls every millisecond) made vtpm-host's fast
# commands 2.5 times slower in the same run, swtpm's not.
rounds vtpm swtpm
if ((CN > 0)); then
	cport=$((base + 20))
	build/tools/csvsm run --mssim-port "$cport" --timeout 86400 \
		</dev/null >"$tmp/csvsm.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 1 600); do
		grep -q 'vtpm: TPM up' "$tmp/csvsm.log" && break
		sleep 0.2
	done
	grep -q 'vtpm: TPM up' "$tmp/csvsm.log" ||
		{ echo "vtpm.sh: the vTPM in csvsm did not start" >&2; exit 1; }
	rounds csvsm
fi

echo "vTPM latency, $N commands per operation ($CN through csvsm), $R rounds;"
echo "median of the round medians (p90 likewise), microseconds"
echo
printf '| %-20s | %16s | %16s | %14s | %20s | %14s |\n' operation \
	"vtpm-host (p90)" "swtpm (p90)" "vtpm / swtpm" "csvsm, TCG (p90)" \
	"csvsm / swtpm"
printf '|%s|%s|%s|%s|%s|%s|\n' "----------------------" "------------------" \
	"------------------" "----------------" "----------------------" \
	"----------------"
awk '
function median(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	key = $1 SUBSEP $3
	med[key] = med[key] " " $4
	p90[key] = p90[key] " " $5
	if (!($3 in seen)) { seen[$3] = 1; order[++nops] = $3 }
}
END {
	for (i = 1; i <= nops; i++) {
		op = order[i]
		v = median(med["vtpm" SUBSEP op]); s = median(med["swtpm" SUBSEP op])
		vp = median(p90["vtpm" SUBSEP op]); sp = median(p90["swtpm" SUBSEP op])
		if (("csvsm" SUBSEP op) in med) {
			c = median(med["csvsm" SUBSEP op]); cp = median(p90["csvsm" SUBSEP op])
			cs = sprintf("%9.0f (%8.0f)", c, cp); cr = sprintf("%14.0f", c / s)
		} else {
			cs = sprintf("%20s", "-"); cr = sprintf("%14s", "-")
		}
		printf "| %-20s | %7.1f (%6.1f) | %7.1f (%6.1f) | %14.2f | %s | %s |\n", op, v, vp, s, sp, v / s, cs, cr
	}
}' "$tmp/results"
