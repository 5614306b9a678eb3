// SPDX-License-Identifier: MIT
/*
 * `csvsm dump [--check] [--verbose] FILE`: reads an IGVM file, checks it
 * with the reader in lib/igvm and prints the fixed header, the platforms,
 * every variable header with its decoded fields and a summary. Runs of
 * similar PAGE_DATA entries are folded into one line unless --verbose.
 * With --check only a one-line verdict is printed. A bad file is reported
 * as "csvsm: FILE: <reason>" on stderr with exit status 1; a usage error
 * exits with 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvsm.h"
#include "igvm/igvm_file.h"

#define DUMP_MAX_FILE_SIZE ((size_t)256 * 1024 * 1024)
#define DUMP_RUN_MIN 3U /* fold runs of at least this many pages */
#define DUMP_TYPE_SLOTS 32U
#define WHY_SIZE 256U

/** Command-line options. */
struct dump_opts {
	bool is_check;
	bool is_verbose;
	const char *path;
};

/** A run of PAGE_DATA entries with one mask, flags and data type. */
struct page_run {
	struct igvm_iter start; /**< positioned at the run's first entry */
	struct igvm_page_data first;
	uint64_t next_gpa;
	uint32_t first_offset;
	uint32_t count;
	uint32_t zero_count; /**< entries with file_offset 0 */
	bool is_active;
};

/** How many entries of one type the file holds. */
struct type_count {
	uint32_t type;
	uint32_t count;
};

/** Prints to stdout; write errors are caught once, at the end. */
static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vprintf(fmt, ap);
	va_end(ap);
}

static void usage(FILE *f)
{
	(void)fprintf(f,
		      "usage: csvsm dump [--check] [--verbose] FILE\n"
		      "  --check    print only FILE: ok (N headers, M "
		      "pages)\n"
		      "  --verbose  print every PAGE_DATA on its own line\n");
}

/** Reports a bad file on stderr and returns exit status 1. */
static int fail_file(const char *path, const char *why)
{
	(void)fprintf(stderr, "csvsm: %s: %s\n", path, why);
	return 1;
}

/* ---- reading ------------------------------------------------------- */

/** Reads all of `fd` (of `size` bytes) into a new buffer. */
static enum svsm_err SVSM_MUST_CHECK read_all(int fd, size_t size,
					      uint8_t **out_buf,
					      const char **why)
{
	uint8_t *buf = malloc(size > 0 ? size : 1);
	size_t done = 0;

	if (buf == NULL) {
		*why = "out of memory";
		return SVSM_ERR_NOMEM;
	}
	while (done < size) {
		ssize_t n = read(fd, buf + done, size - done);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			*why = n < 0 ? strerror(errno)
				     : "file shrank while reading";
			free(buf);
			return SVSM_ERR_IO;
		}
		done += (size_t)n;
	}
	*out_buf = buf;
	return SVSM_OK;
}

/** Opens and reads a regular file of at most 256 MiB (csvsm.h). */
enum svsm_err csvsm_read_file(const char *path, uint8_t **buf, size_t *size,
			      const char **why)
{
	struct stat st;
	enum svsm_err err;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		*why = strerror(errno);
		return SVSM_ERR_IO;
	}
	if (fstat(fd, &st) != 0) {
		*why = strerror(errno);
		err = SVSM_ERR_IO;
	} else if (!S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		err = SVSM_ERR_INVAL;
	} else if (st.st_size > (off_t)DUMP_MAX_FILE_SIZE) {
		*why = "larger than 256 MiB";
		err = SVSM_ERR_RANGE;
	} else {
		err = read_all(fd, (size_t)st.st_size, buf, why);
	}
	(void)close(fd);
	if (err == SVSM_OK) {
		*size = (size_t)st.st_size;
	}
	return err;
}

/* ---- names ---------------------------------------------------------- */

