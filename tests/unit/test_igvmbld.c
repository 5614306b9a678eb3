// SPDX-License-Identifier: MIT
/*
 * Unit tests for igvmbld and the IGVM writer. Each test builds a small
 * kernel ELF in memory (three segments, a few symbols), runs the real
 * build pipeline on it and checks the result: the page tables (walked
 * like the CPU would: permissions per page kind, guard pages, W^X, the
 * identity map), the layout and launch info, the symbol table, the vCPU
 * contexts and the SNP stub's data block, and the IGVM file itself
 * (checksum, TLV padding, file offsets, order). ELF inputs the builder
 * must refuse are derived from the same template.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "arch/snp_stub.h"

#include "svsm/crc32.h"
#include "svsm/test.h"

#include "../../tools/igvmbld/igvmbld.h"
#include "igvmbld_elf.h"
#include "igvmw/igvm_writer.h"
#include "ramfs/ramfs_pack.h"

#define VB SVSM_KERNEL_VBASE
#define PG BLD_PAGE_SIZE
#define ALL_MASKS (CSVSM_MASK_SNP | CSVSM_MASK_NATIVE)
/** A build under test. */
struct fx {
	uint8_t *elf;
	size_t elf_size;
	struct bld_options opts;
	struct bld_image *img;
	struct bld_kernel kernel; /**< for tests that call elf_load() */
	char why[BLD_WHY_SIZE];
};

/** Frees what fx_build() made; leaves `f` empty. */
static void fx_free(struct fx *f)
{
	if (f->img != NULL) {
		bld_image_destroy(f->img);
	}
	free(f->img);
	free(f->elf);
	elf_release(&f->kernel);
	f->img = NULL;
	f->elf = NULL;
}

/** Builds `s` for `platforms`; the result is in `f`, freed by fx_free. */
static enum svsm_err fx_build(struct fx *f, const struct tspec *s,
			      uint32_t platforms)
{
	fx_free(f);
	memset(f, 0, sizeof(*f));
	f->opts.region_size = BLD_DEFAULT_REGION_SIZE;
	f->opts.platforms = platforms;
	f->opts.snp_stub = SNP_STUB_BLOB;
	f->opts.snp_stub_size = (size_t)(SNP_STUB_BLOB_END - SNP_STUB_BLOB);
	f->elf = telf_make(s, &f->elf_size);
	f->img = calloc(1, sizeof(*f->img));
	if (f->elf == NULL || f->img == NULL) {
		return SVSM_ERR_NOMEM;
	}
	return bld_image_build(f->img, f->elf, f->elf_size, &f->opts, f->why,
			       sizeof(f->why));
}

/** Builds the template for both platforms, asserting success. */
static bool fx_default(struct test_ctx *t, struct fx *f)
{
	struct tspec s;
	enum svsm_err err;

	telf_default(&s);
	err = fx_build(f, &s, ALL_MASKS);
	if (err != SVSM_OK) {
		test_diag(t, "build failed: %s", f->why);
	}
	return test_check_err(t, err, SVSM_OK, "fx_build", __FILE__, __LINE__);
}

/** Every igvmbld test gets an empty `struct fx` in `t->data`. */
SET_UP(igvmbld)
{
	t->data = calloc(1, sizeof(struct fx));
	ASSERT_TRUE(t->data != NULL);
}

TEAR_DOWN(igvmbld)
{
	if (t->data != NULL) {
		fx_free(t->data);
		free(t->data);
		t->data = NULL;
	}
}

TEST(igvmbld, elf_segments_and_entry)
{
	struct fx *f = t->data;

	if (fx_default(t, f)) {
		const struct bld_kernel *k = &f->img->kernel;

		EXPECT_EQ(k->segment_count, 3);
		EXPECT_EQ(k->entry, VB + 0x40);
		EXPECT_EQ(k->segments[0].kind, BLD_KIND_TEXT);
		EXPECT_EQ(k->segments[1].kind, BLD_KIND_RODATA);
		EXPECT_EQ(k->segments[2].kind, BLD_KIND_DATA);
		EXPECT_EQ(k->segments[2].filesz, 0x1000);
		EXPECT_EQ(k->segments[2].memsz, 0x5000);
	}
}

/** Builds `s` and expects a refusal with a reason. */
static void expect_refused(struct test_ctx *t, const struct tspec *s)
{
	struct fx *f = t->data;
	enum svsm_err err = fx_build(f, s, ALL_MASKS);

	EXPECT_NE(err, SVSM_OK);
	EXPECT_NE(err, SVSM_ERR_NOMEM);
	EXPECT_TRUE(f->why[0] != '\0');
	EXPECT_TRUE(strchr(f->why, '\n') == NULL);
}

TEST(igvmbld, elf_refusals)
{
	struct tspec s;

	telf_default(&s);
	s.machine = EM_386;
	expect_refused(t, &s);
	telf_default(&s);
	s.elf_type = ET_DYN;
	expect_refused(t, &s);
	telf_default(&s);
	s.segs[1].vaddr += 0x10; /* not page-aligned */
	expect_refused(t, &s);
	telf_default(&s);
	s.segs[2].vaddr = VB - 0x100000; /* below the window */
	expect_refused(t, &s);
	telf_default(&s);
	s.segs[2].vaddr = VB + BLD_KERNEL_VSPAN - 0x1000; /* crosses the end */
	expect_refused(t, &s);
	telf_default(&s);
	s.segs[1].vaddr = VB + 0x1000; /* overlaps text */
	expect_refused(t, &s);
	telf_default(&s);
	s.segs[2].flags = PF_R | PF_W | PF_X; /* W+X */
	expect_refused(t, &s);
	telf_default(&s);
	s.segs[1].filesz = 0x2000; /* filesz > memsz */
	expect_refused(t, &s);
	telf_default(&s);
	s.segs[2].filesz = s.segs[2].memsz = 0x100000; /* past the file */
	expect_refused(t, &s);
	telf_default(&s);
	s.entry = VB + 0x2000; /* in rodata */
	expect_refused(t, &s);
	telf_default(&s);
	s.segs[3].type = PT_INTERP;
	expect_refused(t, &s);
}

