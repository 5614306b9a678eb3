// SPDX-License-Identifier: MIT
/*
 * A freestanding test program for tests/vm/test_native.c, run from the
 * RAM FS as /test/bin/native_check with the area to check in argv[1].
 * Exits 0 when every check of that area holds, else the number of the
 * first that failed. The same file, with another argv[1], is the helper
 * child the checks spawn ("echo", "loop", "recv", "policy-child").
 *
 *   handles   1-6   close and dup: bad handles EBADF, dup that widens
 *                   EPERM, a dup without DUP cannot be duplicated
 *   channels  10-21 round trip of 0..SVSM_MSG_MAX bytes in order,
 *                   EMSGSIZE on send and on recv (message kept), EAGAIN
 *                   when SVSM_CHAN_DEPTH wait, EPIPE after close, wrong
 *                   object EBADF, missing right EPERM, bad buffer EFAULT
 *   events    30-33 counter semantics, rights
 *   wait      40-49 poll, timeout honoured (never early), 64 items,
 *                   bad items, wake-up by a child's message
 *   batch     50-57 16 getpid, a bad entry with and without
 *                   STOP_ON_ERROR, nested batch and exit refused
 *   spawn     60-66 missing file, not ELF, handle without DUP, bad
 *                   handle, too many handles, bad CPU, bad pointers
 *   ipc       70-75 messages both ways with a child over a channel
 *                   passed at spawn; NOHANG; the child's exit status
 *   kill      80-84 a looping child, a child blocked in recv, rights
 *   policy    90-99 refusals counted, drop-only, spawn cannot widen
 *   budget    100   fill channels until the kernel's budget says ENOMEM
 */
#include "native_calls.h"

#define SELF "/test/bin/native_check"
#define BAD_PTR 0xFFFFFFFF80000000L
#define KILLED ((long)(SVSM_EXIT_KILLED | 0xFFU))
#define CHECK(n, cond)              \
	do {                        \
		if (!(cond)) {      \
			return (n); \
		}                   \
	} while (0)

int csvsm_main(const uint64_t *sp);

static uint8_t buf[SVSM_MSG_MAX + 16U];
static uint8_t buf2[SVSM_MSG_MAX + 16U];

static long chan(int32_t h[2])
{
	return sys2(SVSM_SYS_CHAN_CREATE, (long)h, 0);
}

static long send(long h, const void *p, long n)
{
	return sys4(SVSM_SYS_CHAN_SEND, h, (long)p, n, 0);
}

static long recv(long h, void *p, long cap, long flags)
{
	return sys4(SVSM_SYS_CHAN_RECV, h, (long)p, cap, flags);
}

static long closeh(long h)
{
	return sys1(SVSM_SYS_HANDLE_CLOSE, h);
}

static long dup(long h, long rights)
{
	return sys2(SVSM_SYS_HANDLE_DUP, h, rights);
}

/** Spawns this program with `mode`, passing `n` handles. */
static long spawn_self(const char *mode, const int32_t *hs, uint32_t n,
		       const struct svsm_policy *pol)
{
	const char *argv[] = { "native_check", mode, 0 };
	struct svsm_spawn_args a;

	mem_set(&a, 0, sizeof(a));
	a.path = (uint64_t)SELF;
	a.argv = (uint64_t)argv;
	a.handles = (uint64_t)hs;
	a.nhandles = n;
	a.policy = (uint64_t)pol;
	a.cpu = SVSM_SPAWN_ANY_CPU;
	return sys1(SVSM_SYS_SPAWN, (long)&a);
}

static long proc_wait(long h, long flags)
{
	return sys2(SVSM_SYS_PROC_WAIT, h, flags);
}

static void nap_ms(long ms)
{
	int64_t ts[2] = { 0, ms * 1000000L };

	(void)sys1(SVSM_SYS_NANOSLEEP, (long)ts);
}

