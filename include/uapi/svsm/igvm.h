/* SPDX-License-Identifier: MIT */
/*
 * The IGVM file format: fixed header, variable-header (TLV) types and the
 * structures the loader and the builder exchange. Values and layouts follow
 * the IGVM specification as implemented by Microsoft's `igvm_defs` crate.
 * All fields are little-endian. Plain fixed-width structs, no pointers, so
 * that guests, user programs and host tools can include this header.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define IGVM_MAGIC 0x4D564749U /* "IGVM" read as a little-endian u32 */
#define IGVM_FORMAT_VERSION_1 1U
#define IGVM_FORMAT_VERSION_2 2U
#define IGVM_ARCH_X64 0U
#define IGVM_ARCH_AARCH64 1U
#define IGVM_PAGE_SIZE 4096U
#define IGVM_TLV_ALIGN 8U

/** Fixed header, version 1 (24 bytes). */
struct igvm_fixed_header {
	uint32_t magic;
	uint32_t format_version;
	uint32_t variable_header_offset;
	uint32_t variable_header_size;
	uint32_t total_file_size;
	uint32_t checksum; /* CRC-32 (IEEE) with this field zero */
};
_Static_assert(sizeof(struct igvm_fixed_header) == 24, "IGVM fixed header v1");

/**
 * Fixed header, version 2 (32 bytes): version 1 plus architecture and
 * page size.
 */
struct igvm_fixed_header_v2 {
	struct igvm_fixed_header v1;
	uint32_t architecture;
	uint32_t page_size;
};
_Static_assert(sizeof(struct igvm_fixed_header_v2) == 32,
	       "IGVM fixed header v2");

/** Header of every variable-header entry; `length` excludes padding. */
struct igvm_tlv {
	uint32_t type;
	uint32_t length;
};
_Static_assert(sizeof(struct igvm_tlv) == 8, "IGVM_VHS_VARIABLE_HEADER");

#define IGVM_VHT_OPTIONAL_BIT 0x80000000U
#define IGVM_VHT_TYPE_MASK 0x7FFFFFFFU

/* Section ranges: platform, then initialization, then directives. */
#define IGVM_VHT_PLATFORM_FIRST 0x001U
#define IGVM_VHT_PLATFORM_LAST 0x100U
#define IGVM_VHT_INIT_FIRST 0x101U
#define IGVM_VHT_INIT_LAST 0x200U
#define IGVM_VHT_DIRECTIVE_FIRST 0x301U
#define IGVM_VHT_DIRECTIVE_LAST 0x400U

/* Type codes (IGVM_VHT_*). */
#define IGVM_VHT_SUPPORTED_PLATFORM 0x001U
#define IGVM_VHT_GUEST_POLICY 0x101U
#define IGVM_VHT_RELOCATABLE_REGION 0x102U
#define IGVM_VHT_PAGE_TABLE_RELOCATION_REGION 0x103U
#define IGVM_VHT_PARAMETER_AREA 0x301U
#define IGVM_VHT_PAGE_DATA 0x302U
#define IGVM_VHT_PARAMETER_INSERT 0x303U
#define IGVM_VHT_VP_CONTEXT 0x304U
#define IGVM_VHT_REQUIRED_MEMORY 0x305U
#define IGVM_VHT_VP_COUNT_PARAMETER 0x307U
#define IGVM_VHT_SRAT 0x308U
#define IGVM_VHT_MADT 0x309U
#define IGVM_VHT_MMIO_RANGES 0x30AU
#define IGVM_VHT_SNP_ID_BLOCK 0x30BU
#define IGVM_VHT_MEMORY_MAP 0x30CU
#define IGVM_VHT_ERROR_RANGE 0x30DU
#define IGVM_VHT_COMMAND_LINE 0x30EU
#define IGVM_VHT_SLIT 0x30FU
#define IGVM_VHT_PPTT 0x310U
#define IGVM_VHT_VBS_MEASUREMENT 0x311U
#define IGVM_VHT_DEVICE_TREE 0x312U
#define IGVM_VHT_ENVIRONMENT_INFO_PARAMETER 0x313U