TEST(igvmbld, elf_refuses_truncated_and_foreign_files)
{
	struct tspec s;
	struct fx *f = t->data;
	static const uint8_t junk[16] = { 0x7F, 'E', 'L', 'F' };

	telf_default(&s);
	ASSERT_OK(fx_build(f, &s, ALL_MASKS));
	f->why[0] = '\0';
	EXPECT_ERR(elf_load(&f->kernel, junk, sizeof(junk), f->why,
			    sizeof(f->why)),
		   SVSM_ERR_INVAL);
	EXPECT_TRUE(f->why[0] != '\0');
	f->elf[EI_CLASS] = ELFCLASS32;
	EXPECT_ERR(elf_load(&f->kernel, f->elf, f->elf_size, f->why,
			    sizeof(f->why)),
		   SVSM_ERR_INVAL);
	f->elf[EI_CLASS] = ELFCLASS64;
	EXPECT_ERR(elf_load(&f->kernel, f->elf, 0x800, f->why, sizeof(f->why)),
		   SVSM_ERR_INVAL); /* segments beyond the end */
	EXPECT_OK(elf_load(&f->kernel, f->elf, f->elf_size, f->why,
			   sizeof(f->why)));
	EXPECT_EQ(f->kernel.symbol_count, 3);
}

TEST(igvmbld, symbol_table_sorted)
{
	struct fx *f = t->data;

	if (fx_default(t, f)) {
		const uint8_t *tab = f->img->symtab;
		struct svsm_symtab_header h;
		struct svsm_symtab_entry e[3];
		static const char *const names[] = { "alpha", "label", "zeta" };

		ASSERT_TRUE(tab != NULL);
		memcpy(&h, tab, sizeof(h));
		EXPECT_EQ(h.magic, SVSM_SYMTAB_MAGIC);
		ASSERT_EQ(h.count, 3);
		EXPECT_EQ(h.strtab_offset, sizeof(h) + 3 * sizeof(e[0]));
		EXPECT_EQ(h.strtab_offset + h.strtab_size, f->img->symtab_size);
		EXPECT_EQ(tab[h.strtab_offset], 0);
		memcpy(e, tab + sizeof(h), sizeof(e));
		for (uint32_t i = 0; i < 3; i++) {
			EXPECT_STREQ((const char *)tab + h.strtab_offset +
					     e[i].name_offset,
				     names[i]);
			if (i > 0) {
				EXPECT_LE(e[i - 1].addr, e[i].addr);
			}
		}
		EXPECT_EQ(e[0].addr, VB + 0x40);
		EXPECT_EQ(e[0].size, 0x20);
	}
}

/** Expects `va` mapped to `pa` with the permissions of `kind`. */
static void expect_page(struct test_ctx *t, const struct bld_pagetables *pt,
			uint64_t va, uint64_t pa, enum bld_kind kind)
{
	struct pt_walk w;
	uint64_t want = pagetable_leaf_flags(kind);

	if (!pagetable_walk(pt, va, &w)) {
		test_diag(t, "va 0x%llx (%s) is not mapped",
			  (unsigned long long)va, layout_kind_name(kind));
		EXPECT_TRUE(false);
		return;
	}
	EXPECT_EQ(w.level, 1);
	EXPECT_EQ(w.pa, pa);
	EXPECT_EQ(w.is_writable, (want & PTE_RW) != 0);
	EXPECT_EQ(w.is_nx, (want & PTE_NX) != 0);
	EXPECT_FALSE(w.is_user);
	EXPECT_TRUE((w.leaf & PTE_A) != 0);
	EXPECT_EQ((w.leaf & PTE_D) != 0, w.is_writable);
}

/** Expects every page of `m` mapped as its kind. */
static void expect_map(struct test_ctx *t, const struct bld_pagetables *pt,
		       const struct bld_map *m)
{
	for (uint64_t off = 0; off < m->size; off += PG) {
		expect_page(t, pt, m->va + off, m->pa + off, m->kind);
	}
}

TEST(igvmbld, page_permissions_per_kind)
{
	struct fx *f = t->data;

	if (fx_default(t, f)) {
		const struct bld_layout *l = &f->img->layout;
		const struct bld_pagetables *pt = &f->img->pt;

		expect_page(t, pt, VB, SVSM_KERNEL_PBASE, BLD_KIND_TEXT);
		expect_page(t, pt, VB + 0x1000, SVSM_KERNEL_PBASE + 0x1000,
			    BLD_KIND_TEXT);
		expect_page(t, pt, VB + 0x2000, SVSM_KERNEL_PBASE + 0x2000,
			    BLD_KIND_RODATA);
		expect_page(t, pt, VB + 0x3000, SVSM_KERNEL_PBASE + 0x3000,
			    BLD_KIND_DATA);
		expect_page(t, pt, VB + 0x7000, SVSM_KERNEL_PBASE + 0x7000,
			    BLD_KIND_DATA); /* bss */
		expect_map(t, pt, &l->boot_stack);
		for (uint32_t i = 0; i < SVSM_IST_COUNT; i++) {
			expect_map(t, pt, &l->ist[i]);
		}
		expect_map(t, pt, &l->launch_info);
		expect_map(t, pt, &l->param);
		expect_map(t, pt, &l->symtab);
		expect_map(t, pt, &l->pt_window);
		EXPECT_EQ(l->boot_stack.kind, BLD_KIND_STACK);
		EXPECT_EQ(l->symtab.kind, BLD_KIND_SYMTAB);
	}
}