/** Writes the names of the platforms in `mask` ("SEV_SNP,NATIVE"). */
static void mask_names(const struct igvm_file *f, uint32_t mask, char *buf,
		       size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < f->platform_count && n < size; i++) {
		const struct igvm_platform_info *p = &f->platforms[i];

		if ((mask & p->compatibility_mask) == 0) {
			continue;
		}
		n += (size_t)snprintf(buf + n, size - n, "%s%s",
				      n > 0 ? "," : "",
				      igvm_platform_name(p->platform_type));
	}
}

static const char *const PAGE_FLAG_NAMES[4] = { "-", "unmeasured", "shared",
						"unmeasured,shared" };

static const char *const DATA_TYPE_NAMES[] = { "NORMAL", "SECRETS",
					       "CPUID_DATA", "CPUID_XF" };

/** Returns the names of PAGE_DATA flags ("unmeasured,shared" or "-"). */
static const char *page_flags_name(uint32_t flags)
{
	return PAGE_FLAG_NAMES[(flags >> 1) & 3U];
}

/** Returns the name of a PAGE_DATA data type, or "?". */
static const char *data_type_name(uint16_t type)
{
	size_t count = sizeof(DATA_TYPE_NAMES) / sizeof(DATA_TYPE_NAMES[0]);

	return type < count ? DATA_TYPE_NAMES[type] : "?";
}

/* ---- the fixed header and the platforms ----------------------------- */

static void print_fixed_header(const struct igvm_file *f)
{
	struct igvm_fixed_header_v2 h = { 0 };

	memcpy(&h, f->data, f->fixed_header_size);
	out("fixed header (%u bytes):\n", f->fixed_header_size);
	out("  format_version          %u\n", f->format_version);
	if (f->format_version == IGVM_FORMAT_VERSION_2) {
		out("  architecture            %u (X64)\n", h.architecture);
		out("  page_size               %u\n", h.page_size);
	}
	out("  variable_header_offset  0x%x\n", f->vh_offset);
	out("  variable_header_size    0x%x (%u bytes)\n", f->vh_size,
	    f->vh_size);
	out("  total_file_size         0x%x (%u bytes)\n", h.v1.total_file_size,
	    h.v1.total_file_size);
	out("  checksum                0x%08x (CRC-32, ok)\n", h.v1.checksum);
	out("  file data               0x%x..0x%zx (%zu bytes)\n",
	    f->vh_offset + f->vh_size, f->size,
	    f->size - (f->vh_offset + f->vh_size));
}

static void print_platforms(const struct igvm_file *f)
{
	out("platforms (%u):\n", f->platform_count);
	for (uint32_t i = 0; i < f->platform_count; i++) {
		const struct igvm_platform_info *p = &f->platforms[i];

		out("  mask 0x%x  %-13s highest_vtl %u  shared_gpa_boundary "
		    "0x%llx\n",
		    p->compatibility_mask, igvm_platform_name(p->platform_type),
		    p->highest_vtl, (unsigned long long)p->shared_gpa_boundary);
	}
}

/* ---- one line per entry type ---------------------------------------- */

/** Prints the start of an entry's line: offset and type name. */
static void entry_head(const struct igvm_entry *e)
{
	out("  0x%08x  %-20s", e->offset, igvm_type_name(e->type));
}

static void print_platform(const struct igvm_entry *e)
{
	struct igvm_supported_platform sp;

	memcpy(&sp, e->payload, sizeof(sp));
	out(" mask 0x%x type %s version %u highest_vtl %u "
	    "shared_gpa_boundary 0x%llx\n",
	    sp.compatibility_mask, igvm_platform_name(sp.platform_type),
	    sp.platform_version, sp.highest_vtl,
	    (unsigned long long)sp.shared_gpa_boundary);
}

static void print_policy(const struct igvm_file *f, const struct igvm_entry *e)
{
	struct igvm_guest_policy gp;
	char names[96];

	memcpy(&gp, e->payload, sizeof(gp));
	mask_names(f, gp.compatibility_mask, names, sizeof(names));
	out(" policy 0x%llx mask 0x%x (%s)\n", (unsigned long long)gp.policy,
	    gp.compatibility_mask, names);
}