static int check_handles(void)
{
	long d;

	CHECK(1, closeh(60) == -SVSM_EBADF && closeh(-1) == -SVSM_EBADF &&
			 closeh(1L << 40) == -SVSM_EBADF);
	CHECK(2, dup(60, SVSM_RIGHT_READ) == -SVSM_EBADF);
	/* fd 1 is the console: WRITE|WAIT|DUP; READ would widen. */
	CHECK(3, dup(1, SVSM_RIGHT_READ | SVSM_RIGHT_WRITE) == -SVSM_EPERM);
	CHECK(4, dup(1, 0x100) == -SVSM_EINVAL);
	d = dup(1, SVSM_RIGHT_WRITE);
	CHECK(5, d == 3 && sys3(SVSM_SYS_WRITE, d, (long)"", 0) == 0);
	/* No DUP right on d: it cannot be duplicated, even narrower. */
	CHECK(6, dup(d, 0) == -SVSM_EPERM && closeh(d) == 0 &&
			 closeh(d) == -SVSM_EBADF);
	return 0;
}

static int check_channel_errors(const int32_t h[2]);

static int check_channels(void)
{
	int32_t h[2] = { -1, -1 };
	long n0;
	long n1;

	CHECK(10, chan(h) == 0 && h[0] == 3 && h[1] == 4);
	CHECK(10,
	      sys2(SVSM_SYS_CHAN_CREATE, BAD_PTR, 0) == -SVSM_EFAULT &&
		      sys2(SVSM_SYS_CHAN_CREATE, (long)h, 1) == -SVSM_EINVAL);
	for (uint32_t i = 0; i < SVSM_MSG_MAX; i++) {
		buf[i] = (uint8_t)(i * 7U);
	}
	CHECK(11, send(h[0], buf, 0) == 0 && send(h[0], buf, 5) == 0 &&
			  send(h[0], buf, SVSM_MSG_MAX) == 0);
	CHECK(12, send(h[0], buf, SVSM_MSG_MAX + 1L) == -SVSM_EMSGSIZE);
	n0 = recv(h[1], buf2, 16, 0);
	n1 = recv(h[1], buf2, 16, 0);
	CHECK(13, n0 == 0 && n1 == 5 && buf2[4] == 28);
	/* Too small a buffer: EMSGSIZE and the message stays first. */
	CHECK(14, recv(h[1], buf2, 100, 0) == -SVSM_EMSGSIZE);
	CHECK(14, recv(h[1], buf2, SVSM_MSG_MAX, 0) == SVSM_MSG_MAX &&
			  buf2[SVSM_MSG_MAX - 1U] ==
				  (uint8_t)((SVSM_MSG_MAX - 1U) * 7U));
	CHECK(15, recv(h[1], buf2, 16, 0) == -SVSM_EAGAIN);
	for (uint32_t i = 0; i < SVSM_CHAN_DEPTH; i++) {
		CHECK(16, send(h[1], &i, sizeof(i)) == 0);
	}
	CHECK(16, send(h[1], buf, 1) == -SVSM_EAGAIN);
	CHECK(17, recv(h[0], buf2, 16, 0) == 4 && buf2[0] == 0);
	CHECK(17, send(h[1], buf, 1) == 0);
	return check_channel_errors(h);
}

/** Read-only to the program: a receive buffer that faults. */
static const uint8_t RO_BUF[4096] __attribute__((aligned(4096))) = { 1 };

/** The rest of check_channels: `h` has 15 messages for h[0]. */
static int check_channel_errors(const int32_t h[2])
{
	long ro;

	/* Wrong object, missing rights, bad buffers. */
	CHECK(18, send(1, buf, 1) == -SVSM_EBADF &&
			  recv(40, buf2, 1, 0) == -SVSM_EBADF);
	ro = dup(h[0], SVSM_RIGHT_READ);
	CHECK(19, ro > 0 && send(ro, buf, 1) == -SVSM_EPERM &&
			  recv(ro, buf2, 16, 0) == 4);
	/* A buffer in this program's read-only data faults in the copy:
	 * the message stays queued (check 21 counts every one). */
	CHECK(20, send(h[0], (void *)BAD_PTR, 4) == -SVSM_EFAULT &&
			  recv(h[0], (void *)BAD_PTR, 4, 0) == -SVSM_EFAULT &&
			  sys4(SVSM_SYS_CHAN_RECV, h[0], (long)RO_BUF, 16, 0) ==
				  -SVSM_EFAULT &&
			  sys4(SVSM_SYS_CHAN_SEND, h[0], (long)buf, 1, 1) ==
				  -SVSM_EINVAL);
	/* Peer closed: what waits is still read, then EPIPE. */
	CHECK(21, closeh(h[1]) == 0 && send(h[0], buf, 1) == -SVSM_EPIPE);
	for (uint32_t i = 2; i < SVSM_CHAN_DEPTH; i++) {
		CHECK(21, recv(h[0], buf2, 16, 0) == 4);
	}
	CHECK(21, recv(h[0], buf2, 16, 0) == 1);
	CHECK(21, recv(h[0], buf2, 16, 0) == -SVSM_EPIPE &&
			  recv(h[0], buf2, 16, SVSM_RECV_BLOCK) == -SVSM_EPIPE);
	CHECK(21, closeh(h[0]) == 0 && closeh(ro) == 0);
	return 0;
}

