/* SPDX-License-Identifier: MIT */
/*
 * A small, valid IGVM file built in memory, for the reader's unit tests,
 * for `tests/prove/dump.t` (through build/tools/mkigvm) and for the fuzz
 * seeds. It declares NATIVE (mask 0x2) and SEV_SNP (mask 0x1) and holds
 * one of most things the reader checks, so that tests can break one rule
 * at a time by patching a field and calling `igvm_sample_fix_checksum()`.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/** The variable headers of the sample, in file order. */
enum igvm_sample_entry {
	SAMPLE_PLAT_NATIVE, /**< SUPPORTED_PLATFORM NATIVE, mask 0x2 */
	SAMPLE_PLAT_SNP,    /**< SUPPORTED_PLATFORM SEV_SNP, mask 0x1 */
	SAMPLE_POLICY,	    /**< GUEST_POLICY for SEV_SNP */
	SAMPLE_AREA0,	    /**< PARAMETER_AREA 0, 4 KiB of zeros */
	SAMPLE_VP_COUNT,    /**< VP_COUNT_PARAMETER in area 0 */
	SAMPLE_INSERT0,	    /**< PARAMETER_INSERT area 0 at 0x9000 */
	SAMPLE_AREA1,	    /**< PARAMETER_AREA 1, 8 KiB of zeros */
	SAMPLE_MEMMAP,	    /**< MEMORY_MAP in area 1 */
	SAMPLE_INSERT1,	    /**< PARAMETER_INSERT area 1 at 0xA000 */
	SAMPLE_PAGE0,	    /**< PAGE_DATA 0x10000, both platforms, data */
	SAMPLE_PAGE1,	    /**< PAGE_DATA 0x11000, both platforms, data */
	SAMPLE_PAGE2,	    /**< PAGE_DATA 0x12000, both platforms, zeros */
	SAMPLE_PAGE3,	    /**< PAGE_DATA 0x13000, both platforms, zeros */
	SAMPLE_PAGE_NATIVE, /**< PAGE_DATA 0x20000 NATIVE, unmeasured */
	SAMPLE_PAGE_SNP,    /**< PAGE_DATA 0x21000 SEV_SNP, secrets */
	SAMPLE_REQUIRED,    /**< REQUIRED_MEMORY 1 MiB at 1 MiB */
	SAMPLE_VP0,	    /**< VP_CONTEXT NATIVE vp 0 */
	SAMPLE_VP1,	    /**< VP_CONTEXT NATIVE vp 1 (same page) */
	SAMPLE_ENTRY_COUNT
};

/** The sample bytes and where its parts are. */
struct igvm_sample {
	uint8_t *data; /**< malloc'd; free with igvm_sample_free() */
	size_t size;
	uint32_t tlv_offset[SAMPLE_ENTRY_COUNT]; /**< file offset of each TLV */
	uint32_t data_start;   /**< first byte of the file data region */
	uint32_t ctx_page;     /**< file offset of the native context page */
	uint32_t data_page[2]; /**< file offsets of PAGE0's and PAGE1's data */
};

#define SAMPLE_MASK_SNP 0x1U
#define SAMPLE_MASK_NATIVE 0x2U

/** Builds the sample (format version 2); SVSM_ERR_NOMEM if malloc fails. */
enum svsm_err igvm_sample_build(struct igvm_sample *s) SVSM_MUST_CHECK;

/**
 * Builds a version 2 file from ready-made variable headers (`vh_size`
 * bytes, each TLV already padded) followed by `data_pages` pages of 0xCC;
 * `tlv_offset` is left zero. SVSM_ERR_NOMEM if malloc fails.
 */
enum svsm_err igvm_sample_build_raw(struct igvm_sample *s, const uint8_t *vh,
				    uint32_t vh_size,
				    uint32_t data_pages) SVSM_MUST_CHECK;

/** Frees the sample's bytes; safe to call twice. */
void igvm_sample_free(struct igvm_sample *s);

/** Returns a pointer to the payload of entry `id` (after its TLV header). */
uint8_t *igvm_sample_payload(const struct igvm_sample *s,
			     enum igvm_sample_entry id);

/**
 * Recomputes the checksum of any IGVM-shaped buffer after a mutation,
 * using the header size its format_version implies; does nothing if the
 * buffer is too short or its variable-header region lies outside it.
 */
void igvm_sample_fix_checksum(uint8_t *data, size_t size);