static void print_area(const struct igvm_entry *e)
{
	struct igvm_parameter_area a;

	memcpy(&a, e->payload, sizeof(a));
	out(" index %u size 0x%llx file_offset 0x%x%s\n",
	    a.parameter_area_index, (unsigned long long)a.number_of_bytes,
	    a.file_offset, a.file_offset == 0 ? " (zeros)" : "");
}

static void print_page(const struct igvm_file *f, const struct igvm_entry *e)
{
	struct igvm_page_data pd;
	char names[96];

	memcpy(&pd, e->payload, sizeof(pd));
	mask_names(f, pd.compatibility_mask, names, sizeof(names));
	out(" gpa 0x%llx mask 0x%x (%s) flags 0x%x (%s) type %s file_offset "
	    "0x%x%s\n",
	    (unsigned long long)pd.gpa, pd.compatibility_mask, names, pd.flags,
	    page_flags_name(pd.flags), data_type_name(pd.data_type),
	    pd.file_offset, pd.file_offset == 0 ? " (zero page)" : "");
}

static void print_insert(const struct igvm_file *f, const struct igvm_entry *e)
{
	struct igvm_parameter_insert pi;
	char names[96];

	memcpy(&pi, e->payload, sizeof(pi));
	mask_names(f, pi.compatibility_mask, names, sizeof(names));
	out(" gpa 0x%llx mask 0x%x (%s) area %u\n", (unsigned long long)pi.gpa,
	    pi.compatibility_mask, names, pi.parameter_area_index);
}

/** The registers of a native context worth seeing at a glance. */
static void print_native_context(const struct igvm_file *f,
				 uint32_t file_offset)
{
	const uint8_t *page = igvm_file_page(f, file_offset);
	struct igvm_native_vp_context_x64 c;

	if (page == NULL) {
		return;
	}
	memcpy(&c, page, sizeof(c));
	out("              native: rip 0x%llx rsp 0x%llx cr0 0x%llx cr3 0x%llx "
	    "cr4 0x%llx efer 0x%llx cs 0x%x\n",
	    (unsigned long long)c.rip, (unsigned long long)c.rsp,
	    (unsigned long long)c.cr0, (unsigned long long)c.cr3,
	    (unsigned long long)c.cr4, (unsigned long long)c.efer,
	    c.code_selector);
}

static void print_vp_context(const struct igvm_file *f,
			     const struct igvm_entry *e)
{
	const struct igvm_platform_info *native =
		igvm_file_platform(f, IGVM_PLATFORM_NATIVE);
	struct igvm_vp_context vc;
	char names[96];

	memcpy(&vc, e->payload, sizeof(vc));
	mask_names(f, vc.compatibility_mask, names, sizeof(names));
	out(" vp %u gpa 0x%llx mask 0x%x (%s) file_offset 0x%x\n", vc.vp_index,
	    (unsigned long long)vc.gpa, vc.compatibility_mask, names,
	    vc.file_offset);
	if (native != NULL &&
	    (vc.compatibility_mask & native->compatibility_mask) != 0) {
		print_native_context(f, vc.file_offset);
	}
}

static void print_required(const struct igvm_file *f,
			   const struct igvm_entry *e)
{
	struct igvm_required_memory rm;
	char names[96];

	memcpy(&rm, e->payload, sizeof(rm));
	mask_names(f, rm.compatibility_mask, names, sizeof(names));
	out(" gpa 0x%llx size 0x%x mask 0x%x (%s) flags 0x%x\n",
	    (unsigned long long)rm.gpa, rm.number_of_bytes,
	    rm.compatibility_mask, names, rm.flags);
}

static void print_parameter(const struct igvm_entry *e)
{
	struct igvm_parameter prm;

	memcpy(&prm, e->payload, sizeof(prm));
	out(" area %u byte_offset 0x%x\n", prm.parameter_area_index,
	    prm.byte_offset);
}