static int check_events(void)
{
	long e = sys1(SVSM_SYS_EVENT_CREATE, 0);
	long ro;
	long n;

	CHECK(30, e >= 3 && sys1(SVSM_SYS_EVENT_CREATE, 2) == -SVSM_EINVAL);
	CHECK(31, sys1(SVSM_SYS_EVENT_CONSUME, e) == 0);
	for (int i = 0; i < 3; i++) {
		CHECK(31, sys1(SVSM_SYS_EVENT_SIGNAL, e) == 0);
	}
	n = sys1(SVSM_SYS_EVENT_CONSUME, e);
	CHECK(31, n == 3 && sys1(SVSM_SYS_EVENT_CONSUME, e) == 0);
	ro = dup(e, SVSM_RIGHT_READ);
	CHECK(32, sys1(SVSM_SYS_EVENT_SIGNAL, ro) == -SVSM_EPERM &&
			  sys1(SVSM_SYS_EVENT_CONSUME, ro) == 0);
	CHECK(33, sys1(SVSM_SYS_EVENT_SIGNAL, 1) == -SVSM_EBADF &&
			  sys1(SVSM_SYS_EVENT_SIGNAL, 50) == -SVSM_EBADF);
	return closeh(e) == 0 && closeh(ro) == 0 ? 0 : 33;
}

static int check_wait(void)
{
	static struct svsm_wait_item items[SVSM_WAIT_MAX + 1U];
	int32_t h[2] = { -1, -1 };
	long e = sys1(SVSM_SYS_EVENT_CREATE, 0);
	long nowait = dup(e, SVSM_RIGHT_READ);
	uint64_t t0;
	uint64_t dt;

	CHECK(40, chan(h) == 0 && e > 0 && nowait > 0);
	items[0] = (struct svsm_wait_item){ h[0], SVSM_WAIT_READABLE, 9, 9 };
	items[1] = (struct svsm_wait_item){ h[0], SVSM_WAIT_WRITABLE, 9, 9 };
	/* Poll: timeout 0. */
	CHECK(41, sys3(SVSM_SYS_WAIT, (long)items, 2, 0) == 1 &&
			  items[0].revents == 0 &&
			  items[1].revents == SVSM_WAIT_WRITABLE &&
			  items[0].error == 0);
	/* Timeout honoured: never early. */
	for (long ms = 1; ms <= 20; ms += 19) {
		t0 = now_ns();
		CHECK(42,
		      sys3(SVSM_SYS_WAIT, (long)items, 1, ms * 1000000L) == 0);
		dt = now_ns() - t0;
		CHECK(43, dt >= (uint64_t)ms * 1000000U);
	}
	/* 64 items, all on the event; one more is too many. */
	for (uint32_t i = 0; i < SVSM_WAIT_MAX; i++) {
		items[i] = (struct svsm_wait_item){ (int32_t)e,
						    SVSM_WAIT_SIGNALED, 0, 0 };
	}
	items[7].handle = h[1];
	items[7].events = SVSM_WAIT_READABLE;
	CHECK(44, sys3(SVSM_SYS_WAIT, (long)items, SVSM_WAIT_MAX + 1L, 0) ==
			  -SVSM_EINVAL);
	CHECK(45, sys3(SVSM_SYS_WAIT, (long)items, SVSM_WAIT_MAX, 0) == 0 &&
			  sys1(SVSM_SYS_EVENT_SIGNAL, e) == 0);
	CHECK(45, sys3(SVSM_SYS_WAIT, (long)items, SVSM_WAIT_MAX,
		       SVSM_WAIT_FOREVER) == (long)SVSM_WAIT_MAX - 1L &&
			  items[0].revents == SVSM_WAIT_SIGNALED &&
			  items[7].revents == 0);
	CHECK(46, send(h[0], buf, 1) == 0 &&
			  sys3(SVSM_SYS_WAIT, (long)items, SVSM_WAIT_MAX, 0) ==
				  (long)SVSM_WAIT_MAX &&
			  items[7].revents == SVSM_WAIT_READABLE);
	/* Bad items: reported at once, per item. */
	items[0] = (struct svsm_wait_item){ 55, SVSM_WAIT_READABLE, 0, 0 };
	items[1] = (struct svsm_wait_item){ (int32_t)nowait, SVSM_WAIT_SIGNALED,
					    0, 0 };
	CHECK(47, sys3(SVSM_SYS_WAIT, (long)items, 2, SVSM_WAIT_FOREVER) == 2 &&
			  items[0].error == -SVSM_EBADF &&
			  items[1].error == -SVSM_EPERM);
	items[0] = (struct svsm_wait_item){ h[0], 0x100, 0, 0 };
	CHECK(48, sys3(SVSM_SYS_WAIT, (long)items, 1, 0) == -SVSM_EINVAL &&
			  sys3(SVSM_SYS_WAIT, BAD_PTR, 1, 0) == -SVSM_EFAULT);
	/* Peer closed wakes a reader. */
	items[0] = (struct svsm_wait_item){ h[1], SVSM_WAIT_PEER_CLOSED, 0, 0 };
	CHECK(49, closeh(h[0]) == 0 && sys3(SVSM_SYS_WAIT, (long)items, 1,
					    SVSM_WAIT_FOREVER) == 1);
	closeh(h[1]);
	closeh(e);
	closeh(nowait);
	return 0;
}

