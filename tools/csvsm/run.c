// SPDX-License-Identifier: MIT
/*
 * `csvsm run`: an IGVM loader for Debian 12's QEMU 7.2, which cannot load
 * IGVM itself. It parses the image, builds the native platform's load plan
 * (loadplan.c) for the VM it is about to start, writes the pages as a few
 * raw blobs and the reset shim (shim.S, with the vCPU context filled in)
 * into a private temporary directory, and runs QEMU with the blobs as
 * generic-loader devices and the shim as -bios. The guest reports its
 * result through isa-debug-exit; QEMU's exit status is (value << 1) | 1.
 *
 * QEMU stays in csvsm's (foreground) process group, so Ctrl-C reaches it
 * directly; SIGINT, SIGTERM and SIGHUP sent to csvsm are forwarded. The
 * temporary directory is removed on every path, then a fatal signal is
 * raised again so the caller sees how csvsm ended.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "svsm/err.h"

#include "csvsm.h"
#include "igvm/igvm_file.h"
#include "loadplan.h"
#include "mssim.h"

#define MIB (1024ULL * 1024ULL)
#define RUN_MEM_MIN (2 * MIB)
#define RUN_MEM_MAX (1024ULL * 1024ULL * MIB)
#define RUN_CPUS_MAX 255U
#define RUN_TIMEOUT_MAX 86400U
#define RUN_POLL_NS 10000000L
#define RUN_KILL_GRACE_S 3
#define QEMU_EXIT_OK ((0x10 << 1) | 1)
#define QEMU_EXIT_FAIL ((0x11 << 1) | 1)

/* The shim image embedded by shim_blob.S (assembler symbols). */
/* NOLINTNEXTLINE(readability-identifier-naming) */
extern const uint8_t csvsm_shim_start[];
/* NOLINTNEXTLINE(readability-identifier-naming) */
extern const uint8_t csvsm_shim_end[];

/** The command-line options of `csvsm run`. */
struct run_opts {
	const char *igvm_path;
	const char *gdb_port;
	const char *cmdline;
	const char *qemu;
	const char *memory_map;	    /* hostile-host testing: see --help */
	const char *request_socket; /* the request channel's socket, or NULL */
	uint64_t mem_size;
	uint32_t cpus;
	uint32_t timeout_s; /* 0: none */
	uint32_t sockets;   /* --topology; 0: QEMU's default */
	uint32_t cores;
	uint32_t threads;
	uint32_t vp_count;   /* hostile-host testing: see --help; 0: --cpus */
	uint16_t mssim_port; /* the mssim bridge's data port; 0: none */
	bool is_kvm;
	bool is_dry_run;
	bool is_icount; /* guest time follows instructions (TCG only) */
	bool has_cpus;	/* --cpus given */
};

/** A growing, NULL-terminated argument vector of malloc'd strings. */
struct argvec {
	char **v;
	size_t count;
	size_t cap;
	bool is_nomem;
};

/** Everything `csvsm run` holds; released by run_state_destroy(). */
struct run_state {
	uint8_t *image;
	size_t image_size;
	struct igvm_file file;
	struct loadplan plan;
	bool has_plan;
	char *dir; /* the private temporary directory, or NULL */
	int dir_fd;
	struct argvec args;
	char *req_socket; /* the request channel's socket, or NULL */
	struct mssim_ports ports;
	pid_t bridge; /* the mssim bridge's process, or 0 */
};

/* The last fatal signal csvsm received (0: none); read by the main flow. */
static volatile sig_atomic_t pending_signal;

static void on_signal(int sig)
{
	pending_signal = sig;
}

