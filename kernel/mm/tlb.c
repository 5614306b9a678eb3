// SPDX-License-Identifier: MIT
/*
 * TLB shootdown. tlb_flush_range() flushes the range from this CPU's
 * TLB, then, for an address in the shared kernel half, asks every other
 * online CPU to flush it too and waits until each has acknowledged.
 * Addresses in the per-CPU region (PML4 entry 509, which each CPU maps
 * to its own memory) and in the lower half are flushed locally only.
 *
 * A request. The sender takes `tlb_lock` with interrupts off, stores the
 * range, sets `pending` to the number of targets and each target's
 * `need` flag (release), then sends it an IPI on VEC_TLB_SHOOTDOWN. A
 * target serves the request by taking its own flag with an atomic
 * exchange (so it serves it exactly once, whether from the interrupt or
 * from a poll), flushing the range, counting it in `acked` and
 * decrementing `pending` (release). The sender spins until `pending` is
 * zero, bounded by TLB_ACK_TIMEOUT_MS: a CPU that does not flush keeps a
 * stale translation, so the sender panics (fails closed) rather than go
 * on. CPUs not online yet (still in the trampoline, or parked) are not
 * targets; an AP marks itself online last, after it left the trampoline,
 * and APs start only during boot.
 *
 * Deadlock. A sender waits with interrupts off (it may hold spinlocks
 * taken with spin_lock_irqsave, such as the heap region lock), so a
 * target that also has interrupts off never takes the IPI. Two such
 * waits would deadlock: two senders, one holding `tlb_lock` and waiting
 * for the other, which spins on `tlb_lock`; or a sender holding the
 * heap region lock, waiting for a CPU that spins on that lock. So every
 * spinlock wait serves shootdowns: spin_lock()'s inner loop calls
 * arch_spin_relax(), which calls tlb_shootdown_poll(), which serves this
 * CPU's pending request. A CPU with interrupts off is then either
 * spinning on a lock (and serves the request) or running code that
 * finishes without waiting for another CPU (and takes the IPI when it
 * turns interrupts on). The sender holding `tlb_lock` has no request of
 * its own to serve: only one request is in flight. tlb_flush_range() must
 * not be called from an interrupt handler (it could interrupt a holder
 * of `tlb_lock` on the same CPU).
 *
 * Locking: `tlb_lock` is taken with interrupts off and only around the
 * request; inside it only `irq_lock` (registering the handler the first
 * time) is taken.
 */
#include "svsm/tlb.h"

#include <stdbool.h>

#include "arch/apic.h"
#include "arch/insn.h"
#include "arch/irq.h"

#include "svsm/boot.h"
#include "svsm/mm.h"
#include "svsm/panic.h"
#include "svsm/percpu.h"
#include "svsm/smp.h"
#include "svsm/spinlock.h"
#include "svsm/time.h"

#define KERNEL_HALF_BASE 0xFFFF800000000000ULL
#define PML4_SPAN (1ULL << 39)
#define ACK_SPINS 2000000000ULL /* the bound before the clock runs */
#define NS_PER_MS 1000000ULL

_Static_assert(SVSM_MAX_CPUS % 64U == 0, "target bitmap words");

static struct spinlock tlb_lock;
/** The request in flight; written by the sender under `tlb_lock`. */
static struct {
	uint64_t va;
	uint64_t pages;
	uint32_t pending; /* targets that have not acknowledged yet */
	uint32_t in_flight;
	bool has_handler;
	uint64_t sent;
} req;
static uint32_t need[SVSM_MAX_CPUS];  /* set by the sender, taken by the CPU */
static uint64_t acked[SVSM_MAX_CPUS]; /* requests each CPU served */

/** Flushes [va, va + pages * 4 KiB) from this CPU's TLB. */
static void flush_local(uint64_t va, uint64_t pages)
{
	if (pages > TLB_FLUSH_ALL_PAGES) {
		write_cr3(read_cr3()); /* the kernel maps nothing global */
		return;
	}
	for (uint64_t i = 0; i < pages; i++) {
		invlpg(va + i * PAGE_SIZE);
	}
}

/** Serves CPU `cpu`'s request, if it has one: flush, then acknowledge. */
static void serve(uint32_t cpu)
{
	if (cpu >= SVSM_MAX_CPUS ||
	    !__atomic_exchange_n(&need[cpu], 0U, __ATOMIC_ACQUIRE)) {
		return;
	}
	flush_local(__atomic_load_n(&req.va, __ATOMIC_RELAXED),
		    __atomic_load_n(&req.pages, __ATOMIC_RELAXED));
	__atomic_fetch_add(&acked[cpu], 1, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&req.pending, 1U, __ATOMIC_RELEASE);
}

/** Serves a pending request from a spinlock wait; see tlb.h. */
void tlb_shootdown_poll(void)
{
	if (__atomic_load_n(&req.in_flight, __ATOMIC_ACQUIRE)) {
		serve(this_cpu()->cpu_index);
	}
}

