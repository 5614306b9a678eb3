// SPDX-License-Identifier: MIT
/*
 * System call dispatch (svsm/proc.h, include/uapi/svsm/syscall.h). The
 * entry (arch/x86/syscall.S) hands over the user registers as a trap
 * frame on the task's kernel stack, interrupts on. Every pointer from
 * the user is checked against the user range before use and reached only
 * through arch_copy_user(), which opens SMAP for the copy and recovers
 * from a fault: a bad pointer is -EFAULT, never a kernel fault.
 *
 * The result goes in RAX; the returned RFLAGS are the user's arithmetic
 * flags with IF forced on (nothing the user sets can reach IOPL, AC, NT
 * or TF through a system call).
 *
 * Before any call the process's policy is checked (svsm/policy.h): a
 * call it does not allow is -EPERM, counted. The csvsm-native range goes
 * to kernel/sys/native.c. A killed process ends on entry and on return.
 */
#include "uapi/svsm/syscall.h"

#include "arch/cpu.h"
#include "arch/insn.h"
#include "arch/msr.h"
#include "arch/user.h"

#include "svsm/log.h"
#include "svsm/native.h"
#include "svsm/policy.h"
#include "svsm/proc.h"
#include "svsm/rtc.h"
#include "svsm/task.h"
#include "svsm/time.h"

#include "sys_internal.h"

#define GETRANDOM_MAX 0x2000000U /* Linux's per-call limit, 32 MiB */

/** read(fd, buf, len) and write(fd, buf, len) through the fd's object. */
static int64_t sys_rw(struct process *p, uint64_t fd, uint64_t buf,
		      uint64_t len, bool is_write)
{
	uint32_t need = is_write ? SVSM_RIGHT_WRITE : SVSM_RIGHT_READ;
	struct kobj *o;
	int64_t ret;

	if (handle_get(&p->handles, (int64_t)fd, need, &o, NULL) != SVSM_OK) {
		return -SVSM_EBADF;
	}
	if (is_write) {
		ret = o->ops->write ? o->ops->write(o, buf, len) : -SVSM_EBADF;
	} else {
		ret = o->ops->read ? o->ops->read(o, buf, len) : -SVSM_EBADF;
	}
	kobj_put(o);
	return ret;
}

int64_t sys_copy_out(uint64_t uva, const void *src, size_t n)
{
	if (!uspace_range_ok(uva, n)) {
		return -SVSM_EFAULT;
	}
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): a user address */
	void *dst = (void *)(uintptr_t)uva;

	return arch_copy_user(dst, src, n) == 0 ? 0 : -SVSM_EFAULT;
}

int64_t sys_copy_in(void *dst, uint64_t uva, size_t n)
{
	if (!uspace_range_ok(uva, n)) {
		return -SVSM_EFAULT;
	}
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): a user address */
	const void *src = (const void *)(uintptr_t)uva;

	return arch_copy_user(dst, src, n) == 0 ? 0 : -SVSM_EFAULT;
}

/** arch_prctl: the FS base for TLS (user addresses only). */
static int64_t sys_arch_prctl(struct process *p, uint64_t code, uint64_t arg)
{
	switch (code) {
	case SVSM_ARCH_SET_FS:
		if (arg >= USER_VA_MAX) {
			return -SVSM_EPERM;
		}
		p->fs_base = arg;
		wrmsr(MSR_FS_BASE, arg);
		return 0;
	case SVSM_ARCH_GET_FS:
		return sys_copy_out(arg, &p->fs_base, sizeof(p->fs_base));
	default:
		return -SVSM_EINVAL;
	}
}

/** A Linux struct timespec. */
struct user_timespec {
	int64_t sec;
	int64_t nsec;
};

/**
 * clock_gettime: the monotonic clock (BOOTTIME is the same here) and the
 * realtime clock, the host's word (docs/TIME.md): EINVAL without one.
 */
static int64_t sys_clock_gettime(uint64_t id, uint64_t uts)
{
	uint64_t ns = clock_monotonic_ns();

	if (id == SVSM_CLOCK_REALTIME) {
		if (!clock_realtime_ns(&ns)) {
			return -SVSM_EINVAL;
		}
	} else if (id != SVSM_CLOCK_MONOTONIC && id != SVSM_CLOCK_BOOTTIME) {
		return -SVSM_EINVAL;
	}
	struct user_timespec ts = { (int64_t)(ns / NSEC_PER_SEC),
				    (int64_t)(ns % NSEC_PER_SEC) };

	return sys_copy_out(uts, &ts, sizeof(ts));
}

