/* SPDX-License-Identifier: MIT */
/*
 * System call numbers, structures and error values.
 *
 * The Linux-compatible subset uses Linux x86-64's numbers and errno
 * values and its register convention (number in RAX; arguments in RDI,
 * RSI, RDX, R10, R8, R9; result in RAX, -errno on failure; RCX and R11
 * clobbered).
 *
 * The csvsm-native calls use the same convention with numbers from
 * SVSM_SYS_NATIVE_BASE, far above Linux's. Handles are small integers in
 * the same table as file descriptors: close(2) and svsm_handle_close are
 * the same call. Every structure here has a fixed layout (no padding the
 * compiler chooses) and is copied in once before it is checked.
 * docs/ABI.md lists the semantics.
 */
#pragma once

#include <stdint.h>

/* Linux-compatible subset (Linux x86-64 numbers). */
#define SVSM_SYS_READ 0
#define SVSM_SYS_WRITE 1
#define SVSM_SYS_CLOSE 3
#define SVSM_SYS_FSTAT 5
#define SVSM_SYS_LSEEK 8
#define SVSM_SYS_MMAP 9
#define SVSM_SYS_MPROTECT 10
#define SVSM_SYS_MUNMAP 11
#define SVSM_SYS_BRK 12
#define SVSM_SYS_IOCTL 16
#define SVSM_SYS_WRITEV 20
#define SVSM_SYS_SCHED_YIELD 24
#define SVSM_SYS_NANOSLEEP 35
#define SVSM_SYS_GETPID 39
#define SVSM_SYS_EXIT 60
#define SVSM_SYS_READLINK 89
#define SVSM_SYS_ARCH_PRCTL 158
#define SVSM_SYS_GETTID 186
#define SVSM_SYS_TIME 201
#define SVSM_SYS_FUTEX 202
#define SVSM_SYS_SET_TID_ADDRESS 218
#define SVSM_SYS_CLOCK_GETTIME 228
#define SVSM_SYS_EXIT_GROUP 231
#define SVSM_SYS_OPENAT 257
#define SVSM_SYS_NEWFSTATAT 262
#define SVSM_SYS_SET_ROBUST_LIST 273
#define SVSM_SYS_PRLIMIT64 302
#define SVSM_SYS_GETRANDOM 318
#define SVSM_SYS_RSEQ 334
#define SVSM_SYS_LINUX_MAX 512 /* Linux numbers are below this */

/* arch_prctl codes, clock ids, getrandom flags (Linux values). */
#define SVSM_ARCH_SET_FS 0x1002
#define SVSM_ARCH_GET_FS 0x1003
#define SVSM_CLOCK_REALTIME 0
#define SVSM_CLOCK_MONOTONIC 1
#define SVSM_CLOCK_BOOTTIME 7
#define SVSM_GRND_NONBLOCK 0x1
#define SVSM_GRND_RANDOM 0x2

/* mmap/mprotect protections and mmap flags (Linux values). */
#define SVSM_PROT_NONE 0x0
#define SVSM_PROT_READ 0x1
#define SVSM_PROT_WRITE 0x2
#define SVSM_PROT_EXEC 0x4
#define SVSM_MAP_SHARED 0x01
#define SVSM_MAP_PRIVATE 0x02
#define SVSM_MAP_FIXED 0x10
#define SVSM_MAP_ANONYMOUS 0x20
#define SVSM_MAP_NORESERVE 0x4000
#define SVSM_MAP_POPULATE 0x8000
#define SVSM_MAP_STACK 0x20000
#define SVSM_MAP_FIXED_NOREPLACE 0x100000

/* openat flags, *at() flags, lseek whence (Linux values). */
#define SVSM_AT_FDCWD (-100)
#define SVSM_O_ACCMODE 0x3
#define SVSM_O_RDONLY 0x0
#define SVSM_O_CREAT 0x40
#define SVSM_O_TRUNC 0x200
#define SVSM_O_APPEND 0x400
#define SVSM_O_DIRECTORY 0x10000
#define SVSM_O_TMPFILE 0x400000
#define SVSM_AT_SYMLINK_NOFOLLOW 0x100
#define SVSM_AT_NO_AUTOMOUNT 0x800
#define SVSM_AT_EMPTY_PATH 0x1000
#define SVSM_SEEK_SET 0
#define SVSM_SEEK_CUR 1
#define SVSM_SEEK_END 2
#define SVSM_PATH_MAX 4096U /* bytes of a path, with its NUL */
#define SVSM_IOV_MAX 1024U  /* writev entries */
#define SVSM_S_IFCHR 0020000U
#define SVSM_S_IFREG 0100000U

