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

#define SVSM_EBADF 9
#define SVSM_EFAULT 14
#define SVSM_EINVAL 22
#define SVSM_ENOSYS 38