static void print_relocation(const struct igvm_entry *e)
{
	struct igvm_relocatable_region r;
	struct igvm_page_table_relocation pt;

	if (e->type == IGVM_VHT_RELOCATABLE_REGION) {
		memcpy(&r, e->payload, sizeof(r));
		out(" mask 0x%x vp %u vtl %u flags 0x%x region 0x%llx+0x%llx "
		    "align 0x%llx range 0x%llx..0x%llx\n",
		    r.compatibility_mask, r.vp_index, r.vtl, r.flags,
		    (unsigned long long)r.relocation_region_gpa,
		    (unsigned long long)r.relocation_region_size,
		    (unsigned long long)r.relocation_alignment,
		    (unsigned long long)r.minimum_relocation_gpa,
		    (unsigned long long)r.maximum_relocation_gpa);
		return;
	}
	memcpy(&pt, e->payload, sizeof(pt));
	out(" mask 0x%x vp %u vtl %u gpa 0x%llx size 0x%llx used 0x%llx\n",
	    pt.compatibility_mask, pt.vp_index, pt.vtl,
	    (unsigned long long)pt.gpa, (unsigned long long)pt.size,
	    (unsigned long long)pt.used_size);
}

/** Prints `n` bytes of `p` as hex digits. */
static void out_hex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		out("%02x", p[i]);
	}
}

/**
 * SNP_ID_BLOCK: the fields the reader checked, the ld it carries and the
 * first bytes of the ID key's qx (which key signed it).
 */
static void print_id_block(const struct igvm_file *f,
			   const struct igvm_entry *e)
{
	struct igvm_snp_id_block b;
	char names[96];

	memcpy(&b, e->payload, sizeof(b));
	mask_names(f, b.compatibility_mask, names, sizeof(names));
	out(" mask 0x%x (%s) version %u guest_svn %u id_key_algo %u "
	    "curve %u author_key %s\n",
	    b.compatibility_mask, names, b.version, b.guest_svn,
	    b.id_key_algorithm, b.id_public_key.curve,
	    b.author_key_enabled != 0 ? "yes" : "no");
	out("%34s ld ", "");
	out_hex(b.ld, sizeof(b.ld));
	out("\n%34s family_id ", "");
	out_hex(b.family_id, sizeof(b.family_id));
	out(" image_id ");
	out_hex(b.image_id, sizeof(b.image_id));
	out("\n%34s id_key qx ", "");
	out_hex(b.id_public_key.qx, sizeof(b.id_public_key.qx));
	out("\n");
}

/** Types whose payload starts with the mask: print mask and length. */
static void print_other(const struct igvm_entry *e)
{
	uint32_t mask = 0;

	if (e->type == IGVM_VHT_ERROR_RANGE) {
		struct igvm_error_range er;

		memcpy(&er, e->payload, sizeof(er));
		out(" gpa 0x%llx size 0x%x mask 0x%x\n",
		    (unsigned long long)er.gpa, er.size_bytes,
		    er.compatibility_mask);
		return;
	}
	if (e->length >= sizeof(mask)) {
		memcpy(&mask, e->payload, sizeof(mask));
	}
	out(" mask 0x%x length %u\n", mask, e->length);
}

/** Prints one entry on its own line, decoded by type. */
static void print_entry(const struct igvm_file *f, const struct igvm_entry *e)
{
	entry_head(e);
	if (strcmp(igvm_type_name(e->type), "UNKNOWN") == 0) {
		out(" type 0x%x%s length %u (ignored)\n", e->type,
		    e->is_optional ? " optional" : "", e->length);
		return;
	}
	switch (e->type) {
	case IGVM_VHT_SUPPORTED_PLATFORM:
		print_platform(e);
		break;
	case IGVM_VHT_GUEST_POLICY:
		print_policy(f, e);
		break;
	case IGVM_VHT_RELOCATABLE_REGION:
	case IGVM_VHT_PAGE_TABLE_RELOCATION_REGION:
		print_relocation(e);
		break;
	case IGVM_VHT_PARAMETER_AREA:
		print_area(e);
		break;
	case IGVM_VHT_PAGE_DATA:
		print_page(f, e);
		break;
	case IGVM_VHT_PARAMETER_INSERT:
		print_insert(f, e);
		break;
	case IGVM_VHT_VP_CONTEXT:
		print_vp_context(f, e);
		break;
	case IGVM_VHT_REQUIRED_MEMORY:
		print_required(f, e);
		break;
	case IGVM_VHT_SNP_ID_BLOCK:
		print_id_block(f, e);
		break;
	case IGVM_VHT_ERROR_RANGE:
	case IGVM_VHT_VBS_MEASUREMENT:
		print_other(e);
		break;
	default:
		print_parameter(e);
		break;
	}
}

