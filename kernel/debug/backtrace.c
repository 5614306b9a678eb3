// SPDX-License-Identifier: MIT
/*
 * Backtraces by walking the frame-pointer chain (the kernel is built with
 * -fno-omit-frame-pointer): [rbp] is the caller's rbp, [rbp + 8] the
 * return address. Every frame must lie inside a registered stack and move
 * towards its top.
 */
#include "svsm/backtrace.h"

#include <stdbool.h>

#include "svsm/log.h"
#include "svsm/symbols.h"

struct stack_range {
	uint64_t lo;
	uint64_t hi;
};

static struct stack_range stacks[BACKTRACE_MAX_STACKS];
static uint32_t stack_count;

/** Registers [lo, hi) as a stack; ignored when the table is full. */
void backtrace_add_stack(uint64_t lo, uint64_t hi)
{
	if (stack_count < BACKTRACE_MAX_STACKS && lo < hi) {
		stacks[stack_count++] = (struct stack_range){ lo, hi };
	}
}

/** The stack that holds the 16-byte frame record at `rbp`, or NULL. */
static const struct stack_range *frame_stack(uint64_t rbp)
{
	if (rbp & 7u) {
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

/** Logs the trace from `rip` up the frame chain starting at `rbp`. */
void backtrace_log(uint64_t rip, uint64_t rbp)
{
	log_printf("backtrace:\n");
	backtrace_log_addr("  ", rip);
	for (uint32_t depth = 0; depth < BACKTRACE_MAX_DEPTH; depth++) {
		const struct stack_range *s = frame_stack(rbp);

		if (!s) {
			break;
		}
		const uint64_t *frame = (const uint64_t *)rbp;
		uint64_t next = frame[0];
		uint64_t ret = frame[1];

		if (ret == 0) {
			break;
		}
		backtrace_log_addr("  ", ret);
		if (next <= rbp || next >= s->hi) {
			break;
		}
		rbp = next;
	}
}