/** time(tloc): realtime seconds, also stored at `tloc` unless it is 0. */
static int64_t sys_time(uint64_t utloc)
{
	uint64_t ns;
	int64_t sec;

	if (!clock_realtime_ns(&ns)) {
		return -SVSM_EINVAL;
	}
	sec = (int64_t)(ns / NSEC_PER_SEC);
	if (utloc != 0 && sys_copy_out(utloc, &sec, sizeof(sec)) != 0) {
		return -SVSM_EFAULT;
	}
	return sec;
}

/**
 * prlimit64(pid, resource, new, old): this process only (ESRCH for
 * another pid), read only (EPERM for a new limit). RLIMIT_STACK is the
 * stack the process has; the rest are reported unlimited.
 */
static int64_t sys_prlimit64(const struct process *p, uint64_t pid,
			     uint64_t resource, uint64_t unew, uint64_t uold)
{
	struct svsm_rlimit lim = { SVSM_RLIM_INFINITY, SVSM_RLIM_INFINITY };

	if (pid != 0 && pid != p->id) {
		return -SVSM_ESRCH;
	}
	if (resource >= SVSM_RLIM_NLIMITS) {
		return -SVSM_EINVAL;
	}
	if (unew != 0) {
		return -SVSM_EPERM;
	}
	if (resource == SVSM_RLIMIT_STACK) {
		lim.cur = (uint64_t)USER_STACK_PAGES * PAGE_SIZE;
		lim.max = lim.cur;
	}
	return uold != 0 ? sys_copy_out(uold, &lim, sizeof(lim)) : 0;
}

/**
 * futex(uaddr, op, val, timeout): FUTEX_WAIT and FUTEX_WAKE, private or
 * not. A process has one thread, so no one else can wake a waiter: WAIT
 * checks the value (EAGAIN if it differs) and sleeps until its timeout
 * (ETIMEDOUT) or for ever; WAKE wakes no one and returns 0. The word
 * must be a 4-byte aligned user address (EINVAL if misaligned, EFAULT
 * if not readable).
 */
static int64_t sys_futex(const struct trap_frame *f)
{
	uint64_t uaddr = f->rdi;
	uint64_t cmd = f->rsi & ~(uint64_t)SVSM_FUTEX_PRIVATE_FLAG;
	struct user_timespec ts = { 0, 0 };
	uint32_t word;

	if (cmd != SVSM_FUTEX_WAIT && cmd != SVSM_FUTEX_WAKE) {
		return -SVSM_ENOSYS;
	}
	if (uaddr & 3U) {
		return -SVSM_EINVAL;
	}
	if (sys_copy_in(&word, uaddr, sizeof(word)) != 0) {
		return -SVSM_EFAULT;
	}
	if (cmd == SVSM_FUTEX_WAKE) {
		return 0;
	}
	if (word != (uint32_t)f->rdx) {
		return -SVSM_EAGAIN;
	}
	if (f->r10 != 0 && sys_copy_in(&ts, f->r10, sizeof(ts)) != 0) {
		return -SVSM_EFAULT;
	}
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NSEC_PER_SEC ||
	    (uint64_t)ts.sec > UINT32_MAX) {
		return -SVSM_EINVAL;
	}
	do {
		uint64_t ms = f->r10 != 0 ? (uint64_t)ts.sec * 1000U +
						    ((uint64_t)ts.nsec +
						     NSEC_PER_MSEC - 1U) /
							    NSEC_PER_MSEC
					  : 1000U;

		task_sleep_ms(ms);
	} while (f->r10 == 0);
	return -SVSM_ETIMEDOUT;
}

/** nanosleep: at least the time asked, in whole ticks. */
static int64_t sys_nanosleep(uint64_t ureq)
{
	struct user_timespec ts;
	int64_t err = sys_copy_in(&ts, ureq, sizeof(ts));

	if (err != 0) {
		return err;
	}
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NSEC_PER_SEC ||
	    (uint64_t)ts.sec > UINT32_MAX) {
		return -SVSM_EINVAL;
	}
	uint64_t ns = (uint64_t)ts.sec * NSEC_PER_SEC + (uint64_t)ts.nsec;
	uint64_t deadline = clock_monotonic_ns() + ns;
	struct process *p = process_current();

	/*
	 * Blocked as a process, so that process_kill ends the sleep (the
	 * caller then dies on its way out); a wake-up that comes early, as
	 * ticks can in a burst when the host is slow, sleeps again until
	 * the clock has passed the deadline.
	 */
	while (clock_monotonic_ns() < deadline) {
		if (process_is_killed(p)) {
			return -SVSM_EINTR;
		}
		process_block_arm(p);
		process_block(p, deadline);
	}
	return 0;
}

