// SPDX-License-Identifier: MIT
/*
 * The kernel log: a ring buffer of the last LOG_BUFFER_SIZE bytes, copied
 * to the console while the console is enabled. Single-CPU for now; the
 * SMP work adds a lock that is safe from exception context.
 */
#include "svsm/log.h"

#include <stdarg.h>

#include "svsm/fmt.h"
#include "svsm/plat.h"
#include "svsm/string.h"

static char log_ring[LOG_BUFFER_SIZE];
static uint64_t log_total;
static bool log_to_console = true;

/** Appends `len` bytes to the ring and, if on, to the console. */
void log_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		log_ring[(log_total + i) % LOG_BUFFER_SIZE] = s[i];
	}
	log_total += len;
	if (log_to_console) {
		plat_console_write(s, len);
	}
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
	return log_total;
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
	uint64_t oldest =
		log_total > LOG_BUFFER_SIZE ? log_total - LOG_BUFFER_SIZE : 0;
	uint64_t start = mark > oldest ? mark : oldest;

	for (uint64_t p = start; p + n <= log_total; p++) {
		size_t i = 0;

		while (i < n && ring_at(p + i) == needle[i]) {
			i++;
		}
		if (i == n) {
			return true;
		}
	}
	return false;
}