TEST(igvmbld, guard_pages_unmapped)
{
	struct fx *f = t->data;
	struct pt_walk w;

	if (fx_default(t, f)) {
		const struct bld_layout *l = &f->img->layout;
		const struct bld_pagetables *pt = &f->img->pt;
		const struct bld_map *after_image[] = {
			&l->boot_stack, &l->ist[0],	 &l->ist[1],
			&l->ist[2],	&l->launch_info, &l->param,
			&l->symtab,	&l->tmp_window,	 &l->pt_window,
		};

		EXPECT_EQ(l->image_vend, VB + 0x8000);
		EXPECT_EQ(l->boot_stack.va, l->image_vend + PG);
		for (uint32_t i = 0; i < 9; i++) {
			const struct bld_map *m = after_image[i];

			EXPECT_FALSE(pagetable_walk(pt, m->va - PG, &w));
			EXPECT_FALSE(pagetable_walk(pt, m->va + m->size, &w));
			if (i > 0) {
				EXPECT_EQ(m->va,
					  after_image[i - 1]->va +
						  after_image[i - 1]->size +
						  PG);
			}
		}
		EXPECT_EQ(l->va_end, l->pt_window.va + l->pt_window.size + PG);
		EXPECT_FALSE(pagetable_walk(pt, VB - PG, &w));
	}
}

TEST(igvmbld, no_page_writable_and_executable)
{
	struct fx *f = t->data;

	if (fx_default(t, f)) {
		const struct bld_layout *l = &f->img->layout;
		uint32_t mapped = 0;

		for (uint64_t va = VB; va < l->va_end; va += PG) {
			struct pt_walk w;

			if (!pagetable_walk(&f->img->pt, va, &w)) {
				continue;
			}
			mapped++;
			EXPECT_FALSE(w.is_writable && !w.is_nx);
			EXPECT_FALSE(w.is_user);
		}
		/* 10 guards and the temporary window are not mapped. */
		EXPECT_EQ(mapped,
			  (l->va_end - VB) / PG - 10 - SVSM_TMP_WINDOW_PAGES);
		EXPECT_EQ(l->tmp_window.size,
			  (uint64_t)SVSM_TMP_WINDOW_PAGES * PG);
		/* All of the window sits under one page table. */
		EXPECT_EQ(l->tmp_window.va >> 21,
			  (l->tmp_window.va + l->tmp_window.size - 1) >> 21);
	}
}

TEST(igvmbld, identity_map_entries)
{
	struct fx *f = t->data;
	struct pt_walk w;

	if (fx_default(t, f)) {
		const struct bld_layout *l = &f->img->layout;
		const struct bld_pagetables *pt = &f->img->pt;
		const uint64_t *pml4 = pt->entries;

		ASSERT_TRUE(pagetable_walk(pt, SVSM_BOOT_IDMAP_BASE, &w));
		EXPECT_EQ(w.level, 2);
		EXPECT_EQ(w.pa, SVSM_BOOT_IDMAP_BASE);
		EXPECT_EQ(w.leaf & ~PTE_ADDR_MASK,
			  PTE_P | PTE_RW | PTE_PS | PTE_A | PTE_D);
		EXPECT_FALSE(w.is_nx);
		ASSERT_TRUE(pagetable_walk(pt, 0xFFFFF000ULL, &w));
		EXPECT_EQ(w.pa, 0xFFFFF000ULL);
		EXPECT_FALSE(pagetable_walk(pt, SVSM_BOOT_IDMAP_BASE - PG, &w));
		/* The SNP stub page: identity, read-only, executable. */
		expect_page(t, pt, l->snp_stub_pa, l->snp_stub_pa,
			    BLD_KIND_SNP_STUB);
		EXPECT_FALSE(pagetable_walk(pt, l->snp_cpuid_pa, &w));
		/* Intermediate entries: P|RW|A, supervisor, no NX. */
		EXPECT_EQ(pml4[0] & ~PTE_ADDR_MASK, PTE_P | PTE_RW | PTE_A);
		EXPECT_EQ(pml4[511] & ~PTE_ADDR_MASK, PTE_P | PTE_RW | PTE_A);
		for (uint32_t i = 1; i < 511; i++) {
			EXPECT_EQ(pml4[i], 0);
		}
		EXPECT_EQ(pt->used, l->pt_pages);
	}
}

TEST(igvmbld, native_only_has_no_snp_pages)
{
	struct tspec s;
	struct fx *f = t->data;
	struct pt_walk w;

	telf_default(&s);
	ASSERT_OK(fx_build(f, &s, CSVSM_MASK_NATIVE));
	EXPECT_EQ(f->img->layout.snp_stub_pa, 0);
	EXPECT_TRUE(f->img->vmsa == NULL);
	EXPECT_EQ(f->img->layout.pt_pages, 6); /* PML4 PDPT PD PT, id PDPT PD */
	EXPECT_TRUE(pagetable_walk(&f->img->pt, SVSM_BOOT_IDMAP_BASE, &w));
	EXPECT_FALSE(pagetable_walk(&f->img->pt, SVSM_KERNEL_PBASE, &w));
}