/** VEC_TLB_SHOOTDOWN: serves this CPU's request. */
static void tlb_irq(struct trap_frame *f)
{
	(void)f;
	serve(this_cpu()->cpu_index);
	lapic_eoi();
}

/** Whether another CPU may cache [va, va + pages * 4 KiB). */
static bool is_shared(uint64_t va, uint64_t pages)
{
	uint64_t last = va + (pages - 1U) * PAGE_SIZE;

	if (va < KERNEL_HALF_BASE || last < va) {
		return false;
	}
	return !(va >= MM_PERCPU_BASE && last < MM_PERCPU_BASE + PML4_SPAN);
}

/** Waits (bounded) until every target acknowledged; panics otherwise. */
static void wait_acks(void)
{
	bool has_clock = clock_is_ready();
	uint64_t deadline = has_clock ? clock_monotonic_ns() +
						TLB_ACK_TIMEOUT_MS * NS_PER_MS
				      : 0;

	for (uint64_t spins = 0;; spins++) {
		if (__atomic_load_n(&req.pending, __ATOMIC_ACQUIRE) == 0) {
			return;
		}
		if (has_clock ? clock_monotonic_ns() > deadline
			      : spins > ACK_SPINS) {
			break;
		}
		pause();
	}
	for (uint32_t i = 0; i < smp_cpu_count() && i < SVSM_MAX_CPUS; i++) {
		if (__atomic_load_n(&need[i], __ATOMIC_ACQUIRE)) {
			panic("tlb: cpu %u did not acknowledge the shootdown "
			      "of [0x%llx, +%llu pages) within %u ms",
			      i, (unsigned long long)req.va,
			      (unsigned long long)req.pages,
			      TLB_ACK_TIMEOUT_MS);
		}
	}
	panic("tlb: shootdown acknowledgements lost");
}

/** Sends the request to every other online CPU; `tlb_lock` held. */
static void shoot_locked(uint32_t self, uint64_t va, uint64_t pages)
{
	uint64_t targets[SVSM_MAX_CPUS / 64U] = { 0 };
	uint32_t n = 0;

	if (!req.has_handler) {
		CHECK(irq_register(VEC_TLB_SHOOTDOWN, tlb_irq) == SVSM_OK);
		req.has_handler = true;
	}
	/* The targets are fixed once: a CPU coming online later is not one. */
	for (uint32_t i = 0; i < smp_cpu_count() && i < SVSM_MAX_CPUS; i++) {
		const struct smp_cpu *c = smp_cpu_get(i);

		if (i != self &&
		    __atomic_load_n(&c->is_online, __ATOMIC_ACQUIRE)) {
			targets[i / 64U] |= 1ULL << (i % 64U);
			n++;
		}
	}
	__atomic_store_n(&req.va, va, __ATOMIC_RELAXED);
	__atomic_store_n(&req.pages, pages, __ATOMIC_RELAXED);
	__atomic_store_n(&req.pending, n, __ATOMIC_RELAXED);
	__atomic_store_n(&req.in_flight, 1U, __ATOMIC_RELEASE);
	for (uint32_t i = 0; i < smp_cpu_count() && i < SVSM_MAX_CPUS; i++) {
		if (!(targets[i / 64U] & (1ULL << (i % 64U)))) {
			continue;
		}
		__atomic_store_n(&need[i], 1U, __ATOMIC_RELEASE);
		if (lapic_send_ipi(smp_cpu_get(i)->apic_id,
				   VEC_TLB_SHOOTDOWN) != SVSM_OK) {
			/* The CPU may still poll the request from a spinlock
			 * wait; if it does not, wait_acks() panics. */
			continue;
		}
	}
	wait_acks();
	__atomic_store_n(&req.in_flight, 0U, __ATOMIC_RELEASE);
	req.sent++;
}

/** Flushes a range here and on every CPU that may cache it; see tlb.h. */
void tlb_flush_range(vaddr_t va, uint64_t pages)
{
	uint64_t start = va_addr(va);
	uint64_t flags;

	if (pages == 0) {
		return;
	}
	flush_local(start, pages);
	if (!is_shared(start, pages) || smp_online_count() < 2) {
		return;
	}
	flags = spin_lock_irqsave(&tlb_lock);
	shoot_locked(this_cpu()->cpu_index, start, pages);
	spin_unlock_irqrestore(&tlb_lock, flags);
}

uint64_t tlb_acked_count(uint32_t cpu_index)
{
	return cpu_index < SVSM_MAX_CPUS
		       ? __atomic_load_n(&acked[cpu_index], __ATOMIC_RELAXED)
		       : 0;
}

uint64_t tlb_sent_count(void)
{
	return __atomic_load_n(&req.sent, __ATOMIC_RELAXED);
}
