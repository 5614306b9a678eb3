/* SPDX-License-Identifier: MIT */
/*
 * igvmbld internals. The builder runs as a pipeline, each stage in its own
 * file: elf.c reads and checks the kernel ELF, symtab.c serialises its
 * text symbols, layout.c places everything in the kernel region and the
 * kernel half of the address space, pagetable.c builds the 4-level page
 * tables, vmsa.c builds the initial vCPU contexts and patches the SNP
 * entry stub, and image.c runs the stages and emits the IGVM file. The
 * numbers shared with the kernel are in include/uapi/svsm/launch.h;
 * docs/BOOT.md describes the resulting layout.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#include "uapi/svsm/igvm.h"
#include "uapi/svsm/launch.h"
#include "uapi/svsm/vmsa.h"

#define BLD_PAGE_SIZE 0x1000ULL
#define BLD_MAX_SEGMENTS 8U
#define BLD_MAX_MAPS (BLD_MAX_SEGMENTS + SVSM_IST_COUNT + 8U)
/* The ELF and everything laid out after it stay in one 1 GiB window. */
#define BLD_KERNEL_VSPAN 0x40000000ULL
#define BLD_DEFAULT_REGION_SIZE 0x1000000ULL
#define BLD_MAX_REGION_SIZE 0x40000000ULL
/* KVM creates the SNP boot vCPU from a VMSA at this fixed GPA. */
#define BLD_SNP_VMSA_GPA 0xFFFFFFFFF000ULL
/* SNP guest policy: reserved bit 17 (must be 1) and SMT allowed (bit 16);
 * SEV-SNP firmware ABI 56860, section 4.3 "Guest Policy". */
#define BLD_SNP_POLICY 0x30000ULL
#define BLD_WHY_SIZE 256U

/* OpenSSL's key type (openssl/types.h declares the same typedef). */
typedef struct evp_pkey_st EVP_PKEY;

/* Page-table entry bits (AMD64 APM vol. 2, 5.4 "Page-translation-table
 * entry fields"). */
#define PTE_P 0x1ULL
#define PTE_RW 0x2ULL
#define PTE_US 0x4ULL
#define PTE_A 0x20ULL
#define PTE_D 0x40ULL
#define PTE_PS 0x80ULL
#define PTE_NX 0x8000000000000000ULL
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ULL

/** What a mapped range holds; this decides its page permissions. */
enum bld_kind {
	BLD_KIND_TEXT,	      /**< kernel code: read-only, executable */
	BLD_KIND_RODATA,      /**< read-only data */
	BLD_KIND_DATA,	      /**< data and bss: read-write */
	BLD_KIND_STACK,	      /**< boot and IST stacks: read-write */
	BLD_KIND_LAUNCH_INFO, /**< `struct svsm_launch_info`: read-only */
	BLD_KIND_PARAM,	      /**< the IGVM parameter area: read-write */
	BLD_KIND_SYMTAB,      /**< the symbol table: read-only */
	BLD_KIND_RAMFS,	      /**< the RAM FS archive: read-only */
	BLD_KIND_PT_WINDOW,   /**< the page-table pages: read-write */
	BLD_KIND_SNP_STUB,    /**< identity-mapped SNP stub: RO, executable */
	BLD_KIND_TMP_WINDOW,  /**< VA only: its page table exists, no leaves */
	BLD_KIND_COUNT
};

/** One PT_LOAD segment of the kernel ELF (data points into the file). */
struct bld_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t filesz;
	const uint8_t *data;
	enum bld_kind kind;
};

/** One text symbol (the name points into the ELF string table). */
struct bld_symbol {
	uint64_t addr;
	uint32_t size;
	uint32_t name_len;
	const char *name;
};

/** The checked kernel ELF. */
struct bld_kernel {
	uint64_t entry;
	uint32_t segment_count;
	struct bld_segment segments[BLD_MAX_SEGMENTS]; /**< sorted by vaddr */
	uint32_t symbol_count;
	struct bld_symbol *symbols; /**< malloc'd; elf_release() frees it */
};

/** What the command line asked for. */
struct bld_options {
	uint64_t region_size;
	uint32_t platforms; /**< CSVSM_MASK_SNP | CSVSM_MASK_NATIVE */
	bool is_verbose;
	const uint8_t *snp_stub; /**< the stub's flat binary */
	size_t snp_stub_size;
	const uint8_t *ramfs; /**< a RAM FS archive, or NULL for none */
	size_t ramfs_size;
	EVP_PKEY *id_key; /**< the SNP ID key (--id-key), or NULL */
};

/** A virtually and physically contiguous range. */
struct bld_map {
	uint64_t va;
	uint64_t pa;
	uint64_t size;
	enum bld_kind kind;
};

