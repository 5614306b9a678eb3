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
 */
#include "uapi/svsm/syscall.h"

#include "arch/cpu.h"
#include "arch/user.h"

#include "svsm/log.h"
#include "svsm/proc.h"
#include "svsm/task.h"

#define WRITE_CHUNK 256U
#define WRITE_MAX 0x100000U /* a larger write is cut short (Linux too) */

/** write(fd, buf, len): fds 1 and 2 go to the console log. */
static int64_t sys_write(uint64_t fd, uint64_t buf, uint64_t len)
{
	char chunk[WRITE_CHUNK];
	uint64_t done = 0;

	if (fd != 1 && fd != 2) {
		return -SVSM_EBADF;
	}
	if (len > WRITE_MAX) {
		len = WRITE_MAX;
	}
	if (len > 0 && !uspace_range_ok(buf, len)) {
		return -SVSM_EFAULT;
	}
	while (done < len) {
		size_t n = len - done < WRITE_CHUNK ? (size_t)(len - done)
						    : WRITE_CHUNK;
		/* NOLINTNEXTLINE(performance-no-int-to-ptr): a user address */
		const void *src = (const void *)(uintptr_t)(buf + done);
		size_t left = arch_copy_user(chunk, src, n);

		if (left != 0) {
			log_write(chunk, n - left);
			done += n - left;
			return done > 0 ? (int64_t)done : -SVSM_EFAULT;
		}
		log_write(chunk, n);
		done += n;
	}
	return (int64_t)done;
}

void syscall_dispatch(struct trap_frame *f)
{
	struct process *p = process_current();
	int64_t ret;

	p->syscalls++;
	switch (f->rax) {
	case SVSM_SYS_WRITE:
		ret = sys_write(f->rdi, f->rsi, f->rdx);
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
		ret = -SVSM_ENOSYS;
		break;
	}
	f->rax = (uint64_t)ret;
	f->rflags = (f->rflags & RFLAGS_USER_MASK) | RFLAGS_IF | RFLAGS_FIXED;
}
