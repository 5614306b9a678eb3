// SPDX-License-Identifier: MIT
/*
 * Backtraces by walking the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer): [rbp] is the caller's rbp, [rbp + 8] the
 * return address. Every frame must lie inside a registered stack and move
 * towards its top.
 */
#include "svsm/backtrace.h"

#include <stdbool.h>
#include <stddef.h>

#include "svsm/addr.h"
#include "svsm/log.h"
#include "svsm/symbols.h"

/** `push %rbp; mov %rsp, %rbp`: how gcc starts a function with a frame. */
static const uint8_t FRAME_PROLOGUE[4] = { 0x55, 0x48, 0x89, 0xE5 };

struct stack_range {
	uint64_t lo;
	uint64_t hi;
};

static void backtrace_log_chain(uint64_t rip, uint64_t rbp);

static struct stack_range stacks[BACKTRACE_MAX_STACKS];
static uint32_t stack_count;

/** Registers [lo, hi) as a stack; ignored when the table is full. */
void backtrace_add_stack(uint64_t lo, uint64_t hi)
{
	if (stack_count < BACKTRACE_MAX_STACKS && lo < hi) {
		stacks[stack_count++] = (struct stack_range){ lo, hi };
	}
}

/** Removes [lo, hi) from the table (the last entry takes its place). */
void backtrace_remove_stack(uint64_t lo, uint64_t hi)
{
	for (uint32_t i = 0; i < stack_count; i++) {
		if (stacks[i].lo == lo && stacks[i].hi == hi) {
			stacks[i] = stacks[--stack_count];
			return;
		}
	}
}

/**
 * Whether `addr` lies in the guard page just below a registered stack;
 * if so, that stack's bounds go to `lo` and `hi`.
 */
bool backtrace_guard_hit(uint64_t addr, uint64_t *lo, uint64_t *hi)
{
	for (uint32_t i = 0; i < stack_count; i++) {
		if (addr < stacks[i].lo && stacks[i].lo - addr <= 4096U) {
			*lo = stacks[i].lo;
			*hi = stacks[i].hi;
			return true;
		}
	}
	return false;
}

/** The stack that holds the 16-byte frame record at `rbp`, or NULL. */
static const struct stack_range *frame_stack(uint64_t rbp)
{
	if (rbp & 7U) {
		return NULL;
	}
	for (uint32_t i = 0; i < stack_count; i++) {
		if (rbp >= stacks[i].lo && rbp + 16 <= stacks[i].hi &&
		    rbp + 16 > rbp) {
			return &stacks[i];
		}
	}
	return NULL;
}

/**
 * Logs a return address. It is symbolized through `ret - 1`, the call
 * instruction's last byte: after a call to a noreturn function the
 * return address is already past the end of the caller.
 */
static void log_return_addr(uint64_t ret)
{
	struct symbol_hit hit;

	if (ret != 0 && symbols_lookup(ret - 1, &hit)) {
		log_printf("  [<%016llx>] %s+0x%llx/0x%x\n",
			   (unsigned long long)ret, hit.name,
			   (unsigned long long)hit.offset + 1, hit.size);
	} else {
		log_printf("  [<%016llx>] ?\n", (unsigned long long)ret);
	}
}

/** Logs one address, symbolized when possible. */
void backtrace_log_addr(const char *prefix, uint64_t addr)
{
	struct symbol_hit hit;

	if (symbols_lookup(addr, &hit)) {
		log_printf("%s[<%016llx>] %s+0x%llx/0x%x\n", prefix,
			   (unsigned long long)addr, hit.name,
			   (unsigned long long)hit.offset, hit.size);
	} else {
		log_printf("%s[<%016llx>] ?\n", prefix,
			   (unsigned long long)addr);
	}
}

/**
 * Whether the function containing `rip` has set up its frame: it starts
 * with `push %rbp; mov %rsp, %rbp` and `rip` is past those 4 bytes. gcc
 * 12 sets up no frame in leaf functions that do not use the stack.
 */
static bool frame_is_set_up(uint64_t rip)
{
	struct symbol_hit hit;

	if (!symbols_lookup(rip, &hit) || hit.offset < sizeof(FRAME_PROLOGUE)) {
		return false;
	}
	const uint8_t *start = va_to_ptr(va_init(rip - hit.offset));

	for (size_t i = 0; i < sizeof(FRAME_PROLOGUE); i++) {
		if (start[i] != FRAME_PROLOGUE[i]) {
			return false;
		}
	}
	return true;
}

/**
 * Logs the trace of an interrupted context: `rip`, then (when the
 * function at `rip` has no frame of its own) the return address at `rsp`
 * if it lies in a known stack and points into a known function, then the
 * frame-pointer chain from `rbp`.
 */
void backtrace_log_context(uint64_t rip, uint64_t rbp, uint64_t rsp)
{
	struct symbol_hit hit;

	if (frame_is_set_up(rip) || !frame_stack(rsp & ~7ULL)) {
		backtrace_log(rip, rbp);
		return;
	}
	uint64_t ret = *(const uint64_t *)va_to_ptr(va_init(rsp & ~7ULL));

	if (ret == 0 || !symbols_lookup(ret - 1, &hit)) {
		backtrace_log(rip, rbp);
		return;
	}
	log_printf("backtrace:\n");
	backtrace_log_addr("  ", rip);
	log_return_addr(ret);
	backtrace_log_chain(0, rbp);
}

/** Logs the trace from `rip` up the frame chain starting at `rbp`. */
void backtrace_log(uint64_t rip, uint64_t rbp)
{
	log_printf("backtrace:\n");
	backtrace_log_chain(rip, rbp);
}

/**
 * Logs `rip` (unless 0), then every return address of the frame chain
 * from `rbp`.
 */
static void backtrace_log_chain(uint64_t rip, uint64_t rbp)
{
	if (rip != 0) {
		backtrace_log_addr("  ", rip);
	}
	for (uint32_t depth = 0; depth < BACKTRACE_MAX_DEPTH; depth++) {
		const struct stack_range *s = frame_stack(rbp);

		if (!s) {
			break;
		}
		const uint64_t *frame = va_to_ptr(va_init(rbp));
		uint64_t next = frame[0];
		uint64_t ret = frame[1];

		if (ret == 0) {
			break;
		}
		log_return_addr(ret);
		if (next <= rbp || next >= s->hi) {
			break;
		}
		rbp = next;
	}
}