static void usage(FILE *f)
{
	(void)fprintf(
		f,
		"usage: csvsm run [--igvm FILE] [--cpus N] [--mem SIZE] "
		"[--accel tcg|kvm]\n"
		"                 [--gdb PORT] [--cmdline STR] [--timeout "
		"SECONDS] [--qemu PATH]\n"
		"                 [--dry-run] [--icount] "
		"[--memory-map BASE:PAGES[:TYPE],...]\n"
		"                 [--topology SOCKETS:CORES:THREADS] "
		"[--vp-count N]\n"
		"                 [--request-socket PATH] [--mssim-port PORT]\n"
		"Boots the IGVM image's native platform in QEMU (q35). "
		"Defaults: --igvm\n"
		"build/csvsm.igvm --cpus 1 --mem 256M --accel tcg, no timeout. "
		"SIZE takes\n"
		"K, M, G or T (default M). Exit status: 0 if the guest wrote "
		"0x10 to\n"
		"isa-debug-exit, 1 otherwise, 2 on a usage error.\n"
		"--memory-map replaces the memory map given to the guest with "
		"the listed\nentries, unchecked, to test how the guest treats "
		"a hostile host.\n"
		"--icount runs QEMU with -icount shift=0,sleep=off (TCG "
		"only): guest time\nfollows the instruction count (1 ns, "
		"one TSC tick, per instruction), so\nguest-side "
		"measurements are deterministic.\n"
		"--topology gives QEMU -smp N,sockets=S,cores=C,threads=T; "
		"N is the\nproduct, and --cpus, if given, must equal it. "
		"QEMU then numbers the\nAPIC IDs by topology (2:3:1 gives 0 1 "
		"2 4 5 6), which the guest reads\nfrom the ACPI MADT.\n"
		"--vp-count gives the guest N as its IGVM vCPU count instead "
		"of the CPU\ncount, unchecked, to test how it treats a host "
		"whose parameters disagree\nwith its ACPI tables.\n"
		"--request-socket attaches the native request channel (COM2) "
		"to a Unix\nsocket at PATH for `csvsm call --socket PATH`.\n"
		"--mssim-port serves the MS TPM simulator protocol on "
		"127.0.0.1 PORT (data)\nand PORT+1 (platform) and carries "
		"each TPM command to csvsm's vTPM as an\nSVSM_VTPM_CMD over "
		"the request channel (a private socket unless\n"
		"--request-socket is given): tpm2_getrandom -T "
		"mssim:host=127.0.0.1,port=PORT 16\n");
}

static int usage_error(void)
{
	(void)fprintf(stderr, "csvsm: run: see 'csvsm run --help'\n");
	return 2;
}

/** Parses a decimal number in [1, max]. */
static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9') {
		return false;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > max) {
		return false;
	}
	*out = v;
	return true;
}

/** Parses a RAM size as QEMU's -m does (default unit MiB); whole MiB. */
static bool parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	char *end;
	const char *u;
	unsigned long long v;
	unsigned int shift = 20;

	if (*s < '0' || *s > '9') {
		return false;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0) {
		return false;
	}
	if (*end != '\0') {
		u = strchr(units, end[0] & ~0x20);
		if (u == NULL || end[1] != '\0') {
			return false;
		}
		shift = 10 * (unsigned int)(u - units + 1);
	}
	if (v > (RUN_MEM_MAX >> shift)) {
		return false;
	}
	v <<= shift;
	if (v < RUN_MEM_MIN || v % MIB != 0) {
		return false;
	}
	*out = v;
	return true;
}

/** Parses SOCKETS:CORES:THREADS, each and their product in [1, max]. */
static bool parse_topology(struct run_opts *o, const char *s)
{
	unsigned long long v[3];
	const char *p = s;

	for (int i = 0; i < 3; i++) {
		char *end;

		if (*p < '0' || *p > '9') {
			return false;
		}
		errno = 0;
		v[i] = strtoull(p, &end, 10);
		if (errno != 0 || v[i] == 0 || v[i] > RUN_CPUS_MAX ||
		    *end != (i < 2 ? ':' : '\0')) {
			return false;
		}
		p = end + 1;
	}
	if (v[0] * v[1] * v[2] > RUN_CPUS_MAX) {
		return false;
	}
	o->sockets = (uint32_t)v[0];
	o->cores = (uint32_t)v[1];
	o->threads = (uint32_t)v[2];
	return true;
}

