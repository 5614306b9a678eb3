/* SPDX-License-Identifier: MIT */
/*
 * What the system call files share (kernel/sys/): the Linux memory calls
 * (mem.c), the file calls (file.c), the checked user copies. Each
 * handler returns a Linux result: >= 0, or a negative errno.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arch/trap.h"

#include "svsm/proc.h"

/** Copies `n` bytes to user address `uva`; -EFAULT if it cannot. */
int64_t sys_copy_out(uint64_t uva, const void *src, size_t n);
/** Copies `n` bytes from user address `uva`; -EFAULT if it cannot. */
int64_t sys_copy_in(void *dst, uint64_t uva, size_t n);

/** brk(addr): the new break, or the old one if it cannot move. */
int64_t sys_brk(struct process *p, uint64_t addr);
/** mmap(addr, len, prot, flags, fd, off): anonymous private only. */
int64_t sys_mmap(struct process *p, const struct trap_frame *f);
/** munmap(addr, len). */
int64_t sys_munmap(struct process *p, uint64_t addr, uint64_t len);
/** mprotect(addr, len, prot). */
int64_t sys_mprotect(struct process *p, uint64_t addr, uint64_t len,
		     uint64_t prot);

/** The file calls: openat, lseek, fstat, newfstatat, ioctl, readlink,
 * writev; -ENOSYS for any other number. */
int64_t sys_file_dispatch(struct process *p, const struct trap_frame *f);
