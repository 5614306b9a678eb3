// SPDX-License-Identifier: MIT
/*
 * Runs igvmbld's stages and emits the IGVM file. The order of the
 * variable headers: SUPPORTED_PLATFORM (SNP, NATIVE), GUEST_POLICY (SNP),
 * REQUIRED_MEMORY for the kernel region, PAGE_DATA by ascending GPA
 * (image, stacks, launch info, symbol table, RAM FS, SNP stub/CPUID/secrets,
 * page tables), the parameter area with its VP count, command line and memory
 * map and its PARAMETER_INSERT, then the VP contexts, the SNP VMSA last
 * (KVM wants no measured page after it), and with --id-key the SNP ID
 * block (not a page: it leaves the launch digest as it is). The ID block
 * signs the digest, so the file is emitted once without it, measured, and
 * emitted again with it. Pages identical on every
 * selected platform carry all their masks; the launch info differs per
 * platform (only SNP names the VMSA, CPUID and secrets pages).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igvmbld.h"
#include "igvmw/igvm_writer.h"
#include "ramfs/ramfs.h"

/** The state of one emission. */
struct emit {
	struct igvm_writer w;
	struct bld_image *img;
	uint32_t mask; /**< every selected platform */
};

/** Writes a one-line reason to `why` (may be NULL) and returns `err`. */
enum svsm_err bld_why(char *why, size_t why_size, enum svsm_err err,
		      const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && why_size > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(why, why_size, fmt, ap);
		va_end(ap);
	}
	return err;
}

/** Emits one PAGE_DATA; `len` bytes of `data` (0: a zero page). */
static enum svsm_err add_page(struct emit *e, uint64_t gpa, uint32_t mask,
			      uint16_t data_type, const void *data, size_t len)
{
	struct igvm_page_data pd = {
		.gpa = gpa,
		.compatibility_mask = mask,
		.data_type = data_type,
	};

	e->img->page_count++;
	if (len == 0) {
		return igvm_writer_add(&e->w, IGVM_VHT_PAGE_DATA, &pd,
				       sizeof(pd));
	}
	return igvm_writer_add_with_data(&e->w, IGVM_VHT_PAGE_DATA, &pd,
					 sizeof(pd), data, len);
}

/** Emits `size` bytes at `gpa` page by page (NULL `data`: zero pages). */
static enum svsm_err add_range(struct emit *e, uint64_t gpa, uint32_t mask,
			       const uint8_t *data, uint64_t data_size,
			       uint64_t size)
{
	enum svsm_err err = SVSM_OK;

	for (uint64_t off = 0; off < size && err == SVSM_OK;
	     off += BLD_PAGE_SIZE) {
		uint64_t len = 0;

		if (data != NULL && off < data_size) {
			len = data_size - off < BLD_PAGE_SIZE ? data_size - off
							      : BLD_PAGE_SIZE;
		}
		err = add_page(e, gpa + off, mask, IGVM_PAGE_DATA_TYPE_NORMAL,
			       len == 0 ? NULL : data + off, len);
	}
	return err;
}

/** Emits the platform and initialization sections. */
static enum svsm_err emit_platforms(struct emit *e)
{
	struct igvm_supported_platform snp = {
		.compatibility_mask = CSVSM_MASK_SNP,
		.platform_type = IGVM_PLATFORM_SEV_SNP,
		.platform_version = IGVM_PLATFORM_VERSION,
	};
	struct igvm_supported_platform native = {
		.compatibility_mask = CSVSM_MASK_NATIVE,
		.platform_type = IGVM_PLATFORM_NATIVE,
		.platform_version = IGVM_PLATFORM_VERSION,
	};
	struct igvm_guest_policy policy = {
		.policy = BLD_SNP_POLICY,
		.compatibility_mask = CSVSM_MASK_SNP,
	};
	bool is_snp = (e->mask & CSVSM_MASK_SNP) != 0;
	enum svsm_err err = SVSM_OK;

	if (is_snp) {
		err = igvm_writer_add(&e->w, IGVM_VHT_SUPPORTED_PLATFORM, &snp,
				      sizeof(snp));
	}
	if (err == SVSM_OK && (e->mask & CSVSM_MASK_NATIVE) != 0) {
		err = igvm_writer_add(&e->w, IGVM_VHT_SUPPORTED_PLATFORM,
				      &native, sizeof(native));
	}
	if (err == SVSM_OK && is_snp) {
		err = igvm_writer_add(&e->w, IGVM_VHT_GUEST_POLICY, &policy,
				      sizeof(policy));
	}
	return err;
}