/** Applies one option; false on a bad value. */
static bool apply_opt(struct run_opts *o, int c, const char *arg)
{
	uint64_t v = 0;

	switch (c) {
	case 'i':
		o->igvm_path = arg;
		return true;
	case 'c':
		if (!parse_uint(arg, RUN_CPUS_MAX, &v)) {
			return false;
		}
		o->cpus = (uint32_t)v;
		o->has_cpus = true;
		return true;
	case 'T':
		return parse_topology(o, arg);
	case 'V':
		if (!parse_uint(arg, RUN_CPUS_MAX, &v)) {
			return false;
		}
		o->vp_count = (uint32_t)v;
		return true;
	case 'm':
		return parse_size(arg, &o->mem_size);
	case 'a':
		o->is_kvm = strcmp(arg, "kvm") == 0;
		return o->is_kvm || strcmp(arg, "tcg") == 0;
	case 'g':
		o->gdb_port = arg;
		return parse_uint(arg, 65535, &v);
	case 'l':
		o->cmdline = arg;
		return true;
	case 't':
		if (!parse_uint(arg, RUN_TIMEOUT_MAX, &v)) {
			return false;
		}
		o->timeout_s = (uint32_t)v;
		return true;
	case 'q':
		o->qemu = arg;
		return true;
	case 'n':
		o->is_dry_run = true;
		return true;
	case 'I':
		o->is_icount = true;
		return true;
	case 'M':
		o->memory_map = arg;
		return true;
	case 'P':
		if (!parse_uint(arg, UINT16_MAX - 1U, &v)) {
			return false;
		}
		o->mssim_port = (uint16_t)v;
		return true;
	case 'R':
		/* QEMU's option syntax cannot carry a comma; a Unix socket
		 * path has at most 107 bytes. */
		o->request_socket = arg;
		return arg[0] != '\0' && strchr(arg, ',') == NULL &&
		       strlen(arg) < 108;
	default:
		return false;
	}
}