/* Platform types (IGVM_VHS_SUPPORTED_PLATFORM.platform_type). */
#define IGVM_PLATFORM_NATIVE 0x00U
#define IGVM_PLATFORM_VSM_ISOLATION 0x01U
#define IGVM_PLATFORM_SEV_SNP 0x02U
#define IGVM_PLATFORM_TDX 0x03U
#define IGVM_PLATFORM_SEV 0x04U
#define IGVM_PLATFORM_SEV_ES 0x05U
#define IGVM_PLATFORM_CCA 0x06U
#define IGVM_PLATFORM_VERSION 1U

/*
 * Compatibility-mask bits csvsm's builder assigns to its platforms. The
 * format only requires one bit per declared platform; these values are
 * csvsm's choice and leave bit 2 free for TDX.
 */
#define CSVSM_MASK_SNP 0x1U
#define CSVSM_MASK_NATIVE 0x2U
#define CSVSM_MASK_TDX 0x4U

/** IGVM_VHS_SUPPORTED_PLATFORM (type 0x001). */
struct igvm_supported_platform {
	uint32_t compatibility_mask; /* exactly one bit */
	uint8_t highest_vtl;
	uint8_t platform_type;
	uint16_t platform_version; /* 1 */
	uint64_t shared_gpa_boundary;
};
_Static_assert(sizeof(struct igvm_supported_platform) == 16, "0x001");

/** IGVM_VHS_GUEST_POLICY (type 0x101). */
struct igvm_guest_policy {
	uint64_t policy;
	uint32_t compatibility_mask;
	uint32_t reserved;
};
_Static_assert(sizeof(struct igvm_guest_policy) == 16, "0x101");

/** IGVM_VHS_PARAMETER_AREA (type 0x301). */
struct igvm_parameter_area {
	uint64_t number_of_bytes; /* multiple of 4 KiB */
	uint32_t parameter_area_index;
	uint32_t file_offset; /* 0: the area starts as zeros */
};
_Static_assert(sizeof(struct igvm_parameter_area) == 16, "0x301");

#define IGVM_PAGE_DATA_FLAG_2MB 0x1U
#define IGVM_PAGE_DATA_FLAG_UNMEASURED 0x2U
#define IGVM_PAGE_DATA_FLAG_SHARED 0x4U
#define IGVM_PAGE_DATA_FLAGS_ALL 0x7U

#define IGVM_PAGE_DATA_TYPE_NORMAL 0U
#define IGVM_PAGE_DATA_TYPE_SECRETS 1U
#define IGVM_PAGE_DATA_TYPE_CPUID_DATA 2U
#define IGVM_PAGE_DATA_TYPE_CPUID_XF 3U

/** IGVM_VHS_PAGE_DATA (type 0x302). */
struct igvm_page_data {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t file_offset; /* from file start; 0: a zero page */
	uint32_t flags;
	uint16_t data_type;
	uint16_t reserved;
};
_Static_assert(sizeof(struct igvm_page_data) == 24, "0x302");

/** IGVM_VHS_PARAMETER_INSERT (type 0x303). */
struct igvm_parameter_insert {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t parameter_area_index;
};
_Static_assert(sizeof(struct igvm_parameter_insert) == 16, "0x303");

/** IGVM_VHS_VP_CONTEXT (type 0x304); 20 bytes, padded to 24 in the file. */
struct igvm_vp_context {
	uint64_t gpa; /* SNP: the VMSA's GPA; 0 for native */
	uint32_t compatibility_mask;
	uint32_t file_offset; /* one 4 KiB page of context data */
	uint16_t vp_index;
	uint16_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct igvm_vp_context) == 20, "0x304");

#define IGVM_REQUIRED_MEMORY_FLAG_VTL2_PROTECTABLE 0x1U

