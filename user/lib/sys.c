// SPDX-License-Identifier: MIT
/*
 * libsvsm's named system call wrappers (libsvsm/sys.h): each passes its
 * arguments to svsm_syscall6() unchanged and returns the kernel's result
 * (-errno on failure). Pointers and sizes go as `long` in the registers
 * of the Linux x86-64 convention.
 */
#include <libsvsm/sys.h>

#define L(x) ((long)(x))
#define SC0(nr) svsm_syscall6(nr, 0, 0, 0, 0, 0, 0)
#define SC1(nr, a) svsm_syscall6(nr, L(a), 0, 0, 0, 0, 0)
#define SC2(nr, a, b) svsm_syscall6(nr, L(a), L(b), 0, 0, 0, 0)
#define SC3(nr, a, b, c) svsm_syscall6(nr, L(a), L(b), L(c), 0, 0, 0)
#define SC4(nr, a, b, c, d) svsm_syscall6(nr, L(a), L(b), L(c), L(d), 0, 0)

long svsm_read(int fd, void *buf, size_t len)
{
	return SC3(SVSM_SYS_READ, fd, buf, len);
}

long svsm_write(int fd, const void *buf, size_t len)
{
	return SC3(SVSM_SYS_WRITE, fd, buf, len);
}

long svsm_close(int fd)
{
	return SC1(SVSM_SYS_CLOSE, fd);
}

long svsm_fstat(int fd, void *statbuf)
{
	return SC2(SVSM_SYS_FSTAT, fd, statbuf);
}

long svsm_lseek(int fd, int64_t off, int whence)
{
	return SC3(SVSM_SYS_LSEEK, fd, off, whence);
}

long svsm_mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off)
{
	return svsm_syscall6(SVSM_SYS_MMAP, L(addr), L(len), prot, flags, fd,
			     off);
}

long svsm_mprotect(void *addr, size_t len, int prot)
{
	return SC3(SVSM_SYS_MPROTECT, addr, len, prot);
}

long svsm_munmap(void *addr, size_t len)
{
	return SC2(SVSM_SYS_MUNMAP, addr, len);
}

long svsm_brk(void *addr)
{
	return SC1(SVSM_SYS_BRK, addr);
}

long svsm_ioctl(int fd, unsigned long req, unsigned long arg)
{
	return SC3(SVSM_SYS_IOCTL, fd, req, arg);
}

long svsm_writev(int fd, const void *iov, int iovcnt)
{
	return SC3(SVSM_SYS_WRITEV, fd, iov, iovcnt);
}

long svsm_sched_yield(void)
{
	return SC0(SVSM_SYS_SCHED_YIELD);
}

long svsm_nanosleep(const struct svsm_timespec *req, struct svsm_timespec *rem)
{
	return SC2(SVSM_SYS_NANOSLEEP, req, rem);
}

long svsm_getpid(void)
{
	return SC0(SVSM_SYS_GETPID);
}

void svsm_exit(int status)
{
	for (;;) {
		(void)SC1(SVSM_SYS_EXIT, status);
	}
}

long svsm_readlink(const char *path, char *buf, size_t len)
{
	return SC3(SVSM_SYS_READLINK, path, buf, len);
}

long svsm_arch_prctl(int code, unsigned long addr)
{
	return SC2(SVSM_SYS_ARCH_PRCTL, code, addr);
}

long svsm_gettid(void)
{
	return SC0(SVSM_SYS_GETTID);
}

long svsm_time(int64_t *t)
{
	return SC1(SVSM_SYS_TIME, t);
}

long svsm_futex(uint32_t *uaddr, int op, uint32_t val,
		const struct svsm_timespec *timeout, uint32_t *uaddr2,
		uint32_t val3)
{
	return svsm_syscall6(SVSM_SYS_FUTEX, L(uaddr), op, val, L(timeout),
			     L(uaddr2), val3);
}

long svsm_set_tid_address(int *tidptr)
{
	return SC1(SVSM_SYS_SET_TID_ADDRESS, tidptr);
}

long svsm_clock_gettime(int clock, struct svsm_timespec *ts)
{
	return SC2(SVSM_SYS_CLOCK_GETTIME, clock, ts);
}

void svsm_exit_group(int status)
{
	for (;;) {
		(void)SC1(SVSM_SYS_EXIT_GROUP, status);
	}
}

long svsm_openat(int dirfd, const char *path, int flags, int mode)
{
	return SC4(SVSM_SYS_OPENAT, dirfd, path, flags, mode);
}

long svsm_newfstatat(int dirfd, const char *path, void *statbuf, int flags)
{
	return SC4(SVSM_SYS_NEWFSTATAT, dirfd, path, statbuf, flags);
}

long svsm_set_robust_list(void *head, size_t len)
{
	return SC2(SVSM_SYS_SET_ROBUST_LIST, head, len);
}

long svsm_prlimit64(int pid, int resource, const void *new_limit,
		    void *old_limit)
{
	return SC4(SVSM_SYS_PRLIMIT64, pid, resource, new_limit, old_limit);
}