/** Parses the options; returns -1 to go on, else the exit status. */
static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option long_opts[] = {
		{ "igvm", required_argument, NULL, 'i' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "accel", required_argument, NULL, 'a' },
		{ "gdb", required_argument, NULL, 'g' },
		{ "cmdline", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' },
		{ "qemu", required_argument, NULL, 'q' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "icount", no_argument, NULL, 'I' },
		{ "memory-map", required_argument, NULL, 'M' },
		{ "topology", required_argument, NULL, 'T' },
		{ "vp-count", required_argument, NULL, 'V' },
		{ "request-socket", required_argument, NULL, 'R' },
		{ "mssim-port", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	int idx = 0;

	*o = (struct run_opts){ .igvm_path = "build/csvsm.igvm",
				.cpus = 1,
				.mem_size = 256 * MIB,
				.qemu = "qemu-system-x86_64" };
	optind = 1;
	while ((c = getopt_long(argc, argv, "", long_opts, &idx)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == '?') {
			return usage_error();
		}
		if (!apply_opt(o, c, optarg)) {
			(void)fprintf(stderr,
				      "csvsm: run: bad value '%s' for --%s\n",
				      optarg, long_opts[idx].name);
			return usage_error();
		}
	}
	if (o->is_icount && o->is_kvm) {
		(void)fprintf(stderr,
			      "csvsm: run: --icount needs --accel tcg\n");
		return usage_error();
	}
	if (o->sockets != 0) {
		uint32_t n = o->sockets * o->cores * o->threads;

		if (o->has_cpus && o->cpus != n) {
			(void)fprintf(stderr,
				      "csvsm: run: --cpus %" PRIu32
				      " but --topology gives %" PRIu32 "\n",
				      o->cpus, n);
			return usage_error();
		}
		o->cpus = n;
	}
	if (optind != argc) {
		(void)fprintf(stderr, "csvsm: run: unexpected argument '%s'\n",
			      argv[optind]);
		return usage_error();
	}
	return -1;
}

/** Reads the whole file at `path` into a malloc'd buffer. */
static enum svsm_err read_image(const char *path, uint8_t **out,
				size_t *out_size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf = NULL;
	size_t done = 0;

	if (fd < 0 || fstat(fd, &st) != 0) {
		goto err;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > UINT32_MAX) {
		errno = EINVAL;
		goto err;
	}
	buf = malloc((size_t)st.st_size);
	if (buf == NULL) {
		goto err;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n <= 0) {
			errno = n == 0 ? EIO : errno;
			goto err;
		}
		done += (size_t)n;
	}
	(void)close(fd);
	*out = buf;
	*out_size = done;
	return SVSM_OK;
err:
	(void)fprintf(stderr, "csvsm: %s: %s\n", path, strerror(errno));
	free(buf);
	if (fd >= 0) {
		(void)close(fd);
	}
	return SVSM_ERR_IO;
}

/** Applies every entry of the parsed file and finishes the plan. */
static enum svsm_err fill_plan(struct run_state *st, char *why, size_t why_size)
{
	struct igvm_iter it;
	struct igvm_entry e;
	enum svsm_err err = SVSM_OK;

	igvm_iter_init(&it, &st->file);
	while (err == SVSM_OK && igvm_iter_next(&it, &e)) {
		err = loadplan_add_entry(&st->plan, &e, why, why_size);
	}
	if (err == SVSM_OK) {
		err = loadplan_finish(&st->plan, why, why_size);
	}
	if (err == SVSM_ERR_NOMEM) {
		(void)snprintf(why, why_size, "out of memory");
	}
	return err;
}

/** Reads, parses and plans the image; prints the reason on failure. */
static enum svsm_err plan_image(const struct run_opts *o, struct run_state *st)
{
	char why[256] = "out of memory";
	const struct igvm_platform_info *native;
	static struct loadplan_config cfg;
	enum svsm_err err;

	err = read_image(o->igvm_path, &st->image, &st->image_size);
	if (err != SVSM_OK) {
		return err;
	}
	err = igvm_file_parse(&st->file, st->image, st->image_size, why,
			      sizeof(why));
	native = err == SVSM_OK
			 ? igvm_file_platform(&st->file, IGVM_PLATFORM_NATIVE)
			 : NULL;
	if (err == SVSM_OK && native == NULL) {
		(void)snprintf(why, sizeof(why),
			       "no NATIVE platform (csvsm run boots only the "
			       "native platform)");
		err = SVSM_ERR_UNSUPPORTED;
	}
	cfg = (struct loadplan_config){ .vp_count = o->vp_count != 0
							    ? o->vp_count
							    : o->cpus,
					.cmdline = o->cmdline };
	if (err == SVSM_OK && o->memory_map &&
	    !loadplan_parse_memmap_override(&cfg, o->memory_map)) {
		(void)snprintf(why, sizeof(why),
			       "bad --memory-map list (BASE:PAGES[:TYPE],...)");
		err = SVSM_ERR_INVAL;
	}
	if (err == SVSM_OK) {
		cfg.platform_mask = native->compatibility_mask;
		loadplan_ram_q35(&cfg.ram, o->mem_size);
		err = loadplan_init(&st->plan, &st->file, &cfg);
		st->has_plan = err == SVSM_OK;
	}
	if (err == SVSM_OK) {
		err = fill_plan(st, why, sizeof(why));
	}
	if (err != SVSM_OK) {
		(void)fprintf(stderr, "csvsm: %s: %s\n", o->igvm_path, why);
	}
	return err;
}

/** Writes `len` bytes at `off`, retrying short writes. */
static bool write_at(int fd, const void *buf, size_t len, off_t off)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n <= 0) {
			return false;
		}
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return true;
}

/** Creates `name` in the private directory; -1 after a message. */
static int create_file(const struct run_state *st, const char *name)
{
	int fd = openat(st->dir_fd, name,
			O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		(void)fprintf(stderr, "csvsm: %s/%s: %s\n", st->dir, name,
			      strerror(errno));
	}
	return fd;
}