/** IGVM_VHS_REQUIRED_MEMORY (type 0x305). */
struct igvm_required_memory {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t number_of_bytes;
	uint32_t flags;
	uint32_t reserved;
};
_Static_assert(sizeof(struct igvm_required_memory) == 24, "0x305");

/**
 * IGVM_VHS_PARAMETER: VP_COUNT (0x307), SRAT, MADT, MMIO_RANGES,
 * MEMORY_MAP (0x30C), COMMAND_LINE (0x30E), DEVICE_TREE, ENVIRONMENT_INFO.
 */
struct igvm_parameter {
	uint32_t parameter_area_index;
	uint32_t byte_offset;
};
_Static_assert(sizeof(struct igvm_parameter) == 8, "IGVM_VHS_PARAMETER");

/* Memory-map entry types written by the loader (IGVM_MEMORY_MAP_ENTRY). */
#define IGVM_MEMORY_MAP_MEMORY 0U
#define IGVM_MEMORY_MAP_PLATFORM_RESERVED 1U
#define IGVM_MEMORY_MAP_PERSISTENT 2U
#define IGVM_MEMORY_MAP_VTL2_PROTECTABLE 3U
#define IGVM_MEMORY_MAP_SPECIFIC_PURPOSE 4U
#define IGVM_MEMORY_MAP_HIDDEN 5U

/** One memory-map entry; the list is sorted and ends with page_count 0. */
struct igvm_memory_map_entry {
	uint64_t starting_gpa_page_number;
	uint64_t number_of_pages;
	uint16_t entry_type;
	uint16_t flags;
	uint32_t reserved;
};
_Static_assert(sizeof(struct igvm_memory_map_entry) == 24, "memory map entry");

/**
 * The native x64 vCPU context (VP_CONTEXT file data on the NATIVE
 * platform): the structure, then zeros to the end of the 4 KiB page.
 */
struct igvm_native_vp_context_x64 {
	uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip;
	uint64_t rflags;
	uint64_t idtr_base;
	uint16_t idtr_limit;
	uint16_t reserved[2];
	uint16_t gdtr_limit;
	uint64_t gdtr_base;
	uint16_t code_selector;
	uint16_t code_attributes;
	uint32_t code_base;
	uint32_t code_limit;
	uint16_t data_selector;
	uint16_t data_attributes;
	uint32_t data_base;
	uint32_t data_limit;
	uint64_t gs_base;
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t efer;
};
_Static_assert(sizeof(struct igvm_native_vp_context_x64) == 232,
	       "IgvmNativeVpContextX64");

/* Layouts of the less common types, read by the host-side validator. */

#define IGVM_RELOC_FLAG_IS_VTL2 0x1U
#define IGVM_RELOC_FLAG_APPLY_RIP 0x2U
#define IGVM_RELOC_FLAG_APPLY_GDTR 0x4U
#define IGVM_RELOC_FLAGS_ALL 0x7U

/** IGVM_VHS_RELOCATABLE_REGION (type 0x102). */
struct igvm_relocatable_region {
	uint32_t compatibility_mask;
	uint16_t vp_index;
	uint8_t vtl;
	uint8_t flags;
	uint64_t relocation_alignment;
	uint64_t relocation_region_gpa;
	uint64_t relocation_region_size;
	uint64_t minimum_relocation_gpa;
	uint64_t maximum_relocation_gpa;
};
_Static_assert(sizeof(struct igvm_relocatable_region) == 48, "0x102");

/** IGVM_VHS_PAGE_TABLE_RELOCATION (type 0x103). */
struct igvm_page_table_relocation {
	uint32_t compatibility_mask;
	uint16_t vp_index;
	uint8_t vtl;
	uint8_t reserved;
	uint64_t gpa;
	uint64_t size;
	uint64_t used_size;
};
_Static_assert(sizeof(struct igvm_page_table_relocation) == 32, "0x103");