/** Emits the kernel image: file-backed pages, then bss as zero pages. */
static enum svsm_err emit_image(struct emit *e)
{
	const struct bld_kernel *k = &e->img->kernel;
	enum svsm_err err = SVSM_OK;

	for (uint32_t i = 0; i < k->segment_count && err == SVSM_OK; i++) {
		const struct bld_segment *s = &k->segments[i];
		uint64_t pa =
			SVSM_KERNEL_PBASE + (s->vaddr - SVSM_KERNEL_VBASE);
		uint64_t size =
			(s->memsz + BLD_PAGE_SIZE - 1) & ~(BLD_PAGE_SIZE - 1);

		err = add_range(e, pa, e->mask, s->data, s->filesz, size);
	}
	return err;
}

/** Emits the launch info, one page per distinct platform variant. */
static enum svsm_err emit_launch_info(struct emit *e)
{
	const struct bld_image *img = e->img;
	uint64_t gpa = img->layout.launch_info.pa;
	enum svsm_err err = SVSM_OK;

	if ((e->mask & CSVSM_MASK_SNP) != 0) {
		err = add_page(e, gpa, CSVSM_MASK_SNP,
			       IGVM_PAGE_DATA_TYPE_NORMAL, &img->launch_snp,
			       sizeof(img->launch_snp));
	}
	if (err == SVSM_OK && (e->mask & CSVSM_MASK_NATIVE) != 0) {
		err = add_page(e, gpa, CSVSM_MASK_NATIVE,
			       IGVM_PAGE_DATA_TYPE_NORMAL, &img->launch_native,
			       sizeof(img->launch_native));
	}
	return err;
}

/** Emits the SNP-only pages: the entry stub, CPUID and secrets. */
static enum svsm_err emit_snp_pages(struct emit *e)
{
	const struct bld_layout *l = &e->img->layout;
	enum svsm_err err;

	if ((e->mask & CSVSM_MASK_SNP) == 0) {
		return SVSM_OK;
	}
	err = add_page(e, l->snp_stub_pa, CSVSM_MASK_SNP,
		       IGVM_PAGE_DATA_TYPE_NORMAL, e->img->snp_stub_page,
		       BLD_PAGE_SIZE);
	if (err == SVSM_OK) {
		err = add_page(e, l->snp_cpuid_pa, CSVSM_MASK_SNP,
			       IGVM_PAGE_DATA_TYPE_CPUID_DATA, NULL, 0);
	}
	if (err == SVSM_OK) {
		err = add_page(e, l->snp_secrets_pa, CSVSM_MASK_SNP,
			       IGVM_PAGE_DATA_TYPE_SECRETS, NULL, 0);
	}
	return err;
}

/** Emits every page of the region, by ascending GPA. */
static enum svsm_err emit_pages(struct emit *e)
{
	const struct bld_image *img = e->img;
	const struct bld_layout *l = &img->layout;
	enum svsm_err err = emit_image(e);

	if (err == SVSM_OK) {
		err = add_range(e, l->boot_stack.pa, e->mask, NULL, 0,
				l->launch_info.pa - l->boot_stack.pa);
	}
	if (err == SVSM_OK) {
		err = emit_launch_info(e);
	}
	if (err == SVSM_OK) {
		err = add_range(e, l->symtab.pa, e->mask, img->symtab,
				img->symtab_size, l->symtab.size);
	}
	if (err == SVSM_OK) {
		err = add_range(e, l->ramfs.pa, e->mask, e->img->ramfs,
				e->img->ramfs_size, l->ramfs.size);
	}
	if (err == SVSM_OK) {
		err = emit_snp_pages(e);
	}
	if (err == SVSM_OK) {
		err = add_range(e, l->pt_pbase, e->mask,
				(const uint8_t *)img->pt.entries,
				l->pt_pend - l->pt_pbase,
				l->pt_pend - l->pt_pbase);
	}
	return err;
}

/** Emits one IGVM_VHS_PARAMETER of `type` at `offset` in the area. */
static enum svsm_err add_param(struct emit *e, uint32_t type, uint32_t offset)
{
	struct igvm_parameter p = {
		.parameter_area_index = SVSM_PARAM_AREA_INDEX,
		.byte_offset = offset,
	};

	return igvm_writer_add(&e->w, type, &p, sizeof(p));
}

/** Emits the parameter area, its parameters and its insertion. */
static enum svsm_err emit_params(struct emit *e)
{
	struct igvm_parameter_area area = {
		.number_of_bytes = SVSM_PARAM_AREA_SIZE,
		.parameter_area_index = SVSM_PARAM_AREA_INDEX,
	};
	struct igvm_parameter_insert ins = {
		.gpa = e->img->layout.param.pa,
		.compatibility_mask = e->mask,
		.parameter_area_index = SVSM_PARAM_AREA_INDEX,
	};
	enum svsm_err err = igvm_writer_add(&e->w, IGVM_VHT_PARAMETER_AREA,
					    &area, sizeof(area));