/** Writes one blob: its data pages, zero pages left as holes. */
static bool write_blob(const struct run_state *st, size_t index)
{
	const struct loadplan_blob *b = &st->plan.blobs[index];
	char name[64];
	bool is_ok = true;
	int fd;

	(void)snprintf(name, sizeof(name), "blob-%zu.bin", index);
	fd = create_file(st, name);
	if (fd < 0) {
		return false;
	}
	for (size_t i = 0; i < b->page_count && is_ok; i++) {
		const uint8_t *data = st->plan.pages[b->first_page + i].data;

		if (data != NULL) {
			is_ok = write_at(fd, data, LOADPLAN_PAGE_SIZE,
					 (off_t)(i * LOADPLAN_PAGE_SIZE));
		}
	}
	is_ok = is_ok &&
		ftruncate(fd, (off_t)(b->page_count * LOADPLAN_PAGE_SIZE)) == 0;
	is_ok = close(fd) == 0 && is_ok;
	if (!is_ok) {
		(void)fprintf(stderr, "csvsm: %s/%s: %s\n", st->dir, name,
			      strerror(errno));
	}
	return is_ok;
}

/** Writes the shim with the plan's vCPU context filled in. */
static bool write_shim(const struct run_state *st)
{
	size_t size = (size_t)(csvsm_shim_end - csvsm_shim_start);
	uint8_t *shim = malloc(size);
	bool is_ok = false;
	int fd = -1;

	if (shim == NULL) {
		(void)fprintf(stderr, "csvsm: out of memory\n");
		return false;
	}
	memcpy(shim, csvsm_shim_start, size);
	if (loadplan_fill_shim(shim, size, &st->plan.ctx) != SVSM_OK) {
		(void)fprintf(stderr, "csvsm: the embedded reset shim does not "
				      "match this csvsm build\n");
		goto out;
	}
	fd = create_file(st, "shim.bin");
	if (fd >= 0) {
		is_ok = write_at(fd, shim, size, 0);
		is_ok = close(fd) == 0 && is_ok;
		if (!is_ok) {
			(void)fprintf(stderr, "csvsm: %s/shim.bin: %s\n",
				      st->dir, strerror(errno));
		}
	}
out:
	free(shim);
	return is_ok;
}

/** Creates the private directory and writes the blobs and the shim. */
static bool write_files(struct run_state *st)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = NULL;

	if (tmp == NULL || tmp[0] == '\0') {
		tmp = "/tmp";
	}
	if (asprintf(&dir, "%s/csvsm-run.XXXXXX", tmp) < 0) {
		(void)fprintf(stderr, "csvsm: out of memory\n");
		return false;
	}
	if (mkdtemp(dir) == NULL) {
		(void)fprintf(stderr, "csvsm: %s: %s\n", dir, strerror(errno));
		free(dir);
		return false;
	}
	st->dir = dir;
	st->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dir_fd < 0) {
		(void)fprintf(stderr, "csvsm: %s: %s\n", dir, strerror(errno));
		return false;
	}
	for (size_t i = 0; i < st->plan.blob_count; i++) {
		if (pending_signal != 0 || !write_blob(st, i)) {
			return false;
		}
	}
	return write_shim(st);
}

/** Removes the private directory and everything in it. */
static void remove_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (d == NULL) {
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			(void)unlinkat(dirfd(d), de->d_name, 0);
		}
	}
	(void)closedir(d);
	(void)rmdir(path);
}