static void batch_fill(struct svsm_batch_entry *b, uint32_t n, long nr)
{
	for (uint32_t i = 0; i < n; i++) {
		mem_set(&b[i], 0, sizeof(b[i]));
		b[i].nr = (uint64_t)nr;
		b[i].result = 12345;
	}
}

static int check_batch(void)
{
	static struct svsm_batch_entry b[SVSM_BATCH_MAX + 1U];
	long pid = sys0(SVSM_SYS_GETPID);

	batch_fill(b, 16, SVSM_SYS_GETPID);
	CHECK(50, sys3(SVSM_SYS_BATCH, (long)b, 16, 0) == 16);
	for (uint32_t i = 0; i < 16; i++) {
		CHECK(50, b[i].result == pid);
	}
	/* A bad entry: with STOP_ON_ERROR nothing after it runs. */
	batch_fill(b, 4, SVSM_SYS_GETPID);
	b[1].nr = SVSM_SYS_CHAN_SEND;
	b[1].args[0] = 50;
	CHECK(51,
	      sys3(SVSM_SYS_BATCH, (long)b, 4, SVSM_BATCH_STOP_ON_ERROR) == 2 &&
		      b[0].result == pid && b[1].result == -SVSM_EBADF &&
		      b[2].result == 12345);
	CHECK(52,
	      sys3(SVSM_SYS_BATCH, (long)b, 4, 0) == 4 && b[3].result == pid);
	/* Nested batch and exit are refused per entry. */
	batch_fill(b, 3, SVSM_SYS_BATCH);
	b[0].args[0] = (uint64_t)&b[2];
	b[0].args[1] = 1;
	b[1].nr = SVSM_SYS_EXIT;
	b[2].nr = SVSM_SYS_EXIT_GROUP;
	CHECK(53, sys3(SVSM_SYS_BATCH, (long)b, 3, 0) == 3 &&
			  b[0].result == -SVSM_EINVAL &&
			  b[1].result == -SVSM_EINVAL &&
			  b[2].result == -SVSM_EINVAL);
	CHECK(54, sys3(SVSM_SYS_BATCH, (long)b, SVSM_BATCH_MAX + 1L, 0) ==
				  -SVSM_EINVAL &&
			  sys3(SVSM_SYS_BATCH, (long)b, 1, 2) == -SVSM_EINVAL);
	CHECK(55, sys3(SVSM_SYS_BATCH, BAD_PTR, 1, 0) == -SVSM_EFAULT);
	CHECK(56, sys3(SVSM_SYS_BATCH, (long)b, 0, 0) == 0);
	/* An unknown call in a batch is ENOSYS, like alone. */
	batch_fill(b, 1, 0x2000);
	CHECK(57, sys3(SVSM_SYS_BATCH, (long)b, 1, 0) == 1 &&
			  b[0].result == -SVSM_ENOSYS);
	return 0;
}