TEST(igvmbld, layout_physical_and_region)
{
	struct fx *f = t->data;

	if (fx_default(t, f)) {
		const struct bld_layout *l = &f->img->layout;

		EXPECT_EQ(l->image_pend, SVSM_KERNEL_PBASE + 0x8000);
		EXPECT_EQ(l->boot_stack.pa, l->image_pend);
		EXPECT_EQ(l->ist[0].pa,
			  l->boot_stack.pa + SVSM_BOOT_STACK_SIZE);
		EXPECT_EQ(l->launch_info.pa,
			  l->ist[2].pa + SVSM_IST_STACK_SIZE);
		EXPECT_EQ(l->param.pa, l->launch_info.pa + PG);
		EXPECT_EQ(l->symtab.pa, l->param.pa + SVSM_PARAM_AREA_SIZE);
		EXPECT_EQ(l->snp_stub_pa, l->symtab.pa + l->symtab.size);
		EXPECT_EQ(l->snp_cpuid_pa, l->snp_stub_pa + PG);
		EXPECT_EQ(l->snp_secrets_pa, l->snp_cpuid_pa + PG);
		EXPECT_EQ(l->pt_pbase, l->snp_secrets_pa + PG);
		EXPECT_EQ(l->pt_pend, l->pt_pbase + l->pt_pages * PG);
		EXPECT_EQ(l->free_pbase, l->pt_pend);
		EXPECT_EQ(l->pt_window.pa, l->pt_pbase);
		EXPECT_EQ(l->pt_window.size, l->pt_pages * PG);
		EXPECT_EQ(l->kernel_pend, SVSM_KERNEL_PBASE + 0x1000000);
	}
}

TEST(igvmbld, region_too_small_refused)
{
	struct tspec s;
	struct fx *f = t->data;

	telf_default(&s);
	ASSERT_OK(fx_build(f, &s, ALL_MASKS));
	f->opts.region_size = 0x20000;
	bld_image_destroy(f->img);
	EXPECT_ERR(bld_image_build(f->img, f->elf, f->elf_size, &f->opts,
				   f->why, sizeof(f->why)),
		   SVSM_ERR_RANGE);
	EXPECT_TRUE(strstr(f->why, "region") != NULL);
	f->opts.region_size = 0x1000001;
	bld_image_destroy(f->img);
	EXPECT_ERR(bld_image_build(f->img, f->elf, f->elf_size, &f->opts,
				   f->why, sizeof(f->why)),
		   SVSM_ERR_RANGE);
}

TEST(igvmbld, launch_info_consistent)
{
	struct fx *f = t->data;

	if (fx_default(t, f)) {
		const struct bld_layout *l = &f->img->layout;
		const struct svsm_launch_info *n = &f->img->launch_native;
		const struct svsm_launch_info *s = &f->img->launch_snp;

		EXPECT_EQ(n->magic, SVSM_LAUNCH_MAGIC);
		EXPECT_EQ(n->version, SVSM_LAUNCH_VERSION);
		EXPECT_EQ(n->kernel_pbase, SVSM_KERNEL_PBASE);
		EXPECT_EQ(n->kernel_vbase, VB);
		EXPECT_EQ(n->image_vend, VB + 0x8000);
		EXPECT_EQ(n->boot_stack_top, l->boot_stack.va + 0x4000);
		EXPECT_EQ(n->ist_stack_top[2], l->ist[2].va + 0x2000);
		EXPECT_EQ(n->param_va, l->param.va);
		EXPECT_EQ(n->param_gpa, l->param.pa);
		EXPECT_EQ(n->param_size, SVSM_PARAM_AREA_SIZE);
		EXPECT_EQ(n->symtab_va, l->symtab.va);
		EXPECT_EQ(n->symtab_size, f->img->symtab_size);
		EXPECT_EQ(n->pt_root_pa, l->pt_pbase);
		EXPECT_EQ(n->pt_window_va, l->pt_window.va);
		EXPECT_EQ(n->free_pbase, l->free_pbase);
		EXPECT_LE(n->free_pbase, n->kernel_pend);
		EXPECT_EQ(n->vmsa_gpa, 0);
		EXPECT_EQ(n->snp_cpuid_pa, 0);
		EXPECT_EQ(s->vmsa_gpa, BLD_SNP_VMSA_GPA);
		EXPECT_EQ(s->snp_cpuid_pa, l->snp_cpuid_pa);
		EXPECT_EQ(s->snp_secrets_pa, l->snp_secrets_pa);
		EXPECT_EQ(s->pt_pend, n->pt_pend);
	}
}

TEST(igvmbld, vmsa_layout_offsets)
{
	EXPECT_EQ(sizeof(struct vmsa), 4096);
	EXPECT_EQ(offsetof(struct vmsa, es), 0x000);
	EXPECT_EQ(offsetof(struct vmsa, cs), 0x010);
	EXPECT_EQ(offsetof(struct vmsa, gdtr), 0x060);
	EXPECT_EQ(offsetof(struct vmsa, tr), 0x090);
	EXPECT_EQ(offsetof(struct vmsa, efer), 0x0D0);
	EXPECT_EQ(offsetof(struct vmsa, cr4), 0x148);
	EXPECT_EQ(offsetof(struct vmsa, cr0), 0x158);
	EXPECT_EQ(offsetof(struct vmsa, rip), 0x178);
	EXPECT_EQ(offsetof(struct vmsa, rsp), 0x1D8);
	EXPECT_EQ(offsetof(struct vmsa, rax), 0x1F8);
	EXPECT_EQ(offsetof(struct vmsa, g_pat), 0x268);
	EXPECT_EQ(offsetof(struct vmsa, rcx), 0x308);
	EXPECT_EQ(offsetof(struct vmsa, rdi), 0x338);
	EXPECT_EQ(offsetof(struct vmsa, r15), 0x378);
	EXPECT_EQ(offsetof(struct vmsa, sev_features), 0x3B0);
	EXPECT_EQ(offsetof(struct vmsa, xcr0), 0x3E8);
}