static void __attribute__((format(printf, 2, 3)))
argvec_push(struct argvec *a, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	if (a->count + 2 > a->cap) {
		size_t cap = a->cap == 0 ? 64 : a->cap * 2;
		char **v = realloc(a->v, cap * sizeof(*v));

		if (v == NULL) {
			a->is_nomem = true;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		a->is_nomem = true;
		return;
	}
	a->v[a->count++] = s;
	a->v[a->count] = NULL;
}

static void argvec_free(struct argvec *a)
{
	for (size_t i = 0; i < a->count; i++) {
		free(a->v[i]);
	}
	free(a->v);
	*a = (struct argvec){ 0 };
}

/** Returns `s` with every ',' doubled, as QEMU's option parser wants. */
static char *qemu_opt_escape(const char *s)
{
	char *out = malloc(2 * strlen(s) + 1);
	char *p = out;

	if (out == NULL) {
		return NULL;
	}
	for (; *s != '\0'; s++) {
		*p++ = *s;
		if (*s == ',') {
			*p++ = ',';
		}
	}
	*p = '\0';
	return out;
}

/** Builds QEMU's command line. */
static bool build_args(const struct run_opts *o, struct run_state *st)
{
	struct argvec *a = &st->args;
	char *dir = qemu_opt_escape(st->dir);
	char *req = st->req_socket ? qemu_opt_escape(st->req_socket) : NULL;

	if (dir == NULL || (st->req_socket != NULL && req == NULL)) {
		free(dir);
		free(req);
		return false;
	}
	argvec_push(a, "%s", o->qemu);
	argvec_push(a, "-machine");
	argvec_push(a, "q35");
	argvec_push(a, "-accel");
	argvec_push(a, "%s", o->is_kvm ? "kvm" : "tcg");
	argvec_push(a, "-cpu");
	argvec_push(a, "%s", o->is_kvm ? "host" : "max");
	if (o->is_icount) {
		/* sleep=off: an idle guest warps time instead of sleeping. */
		argvec_push(a, "-icount");
		argvec_push(a, "shift=0,sleep=off");
	}
	argvec_push(a, "-smp");
	if (o->sockets != 0) {
		argvec_push(a,
			    "%" PRIu32 ",sockets=%" PRIu32 ",cores=%" PRIu32
			    ",threads=%" PRIu32,
			    o->cpus, o->sockets, o->cores, o->threads);
	} else {
		argvec_push(a, "%" PRIu32, o->cpus);
	}
	argvec_push(a, "-m");
	argvec_push(a, "%" PRIu64 "M", (uint64_t)(o->mem_size / MIB));
	argvec_push(a, "-nodefaults");
	argvec_push(a, "-display");
	argvec_push(a, "none");
	argvec_push(a, "-no-reboot");
	argvec_push(a, "-chardev");
	argvec_push(a, "stdio,id=con,signal=on");
	argvec_push(a, "-serial");
	argvec_push(a, "chardev:con");
	if (req != NULL) {
		/* COM2: the native request channel (docs/REQCHAN.md). */
		argvec_push(a, "-chardev");
		argvec_push(a, "socket,id=req,path=%s,server=on,wait=off", req);
		argvec_push(a, "-serial");
		argvec_push(a, "chardev:req");
	}
	argvec_push(a, "-device");
	argvec_push(a, "isa-debug-exit,iobase=0xf4,iosize=0x04");
	argvec_push(a, "-bios");
	argvec_push(a, "%s/shim.bin", st->dir);
	for (size_t i = 0; i < st->plan.blob_count; i++) {
		argvec_push(a, "-device");
		argvec_push(a,
			    "loader,file=%s/blob-%zu.bin,addr=0x%" PRIx64
			    ",force-raw=on",
			    dir, i, st->plan.blobs[i].gpa);
	}
	if (o->gdb_port != NULL) {
		argvec_push(a, "-gdb");
		argvec_push(a, "tcp::%s", o->gdb_port);
	}
	free(dir);
	free(req);
	return !a->is_nomem;
}

/** Prints the command line, quoting the arguments a shell would split. */
static void print_args(const struct argvec *a)
{
	for (size_t i = 0; i < a->count; i++) {
		const char *s = a->v[i];
		bool is_plain = s[0] != '\0' &&
				strspn(s, "abcdefghijklmnopqrstuvwxyz"
					  "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "0123456789_./=:,+-") == strlen(s);

		(void)fputs(i > 0 ? " " : "", stdout);
		if (is_plain) {
			(void)fputs(s, stdout);
			continue;
		}
		(void)putchar('\'');
		for (; *s != '\0'; s++) {
			if (*s == '\'') {
				(void)fputs("'\\''", stdout);
			} else {
				(void)putchar(*s);
			}
		}
		(void)putchar('\'');
	}
	(void)putchar('\n');
}

/**
 * Starts QEMU; returns its pid or -1. A close-on-exec pipe tells a failed
 * exec apart from a QEMU that started and exited.
 */
static pid_t start_qemu(char **argv)
{
	int fds[2];
	int child_errno = 0;
	pid_t pid;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		(void)close(fds[0]);
		execvp(argv[0], argv);
		child_errno = errno;
		(void)!write(fds[1], &child_errno, sizeof(child_errno));
		_exit(127);
	}
	(void)close(fds[1]);
	do {
		n = read(fds[0], &child_errno, sizeof(child_errno));
	} while (n < 0 && errno == EINTR);
	(void)close(fds[0]);
	if (pid > 0 && n == sizeof(child_errno)) {
		(void)waitpid(pid, NULL, 0);
		errno = child_errno;
		return -1;
	}
	return pid;
}

static double now_s(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/**
 * Waits for QEMU, forwarding a fatal signal once and enforcing the
 * timeout (SIGTERM, then SIGKILL after a grace period). Sets
 * `*is_timed_out`; returns the wait status, or -1.
 */
static int wait_qemu(pid_t pid, uint32_t timeout_s, bool *is_timed_out)
{
	const struct timespec tick = { 0, RUN_POLL_NS };
	double deadline = timeout_s ? now_s() + timeout_s : 0;
	double kill_at = 0;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid) {
			return status;
		}
		if (r < 0 && errno != EINTR) {
			return -1;
		}
		if (kill_at == 0 && (pending_signal != 0 ||
				     (deadline != 0 && now_s() >= deadline))) {
			*is_timed_out = pending_signal == 0;
			(void)kill(pid,
				   pending_signal ? pending_signal : SIGTERM);
			kill_at = now_s() + RUN_KILL_GRACE_S;
		}
		if (kill_at != 0 && now_s() >= kill_at) {
			(void)kill(pid, SIGKILL);
		}
		(void)nanosleep(&tick, NULL);
	}
}