/* futex operations (Linux values); ioctl TCGETS; prlimit64 resources. */
#define SVSM_FUTEX_WAIT 0
#define SVSM_FUTEX_WAKE 1
#define SVSM_FUTEX_PRIVATE_FLAG 128
#define SVSM_TCGETS 0x5401
#define SVSM_RLIMIT_STACK 3
#define SVSM_RLIM_NLIMITS 16
#define SVSM_RLIM_INFINITY UINT64_MAX

/** One writev entry (Linux struct iovec). */
struct svsm_iovec {
	uint64_t base;
	uint64_t len;
};
_Static_assert(sizeof(struct svsm_iovec) == 16, "Linux x86-64 iovec");

/** Linux x86-64 `struct stat` (arch/x86/include/uapi/asm/stat.h). */
struct svsm_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	int64_t st_atime_sec;
	int64_t st_atime_nsec;
	int64_t st_mtime_sec;
	int64_t st_mtime_nsec;
	int64_t st_ctime_sec;
	int64_t st_ctime_nsec;
	int64_t reserved[3];
};
_Static_assert(sizeof(struct svsm_stat) == 144, "Linux x86-64 stat");

/** prlimit64's struct rlimit64. */
struct svsm_rlimit {
	uint64_t cur;
	uint64_t max;
};
_Static_assert(sizeof(struct svsm_rlimit) == 16, "Linux rlimit64");

/*
 * csvsm-native calls. Arguments as listed; results are >= 0 on success
 * and -errno on failure.
 */
#define SVSM_SYS_NATIVE_BASE 0x1000
/* (h): closes a handle (the same as close(2)). */
#define SVSM_SYS_HANDLE_CLOSE 0x1000
/* (h, rights): a new handle to the same object with `rights`, which must
 * be a subset of h's (rights only shrink). */
#define SVSM_SYS_HANDLE_DUP 0x1001
/* (int32_t out[2], flags 0): a channel; out[0] and out[1] are its two
 * ends, each able to send to the other. */
#define SVSM_SYS_CHAN_CREATE 0x1002
/* (h, buf, len, flags 0): queues one message of 0..SVSM_MSG_MAX bytes for
 * the other end. -EAGAIN when SVSM_CHAN_DEPTH messages wait already,
 * -EPIPE when the other end is closed, -EMSGSIZE when too long. */
#define SVSM_SYS_CHAN_SEND 0x1003
/* (h, buf, cap, flags): takes the oldest message and returns its length.
 * -EAGAIN when none waits (SVSM_RECV_BLOCK: sleep until one does),
 * -EPIPE when none waits and the other end is closed, -EMSGSIZE (message
 * kept) when it is longer than cap, -EFAULT (message kept) when buf faults. */
#define SVSM_SYS_CHAN_RECV 0x1004
/* (flags 0): an event, a counter that signal adds to and consume empties. */
#define SVSM_SYS_EVENT_CREATE 0x1005
/* (h): adds one to the event's count and wakes its waiters. */
#define SVSM_SYS_EVENT_SIGNAL 0x1006
/* (h): returns the count (0 when not signalled) and resets it. */
#define SVSM_SYS_EVENT_CONSUME 0x1007
/* (struct svsm_wait_item *items, n, timeout_ns): waits until at least one
 * item is ready or the timeout passes; fills every item's revents and
 * returns how many are ready (0 on timeout). timeout_ns 0 polls,
 * SVSM_WAIT_FOREVER never times out. At most SVSM_WAIT_MAX items. */
#define SVSM_SYS_WAIT 0x1008
/* (struct svsm_batch_entry *e, n, flags): runs the entries' calls in
 * order in one kernel entry, writes each result, returns the number run
 * (SVSM_BATCH_STOP_ON_ERROR: stops after the first negative result). At
 * most SVSM_BATCH_MAX entries. An entry that is a batch, exit or
 * exit_group gets -EINVAL; a call that blocks blocks as it would alone;
 * the policy applies to each entry. */
#define SVSM_SYS_BATCH 0x1009
/* (const struct svsm_spawn_args *): starts a process; returns a handle
 * to it. */
#define SVSM_SYS_SPAWN 0x100A
/* (h, flags): waits for the process to end and returns its status
 * (0..255, or SVSM_EXIT_KILLED | vector); SVSM_PROC_NOHANG: -EAGAIN if
 * it is still running. */