/* ---- folding runs of PAGE_DATA -------------------------------------- */

/** Returns whether `pd` continues the run (same kind, next gpa). */
static bool run_extends(const struct page_run *r,
			const struct igvm_page_data *pd)
{
	return r->is_active &&
	       pd->compatibility_mask == r->first.compatibility_mask &&
	       pd->flags == r->first.flags &&
	       pd->data_type == r->first.data_type && pd->gpa == r->next_gpa;
}

/** Prints a pending run: one folded line, or each entry if it is short. */
static void run_flush(const struct igvm_file *f, struct page_run *r)
{
	char names[96];

	if (!r->is_active) {
		return;
	}
	r->is_active = false;
	if (r->count < DUMP_RUN_MIN) {
		struct igvm_entry e;

		for (uint32_t i = 0; i < r->count; i++) {
			if (igvm_iter_next(&r->start, &e)) {
				print_entry(f, &e);
			}
		}
		return;
	}
	mask_names(f, r->first.compatibility_mask, names, sizeof(names));
	out("  0x%08x  %-20s x%u gpa 0x%llx..0x%llx mask 0x%x (%s) flags 0x%x "
	    "(%s) type %s, %u with data, %u zero\n",
	    r->first_offset, "PAGE_DATA", r->count,
	    (unsigned long long)r->first.gpa,
	    (unsigned long long)(r->next_gpa - 1), r->first.compatibility_mask,
	    names, r->first.flags, page_flags_name(r->first.flags),
	    data_type_name(r->first.data_type), r->count - r->zero_count,
	    r->zero_count);
}

/** Adds a PAGE_DATA entry (whose TLV `before` points at) to the run. */
static void run_add(const struct igvm_file *f, struct page_run *r,
		    const struct igvm_iter *before, const struct igvm_entry *e)
{
	struct igvm_page_data pd;

	memcpy(&pd, e->payload, sizeof(pd));
	if (!run_extends(r, &pd)) {
		run_flush(f, r);
		r->start = *before;
		r->first = pd;
		r->first_offset = e->offset;
		r->count = 0;
		r->zero_count = 0;
		r->is_active = true;
	}
	r->count++;
	r->zero_count += pd.file_offset == 0 ? 1U : 0U;
	r->next_gpa = pd.gpa + IGVM_PAGE_SIZE;
}

static void print_entries(const struct igvm_file *f, bool is_verbose)
{
	struct page_run run = { .is_active = false };
	struct igvm_iter it;
	struct igvm_entry e;

	out("variable headers (%u):\n", f->tlv_count);
	igvm_iter_init(&it, f);
	for (;;) {
		struct igvm_iter before = it;

		if (!igvm_iter_next(&it, &e)) {
			break;
		}
		if (!is_verbose && e.type == IGVM_VHT_PAGE_DATA) {
			run_add(f, &run, &before, &e);
			continue;
		}
		run_flush(f, &run);
		print_entry(f, &e);
	}
	run_flush(f, &run);
}

/* ---- summary -------------------------------------------------------- */

/** Counts one entry of `type` in a small table of (type, count). */
static void count_type(struct type_count *tc, uint32_t *used, uint32_t type)
{
	for (uint32_t i = 0; i < *used; i++) {
		if (tc[i].type == type) {
			tc[i].count++;
			return;
		}
	}
	if (*used < DUMP_TYPE_SLOTS) {
		tc[*used].type = type;
		tc[*used].count = 1;
		(*used)++;
	}
}