static int check_spawn(void)
{
	const char *argv[] = { "x", 0 };
	struct svsm_spawn_args a;
	int32_t hs[SVSM_SPAWN_HANDLES + 1U];
	long nodup = dup(1, SVSM_RIGHT_WRITE);

	mem_set(&a, 0, sizeof(a));
	a.path = (uint64_t) "/test/bin/missing";
	a.argv = (uint64_t)argv;
	a.cpu = SVSM_SPAWN_ANY_CPU;
	CHECK(60, sys1(SVSM_SYS_SPAWN, (long)&a) == -SVSM_ENOENT);
	a.path = (uint64_t) "/test/ramfs/hello.txt";
	CHECK(61, sys1(SVSM_SYS_SPAWN, (long)&a) == -SVSM_ENOEXEC);
	a.path = (uint64_t)SELF;
	hs[0] = (int32_t)nodup;
	a.handles = (uint64_t)hs;
	a.nhandles = 1;
	CHECK(62, nodup > 0 && sys1(SVSM_SYS_SPAWN, (long)&a) == -SVSM_EPERM);
	hs[0] = 45;
	CHECK(63, sys1(SVSM_SYS_SPAWN, (long)&a) == -SVSM_EBADF);
	a.nhandles = SVSM_SPAWN_HANDLES + 1U;
	CHECK(64, sys1(SVSM_SYS_SPAWN, (long)&a) == -SVSM_EINVAL);
	a.nhandles = 0;
	a.cpu = 200;
	CHECK(65, sys1(SVSM_SYS_SPAWN, (long)&a) == -SVSM_EINVAL);
	a.cpu = SVSM_SPAWN_ANY_CPU;
	a.path = (uint64_t)BAD_PTR;
	CHECK(66, sys1(SVSM_SYS_SPAWN, (long)&a) == -SVSM_EFAULT &&
			  sys1(SVSM_SYS_SPAWN, BAD_PTR) == -SVSM_EFAULT);
	a.path = (uint64_t)SELF;
	a.argv = (uint64_t)BAD_PTR;
	CHECK(66, sys1(SVSM_SYS_SPAWN, (long)&a) == -SVSM_EFAULT);
	return closeh(nodup) == 0 ? 0 : 66;
}

static int check_ipc(void)
{
	int32_t h[2] = { -1, -1 };
	long child;
	uint64_t got = 0;

	CHECK(70, chan(h) == 0);
	child = spawn_self("echo", &h[1], 1, 0);
	CHECK(70, child > 0 && closeh(h[1]) == 0);
	CHECK(71, proc_wait(child, SVSM_PROC_NOHANG) == -SVSM_EAGAIN &&
			  proc_wait(child, 2) == -SVSM_EINVAL &&
			  proc_wait(h[0], 0) == -SVSM_EBADF);
	for (uint64_t i = 0; i < 100; i++) {
		CHECK(72, send(h[0], &i, sizeof(i)) == 0);
		CHECK(73, recv(h[0], &got, sizeof(got), SVSM_RECV_BLOCK) ==
					  sizeof(got) &&
				  got == i * 3U);
	}
	/* Closing our end ends the echo loop: the child exits 7. */
	CHECK(74, closeh(h[0]) == 0 && proc_wait(child, 0) == 7 &&
			  proc_wait(child, SVSM_PROC_NOHANG) == 7);
	CHECK(75, closeh(child) == 0);
	return 0;
}

