/* SPDX-License-Identifier: MIT */
/*
 * Opaque address types. Physical addresses, page frame numbers and
 * virtual addresses are distinct single-member structs, so that mixing
 * them is a compile error; conversions go through these named functions.
 * There is deliberately no physical-to-virtual conversion: a physical
 * page is reached only by mapping it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SHIFT 12U
#define PAGE_SIZE 4096U

/** A guest-physical address. */
typedef struct {
	uint64_t value;
} paddr_t;

/** A page frame number (physical address >> PAGE_SHIFT). */
typedef struct {
	uint64_t value;
} pfn_t;

/** A kernel virtual address. */
typedef struct {
	uint64_t value;
} vaddr_t;

static inline paddr_t pa_init(uint64_t v)
{
	return (paddr_t){ v };
}

static inline uint64_t pa_addr(paddr_t pa)
{
	return pa.value;
}

static inline pfn_t pfn_init(uint64_t v)
{
	return (pfn_t){ v };
}

static inline uint64_t pfn_value(pfn_t pfn)
{
	return pfn.value;
}

static inline pfn_t pa_to_pfn(paddr_t pa)
{
	return (pfn_t){ pa.value >> PAGE_SHIFT };
}

static inline paddr_t pfn_to_pa(pfn_t pfn)
{
	return (paddr_t){ pfn.value << PAGE_SHIFT };
}

static inline vaddr_t va_init(uint64_t v)
{
	return (vaddr_t){ v };
}

static inline uint64_t va_addr(vaddr_t va)
{
	return va.value;
}

/**
 * The pointer for the kernel virtual address `va`: the one place where an
 * address held as an integer (launch-info fields, frame and stack
 * addresses, descriptor-table bases) becomes a pointer.
 */
static inline void *va_to_ptr(vaddr_t va)
{
	/*
	 * The integer is a virtual address the kernel already owns, not a
	 * disguised pointer to an object, so there is no provenance to lose.
	 */
	/* NOLINTNEXTLINE(performance-no-int-to-ptr) */
	return (void *)(uintptr_t)va.value;
}

static inline bool pa_is_page_aligned(paddr_t pa)
{
	return (pa.value & (PAGE_SIZE - 1)) == 0;
}