/** Counts PAGE_DATA entries per platform and in total. */
static uint32_t count_pages(const struct igvm_file *f,
			    uint32_t per_platform[IGVM_MAX_PLATFORMS])
{
	struct igvm_iter it;
	struct igvm_entry e;
	uint32_t total = 0;

	igvm_iter_init(&it, f);
	while (igvm_iter_next(&it, &e)) {
		struct igvm_page_data pd;

		if (e.type != IGVM_VHT_PAGE_DATA) {
			continue;
		}
		memcpy(&pd, e.payload, sizeof(pd));
		total++;
		for (uint32_t i = 0; i < f->platform_count; i++) {
			if ((pd.compatibility_mask &
			     f->platforms[i].compatibility_mask) != 0) {
				per_platform[i]++;
			}
		}
	}
	return total;
}

static void print_summary(const struct igvm_file *f)
{
	struct type_count tc[DUMP_TYPE_SLOTS];
	uint32_t per_platform[IGVM_MAX_PLATFORMS] = { 0 };
	uint32_t used = 0;
	struct igvm_iter it;
	struct igvm_entry e;

	igvm_iter_init(&it, f);
	while (igvm_iter_next(&it, &e)) {
		count_type(tc, &used, e.type);
	}
	out("summary: %u variable headers, %u PAGE_DATA\n", f->tlv_count,
	    count_pages(f, per_platform));
	for (uint32_t i = 0; i < used; i++) {
		out("  %-28s %u\n", igvm_type_name(tc[i].type), tc[i].count);
	}
	out("  pages per platform:");
	for (uint32_t i = 0; i < f->platform_count; i++) {
		out("%s %s %u", i > 0 ? "," : "",
		    igvm_platform_name(f->platforms[i].platform_type),
		    per_platform[i]);
	}
	out("\n");
}

/* ---- the command ---------------------------------------------------- */

/** Parses the options; returns 0, or 2 for a usage error. */
static int parse_args(int argc, char **argv, struct dump_opts *o)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--check") == 0) {
			o->is_check = true;
		} else if (strcmp(argv[i], "--verbose") == 0 ||
			   strcmp(argv[i], "-v") == 0) {
			o->is_verbose = true;
		} else {
			(void)fprintf(stderr,
				      "csvsm dump: unknown option '%s'\n",
				      argv[i]);
			return 2;
		}
	}
	if (argc - i != 1) {
		(void)fprintf(stderr, "csvsm dump: expected one FILE\n");
		return 2;
	}
	o->path = argv[i];
	return 0;
}

/** Prints the whole dump, or the --check verdict, of a parsed file. */
static int print_file(const struct dump_opts *o, const struct igvm_file *f)
{
	uint32_t per_platform[IGVM_MAX_PLATFORMS] = { 0 };

	if (o->is_check) {
		out("%s: ok (%u headers, %u pages)\n", o->path, f->tlv_count,
		    count_pages(f, per_platform));
	} else {
		out("%s: IGVM format version %u, %zu bytes\n", o->path,
		    f->format_version, f->size);
		print_fixed_header(f);
		print_platforms(f);
		print_entries(f, o->is_verbose);
		print_summary(f);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		(void)fprintf(stderr, "csvsm: dump: write error\n");
		return 1;
	}
	return 0;
}

/** `csvsm dump [--check] [--verbose] FILE`. */
int cmd_dump(int argc, char **argv)
{
	struct dump_opts o = { .is_check = false };
	struct igvm_file f;
	char why[WHY_SIZE];
	const char *read_why = "";
	uint8_t *buf = NULL;
	size_t size = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		}
	}
	rc = parse_args(argc, argv, &o);
	if (rc != 0) {
		usage(stderr);
		return rc;
	}
	if (csvsm_read_file(o.path, &buf, &size, &read_why) != SVSM_OK) {
		return fail_file(o.path, read_why);
	}
	if (igvm_file_parse(&f, buf, size, why, sizeof(why)) != SVSM_OK) {
		rc = fail_file(o.path, why);
	} else {
		rc = print_file(&o, &f);
	}
	free(buf);
	return rc;
}