/**
 * getrandom: bytes from RDRAND. A CPU that stops delivering gives
 * -EAGAIN, never weaker bytes.
 */
static int64_t sys_getrandom(uint64_t ubuf, uint64_t len, uint64_t flags)
{
	uint64_t done = 0;

	if (flags & ~(uint64_t)(SVSM_GRND_NONBLOCK | SVSM_GRND_RANDOM)) {
		return -SVSM_EINVAL;
	}
	if (len > GETRANDOM_MAX) {
		len = GETRANDOM_MAX;
	}
	while (done < len) {
		uint64_t v = 0;
		size_t n = len - done < sizeof(v) ? (size_t)(len - done)
						  : sizeof(v);

		if (!rdrand64_retry(&v)) {
			return done > 0 ? (int64_t)done : -SVSM_EAGAIN;
		}
		if (sys_copy_out(ubuf + done, &v, n) != 0) {
			return done > 0 ? (int64_t)done : -SVSM_EFAULT;
		}
		done += n;
	}
	return (int64_t)done;
}

/** The calls with more to do than one line; -ENOSYS for the unknown. */
static int64_t dispatch_more(struct process *p, const struct trap_frame *f)
{
	switch (f->rax) {
	case SVSM_SYS_ARCH_PRCTL:
		return sys_arch_prctl(p, f->rdi, f->rsi);
	case SVSM_SYS_CLOCK_GETTIME:
		return sys_clock_gettime(f->rdi, f->rsi);
	case SVSM_SYS_NANOSLEEP:
		return sys_nanosleep(f->rdi);
	case SVSM_SYS_GETRANDOM:
		return sys_getrandom(f->rdi, f->rsi, f->rdx);
	case SVSM_SYS_GETTID:
	case SVSM_SYS_SET_TID_ADDRESS: /* one thread: nothing to clear */
		return (int64_t)p->id;
	case SVSM_SYS_BRK:
		return sys_brk(p, f->rdi);
	case SVSM_SYS_MMAP:
		return sys_mmap(p, f);
	case SVSM_SYS_MUNMAP:
		return sys_munmap(p, f->rdi, f->rsi);
	case SVSM_SYS_MPROTECT:
		return sys_mprotect(p, f->rdi, f->rsi, f->rdx);
	case SVSM_SYS_TIME:
		return sys_time(f->rdi);
	case SVSM_SYS_PRLIMIT64:
		return sys_prlimit64(p, f->rdi, f->rsi, f->rdx, f->r10);
	case SVSM_SYS_FUTEX:
		return sys_futex(f);
	default:
		return sys_file_dispatch(p, f);
	}
}

int64_t syscall_call(struct process *p, struct trap_frame *f)
{
	int64_t ret;
	bool is_native =
		f->rax >= SVSM_SYS_NATIVE_BASE && f->rax < SVSM_SYS_NATIVE_END;
	bool is_req = f->rax >= SVSM_SYS_REQ_BASE && f->rax < SVSM_SYS_REQ_END;

	if ((f->rax < SVSM_SYS_LINUX_MAX || is_native || is_req) &&
	    !policy_allows(&p->policy, f->rax)) {
		return policy_refuse(p, f->rax);
	}
	if (is_native) {
		return syscall_native(p, f);
	}
	if (is_req) {
		return syscall_req(p, f);
	}
	switch (f->rax) {
	case SVSM_SYS_READ:
	case SVSM_SYS_WRITE:
		ret = sys_rw(p, f->rdi, f->rsi, f->rdx,
			     f->rax == SVSM_SYS_WRITE);
		break;
	case SVSM_SYS_CLOSE:
		ret = handle_close(&p->handles, (int64_t)f->rdi) == SVSM_OK
			      ? 0
			      : -SVSM_EBADF;
		break;
	case SVSM_SYS_GETPID:
		ret = (int64_t)p->id;
		break;
	case SVSM_SYS_SCHED_YIELD:
		task_yield();
		ret = 0;
		break;
	case SVSM_SYS_EXIT:
	case SVSM_SYS_EXIT_GROUP:
		process_exit((uint32_t)(f->rdi & 0xFFU));
	default:
		ret = dispatch_more(p, f);
		break;
	}
	return ret;
}

void syscall_dispatch(struct trap_frame *f)
{
	struct process *p = process_current();

	p->syscalls++;
	process_check_killed();
	f->rax = (uint64_t)syscall_call(p, f);
	process_check_killed();
	f->rflags = (f->rflags & RFLAGS_USER_MASK) | RFLAGS_IF | RFLAGS_FIXED;
}
