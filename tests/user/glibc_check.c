// SPDX-License-Identifier: MIT
/*
 * A static glibc program (plain `gcc -static -O2`) that uses more of the
 * C library: large malloc blocks (glibc's mmap path) and many small ones
 * (brk), mprotect, fopen/fread/fseek of a RAM FS file, stat, and
 * clock_gettime(CLOCK_REALTIME) and time(). Run by tests/vm/test_linux.c;
 * exits 0 when every check holds, else the number of the first that
 * failed, and prints what it found.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HELLO "/test/ramfs/hello.txt"
#define HELLO_TEXT "Hello from the csvsm RAM FS.\n"
#define BIG (512U << 10) /* above the 128 KiB mmap threshold */

/**
 * Large blocks come from mmap (zeroed by calloc), are usable and freed;
 * small ones come from the brk heap.
 */
static int check_malloc(void)
{
	unsigned char *blocks[4] = { NULL, NULL, NULL, NULL };
	void *small[256];
	int bad = 0;

	for (int i = 0; i < 4; i++) {
		blocks[i] = calloc(1, BIG);
		bad |= !blocks[i] || blocks[i][BIG / 2] != 0;
		if (blocks[i]) {
			memset(blocks[i], 0xA0 + i, BIG);
		}
	}
	for (int i = 0; i < 4; i++) {
		bad |= blocks[i] && (blocks[i][0] != 0xA0 + i ||
				     blocks[i][BIG - 1] != 0xA0 + i);
		free(blocks[i]);
	}
	if (bad) {
		return 1;
	}
	for (int i = 0; i < 256; i++) {
		small[i] = malloc(100 + (size_t)i * 8U);
		bad |= !small[i];
		if (small[i]) {
			memset(small[i], i, 100);
		}
	}
	for (int i = 0; i < 256; i++) {
		free(small[i]);
	}
	if (bad) {
		return 2;
	}
	/* Memory beyond the process's limit is refused, not a crash. */
	errno = 0;
	void *huge = malloc(1U << 30);

	bad = huge != NULL || errno != ENOMEM;
	free(huge);
	return bad ? 3 : 0;
}

/** mprotect and munmap of anonymous mappings; W+X is refused. */
static int check_mman(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED || pg != 4096) {
		return 4;
	}
	m[0] = 1;
	m[3 * pg] = 2;
	if (mprotect(m, 4 * pg, PROT_READ) != 0 || m[0] != 1 ||
	    mprotect(m, pg, PROT_READ | PROT_WRITE | PROT_EXEC) == 0 ||
	    errno != EACCES) {
		return 5;
	}
	if (munmap(m + pg, pg) != 0 || m[3 * pg] != 2 ||
	    munmap(m, 4 * pg) != 0) {
		return 6;
	}
	return 0;
}

/** A RAM FS file read with stdio, and stat of it. */
static int check_file(void)
{
	char buf[128];
	struct stat st;
	FILE *f = fopen(HELLO, "r");

	if (!f) {
		return 7;
	}
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	int r = 0;

	buf[n] = '\0';
	if (strcmp(buf, HELLO_TEXT) != 0) {
		r = 8;
	} else if (fseek(f, 6, SEEK_SET) != 0 || fgetc(f) != 'f' ||
		   ftell(f) != 7) {
		r = 9;
	}
	if (fclose(f) != 0 || r != 0) {
		return r != 0 ? r : 9;
	}
	if (stat(HELLO, &st) != 0 || st.st_size != (off_t)strlen(HELLO_TEXT) ||
	    !S_ISREG(st.st_mode)) {
		return 10;
	}
	FILE *missing = fopen("/test/ramfs/missing", "r");

	if (missing != NULL) {
		(void)fclose(missing);
		return 11;
	}
	if (errno != ENOENT || open(HELLO, O_WRONLY) != -1 || errno != EROFS) {
		return 11;
	}
	return 0;
}

/** The realtime clock reads a date after 2024 and agrees with time(). */
static int check_time(void)
{
	struct timespec ts;
	time_t t = time(NULL);

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < 1704067200 ||
	    t < ts.tv_sec - 1 || t > ts.tv_sec + 1) {
		return 12;
	}
	printf("glibc_check: realtime %lld\n", (long long)ts.tv_sec);
	return 0;
}

int main(void)
{
	int r = check_malloc();

	if (r == 0) {
		r = check_mman();
	}
	if (r == 0) {
		r = check_file();
	}
	if (r == 0) {
		r = check_time();
	}
	printf("glibc_check: %s (%d)\n", r == 0 ? "all checks hold" : "failed",
	       r);
	return r;
}