static int check_kill(void)
{
	int32_t h[2] = { -1, -1 };
	long child = spawn_self("loop", 0, 0, 0);
	long weak;

	CHECK(80, child > 0);
	weak = dup(child, SVSM_RIGHT_WAIT);
	CHECK(81, sys1(SVSM_SYS_PROC_KILL, weak) == -SVSM_EPERM &&
			  sys1(SVSM_SYS_PROC_KILL, 1) == -SVSM_EBADF);
	nap_ms(5);
	CHECK(82, sys1(SVSM_SYS_PROC_KILL, child) == 0 &&
			  proc_wait(weak, 0) == KILLED);
	closeh(child);
	closeh(weak);
	/* Blocked in recv: the kill wakes it. */
	CHECK(83, chan(h) == 0);
	child = spawn_self("recv", &h[1], 1, 0);
	CHECK(83, child > 0 && closeh(h[1]) == 0);
	nap_ms(10);
	CHECK(84, proc_wait(child, SVSM_PROC_NOHANG) == -SVSM_EAGAIN &&
			  sys1(SVSM_SYS_PROC_KILL, child) == 0 &&
			  proc_wait(child, 0) == KILLED);
	/* Its end went with it. */
	CHECK(84, send(h[0], buf, 1) == -SVSM_EPIPE);
	closeh(child);
	closeh(h[0]);
	return 0;
}

static void policy_deny(struct svsm_policy *pol, long nr)
{
	if (nr >= SVSM_SYS_NATIVE_BASE) {
		pol->native_calls &= ~(1ULL << (nr - SVSM_SYS_NATIVE_BASE));
	} else if (nr < SVSM_SYS_LINUX_MAX) {
		pol->linux_calls[nr / 64] &= ~(1ULL << (nr % 64));
	}
}

static void policy_all(struct svsm_policy *pol)
{
	mem_set(pol, 0xFF, sizeof(*pol));
	mem_set(pol->open_prefix, 0, sizeof(pol->open_prefix));
	pol->open_prefix[0] = '/';
}

/** The child of check_policy: getpid is not in its policy. */
static int policy_child(void)
{
	static struct svsm_batch_entry b[1];
	static struct svsm_policy pol;
	long grandchild;

	CHECK(1, sys0(SVSM_SYS_GETPID) == -SVSM_EPERM);
	CHECK(2, sys1(SVSM_SYS_POLICY_GET, (long)&pol) == 0 &&
			 pol.denied == 1 &&
			 !(pol.linux_calls[0] & (1ULL << SVSM_SYS_GETPID)) &&
			 str_eq(pol.open_prefix, "/test"));
	/* Asking for everything back changes nothing. */
	policy_all(&pol);
	CHECK(3, sys1(SVSM_SYS_POLICY_DROP, (long)&pol) == 0 &&
			 sys0(SVSM_SYS_GETPID) == -SVSM_EPERM);
	/* Nor does a child asking for everything. */
	grandchild = spawn_self("policy-grandchild", 0, 0, &pol);
	CHECK(4, grandchild > 0 && proc_wait(grandchild, 0) == 0);
	/* The batch applies the policy per entry, counted too. */
	batch_fill(b, 1, SVSM_SYS_GETPID);
	CHECK(5, sys3(SVSM_SYS_BATCH, (long)b, 1, 0) == 1 &&
			 b[0].result == -SVSM_EPERM);
	CHECK(6, sys1(SVSM_SYS_POLICY_GET, (long)&pol) == 0 && pol.denied == 3);
	/* A policy with an unterminated prefix is refused. */
	mem_set(pol.open_prefix, 'a', sizeof(pol.open_prefix));
	CHECK(7, sys1(SVSM_SYS_POLICY_DROP, (long)&pol) == -SVSM_EINVAL);
	/* Dropping the policy calls themselves: refused from then on. */
	policy_all(&pol);
	policy_deny(&pol, SVSM_SYS_POLICY_GET);
	CHECK(8, sys1(SVSM_SYS_POLICY_DROP, (long)&pol) == 0 &&
			 sys1(SVSM_SYS_POLICY_GET, (long)&pol) == -SVSM_EPERM);
	return 0;
}