TEST(igvmbld, snp_vmsa_and_stub)
{
	struct fx *f = t->data;

	if (fx_default(t, f)) {
		const struct bld_layout *l = &f->img->layout;
		const struct vmsa *v = f->img->vmsa;
		struct snp_stub_data d;

		ASSERT_TRUE(v != NULL);
		EXPECT_EQ(v->rip, l->snp_stub_pa + SNP_STUB_ENTRY_OFFSET);
		EXPECT_EQ(v->rbx, l->snp_stub_pa);
		EXPECT_EQ(v->cr0, 0x31);
		EXPECT_EQ(v->efer, VMSA_EFER_SVME);
		EXPECT_EQ(v->cs.attrib, 0xC09B);
		EXPECT_EQ(v->ds.attrib, 0xC093);
		EXPECT_EQ(v->cs.limit, 0xFFFFFFFFU);
		EXPECT_EQ(v->g_pat, 0x0007040600070406ULL);
		EXPECT_EQ(v->sev_features, VMSA_SEV_FEATURE_SNP_ACTIVE);
		EXPECT_EQ(v->rsi, SVSM_LAUNCH_PLATFORM_SNP);
		EXPECT_EQ(v->rdi, l->launch_info.va);
		EXPECT_EQ(v->vmpl, 0);
		/* The stub page carries the real stub with its block patched.
		 */
		EXPECT_EQ(f->img->snp_stub_page[0], 0xFA); /* cli */
		memcpy(&d, f->img->snp_stub_page + SNP_STUB_DATA_OFFSET,
		       sizeof(d));
		EXPECT_EQ(d.magic, SNP_STUB_MAGIC);
		EXPECT_EQ(d.pt_pbase, l->pt_pbase);
		EXPECT_EQ(d.pt_pend, l->pt_pend);
		EXPECT_EQ(d.cr3, l->pt_pbase);
		EXPECT_EQ(d.cpuid_pa, l->snp_cpuid_pa);
		EXPECT_EQ(d.kernel_entry, VB + 0x40);
		EXPECT_EQ(d.stack_top, l->boot_stack.va + l->boot_stack.size);
		EXPECT_EQ(d.far_selector, SVSM_SEL_CODE64);
		EXPECT_EQ(d.gdt[1], 0x00AF9B000000FFFFULL);
		EXPECT_EQ(d.gdtr_limit, 23);
	}
}

TEST(igvmbld, native_context)
{
	struct fx *f = t->data;

	if (fx_default(t, f)) {
		const struct igvm_native_vp_context_x64 *c =
			&f->img->native_ctx;

		EXPECT_EQ(c->rip, VB + 0x40);
		EXPECT_EQ(c->rsp, f->img->launch_native.boot_stack_top);
		EXPECT_EQ(c->rdi, f->img->layout.launch_info.va);
		EXPECT_EQ(c->rsi, SVSM_LAUNCH_PLATFORM_NATIVE);
		EXPECT_EQ(c->cr0, 0x80010033U);
		EXPECT_EQ(c->cr3, f->img->layout.pt_pbase);
		EXPECT_EQ(c->cr4, 0x20);
		EXPECT_EQ(c->efer, 0xD00);
		EXPECT_EQ(c->rflags, 2);
		EXPECT_EQ(c->code_selector, SVSM_SEL_CODE64);
		EXPECT_EQ(c->code_attributes, 0xA09B);
		EXPECT_EQ(c->data_attributes, 0xC093);
		EXPECT_EQ(c->gdtr_limit, 0);
	}
}

/** One variable header of a file under test. */
struct tlv_view {
	uint32_t type;
	uint32_t length;
	uint32_t offset;
	const uint8_t *payload;
};

/** Reads the TLV at `*pos` (before `end`) and advances past its padding. */
static bool tlv_next(const uint8_t *file, uint32_t end, uint32_t *pos,
		     struct tlv_view *v)
{
	struct igvm_tlv h;

	if (*pos + sizeof(h) > end) {
		return false;
	}
	memcpy(&h, file + *pos, sizeof(h));
	v->type = h.type;
	v->length = h.length;
	v->offset = *pos;
	v->payload = file + *pos + sizeof(h);
	*pos += (uint32_t)sizeof(h) + ((h.length + 7U) & ~7U);
	return *pos <= end;
}

/** Returns the fixed header of `file`. */
static struct igvm_fixed_header_v2 fixed_header(const uint8_t *file)
{
	struct igvm_fixed_header_v2 fh;

	memcpy(&fh, file, sizeof(fh));
	return fh;
}

/** Checks the checksum and returns whether the padding is all zero. */
static bool check_crc(struct test_ctx *t, const uint8_t *file, size_t size,
		      uint32_t fixed_size)
{
	struct igvm_fixed_header_v2 fh;
	uint8_t *copy;
	uint32_t crc;

	if (file == NULL || size < sizeof(fh)) {
		return false;
	}
	fh = fixed_header(file);
	copy = malloc(size);
	if (copy == NULL) {
		return false;
	}
	memcpy(copy, file, size);
	memset(copy + offsetof(struct igvm_fixed_header, checksum), 0, 4);
	crc = crc32_update(0, copy,
			   fh.v1.variable_header_offset +
				   fh.v1.variable_header_size);
	free(copy);
	EXPECT_EQ(fh.v1.magic, IGVM_MAGIC);
	EXPECT_EQ(fh.v1.variable_header_offset, fixed_size);
	EXPECT_EQ(fh.v1.total_file_size, size);
	EXPECT_EQ(fh.v1.checksum, crc);
	return fh.v1.checksum == crc;
}