/** Maps QEMU's wait status to csvsm's exit status, with a message. */
static int exit_status(int status)
{
	int code;

	if (WIFSIGNALED(status)) {
		(void)fprintf(stderr, "csvsm: QEMU was killed by signal %d\n",
			      WTERMSIG(status));
		return 1;
	}
	code = WEXITSTATUS(status);
	if (code == QEMU_EXIT_OK) {
		return 0;
	}
	if (code == QEMU_EXIT_FAIL) {
		(void)fprintf(stderr, "csvsm: the guest reported failure "
				      "(0x11)\n");
	} else if (code == 0) {
		(void)fprintf(stderr, "csvsm: guest stopped without reporting "
				      "(triple fault?)\n");
	} else if (code == 1) {
		(void)fprintf(stderr, "csvsm: QEMU exited with status 1 (a "
				      "QEMU error, or the guest wrote 0)\n");
	} else if ((code & 1) != 0) {
		(void)fprintf(stderr, "csvsm: the guest exited with 0x%x\n",
			      code >> 1);
	} else {
		(void)fprintf(stderr, "csvsm: QEMU failed (exit status %d)\n",
			      code);
	}
	return 1;
}

/**
 * Starts the mssim bridge in a child process with the listening sockets
 * (bound before QEMU started); it ends with csvsm (a signal from the
 * terminal reaches it as it reaches QEMU; PR_SET_PDEATHSIG otherwise).
 * Without it QEMU still runs: the clients then find no server.
 */
static void start_bridge(struct run_state *st)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid == 0) {
		(void)signal(SIGINT, SIG_DFL);
		(void)signal(SIGTERM, SIG_DFL);
		(void)signal(SIGHUP, SIG_DFL);
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 ||
		    getppid() != parent) {
			_exit(1);
		}
		_exit(mssim_serve(&st->ports, st->req_socket));
	}
	if (pid < 0) {
		(void)fprintf(stderr,
			      "csvsm: cannot start the mssim bridge: "
			      "%s\n",
			      strerror(errno));
	}
	st->bridge = pid > 0 ? pid : 0;
	mssim_close(&st->ports);
}

/** Ends the mssim bridge, if it runs. */
static void stop_bridge(struct run_state *st)
{
	int status;

	if (st->bridge <= 0) {
		return;
	}
	(void)kill(st->bridge, SIGTERM);
	while (waitpid(st->bridge, &status, 0) < 0 && errno == EINTR) {
	}
	st->bridge = 0;
}

