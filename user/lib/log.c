// SPDX-License-Identifier: MIT
/*
 * libsvsm log writer (libsvsm/log.h). The message is formatted once into
 * a buffer on the stack, then cut at each newline; every piece goes out
 * as "name: piece\n" in one write(), so the console never interleaves
 * half lines of two processes. No allocation: it must work when the heap
 * has run out.
 */
#include <libsvsm/log.h>
#include <libsvsm/string.h>
#include <libsvsm/sys.h>

#include "svsm/fmt.h"

#define LOG_MSG_MAX 512U

static char log_name[SVSM_LOG_NAME_MAX] = "?";
static int log_fd = 2;

void svsm_log_init(const char *name, int fd)
{
	(void)svsm_strlcpy(log_name, name, sizeof(log_name));
	log_fd = fd;
}

/** Writes "name: " + `len` bytes of `s` + "\n"; 0 on success. */
static int write_line(const char *s, size_t len)
{
	char line[SVSM_LOG_NAME_MAX + 2 + SVSM_LOG_LINE_MAX + 4];
	size_t n = svsm_strlcpy(line, log_name, sizeof(line));

	line[n++] = ':';
	line[n++] = ' ';
	if (len > SVSM_LOG_LINE_MAX) {
		svsm_memcpy(line + n, s, SVSM_LOG_LINE_MAX);
		n += SVSM_LOG_LINE_MAX;
		svsm_memcpy(line + n, "...", 3);
		n += 3;
	} else {
		svsm_memcpy(line + n, s, len);
		n += len;
	}
	line[n++] = '\n';
	return svsm_write(log_fd, line, n) == (long)n ? 0 : 1;
}

int svsm_vlogf(const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX];
	size_t len = fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	int failed = 0;

	if (len >= sizeof(msg)) {
		len = sizeof(msg) - 1;
	}
	size_t start = 0;

	while (start < len) {
		const char *nl = svsm_strchr(msg + start, '\n');
		size_t end = nl != NULL ? (size_t)(nl - msg) : len;

		failed += write_line(msg + start, end - start);
		start = end + 1;
	}
	if (len == 0) {
		failed += write_line("", 0);
	}
	return failed;
}

int svsm_logf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int failed = svsm_vlogf(fmt, ap);

	va_end(ap);
	return failed;
}