/** Returns the section (0 platform, 1 init, 2 directive) of `type`. */
static uint32_t section_of(uint32_t type)
{
	return type <= IGVM_VHT_PLATFORM_LAST ? 0U
	       : type <= IGVM_VHT_INIT_LAST   ? 1U
					      : 2U;
}

/** Returns whether the bytes between `len` and the next 8 are zero. */
static bool padding_is_zero(const struct tlv_view *v)
{
	for (uint32_t i = v->length; i < ((v->length + 7U) & ~7U); i++) {
		if (v->payload[i] != 0) {
			return false;
		}
	}
	return true;
}

TEST(igvmbld, file_checksum_padding_and_order)
{
	struct fx *f = t->data;

	if (fx_default(t, f)) {
		const uint8_t *file = f->img->file;
		struct igvm_fixed_header_v2 fh;
		uint32_t end;
		uint32_t pos = 32;
		uint32_t last_type = 0;
		uint32_t count = 0;
		struct tlv_view v;
		struct igvm_vp_context vc = { 0 };

		ASSERT_TRUE(file != NULL);
		fh = fixed_header(file);
		end = 32 + fh.v1.variable_header_size;
		EXPECT_TRUE(check_crc(t, file, f->img->file_size, 32));
		EXPECT_EQ(fh.v1.format_version, IGVM_FORMAT_VERSION_2);
		EXPECT_EQ(fh.architecture, IGVM_ARCH_X64);
		EXPECT_EQ(fh.page_size, 4096);
		while (pos < end && tlv_next(file, end, &pos, &v)) {
			uint32_t off;

			count++;
			EXPECT_TRUE(padding_is_zero(&v));
			EXPECT_LE(section_of(last_type), section_of(v.type));
			last_type = v.type;
			if (v.type == IGVM_VHT_PAGE_DATA ||
			    v.type == IGVM_VHT_VP_CONTEXT) {
				memcpy(&off, v.payload + 12, sizeof(off));
				EXPECT_TRUE(off == 0 ||
					    (off >= end &&
					     off + PG <= f->img->file_size));
			}
			if (v.type == IGVM_VHT_VP_CONTEXT) {
				memcpy(&vc, v.payload, sizeof(vc));
			}
		}
		EXPECT_EQ(pos, end);
		EXPECT_EQ(f->img->page_count,
			  count - 11U); /* 11 non-page TLVs */
		/* The SNP VMSA comes last. */
		EXPECT_EQ(last_type, IGVM_VHT_VP_CONTEXT);
		EXPECT_EQ(vc.gpa, BLD_SNP_VMSA_GPA);
		EXPECT_EQ(vc.compatibility_mask, CSVSM_MASK_SNP);
	}
}

/**
 * Finds the PAGE_DATA for (`gpa`, `mask`) in `img`'s file; `*data` is its
 * page or NULL for a zero page. Returns false if there is none.
 */
static bool find_page(const struct bld_image *img, uint64_t gpa, uint32_t mask,
		      struct igvm_page_data *pd, const uint8_t **data)
{
	struct igvm_fixed_header_v2 fh;
	uint32_t end;
	uint32_t pos = 32;
	struct tlv_view v;

	if (img->file == NULL) {
		return false;
	}
	fh = fixed_header(img->file);
	end = 32 + fh.v1.variable_header_size;
	while (tlv_next(img->file, end, &pos, &v)) {
		if (v.type != IGVM_VHT_PAGE_DATA) {
			continue;
		}
		memcpy(pd, v.payload, sizeof(*pd));
		if (pd->gpa == gpa && (pd->compatibility_mask & mask) != 0) {
			*data = pd->file_offset == 0
					? NULL
					: img->file + pd->file_offset;
			return true;
		}
	}
	return false;
}

/** Returns whether `len` bytes at `p` all equal `c`. */
static bool all_bytes(const uint8_t *p, size_t len, uint8_t c)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] != c) {
			return false;
		}
	}
	return true;
}

TEST(igvmbld, file_page_contents)
{
	struct fx *f = t->data;
	struct igvm_page_data pd = { 0 };
	const uint8_t *d = NULL;

	if (fx_default(t, f)) {
		const struct bld_image *img = f->img;
		const struct bld_layout *l = &img->layout;
		uint64_t pb = SVSM_KERNEL_PBASE;

		ASSERT_TRUE(find_page(img, pb, ALL_MASKS, &pd, &d));
		EXPECT_EQ(pd.compatibility_mask, ALL_MASKS);
		ASSERT_TRUE(d != NULL);
		EXPECT_TRUE(all_bytes(d, PG, telf_fill(0)));
		ASSERT_TRUE(find_page(img, pb + 0x1000, ALL_MASKS, &pd, &d));
		ASSERT_TRUE(d != NULL);
		EXPECT_TRUE(all_bytes(d, 0x800, telf_fill(0)));
		EXPECT_TRUE(all_bytes(d + 0x800, 0x800, 0));
		ASSERT_TRUE(find_page(img, pb + 0x4000, ALL_MASKS, &pd, &d));
		EXPECT_TRUE(d == NULL); /* bss */
		ASSERT_TRUE(
			find_page(img, l->boot_stack.pa, ALL_MASKS, &pd, &d));
		EXPECT_TRUE(d == NULL);
		ASSERT_TRUE(find_page(img, l->launch_info.pa, CSVSM_MASK_NATIVE,
				      &pd, &d));
		EXPECT_EQ(pd.compatibility_mask, CSVSM_MASK_NATIVE);
		ASSERT_TRUE(d != NULL);
		EXPECT_MEMEQ(d, &img->launch_native,
			     sizeof(img->launch_native));
		ASSERT_TRUE(find_page(img, l->symtab.pa, ALL_MASKS, &pd, &d));
		ASSERT_TRUE(d != NULL);
		EXPECT_MEMEQ(d, img->symtab, img->symtab_size);
		ASSERT_TRUE(find_page(img, l->snp_cpuid_pa, CSVSM_MASK_SNP, &pd,
				      &d));
		EXPECT_EQ(pd.data_type, IGVM_PAGE_DATA_TYPE_CPUID_DATA);
		EXPECT_EQ(pd.compatibility_mask, CSVSM_MASK_SNP);
		ASSERT_TRUE(find_page(img, l->snp_secrets_pa, CSVSM_MASK_SNP,
				      &pd, &d));
		EXPECT_EQ(pd.data_type, IGVM_PAGE_DATA_TYPE_SECRETS);
		ASSERT_TRUE(
			find_page(img, l->pt_pbase + PG, ALL_MASKS, &pd, &d));
		ASSERT_TRUE(d != NULL);
		EXPECT_MEMEQ(d, img->pt.entries + 512, PG);
		EXPECT_FALSE(find_page(img, l->param.pa, ALL_MASKS, &pd, &d));
	}
}