/** Where everything goes; computed once, before anything is built. */
struct bld_layout {
	uint64_t kernel_pbase;
	uint64_t kernel_pend;
	uint64_t image_vend;
	uint64_t image_pend;
	struct bld_map boot_stack;
	struct bld_map ist[SVSM_IST_COUNT];
	struct bld_map launch_info;
	struct bld_map param;
	struct bld_map symtab; /**< size 0 when there are no symbols */
	uint64_t symtab_bytes; /**< the table's size before page rounding */
	struct bld_map ramfs;  /**< size 0 when the image has no RAM FS */
	struct bld_map pt_window;
	struct bld_map tmp_window; /**< VA only (pa 0), no leaves */
	uint64_t snp_stub_pa;	   /**< 0 unless SNP is a platform */
	uint64_t snp_cpuid_pa;
	uint64_t snp_secrets_pa;
	uint64_t pt_pbase;
	uint64_t pt_pend;
	uint32_t pt_pages;
	uint64_t free_pbase;
	uint64_t va_end; /**< end of the laid-out VA, trailing guard included */
	uint32_t map_count;
	struct bld_map maps[BLD_MAX_MAPS]; /**< every kernel-half mapping */
};

/** The page-table pages, in physical order from `pbase`. */
struct bld_pagetables {
	uint64_t pbase;
	uint32_t page_count;
	uint32_t used;
	uint64_t *entries; /**< page_count * 512 entries */
};

/** The result of walking the tables for one virtual address. */
struct pt_walk {
	uint64_t leaf;	  /**< the leaf entry */
	uint32_t level;	  /**< 1: 4 KiB, 2: 2 MiB, 3: 1 GiB */
	uint64_t pa;	  /**< translated address, without the C-bit */
	bool is_writable; /**< RW at every level */
	bool is_user;	  /**< US at every level */
	bool is_nx;	  /**< NX at some level */
};

/* elf.c */
enum svsm_err elf_load(struct bld_kernel *k, const uint8_t *buf, size_t size,
		       char *why, size_t why_size) SVSM_MUST_CHECK;
void elf_release(struct bld_kernel *k);

/* symtab.c */
enum svsm_err symtab_build(struct bld_kernel *k, uint8_t **out,
			   size_t *out_size) SVSM_MUST_CHECK;

/* layout.c */
enum svsm_err layout_compute(struct bld_layout *l, const struct bld_kernel *k,
			     size_t symtab_size, const struct bld_options *o,
			     char *why, size_t why_size) SVSM_MUST_CHECK;
void layout_launch_info(const struct bld_layout *l, uint32_t platform,
			struct svsm_launch_info *li);
const char *layout_kind_name(enum bld_kind kind);

/* pagetable.c */
uint32_t pagetable_pages_needed(const struct bld_map *maps, uint32_t count,
				bool has_stub);
uint64_t pagetable_leaf_flags(enum bld_kind kind);
enum svsm_err pagetable_build(struct bld_pagetables *pt,
			      const struct bld_layout *l) SVSM_MUST_CHECK;
void pagetable_destroy(struct bld_pagetables *pt);
bool pagetable_walk(const struct bld_pagetables *pt, uint64_t va,
		    struct pt_walk *w);

/* vmsa.c */
void vmsa_build_snp(struct vmsa *v, const struct bld_layout *l);
void vmsa_build_native(struct igvm_native_vp_context_x64 *c,
		       const struct bld_layout *l, uint64_t entry);
enum svsm_err snp_stub_patch(uint8_t *page, const struct bld_options *o,
			     const struct bld_layout *l, uint64_t entry,
			     char *why, size_t why_size) SVSM_MUST_CHECK;

/* The SNP entry stub's flat binary, embedded by snp_stub_blob.S. */
extern const uint8_t SNP_STUB_BLOB[];
extern const uint8_t SNP_STUB_BLOB_END[];

/* idblock.c */
enum svsm_err idkey_load(const char *path, EVP_PKEY **out, char *why,
			 size_t why_size) SVSM_MUST_CHECK;
void idkey_free(EVP_PKEY *key);
/**
 * Fills `out`, the SNP_ID_BLOCK of the laid-out IGVM file `file`: its
 * launch digest and SNP policy, signed with `key`.
 */
enum svsm_err idblock_make(const uint8_t *file, size_t file_size, EVP_PKEY *key,
			   struct igvm_snp_id_block *out, char *why,
			   size_t why_size) SVSM_MUST_CHECK;

/* image.c */
enum svsm_err bld_why(char *why, size_t why_size, enum svsm_err err,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/** Everything one build produces; freed by bld_image_destroy(). */
struct bld_image {
	struct bld_kernel kernel;
	uint8_t *symtab;
	size_t symtab_size;
	const uint8_t *ramfs; /**< the checked archive (the caller's) */
	size_t ramfs_size;
	struct bld_layout layout;
	struct bld_pagetables pt;
	struct svsm_launch_info launch_native;
	struct svsm_launch_info launch_snp;
	uint8_t *snp_stub_page; /**< one page; NULL without SNP */
	struct vmsa *vmsa;	/**< NULL without SNP */
	struct igvm_native_vp_context_x64 native_ctx;
	uint32_t page_count; /**< PAGE_DATA entries written */
	uint8_t *file;	     /**< the IGVM file (malloc'd) */
	size_t file_size;
};

enum svsm_err bld_image_build(struct bld_image *img, const uint8_t *elf,
			      size_t elf_size, const struct bld_options *o,
			      char *why, size_t why_size) SVSM_MUST_CHECK;
void bld_image_destroy(struct bld_image *img);