#define SVSM_SYS_PROC_WAIT 0x100B
/* (h): ends the process (status SVSM_EXIT_KILLED | 0xFF at its next
 * entry to the kernel or tick). */
#define SVSM_SYS_PROC_KILL 0x100C
/* (const struct svsm_policy *): the caller's policy becomes its
 * intersection with this one (rights only shrink). */
#define SVSM_SYS_POLICY_DROP 0x100D
/* (struct svsm_policy *): the caller's policy and its refusal count. */
#define SVSM_SYS_POLICY_GET 0x100E
#define SVSM_SYS_NATIVE_END 0x100F /* one past the last native call */

/*
 * The request interface (svsm-reqd), inside the native range (so the
 * policy's native bits cover it): the process that serves guest SVSM
 * calls in ring 3 receives them as requests and performs what needs the
 * kernel through these calls, each naming the request it serves (the
 * kernel acts only inside a request it handed out, for that request's
 * vCPU, and checks every address again). Results are 0 or -errno:
 * -EFAULT for a bad user pointer, -ERANGE for guest memory that is not
 * the guest's (INVALID_ADDRESS), -EINVAL, -EEXIST, -ENOENT (INVALID_
 * PARAMETER), -EBUSY (BUSY), -EIO (INVALID_REQUEST).
 */
#define SVSM_SYS_REQ_BASE 0x1020
/* (flags 0): become the request server; returns a handle to the request
 * queue. -EBUSY while another process serves. Closing it (or exiting)
 * hands requests back to the kernel; those in flight get BUSY. */
#define SVSM_SYS_REQ_SERVE 0x1020
/* (h, struct svsm_req *out, flags): takes the oldest request;
 * SVSM_RECV_BLOCK sleeps until there is one, else -EAGAIN. */
#define SVSM_SYS_REQ_RECEIVE 0x1021
/* (h, const struct svsm_req *in): completes request in->id with in's
 * registers. -ENOENT for an id not in flight. */
#define SVSM_SYS_REQ_REPLY 0x1022
/* (h, id, gpa, buf, len): copies guest memory to buf (len <= 4096). */
#define SVSM_SYS_GUEST_READ 0x1023
/* (h, id, gpa, buf, len): copies buf to guest memory (len <= 4096). */
#define SVSM_SYS_GUEST_WRITE 0x1024
/* (h, id, gpa, flags SVSM_VMM_PVAL_*): PVALIDATE one page; returns the
 * instruction's code (0, 1, 6) | SVSM_VMM_PVAL_NO_CHANGE, or -errno. */
#define SVSM_SYS_VMM_PVALIDATE 0x1025
/* (h, id, gpa): moves the request's vCPU's calling area. */
#define SVSM_SYS_VMM_REMAP_CA 0x1026
/* (h, id, vmsa, caa, apic_id): creates a vCPU. */
#define SVSM_SYS_VMM_CREATE_VCPU 0x1027
/* (h, id, vmsa): deletes a vCPU. */
#define SVSM_SYS_VMM_DELETE_VCPU 0x1028
#define SVSM_SYS_REQ_END 0x1029 /* one past the last */

#define SVSM_VMM_PVAL_HUGE 0x1U
#define SVSM_VMM_PVAL_VALIDATE 0x2U
#define SVSM_VMM_PVAL_NO_CHANGE 0x100 /* in the result: CF was set */
#define SVSM_REQ_DATA_MAX 4096U

/** One guest request as svsm-reqd sees it. */
struct svsm_req {
	uint64_t id;   /**< names it in the calls above and the reply */
	uint32_t vcpu; /**< the calling vCPU */
	uint32_t flags;
	uint64_t rax; /**< protocol << 32 | call; the result on reply */
	uint64_t rcx;
	uint64_t rdx;
	uint64_t r8;
	uint64_t r9;
};

/* Limits. */
#define SVSM_MSG_MAX 8192U    /* bytes in one channel message */
#define SVSM_CHAN_DEPTH 16U   /* messages queued in one direction */
#define SVSM_HANDLE_MAX 64U   /* handles (and fds) per process */
#define SVSM_WAIT_MAX 64U     /* items in one wait */
#define SVSM_BATCH_MAX 64U    /* entries in one batch */
#define SVSM_SPAWN_HANDLES 8U /* handles passed to a new process */