/** Packs a small RAM FS archive; NULL on failure. */
static uint8_t *small_ramfs(size_t *size)
{
	static const char conf[] = "# conf\n";
	static uint8_t bin[PG + 100];
	const struct ramfs_pack_file files[] = {
		{ "/etc/init.conf", (const uint8_t *)conf, sizeof(conf) - 1,
		  false },
		{ "/bin/init", bin, sizeof(bin), true },
	};
	uint8_t *a = NULL;
	char why[128];

	memset(bin, 0xC3, sizeof(bin));
	if (ramfs_pack(files, 2, &a, size, why, sizeof(why)) != SVSM_OK) {
		return NULL;
	}
	return a;
}

/** Rebuilds the template in `f` with the RAM FS archive `a`. */
static enum svsm_err fx_build_ramfs(struct fx *f, const uint8_t *a, size_t size)
{
	struct tspec s;
	enum svsm_err err;

	telf_default(&s);
	err = fx_build(f, &s, ALL_MASKS);
	if (err != SVSM_OK) {
		return err;
	}
	f->opts.ramfs = a;
	f->opts.ramfs_size = size;
	bld_image_destroy(f->img);
	return bld_image_build(f->img, f->elf, f->elf_size, &f->opts, f->why,
			       sizeof(f->why));
}

TEST(igvmbld, no_ramfs_by_default)
{
	struct fx *f = t->data;

	if (fx_default(t, f)) {
		EXPECT_EQ(f->img->layout.ramfs.size, 0);
		EXPECT_EQ(f->img->launch_native.ramfs_va, 0);
		EXPECT_EQ(f->img->launch_native.ramfs_size, 0);
		EXPECT_EQ(f->img->launch_snp.ramfs_va, 0);
	}
}

TEST(igvmbld, ramfs_placed_read_only_and_in_launch_info)
{
	struct fx *f = t->data;
	size_t size = 0;
	uint8_t *a = small_ramfs(&size);
	struct igvm_page_data pd = { 0 };
	const uint8_t *d = NULL;
	struct pt_walk w;

	ASSERT_TRUE(a != NULL);
	EXPECT_EQ(size, 4 * PG); /* header, 2 pages of /bin/init, 1 of conf */
	if (fx_build_ramfs(f, a, size) != SVSM_OK) {
		test_diag(t, "build failed: %s", f->why);
		EXPECT_TRUE(false);
		free(a);
		return;
	}
	const struct bld_layout *l = &f->img->layout;

	EXPECT_EQ(l->ramfs.kind, BLD_KIND_RAMFS);
	EXPECT_EQ(l->ramfs.size, size);
	EXPECT_EQ(l->ramfs.va, l->symtab.va + l->symtab.size + PG);
	EXPECT_EQ(l->ramfs.pa, l->symtab.pa + l->symtab.size);
	EXPECT_EQ(l->snp_stub_pa, l->ramfs.pa + l->ramfs.size);
	EXPECT_EQ(l->tmp_window.va >= l->ramfs.va + size + PG, 1);
	/* Read-only and NX, a guard page on each side. */
	expect_map(t, &f->img->pt, &l->ramfs);
	for (uint64_t off = 0; off < size; off += PG) {
		ASSERT_TRUE(pagetable_walk(&f->img->pt, l->ramfs.va + off, &w));
		EXPECT_FALSE(w.is_writable);
		EXPECT_TRUE(w.is_nx);
		/* The page's content is the archive's, on every platform. */
		ASSERT_TRUE(find_page(f->img, l->ramfs.pa + off, ALL_MASKS, &pd,
				      &d));
		EXPECT_EQ(pd.compatibility_mask, ALL_MASKS);
		ASSERT_TRUE(d != NULL);
		EXPECT_MEMEQ(d, a + off, PG);
	}
	EXPECT_FALSE(pagetable_walk(&f->img->pt, l->ramfs.va - PG, &w));
	EXPECT_FALSE(pagetable_walk(&f->img->pt, l->ramfs.va + size, &w));
	EXPECT_EQ(f->img->launch_native.ramfs_va, l->ramfs.va);
	EXPECT_EQ(f->img->launch_native.ramfs_size, size);
	EXPECT_EQ(f->img->launch_snp.ramfs_va, l->ramfs.va);
	EXPECT_EQ(f->img->launch_snp.ramfs_size, size);
	EXPECT_STREQ(layout_kind_name(BLD_KIND_RAMFS), "ramfs");
	free(a);
}