/** Runs QEMU to the end; returns csvsm's exit status. */
static int run_qemu(const struct run_opts *o, struct run_state *st)
{
	bool is_timed_out = false;
	pid_t pid;
	int status;

	(void)fflush(NULL);
	pid = start_qemu(st->args.v);
	if (pid < 0) {
		(void)fprintf(stderr, "csvsm: cannot run %s: %s\n", o->qemu,
			      strerror(errno));
		return 1;
	}
	if (st->ports.data_fd >= 0) {
		start_bridge(st);
	}
	status = wait_qemu(pid, o->timeout_s, &is_timed_out);
	stop_bridge(st);
	if (status < 0) {
		(void)fprintf(stderr, "csvsm: waiting for QEMU: %s\n",
			      strerror(errno));
		return 1;
	}
	if (is_timed_out) {
		(void)fprintf(stderr, "csvsm: timeout after %" PRIu32 " s\n",
			      o->timeout_s);
		return 1;
	}
	if (pending_signal != 0) {
		return 1; /* cmd_run raises the signal again */
	}
	return exit_status(status);
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
}

static void run_state_destroy(struct run_state *st)
{
	stop_bridge(st);
	mssim_close(&st->ports);
	free(st->req_socket);
	st->req_socket = NULL;
	argvec_free(&st->args);
	if (st->dir_fd >= 0) {
		(void)close(st->dir_fd);
		st->dir_fd = -1;
	}
	if (st->dir != NULL) {
		remove_dir(st->dir);
		free(st->dir);
		st->dir = NULL;
	}
	if (st->has_plan) {
		loadplan_destroy(&st->plan);
		st->has_plan = false;
	}
	free(st->image);
	st->image = NULL;
}

/**
 * The request channel's socket: --request-socket, else for the mssim
 * bridge one in the private directory, else none.
 */
static bool request_socket(const struct run_opts *o, struct run_state *st)
{
	if (o->request_socket != NULL) {
		st->req_socket = strdup(o->request_socket);
	} else if (o->mssim_port != 0) {
		if (asprintf(&st->req_socket, "%s/req.sock", st->dir) < 0) {
			st->req_socket = NULL;
		}
	} else {
		return true;
	}
	if (st->req_socket == NULL) {
		(void)fprintf(stderr, "csvsm: out of memory\n");
		return false;
	}
	if (strlen(st->req_socket) >= 108) {
		(void)fprintf(stderr,
			      "csvsm: %s: too long for a Unix socket (set "
			      "TMPDIR to a shorter directory)\n",
			      st->req_socket);
		return false;
	}
	return true;
}

/** Runs the image (or prints QEMU's command line); the exit status. */
static int launch(const struct run_opts *o, struct run_state *st)
{
	if (!write_files(st)) {
		return 1;
	}
	if (!request_socket(o, st)) {
		return 1;
	}
	if (!build_args(o, st)) {
		(void)fprintf(stderr, "csvsm: out of memory\n");
		return 1;
	}
	if (o->is_dry_run) {
		print_args(&st->args);
		return 0;
	}
	if (pending_signal != 0) {
		return 1;
	}
	/* Bound before QEMU starts: a busy port stops csvsm here. */
	if (o->mssim_port != 0 && !mssim_listen(&st->ports, o->mssim_port)) {
		return 1;
	}
	return run_qemu(o, st);
}

/** `csvsm run [options]`: load an IGVM image into QEMU and run it. */
int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct run_state *st;
	int rc = parse_opts(argc, argv, &o);

	if (rc >= 0) {
		return rc;
	}
	if (o.is_kvm && access("/dev/kvm", R_OK | W_OK) != 0) {
		(void)fprintf(stderr, "csvsm: --accel kvm: /dev/kvm: %s\n",
			      strerror(errno));
		return 1;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		(void)fprintf(stderr, "csvsm: out of memory\n");
		return 1;
	}
	st->dir_fd = -1;
	st->ports = (struct mssim_ports){ .data_fd = -1, .platform_fd = -1 };
	catch_signals();
	rc = plan_image(&o, st) == SVSM_OK ? launch(&o, st) : 1;
	run_state_destroy(st);
	free(st);
	if (pending_signal != 0) {
		(void)signal(pending_signal, SIG_DFL);
		(void)raise(pending_signal);
	}
	return rc;
}