/** IGVM_VHS_ERROR_RANGE (type 0x30D). */
struct igvm_error_range {
	uint64_t gpa;
	uint32_t compatibility_mask;
	uint32_t size_bytes;
};
_Static_assert(sizeof(struct igvm_error_range) == 16, "0x30D");

/* IGVM_VHS_SNP_ID_BLOCK (type 0x30B): the ID block and ID key for
 * SNP_LAUNCH_FINISH. Integers and the r, s, qx, qy fields are little
 * endian; the 72-byte fields hold a P-384 value zero-padded. */
#define IGVM_SNP_ID_BLOCK_SIZE 696U
#define IGVM_SNP_ID_BLOCK_RESERVED_OFFSET 5U
#define IGVM_SNP_ID_BLOCK_RESERVED_SIZE 3U
#define IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384 1U
#define IGVM_SNP_ID_CURVE_P384 2U
#define IGVM_SNP_ID_FIELD_SIZE 72U

/** An ECDSA signature, r and s little endian. */
struct igvm_snp_id_signature {
	uint8_t r[IGVM_SNP_ID_FIELD_SIZE];
	uint8_t s[IGVM_SNP_ID_FIELD_SIZE];
};
_Static_assert(sizeof(struct igvm_snp_id_signature) == 144, "sig");

/** An ECDSA public key: curve, then qx and qy little endian. */
struct igvm_snp_id_public_key {
	uint32_t curve;
	uint32_t reserved;
	uint8_t qx[IGVM_SNP_ID_FIELD_SIZE];
	uint8_t qy[IGVM_SNP_ID_FIELD_SIZE];
};
_Static_assert(sizeof(struct igvm_snp_id_public_key) == 152, "pubkey");

struct igvm_snp_id_block {
	uint32_t compatibility_mask;
	uint8_t author_key_enabled;
	uint8_t reserved[3];
	uint8_t ld[48];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t version;
	uint32_t guest_svn;
	uint32_t id_key_algorithm;
	uint32_t author_key_algorithm;
	struct igvm_snp_id_signature id_key_signature;
	struct igvm_snp_id_public_key id_public_key;
	struct igvm_snp_id_signature author_key_signature;
	struct igvm_snp_id_public_key author_public_key;
};
_Static_assert(sizeof(struct igvm_snp_id_block) == IGVM_SNP_ID_BLOCK_SIZE,
	       "0x30B");
_Static_assert(offsetof(struct igvm_snp_id_block, reserved) ==
		       IGVM_SNP_ID_BLOCK_RESERVED_OFFSET,
	       "0x30B reserved");

/*
 * The ID block the ID key signs (SEV-SNP firmware ABI, SNP_LAUNCH_FINISH
 * ID_BLOCK): 96 bytes, signed with ECDSA P-384 over SHA-384.
 */
#define SNP_ID_BLOCK_SIGNED_SIZE 96U
#define SNP_ID_BLOCK_VERSION 1U

/* IGVM_VHS_VBS_MEASUREMENT (type 0x311) is opaque to csvsm but for its
 * leading u32 compatibility mask. */
#define IGVM_VBS_MEASUREMENT_SIZE 864U

/* Bytes the loader writes for each parameter type (csvsm's minimums). */
#define IGVM_VP_COUNT_SIZE 4U		/* one u32 */
#define IGVM_ENVIRONMENT_INFO_SIZE 4U	/* one u32 */
#define IGVM_MMIO_RANGES_SIZE 32U	/* two {page, count} pairs */
#define IGVM_MEMORY_MAP_MIN_SIZE 24U	/* at least the final entry */
#define IGVM_ACPI_TABLE_HEADER_SIZE 36U /* SRAT, MADT, SLIT, PPTT */
#define IGVM_FDT_HEADER_SIZE 40U	/* DEVICE_TREE */
#define IGVM_COMMAND_LINE_MIN_SIZE 1U	/* the terminating NUL */