static int check_policy(void)
{
	static struct svsm_policy pol;
	long child;

	CHECK(90, sys1(SVSM_SYS_POLICY_GET, (long)&pol) == 0 &&
			  pol.denied == 0 && pol.linux_calls[0] == ~0ULL &&
			  str_eq(pol.open_prefix, "/"));
	CHECK(91, sys1(SVSM_SYS_POLICY_GET, BAD_PTR) == -SVSM_EFAULT &&
			  sys1(SVSM_SYS_POLICY_DROP, BAD_PTR) == -SVSM_EFAULT);
	policy_all(&pol);
	policy_deny(&pol, SVSM_SYS_GETPID);
	pol.open_prefix[1] = 't';
	pol.open_prefix[2] = 'e';
	pol.open_prefix[3] = 's';
	pol.open_prefix[4] = 't';
	child = spawn_self("policy-child", 0, 0, &pol);
	CHECK(92, child > 0);
	child = proc_wait(child, 0);
	CHECK(92 + (int)child, child == 0);
	/* Our own drop: getpid goes, and stays gone. */
	CHECK(93, sys0(SVSM_SYS_GETPID) > 0);
	CHECK(94, sys1(SVSM_SYS_POLICY_DROP, (long)&pol) == 0 &&
			  sys0(SVSM_SYS_GETPID) == -SVSM_EPERM);
	policy_all(&pol);
	CHECK(95, sys1(SVSM_SYS_POLICY_DROP, (long)&pol) == 0 &&
			  sys0(SVSM_SYS_GETPID) == -SVSM_EPERM);
	CHECK(96, sys1(SVSM_SYS_POLICY_GET, (long)&pol) == 0 &&
			  pol.denied == 2 && str_eq(pol.open_prefix, "/test"));
	/* exit stays allowed whatever is dropped: only write is kept. */
	mem_set(&pol, 0, sizeof(pol));
	pol.linux_calls[0] = 1ULL << SVSM_SYS_WRITE;
	CHECK(97, sys1(SVSM_SYS_POLICY_DROP, (long)&pol) == 0 &&
			  sys0(SVSM_SYS_GETPID) == -SVSM_EPERM);
	return 0;
}

static int check_budget(void)
{
	int32_t h[2] = { -1, -1 };
	long r = 0;

	/* 16 messages of 8 KiB per channel; the budget ends it first. */
	for (int c = 0; c < 28 && r == 0; c++) {
		CHECK(100, chan(h) == 0);
		for (uint32_t i = 0; i < SVSM_CHAN_DEPTH && r == 0; i++) {
			r = send(h[0], buf, SVSM_MSG_MAX);
		}
	}
	return r == -SVSM_ENOMEM ? 0 : 101;
}

/** The helper modes, run as a spawned child. */
static int run_child(const char *mode)
{
	uint64_t v = 0;
	long n;

	if (str_eq(mode, "echo")) {
		while ((n = recv(3, &v, sizeof(v), SVSM_RECV_BLOCK)) ==
		       sizeof(v)) {
			v *= 3U;
			if (send(3, &v, sizeof(v)) != 0) {
				return 2;
			}
		}
		return n == -SVSM_EPIPE ? 7 : 1;
	}
	if (str_eq(mode, "loop")) {
		for (volatile int spin = 1; spin;) {
		}
		return 1;
	}
	if (str_eq(mode, "recv")) {
		(void)recv(3, &v, sizeof(v), SVSM_RECV_BLOCK);
		return 1; /* killed before anything comes */
	}
	if (str_eq(mode, "policy-child")) {
		return policy_child();
	}
	if (str_eq(mode, "orphan-parent")) {
		/* Leaves its child running: the kernel reaps it later. */
		return spawn_self("nap", 0, 0, 0) > 0 ? 0 : 1;
	}
	if (str_eq(mode, "nap")) {
		nap_ms(20);
		return 0;
	}
	if (str_eq(mode, "policy-grandchild")) {
		return sys0(SVSM_SYS_GETPID) == -SVSM_EPERM ? 0 : 1;
	}
	return -1;
}

int csvsm_main(const uint64_t *sp)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} areas[] = {
		{ "handles", check_handles }, { "channels", check_channels },
		{ "events", check_events },   { "wait", check_wait },
		{ "batch", check_batch },     { "spawn", check_spawn },
		{ "ipc", check_ipc },	      { "kill", check_kill },
		{ "policy", check_policy },   { "budget", check_budget },
	};
	const char *mode = entry_arg(sp, 1);
	int r;

	for (size_t i = 0; i < sizeof(areas) / sizeof(areas[0]); i++) {
		if (str_eq(mode, areas[i].name)) {
			r = areas[i].fn();
			if (r == 0) {
				put_str("native_check: ");
				put_str(mode);
				put_str(" as expected\n");
			}
			return r;
		}
	}
	r = run_child(mode);
	return r >= 0 ? r : 255;
}