/* Handle rights (svsm_handle_dup, svsm_spawn_args.handles). */
#define SVSM_RIGHT_READ 0x1U  /* read, recv, consume */
#define SVSM_RIGHT_WRITE 0x2U /* write, send, signal */
#define SVSM_RIGHT_WAIT 0x4U  /* svsm_wait, proc_wait */
#define SVSM_RIGHT_DUP 0x8U   /* dup, pass to a spawned process */
#define SVSM_RIGHT_KILL 0x10U /* proc_kill */
#define SVSM_RIGHTS_ALL 0x1FU

/* Wait conditions (svsm_wait_item.events and revents). */
#define SVSM_WAIT_READABLE 0x1U	    /* a message waits, or the peer closed */
#define SVSM_WAIT_WRITABLE 0x2U	    /* a message can be sent */
#define SVSM_WAIT_SIGNALED 0x4U	    /* the event's count is not zero */
#define SVSM_WAIT_EXITED 0x8U	    /* the process has ended */
#define SVSM_WAIT_PEER_CLOSED 0x10U /* the channel's other end is closed */
#define SVSM_WAIT_FOREVER UINT64_MAX

#define SVSM_RECV_BLOCK 0x1U
#define SVSM_PROC_NOHANG 0x1U
#define SVSM_BATCH_STOP_ON_ERROR 0x1U
#define SVSM_EXIT_KILLED 0x100U
#define SVSM_SPAWN_ANY_CPU 0xFFFFFFFFU

/** One item of svsm_wait. */
struct svsm_wait_item {
	int32_t handle;
	uint32_t events;  /**< in: the conditions wanted */
	uint32_t revents; /**< out: those that hold (a bad handle: 0) */
	int32_t error;	  /**< out: 0, or -errno for a bad handle */
};

/** One entry of svsm_batch. */
struct svsm_batch_entry {
	uint64_t nr;
	uint64_t args[6];
	int64_t result; /**< out */
};

/**
 * A process's policy: the system calls it may make (bit n of
 * linux_calls[n / 64] for Linux number n; bit n of native_calls for
 * SVSM_SYS_NATIVE_BASE + n, the request interface included) and the RAM
 * FS paths openat may open (those starting with open_prefix; empty:
 * none). Anything else is -EPERM and
 * counted in `denied`. exit and exit_group are always allowed.
 */
struct svsm_policy {
	uint64_t linux_calls[SVSM_SYS_LINUX_MAX / 64];
	uint64_t native_calls;
	uint64_t denied; /**< out (policy_get): refusals so far; ignored in */
	char open_prefix[64];
};

/** svsm_spawn's arguments. */
struct svsm_spawn_args {
	uint64_t path;	  /**< const char *: a RAM FS path */
	uint64_t argv;	  /**< const char *const *, NULL-terminated */
	uint64_t envp;	  /**< const char *const *, NULL-terminated, or 0 */
	uint64_t handles; /**< const int32_t *: become 3, 4, ... in the child */
	uint64_t policy;  /**< const struct svsm_policy *: 0 = the caller's;
			   *  else intersected with the caller's */
	uint32_t nhandles; /**< at most SVSM_SPAWN_HANDLES, each with DUP */
	uint32_t cpu;	   /**< a CPU, or SVSM_SPAWN_ANY_CPU */
};

/* errno values (Linux). */
#define SVSM_EPERM 1
#define SVSM_ENOENT 2
#define SVSM_ESRCH 3
#define SVSM_EINTR 4
#define SVSM_EIO 5
#define SVSM_E2BIG 7
#define SVSM_ENOEXEC 8
#define SVSM_EBADF 9
#define SVSM_ECHILD 10
#define SVSM_EAGAIN 11
#define SVSM_ENOMEM 12
#define SVSM_EACCES 13
#define SVSM_EFAULT 14
#define SVSM_EBUSY 16
#define SVSM_EEXIST 17
#define SVSM_ENODEV 19
#define SVSM_ENOTDIR 20
#define SVSM_EISDIR 21
#define SVSM_EINVAL 22
#define SVSM_EMFILE 24
#define SVSM_ENOTTY 25
#define SVSM_ESPIPE 29
#define SVSM_EROFS 30
#define SVSM_EPIPE 32
#define SVSM_ERANGE 34
#define SVSM_ENAMETOOLONG 36
#define SVSM_ENOSYS 38
#define SVSM_EMSGSIZE 90
#define SVSM_EOVERFLOW 75
#define SVSM_ETIMEDOUT 110