long svsm_getrandom(void *buf, size_t len, unsigned int flags)
{
	return SC3(SVSM_SYS_GETRANDOM, buf, len, flags);
}

long svsm_rseq(void *rseq, uint32_t len, int flags, uint32_t sig)
{
	return SC4(SVSM_SYS_RSEQ, rseq, len, flags, sig);
}

long svsm_handle_close(int h)
{
	return SC1(SVSM_SYS_HANDLE_CLOSE, h);
}

long svsm_handle_dup(int h, uint32_t rights)
{
	return SC2(SVSM_SYS_HANDLE_DUP, h, rights);
}

long svsm_chan_create(int32_t out[2], uint32_t flags)
{
	return SC2(SVSM_SYS_CHAN_CREATE, out, flags);
}

long svsm_chan_send(int h, const void *buf, size_t len, uint32_t flags)
{
	return SC4(SVSM_SYS_CHAN_SEND, h, buf, len, flags);
}

long svsm_chan_recv(int h, void *buf, size_t cap, uint32_t flags)
{
	return SC4(SVSM_SYS_CHAN_RECV, h, buf, cap, flags);
}

long svsm_event_create(uint32_t flags)
{
	return SC1(SVSM_SYS_EVENT_CREATE, flags);
}

long svsm_event_signal(int h)
{
	return SC1(SVSM_SYS_EVENT_SIGNAL, h);
}

long svsm_event_consume(int h)
{
	return SC1(SVSM_SYS_EVENT_CONSUME, h);
}

long svsm_wait(struct svsm_wait_item *items, uint32_t n, uint64_t timeout_ns)
{
	return SC3(SVSM_SYS_WAIT, items, n, timeout_ns);
}

long svsm_batch(struct svsm_batch_entry *e, uint32_t n, uint32_t flags)
{
	return SC3(SVSM_SYS_BATCH, e, n, flags);
}

long svsm_spawn(const struct svsm_spawn_args *args)
{
	return SC1(SVSM_SYS_SPAWN, args);
}

long svsm_proc_wait(int h, uint32_t flags)
{
	return SC2(SVSM_SYS_PROC_WAIT, h, flags);
}

long svsm_proc_kill(int h)
{
	return SC1(SVSM_SYS_PROC_KILL, h);
}

long svsm_policy_drop(const struct svsm_policy *p)
{
	return SC1(SVSM_SYS_POLICY_DROP, p);
}

long svsm_policy_get(struct svsm_policy *p)
{
	return SC1(SVSM_SYS_POLICY_GET, p);
}

long svsm_req_serve(void)
{
	return SC1(SVSM_SYS_REQ_SERVE, 0);
}

long svsm_req_receive(int h, struct svsm_req *out, uint32_t flags)
{
	return SC3(SVSM_SYS_REQ_RECEIVE, h, out, flags);
}

long svsm_req_reply(int h, const struct svsm_req *in)
{
	return SC2(SVSM_SYS_REQ_REPLY, h, in);
}

long svsm_guest_read(int h, uint64_t id, uint64_t gpa, void *buf, size_t len)
{
	return svsm_syscall6(SVSM_SYS_GUEST_READ, h, L(id), L(gpa), L(buf),
			     L(len), 0);
}

long svsm_guest_write(int h, uint64_t id, uint64_t gpa, const void *buf,
		      size_t len)
{
	return svsm_syscall6(SVSM_SYS_GUEST_WRITE, h, L(id), L(gpa), L(buf),
			     L(len), 0);
}

long svsm_vmm_pvalidate(int h, uint64_t id, uint64_t gpa, uint32_t flags)
{
	return SC4(SVSM_SYS_VMM_PVALIDATE, h, id, gpa, flags);
}

long svsm_vmm_remap_ca(int h, uint64_t id, uint64_t gpa)
{
	return SC3(SVSM_SYS_VMM_REMAP_CA, h, id, gpa);
}

long svsm_vmm_create_vcpu(int h, uint64_t id, uint64_t vmsa, uint64_t caa,
			  uint32_t apic_id)
{
	return svsm_syscall6(SVSM_SYS_VMM_CREATE_VCPU, h, L(id), L(vmsa),
			     L(caa), L(apic_id), 0);
}

long svsm_vmm_delete_vcpu(int h, uint64_t id, uint64_t vmsa)
{
	return SC3(SVSM_SYS_VMM_DELETE_VCPU, h, id, vmsa);
}

uint64_t svsm_now_ns(void)
{
	struct svsm_timespec ts = { 0, 0 };

	if (svsm_clock_gettime(SVSM_CLOCK_MONOTONIC, &ts) != 0 || ts.sec < 0) {
		return 0;
	}
	return (uint64_t)ts.sec * 1000000000ULL + (uint64_t)ts.nsec;
}

long svsm_sleep_ms(uint64_t ms)
{
	struct svsm_timespec ts = {
		.sec = (int64_t)(ms / 1000U),
		.nsec = (int64_t)(ms % 1000U) * 1000000,
	};

	return svsm_nanosleep(&ts, NULL);
}
