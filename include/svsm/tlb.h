/* SPDX-License-Identifier: MIT */
/*
 * TLB shootdown: removing a translation from every CPU that may cache
 * it. See kernel/mm/tlb.c for the protocol and why two CPUs that shoot
 * down at the same time cannot deadlock.
 */
#pragma once

#include <stdint.h>

#include "svsm/addr.h"

/* Above this many pages a flush reloads CR3 instead of using invlpg. */
#define TLB_FLUSH_ALL_PAGES 32U
/* How long a sender waits for every CPU to acknowledge, then panics. */
#define TLB_ACK_TIMEOUT_MS 5000U

/**
 * Flushes [va, va + pages * 4 KiB) from this CPU's TLB and, for an
 * address in the shared kernel half (not the per-CPU region, PML4 entry
 * 509, nor the lower half), from the TLB of every other online CPU:
 * returns once each has acknowledged. Panics if one does not within
 * TLB_ACK_TIMEOUT_MS (a CPU that keeps a stale translation is an
 * integrity failure). May be called with interrupts off and with
 * spinlocks held; not from an interrupt handler.
 *
 * The rule this needs: a CPU that waits for another CPU with interrupts
 * off must serve shootdowns while it waits, by calling
 * tlb_shootdown_poll() in its loop, as spin_lock() does; otherwise a
 * sender waiting for it (perhaps the CPU it waits for) panics.
 */
void tlb_flush_range(vaddr_t va, uint64_t pages);
/**
 * Serves a shootdown request addressed to this CPU, if one is pending.
 * Called by spin_lock() while it waits, so that a CPU spinning with
 * interrupts off still acknowledges (kernel/mm/tlb.c). Cheap when no
 * request is in flight: one load.
 */
void tlb_shootdown_poll(void);
/** Shootdown requests CPU `cpu_index` has served (acknowledged). */
uint64_t tlb_acked_count(uint32_t cpu_index);
/** Shootdowns this kernel sent to other CPUs (requests, not IPIs). */
uint64_t tlb_sent_count(void);
