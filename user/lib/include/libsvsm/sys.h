/* SPDX-License-Identifier: MIT */
/*
 * libsvsm system call stubs: one inline svsm_syscall6() that issues
 * `syscall` with the convention of include/uapi/svsm/syscall.h, and one
 * named wrapper per call that returns the kernel's result as is (>= 0 on
 * success, -errno on failure; no global errno). The same code runs in
 * csvsm processes and, for the Linux subset, on a Linux host, where the
 * unit tests use write, mmap and munmap through it.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "uapi/svsm/syscall.h"

/** A time in seconds and nanoseconds (Linux struct timespec on x86-64). */
struct svsm_timespec {
	int64_t sec;
	int64_t nsec;
};

/* mmap and openat constants (SVSM_PROT_*, SVSM_MAP_*, SVSM_AT_FDCWD,
 * SVSM_O_*) come from uapi/svsm/syscall.h. */

/** Issues system call `nr` with six arguments; returns RAX. */
/* NOLINTNEXTLINE(readability-function-size): the number and six args */
static inline long svsm_syscall6(long nr, long a1, long a2, long a3, long a4,
				 long a5, long a6)
{
	long ret;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10),
			   "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/* Linux-compatible subset. */
long svsm_read(int fd, void *buf, size_t len);
long svsm_write(int fd, const void *buf, size_t len);
long svsm_close(int fd);
long svsm_fstat(int fd, void *statbuf);
long svsm_lseek(int fd, int64_t off, int whence);
/** mmap: returns the address, or -errno (test with svsm_is_err()). */
long svsm_mmap(void *addr, size_t len, int prot, int flags, int fd,
	       int64_t off);
long svsm_mprotect(void *addr, size_t len, int prot);
long svsm_munmap(void *addr, size_t len);
long svsm_brk(void *addr);
long svsm_ioctl(int fd, unsigned long req, unsigned long arg);
long svsm_writev(int fd, const void *iov, int iovcnt);
long svsm_sched_yield(void);
long svsm_nanosleep(const struct svsm_timespec *req, struct svsm_timespec *rem);
long svsm_getpid(void);
__attribute__((noreturn)) void svsm_exit(int status);
long svsm_readlink(const char *path, char *buf, size_t len);
long svsm_arch_prctl(int code, unsigned long addr);
long svsm_gettid(void);
long svsm_time(int64_t *t);
long svsm_futex(uint32_t *uaddr, int op, uint32_t val,
		const struct svsm_timespec *timeout, uint32_t *uaddr2,
		uint32_t val3);
long svsm_set_tid_address(int *tidptr);
long svsm_clock_gettime(int clock, struct svsm_timespec *ts);
__attribute__((noreturn)) void svsm_exit_group(int status);
long svsm_openat(int dirfd, const char *path, int flags, int mode);
long svsm_newfstatat(int dirfd, const char *path, void *statbuf, int flags);
long svsm_set_robust_list(void *head, size_t len);
long svsm_prlimit64(int pid, int resource, const void *new_limit,
		    void *old_limit);
long svsm_getrandom(void *buf, size_t len, unsigned int flags);
long svsm_rseq(void *rseq, uint32_t len, int flags, uint32_t sig);

/* csvsm-native calls (docs/ABI.md). */
long svsm_handle_close(int h);
long svsm_handle_dup(int h, uint32_t rights);
long svsm_chan_create(int32_t out[2], uint32_t flags);
long svsm_chan_send(int h, const void *buf, size_t len, uint32_t flags);
long svsm_chan_recv(int h, void *buf, size_t cap, uint32_t flags);
long svsm_event_create(uint32_t flags);
long svsm_event_signal(int h);
long svsm_event_consume(int h);
long svsm_wait(struct svsm_wait_item *items, uint32_t n, uint64_t timeout_ns);
long svsm_batch(struct svsm_batch_entry *e, uint32_t n, uint32_t flags);
long svsm_spawn(const struct svsm_spawn_args *args);
long svsm_proc_wait(int h, uint32_t flags);
long svsm_proc_kill(int h);
long svsm_policy_drop(const struct svsm_policy *p);
long svsm_policy_get(struct svsm_policy *p);

/* The request interface (svsm-reqd); `id` names an in-flight request. */
long svsm_req_serve(void);
long svsm_req_receive(int h, struct svsm_req *out, uint32_t flags);
long svsm_req_reply(int h, const struct svsm_req *in);
long svsm_guest_read(int h, uint64_t id, uint64_t gpa, void *buf, size_t len);
long svsm_guest_write(int h, uint64_t id, uint64_t gpa, const void *buf,
		      size_t len);
long svsm_vmm_pvalidate(int h, uint64_t id, uint64_t gpa, uint32_t flags);
long svsm_vmm_remap_ca(int h, uint64_t id, uint64_t gpa);
long svsm_vmm_create_vcpu(int h, uint64_t id, uint64_t vmsa, uint64_t caa,
			  uint32_t apic_id);
long svsm_vmm_delete_vcpu(int h, uint64_t id, uint64_t vmsa);

/** Whether a result of svsm_mmap (or any call) is an -errno. */
static inline int svsm_is_err(long ret)
{
	return ret < 0 && ret > -4096;
}

/** The monotonic clock in nanoseconds, or 0 when it cannot be read. */
uint64_t svsm_now_ns(void);
/** Sleeps at least `ms` milliseconds; returns nanosleep's result. */
long svsm_sleep_ms(uint64_t ms);