	if (err == SVSM_OK) {
		err = add_param(e, IGVM_VHT_VP_COUNT_PARAMETER,
				SVSM_PARAM_VP_COUNT_OFFSET);
	}
	if (err == SVSM_OK) {
		err = add_param(e, IGVM_VHT_COMMAND_LINE,
				SVSM_PARAM_CMDLINE_OFFSET);
	}
	if (err == SVSM_OK) {
		err = add_param(e, IGVM_VHT_MEMORY_MAP,
				SVSM_PARAM_MEMMAP_OFFSET);
	}
	if (err == SVSM_OK) {
		err = igvm_writer_add(&e->w, IGVM_VHT_PARAMETER_INSERT, &ins,
				      sizeof(ins));
	}
	return err;
}

/** Emits the VP contexts: NATIVE, then the SNP VMSA (last of all). */
static enum svsm_err emit_contexts(struct emit *e)
{
	struct igvm_vp_context native = {
		.compatibility_mask = CSVSM_MASK_NATIVE,
	};
	struct igvm_vp_context snp = {
		.gpa = BLD_SNP_VMSA_GPA,
		.compatibility_mask = CSVSM_MASK_SNP,
	};
	enum svsm_err err = SVSM_OK;

	if ((e->mask & CSVSM_MASK_NATIVE) != 0) {
		err = igvm_writer_add_with_data(
			&e->w, IGVM_VHT_VP_CONTEXT, &native, sizeof(native),
			&e->img->native_ctx, sizeof(e->img->native_ctx));
	}
	if (err == SVSM_OK && (e->mask & CSVSM_MASK_SNP) != 0) {
		err = igvm_writer_add_with_data(&e->w, IGVM_VHT_VP_CONTEXT,
						&snp, sizeof(snp), e->img->vmsa,
						sizeof(*e->img->vmsa));
	}
	return err;
}

/** Emits the whole file into `img->file`; `id` (may be NULL) last. */
static enum svsm_err emit_file(struct bld_image *img, uint32_t mask,
			       const struct igvm_snp_id_block *id)
{
	struct emit e = { .img = img, .mask = mask };
	struct igvm_required_memory rm = {
		.gpa = img->layout.kernel_pbase,
		.compatibility_mask = mask,
		.number_of_bytes = (uint32_t)(img->layout.kernel_pend -
					      img->layout.kernel_pbase),
	};
	enum svsm_err err =
		igvm_writer_init(&e.w, IGVM_FORMAT_VERSION_2, IGVM_ARCH_X64);

	if (err == SVSM_OK) {
		err = emit_platforms(&e);
	}
	if (err == SVSM_OK) {
		err = igvm_writer_add(&e.w, IGVM_VHT_REQUIRED_MEMORY, &rm,
				      sizeof(rm));
	}
	if (err == SVSM_OK) {
		err = emit_pages(&e);
	}
	if (err == SVSM_OK) {
		err = emit_params(&e);
	}
	if (err == SVSM_OK) {
		err = emit_contexts(&e);
	}
	if (err == SVSM_OK && id != NULL) {
		err = igvm_writer_add(&e.w, IGVM_VHT_SNP_ID_BLOCK, id,
				      sizeof(*id));
	}
	if (err == SVSM_OK) {
		err = igvm_writer_finish(&e.w, &img->file, &img->file_size);
	}
	igvm_writer_destroy(&e.w);
	return err;
}

/** Builds the SNP stub page and VMSA. */
static enum svsm_err build_snp(struct bld_image *img,
			       const struct bld_options *o, char *why,
			       size_t why_size)
{
	img->snp_stub_page = calloc(1, BLD_PAGE_SIZE);
	img->vmsa = calloc(1, sizeof(*img->vmsa));
	if (img->snp_stub_page == NULL || img->vmsa == NULL) {
		return bld_why(why, why_size, SVSM_ERR_NOMEM, "out of memory");
	}
	vmsa_build_snp(img->vmsa, &img->layout);
	return snp_stub_patch(img->snp_stub_page, o, &img->layout,
			      img->kernel.entry, why, why_size);
}

/**
 * Checks the RAM FS archive of `o` (if any) with the kernel's own reader,
 * so that an image never carries an archive the kernel would refuse.
 */
