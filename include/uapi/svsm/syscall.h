/* SPDX-License-Identifier: MIT */
/*
 * System call numbers and error values: the Linux-compatible subset uses
 * Linux x86-64's numbers and errno values and its register convention
 * (number in RAX; arguments in RDI, RSI, RDX, R10, R8, R9; result in RAX,
 * -errno on failure; RCX and R11 clobbered). docs/ABI.md lists the
 * semantics; csvsm-native calls will get a range of their own.
 */
#pragma once

#define SVSM_SYS_READ 0
#define SVSM_SYS_WRITE 1
#define SVSM_SYS_SCHED_YIELD 24
#define SVSM_SYS_GETPID 39
#define SVSM_SYS_EXIT 60
#define SVSM_SYS_EXIT_GROUP 231
#define SVSM_SYS_NANOSLEEP 35
#define SVSM_SYS_ARCH_PRCTL 158
#define SVSM_SYS_GETTID 186
#define SVSM_SYS_SET_TID_ADDRESS 218
#define SVSM_SYS_CLOCK_GETTIME 228
#define SVSM_SYS_GETRANDOM 318

/* arch_prctl codes, clock ids, getrandom flags (Linux values). */
#define SVSM_ARCH_SET_FS 0x1002
#define SVSM_ARCH_GET_FS 0x1003
#define SVSM_CLOCK_MONOTONIC 1
#define SVSM_CLOCK_BOOTTIME 7
#define SVSM_GRND_NONBLOCK 0x1
#define SVSM_GRND_RANDOM 0x2

#define SVSM_EPERM 1
#define SVSM_EBADF 9
#define SVSM_EFAULT 14
#define SVSM_EINVAL 22
#define SVSM_ENOSYS 38
#define SVSM_EAGAIN 11
