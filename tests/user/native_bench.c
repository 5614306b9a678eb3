// SPDX-License-Identifier: MIT
/*
 * A freestanding program for bench/user.md, run by tests/vm/test_native.c
 * (native_bench.*): prints TSC cycles (guest instructions under `csvsm
 * run --icount`) per operation, measured in ring 3:
 *   - a null system call round trip (getpid),
 *   - 16 getpid calls made one by one and as one svsm_batch,
 *   - an IPC round trip with a child on the same CPU: send, then a
 *     blocking recv of the child's echo (two switches per round).
 * With argv[1] "echo" it is that child. Exits 0 when everything ran.
 */
#include "native_calls.h"

#define ROUNDS 2000U
#define BATCH 16U

int csvsm_main(const uint64_t *sp);

static uint64_t tsc(void)
{
	uint32_t lo;
	uint32_t hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void report(const char *what, uint64_t cycles, uint64_t n)
{
	put_str("native_bench: ");
	put_str(what);
	put_str(": ");
	put_u64(cycles / n);
	put_str(" cycles\n");
}

static int echo(void)
{
	uint64_t v;

	while (sys4(SVSM_SYS_CHAN_RECV, 3, (long)&v, sizeof(v),
		    SVSM_RECV_BLOCK) == sizeof(v)) {
		if (sys4(SVSM_SYS_CHAN_SEND, 3, (long)&v, sizeof(v), 0) != 0) {
			return 2;
		}
	}
	return 0;
}

static int bench_ipc(uint32_t cpu)
{
	const char *argv[] = { "native_bench", "echo", 0 };
	struct svsm_spawn_args a;
	int32_t h[2] = { -1, -1 };
	uint64_t t0 = 0;
	uint64_t v = 0;
	long child;

	if (sys2(SVSM_SYS_CHAN_CREATE, (long)h, 0) != 0) {
		return 3;
	}
	mem_set(&a, 0, sizeof(a));
	a.path = (uint64_t) "/test/bin/native_bench";
	a.argv = (uint64_t)argv;
	a.handles = (uint64_t)&h[1];
	a.nhandles = 1;
	a.cpu = cpu;
	child = sys1(SVSM_SYS_SPAWN, (long)&a);
	if (child < 0) {
		return 4;
	}
	sys1(SVSM_SYS_HANDLE_CLOSE, h[1]);
	/* One round first: the child's start is not part of the figure. */
	for (uint32_t r = 0; r <= ROUNDS; r++) {
		if (r == 1) {
			t0 = tsc();
		}
		if (sys4(SVSM_SYS_CHAN_SEND, h[0], (long)&v, sizeof(v), 0) !=
			    0 ||
		    sys4(SVSM_SYS_CHAN_RECV, h[0], (long)&v, sizeof(v),
			 SVSM_RECV_BLOCK) != sizeof(v)) {
			return 5;
		}
	}
	report(cpu == 0 ? "ipc round trip, same CPU"
			: "ipc round trip, two CPUs",
	       tsc() - t0, ROUNDS);
	sys1(SVSM_SYS_HANDLE_CLOSE, h[0]);
	return sys2(SVSM_SYS_PROC_WAIT, child, 0) == 0 ? 0 : 6;
}

int csvsm_main(const uint64_t *sp)
{
	static struct svsm_batch_entry b[BATCH];
	uint64_t t0;
	uint64_t cpus = sp[0] >= 3 ? 2U : 1U;

	if (str_eq(entry_arg(sp, 1), "echo")) {
		return echo();
	}
	t0 = tsc();
	for (uint32_t i = 0; i < ROUNDS; i++) {
		(void)sys0(SVSM_SYS_GETPID);
	}
	report("getpid", tsc() - t0, ROUNDS);
	t0 = tsc();
	for (uint32_t i = 0; i < ROUNDS; i++) {
		for (uint32_t j = 0; j < BATCH; j++) {
			(void)sys0(SVSM_SYS_GETPID);
		}
	}
	report("16 getpid one by one", tsc() - t0, ROUNDS);
	for (uint32_t j = 0; j < BATCH; j++) {
		mem_set(&b[j], 0, sizeof(b[j]));
		b[j].nr = SVSM_SYS_GETPID;
	}
	t0 = tsc();
	for (uint32_t i = 0; i < ROUNDS; i++) {
		if (sys3(SVSM_SYS_BATCH, (long)b, BATCH, 0) != BATCH) {
			return 1;
		}
	}
	report("16 getpid in one batch", tsc() - t0, ROUNDS);
	if (bench_ipc(0) != 0) {
		return 2;
	}
	return cpus > 1 ? bench_ipc(1) : 0;
}