static enum svsm_err check_ramfs(struct bld_image *img,
				 const struct bld_options *o, char *why,
				 size_t why_size)
{
	size_t meta_size = 0;
	void *meta = NULL;
	struct ramfs fs;
	enum svsm_err err;

	if (o->ramfs == NULL) {
		return SVSM_OK;
	}
	err = ramfs_meta_size(o->ramfs, o->ramfs_size, &meta_size, why,
			      why_size);
	if (err == SVSM_OK) {
		meta = malloc(meta_size);
		err = meta == NULL ? bld_why(why, why_size, SVSM_ERR_NOMEM,
					     "out of memory")
				   : ramfs_open(&fs, o->ramfs, o->ramfs_size,
						(struct ramfs_meta){
							meta, meta_size },
						why, why_size);
	}
	free(meta);
	if (err == SVSM_OK) {
		img->ramfs = o->ramfs;
		img->ramfs_size = o->ramfs_size;
	}
	return err;
}

/** Runs the stages after the ELF is loaded. */
static enum svsm_err build_stages(struct bld_image *img,
				  const struct bld_options *o, char *why,
				  size_t why_size)
{
	enum svsm_err err = check_ramfs(img, o, why, why_size);

	if (err != SVSM_OK) {
		return err;
	}
	err = symtab_build(&img->kernel, &img->symtab, &img->symtab_size);
	if (err != SVSM_OK) {
		return bld_why(why, why_size, err, "symbol table: %s",
			       svsm_err_name(err));
	}
	err = layout_compute(&img->layout, &img->kernel, img->symtab_size, o,
			     why, why_size);
	if (err != SVSM_OK) {
		return err;
	}
	err = pagetable_build(&img->pt, &img->layout);
	if (err != SVSM_OK) {
		return bld_why(why, why_size, err, "page tables: %s",
			       svsm_err_name(err));
	}
	layout_launch_info(&img->layout, SVSM_LAUNCH_PLATFORM_NATIVE,
			   &img->launch_native);
	layout_launch_info(&img->layout, SVSM_LAUNCH_PLATFORM_SNP,
			   &img->launch_snp);
	vmsa_build_native(&img->native_ctx, &img->layout, img->kernel.entry);
	if ((o->platforms & CSVSM_MASK_SNP) != 0) {
		err = build_snp(img, o, why, why_size);
	}
	return err;
}

/** Measures the emitted file, signs its ID block and emits it again. */
static enum svsm_err add_id_block(struct bld_image *img,
				  const struct bld_options *o, char *why,
				  size_t why_size)
{
	struct igvm_snp_id_block id;
	enum svsm_err err;

	if ((o->platforms & CSVSM_MASK_SNP) == 0) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "an ID key needs the snp platform");
	}
	err = idblock_make(img->file, img->file_size, o->id_key, &id, why,
			   why_size);
	if (err != SVSM_OK) {
		return err;
	}
	free(img->file);
	img->file = NULL;
	img->file_size = 0;
	img->page_count = 0;
	err = emit_file(img, o->platforms, &id);
	if (err != SVSM_OK) {
		return bld_why(why, why_size, err, "IGVM output: %s",
			       svsm_err_name(err));
	}
	return SVSM_OK;
}

/**
 * Builds the IGVM image of the kernel ELF in `elf` for the platforms of
 * `o`. On success `img->file` holds the file; on failure `why` holds a
 * one-line reason. Either way, bld_image_destroy() releases `img`.
 */
enum svsm_err bld_image_build(struct bld_image *img, const uint8_t *elf,
			      size_t elf_size, const struct bld_options *o,
			      char *why, size_t why_size)
{
	enum svsm_err err;

	memset(img, 0, sizeof(*img));
	if (o->platforms == 0 ||
	    (o->platforms & ~(CSVSM_MASK_SNP | CSVSM_MASK_NATIVE)) != 0) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "no supported platform selected");
	}
	err = elf_load(&img->kernel, elf, elf_size, why, why_size);
	if (err == SVSM_OK) {
		err = build_stages(img, o, why, why_size);
	}
	if (err == SVSM_OK) {
		err = emit_file(img, o->platforms, NULL);
		if (err != SVSM_OK) {
			(void)bld_why(why, why_size, err, "IGVM output: %s",
				      svsm_err_name(err));
		}
	}
	if (err == SVSM_OK && o->id_key != NULL) {
		err = add_id_block(img, o, why, why_size);
	}
	return err;
}

/** Frees everything `img` holds; safe to call more than once. */
void bld_image_destroy(struct bld_image *img)
{
	elf_release(&img->kernel);
	pagetable_destroy(&img->pt);
	free(img->symtab);
	free(img->snp_stub_page);
	free(img->vmsa);
	free(img->file);
	img->symtab = NULL;
	img->snp_stub_page = NULL;
	img->vmsa = NULL;
	img->file = NULL;
	img->file_size = 0;
}
