// SPDX-License-Identifier: MIT
/*
 * The console object behind handles 0, 1 and 2 of every process: reads
 * see end of file (no input reaches processes), writes go to the log in
 * chunks copied from user memory, at most CONSOLE_WRITE_MAX per call (a
 * larger write is cut short, as Linux may). A write that faults part way
 * returns the bytes written before the fault.
 */
#include "arch/user.h"

#include "svsm/handle.h"
#include "svsm/log.h"
#include "svsm/uspace.h"

#define CONSOLE_CHUNK 256U
#define CONSOLE_WRITE_MAX 0x100000U

static int64_t console_read(struct kobj *o, uint64_t ubuf, uint64_t len)
{
	(void)o;
	if (len > 0 && !uspace_range_ok(ubuf, len)) {
		return -SVSM_EFAULT;
	}
	return 0;
}

static int64_t console_write(struct kobj *o, uint64_t ubuf, uint64_t len)
{
	char chunk[CONSOLE_CHUNK];
	uint64_t done = 0;

	(void)o;
	if (len > CONSOLE_WRITE_MAX) {
		len = CONSOLE_WRITE_MAX;
	}
	if (len > 0 && !uspace_range_ok(ubuf, len)) {
		return -SVSM_EFAULT;
	}
	while (done < len) {
		size_t n = len - done < CONSOLE_CHUNK ? (size_t)(len - done)
						      : CONSOLE_CHUNK;
		/* NOLINTNEXTLINE(performance-no-int-to-ptr): a user address */
		const void *src = (const void *)(uintptr_t)(ubuf + done);
		size_t left = arch_copy_user(chunk, src, n);

		log_write(chunk, n - left);
		done += n - left;
		if (left != 0) {
			return done > 0 ? (int64_t)done : -SVSM_EFAULT;
		}
	}
	return (int64_t)done;
}

static uint32_t console_poll(struct kobj *o)
{
	(void)o;
	return SVSM_WAIT_READABLE | SVSM_WAIT_WRITABLE;
}

static const struct kobj_ops CONSOLE_OPS = {
	.read = console_read,
	.write = console_write,
	.poll = console_poll,
	.release = NULL, /* static: never released */
};

static struct kobj console = { &CONSOLE_OPS, KOBJ_CONSOLE, 1 };

enum svsm_err handle_install_console(struct handle_table *ht)
{
	static const uint32_t rights[3] = {
		SVSM_RIGHT_READ | SVSM_RIGHT_WAIT | SVSM_RIGHT_DUP,
		SVSM_RIGHT_WRITE | SVSM_RIGHT_WAIT | SVSM_RIGHT_DUP,
		SVSM_RIGHT_WRITE | SVSM_RIGHT_WAIT | SVSM_RIGHT_DUP,
	};

	for (uint32_t i = 0; i < 3; i++) {
		int32_t h;
		enum svsm_err err = handle_install(ht, &console, rights[i], &h);

		if (err != SVSM_OK) {
			return err;
		}
		if (h != (int32_t)i) {
			return SVSM_ERR_BUSY;
		}
	}
	return SVSM_OK;
}
