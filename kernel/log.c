// SPDX-License-Identifier: MIT
/*
 * The kernel log: a ring buffer of the last LOG_BUFFER_SIZE bytes, copied
 * to the console while the console is enabled. It never allocates: a
 * line is formatted into a buffer on the caller's stack.
 *
 * Locking. `log_lock` is taken with interrupts off around each write,
 * ring and console together, so a line (one log_write() or log_printf()
 * call) from one CPU never interleaves with another CPU's, exception
 * reports included. It is the innermost lock: nothing is taken while it
 * is held (the console is a port write). A CPU that faults while it
 * holds the lock (say, inside the console driver) would spin on it in
 * its own exception report; log_write() detects that case through the
 * owner's CPU index and writes without the lock rather than hang.
 */
#include "svsm/log.h"

#include <stdarg.h>

#include "svsm/fmt.h"
#include "svsm/percpu.h"
#include "svsm/plat.h"
#include "svsm/spinlock.h"
#include "svsm/string.h"

#define LOG_NO_OWNER UINT32_MAX

static char log_ring[LOG_BUFFER_SIZE];
static uint64_t log_total;
static bool log_to_console = true;
static struct spinlock log_lock;
static uint32_t log_owner = LOG_NO_OWNER; /* CPU index holding log_lock */
static bool has_percpu; /* GS is set: this_cpu() may be used */

/** This CPU's index once GS is set up; 0 before (only the boot CPU runs). */
static uint32_t log_cpu(void)
{
	return __atomic_load_n(&has_percpu, __ATOMIC_RELAXED)
		       ? this_cpu()->cpu_index
		       : 0;
}

/** Tells the log that this_cpu() works now (GS points at per-CPU data). */
void log_percpu_ready(void)
{
	__atomic_store_n(&has_percpu, true, __ATOMIC_RELAXED);
}

/** Appends `len` bytes to the ring and, if on, to the console. */
void log_write(const char *s, size_t len)
{
	uint64_t flags = irq_save();
	uint32_t cpu = log_cpu();
	/* Re-entered on this CPU (a fault while writing): do not wait. */
	bool is_nested = __atomic_load_n(&log_owner, __ATOMIC_RELAXED) == cpu;

	if (!is_nested) {
		spin_lock(&log_lock);
		__atomic_store_n(&log_owner, cpu, __ATOMIC_RELAXED);
	}
	for (size_t i = 0; i < len; i++) {
		log_ring[(log_total + i) % LOG_BUFFER_SIZE] = s[i];
	}
	log_total += len;
	if (log_to_console) {
		plat_console_write(s, len);
	}
	if (!is_nested) {
		__atomic_store_n(&log_owner, LOG_NO_OWNER, __ATOMIC_RELAXED);
		spin_unlock(&log_lock);
	}
	irq_restore(flags);
}

/** Formats into a line buffer (truncated at 255 bytes) and logs it. */
void log_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	size_t n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);

	va_end(ap);
	log_write(buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
}

void log_set_console(bool on)
{
	log_to_console = on;
}

bool log_console_enabled(void)
{
	return log_to_console;
}

uint64_t log_mark(void)
{
	return __atomic_load_n(&log_total, __ATOMIC_RELAXED);
}

/** Byte at absolute position `pos`, which the caller keeps in the ring. */
static char ring_at(uint64_t pos)
{
	return log_ring[pos % LOG_BUFFER_SIZE];
}

/** Searches the ring from `mark` (or the oldest byte held) to the end. */
bool log_contains_since(uint64_t mark, const char *needle)
{
	size_t n = strlen(needle);
	uint64_t oldest;
	uint64_t start;
	uint64_t flags = spin_lock_irqsave(&log_lock);
	bool is_found = false;

	oldest = log_total > LOG_BUFFER_SIZE ? log_total - LOG_BUFFER_SIZE : 0;
	start = mark > oldest ? mark : oldest;

	for (uint64_t p = start; !is_found && p + n <= log_total; p++) {
		size_t i = 0;

		while (i < n && ring_at(p + i) == needle[i]) {
			i++;
		}
		is_found = i == n;
	}
	spin_unlock_irqrestore(&log_lock, flags);
	return is_found;
}
