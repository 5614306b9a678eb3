// SPDX-License-Identifier: MIT
/*
 * `csvsm measure [--bare] FILE`: reads an IGVM file, checks it with the
 * reader in lib/igvm and prints the SEV-SNP launch digest of its SNP
 * platform (snp_digest.c) as 96 hex digits: "launch digest (SEV-SNP):
 * <hex>", or only the hex with --bare. With --verbose it also prints how
 * many pages of each PAGE_INFO type went into the digest. A file the
 * reader refuses, or one without an SNP platform, is reported as
 * "csvsm: FILE: <reason>" on stderr with exit status 1; a usage error
 * exits with 2.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvsm.h"
#include "snp_digest.h"

#define WHY_SIZE 256U

/** Command-line options. */
struct measure_opts {
	bool is_bare;
	bool is_verbose;
	const char *path;
};

static void usage(FILE *f)
{
	(void)fprintf(f, "usage: csvsm measure [--bare] [--verbose] FILE\n"
			 "  --bare     print only the 96 hex digits\n"
			 "  --verbose  also print the pages measured, by "
			 "type\n");
}

/** Returns -1 to go on, else the exit status (0 for --help, 2). */
static int parse_args(int argc, char **argv, struct measure_opts *o)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--bare") == 0) {
			o->is_bare = true;
		} else if (strcmp(argv[i], "--verbose") == 0) {
			o->is_verbose = true;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' || o->path != NULL) {
			(void)fprintf(stderr,
				      "csvsm measure: bad argument "
				      "'%s'\n",
				      argv[i]);
			usage(stderr);
			return 2;
		} else {
			o->path = argv[i];
		}
	}
	if (o->path == NULL) {
		usage(stderr);
		return 2;
	}
	return -1;
}

static void print_digest(const struct measure_opts *o,
			 const uint8_t digest[SNP_DIGEST_SIZE],
			 const struct snp_digest_stats *st)
{
	static const char *const names[7] = {
		NULL,	      "normal",	 "vmsa",  "zero",
		"unmeasured", "secrets", "cpuid",
	};

	if (!o->is_bare) {
		(void)printf("launch digest (SEV-SNP): ");
	}
	for (unsigned int i = 0; i < SNP_DIGEST_SIZE; i++) {
		(void)printf("%02x", digest[i]);
	}
	(void)printf("\n");
	if (o->is_verbose) {
		for (unsigned int t = SNP_PAGE_TYPE_NORMAL;
		     t <= SNP_PAGE_TYPE_CPUID; t++) {
			(void)printf("  %-10s %u pages\n", names[t],
				     st->type_count[t]);
		}
	}
}

/**
 * Compares the ld of every SNP_ID_BLOCK for the SNP platform with
 * `digest`; returns the exit status (1 on a mismatch).
 */
static int check_id_blocks(const struct measure_opts *o,
			   const struct igvm_file *f,
			   const uint8_t digest[SNP_DIGEST_SIZE])
{
	const struct igvm_platform_info *snp =
		igvm_file_platform(f, IGVM_PLATFORM_SEV_SNP);
	uint8_t ld[SNP_DIGEST_SIZE];
	uint32_t mask;
	struct igvm_iter it;
	struct igvm_entry e;
	int rc = 0;

	igvm_iter_init(&it, f);
	while (snp != NULL && igvm_iter_next(&it, &e)) {
		if (e.type != IGVM_VHT_SNP_ID_BLOCK) {
			continue;
		}
		memcpy(&mask, e.payload, sizeof(mask));
		memcpy(ld, e.payload + offsetof(struct igvm_snp_id_block, ld),
		       sizeof(ld));
		if ((mask & snp->compatibility_mask) == 0) {
			continue;
		}
		if (memcmp(ld, digest, SNP_DIGEST_SIZE) != 0) {
			(void)fprintf(stderr,
				      "csvsm: %s: the ID block at 0x%x has "
				      "an ld that differs from the launch "
				      "digest\n",
				      o->path, e.offset);
			rc = 1;
		} else if (!o->is_bare) {
			(void)printf("ID block ld: matches\n");
		}
	}
	return rc;
}

int cmd_measure(int argc, char **argv)
{
	struct measure_opts o = { .is_bare = false };
	uint8_t digest[SNP_DIGEST_SIZE];
	struct snp_digest_stats st;
	struct igvm_file f;
	char why[WHY_SIZE];
	const char *read_why = "";
	uint8_t *buf = NULL;
	size_t size = 0;
	int rc = parse_args(argc, argv, &o);

	if (rc >= 0) {
		return rc;
	}
	if (csvsm_read_file(o.path, &buf, &size, &read_why) != SVSM_OK) {
		(void)fprintf(stderr, "csvsm: %s: %s\n", o.path, read_why);
		return 1;
	}
	if (igvm_file_parse(&f, buf, size, why, sizeof(why)) != SVSM_OK ||
	    snp_digest_compute(&f, digest, &st, why, sizeof(why)) != SVSM_OK) {
		(void)fprintf(stderr, "csvsm: %s: %s\n", o.path, why);
		rc = 1;
	} else {
		print_digest(&o, digest, &st);
		rc = check_id_blocks(&o, &f, digest);
		rc = fflush(stdout) == 0 ? rc : 1;
	}
	free(buf);
	return rc;
}