TEST(igvmbld, bad_ramfs_refused)
{
	struct fx *f = t->data;
	size_t size = 0;
	uint8_t *a = small_ramfs(&size);

	ASSERT_TRUE(a != NULL);
	a[2 * PG] ^= 1; /* a data byte: the CRC no longer matches */
	EXPECT_ERR(fx_build_ramfs(f, a, size), SVSM_ERR_INVAL);
	EXPECT_TRUE(strstr(f->why, "RAM FS: bad CRC-32") != NULL);
	a[2 * PG] ^= 1;
	EXPECT_ERR(fx_build_ramfs(f, a, size - 1), SVSM_ERR_INVAL);
	EXPECT_TRUE(strstr(f->why, "total size") != NULL);
	EXPECT_OK(fx_build_ramfs(f, a, size));
	free(a);
}

/** Writes a small v1 file: platform, a 20-byte VP_CONTEXT, a zero page. */
static enum svsm_err write_small(struct igvm_writer *w, uint8_t **out,
				 size_t *size)
{
	struct igvm_supported_platform sp = {
		.compatibility_mask = 1,
		.platform_type = IGVM_PLATFORM_NATIVE,
		.platform_version = 1,
	};
	struct igvm_vp_context vc = { .compatibility_mask = 1 };
	struct igvm_page_data pd = { .gpa = 0x1000, .compatibility_mask = 1 };
	static const uint8_t ctx[100] = { 0x11, 0x22, 0x33 };
	enum svsm_err err = igvm_writer_init(w, IGVM_FORMAT_VERSION_1, 0);

	if (err == SVSM_OK) {
		err = igvm_writer_add(w, IGVM_VHT_SUPPORTED_PLATFORM, &sp,
				      sizeof(sp));
	}
	if (err == SVSM_OK) {
		err = igvm_writer_add_with_data(w, IGVM_VHT_VP_CONTEXT, &vc,
						sizeof(vc), ctx, sizeof(ctx));
	}
	if (err == SVSM_OK) {
		err = igvm_writer_add(w, IGVM_VHT_PAGE_DATA, &pd, sizeof(pd));
	}
	if (err == SVSM_OK) {
		err = igvm_writer_finish(w, out, size);
	}
	return err;
}

TEST(igvm_writer, pads_relocates_and_checksums)
{
	struct igvm_writer w = { 0 };
	uint8_t *file = NULL;
	size_t size = 0;
	struct tlv_view v;
	uint32_t pos = 24;
	uint32_t off;
	enum svsm_err err = write_small(&w, &file, &size);

	igvm_writer_destroy(&w);
	igvm_writer_destroy(&w); /* idempotent */
	EXPECT_OK(err);
	if (file == NULL) { /* only set on success */
		return;
	}
	/* 24 + (8+16) + (8+24) + (8+24) header bytes, then one page. */
	EXPECT_EQ(size, 24 + 88 + 4096);
	EXPECT_TRUE(check_crc(t, file, size, 24));
	EXPECT_TRUE(tlv_next(file, 112, &pos, &v));
	EXPECT_TRUE(tlv_next(file, 112, &pos, &v));
	EXPECT_EQ(v.type, IGVM_VHT_VP_CONTEXT);
	EXPECT_EQ(v.length, 20);
	EXPECT_TRUE(padding_is_zero(&v));
	memcpy(&off, v.payload + 12, sizeof(off));
	EXPECT_EQ(off, 112);
	EXPECT_EQ(file[off], 0x11);
	EXPECT_TRUE(all_bytes(file + off + 100, PG - 100, 0));
	EXPECT_TRUE(tlv_next(file, 112, &pos, &v));
	memcpy(&off, v.payload + 12, sizeof(off));
	EXPECT_EQ(off, 0);
	EXPECT_EQ(pos, 112);
	free(file);
}

TEST(igvm_writer, refuses_bad_order_and_types)
{
	struct igvm_writer w;
	struct igvm_page_data pd = { .file_offset = 0x1000 };
	struct igvm_required_memory rm = { 0 };
	struct igvm_supported_platform sp = { .compatibility_mask = 1 };
	uint8_t page[16] = { 0 };

	EXPECT_ERR(igvm_writer_init(&w, 3, 0), SVSM_ERR_INVAL);
	ASSERT_OK(igvm_writer_init(&w, IGVM_FORMAT_VERSION_2, IGVM_ARCH_X64));
	EXPECT_ERR(igvm_writer_add(&w, 0x250, &rm, sizeof(rm)),
		   SVSM_ERR_INVAL); /* no section */
	EXPECT_ERR(igvm_writer_add(&w, IGVM_VHT_PAGE_DATA, &pd, sizeof(pd)),
		   SVSM_ERR_INVAL); /* file offset without data */
	EXPECT_ERR(igvm_writer_add_with_data(&w, IGVM_VHT_REQUIRED_MEMORY, &rm,
					     sizeof(rm), page, sizeof(page)),
		   SVSM_ERR_INVAL);
	EXPECT_OK(
		igvm_writer_add(&w, IGVM_VHT_REQUIRED_MEMORY, &rm, sizeof(rm)));
	EXPECT_ERR(igvm_writer_add(&w, IGVM_VHT_SUPPORTED_PLATFORM, &sp,
				   sizeof(sp)),
		   SVSM_ERR_INVAL); /* platform after a directive */
	EXPECT_EQ(w.tlv_count, 1);
	igvm_writer_destroy(&w);
}
