// SPDX-License-Identifier: MIT
/* init's supervision rules (supervise.h). */
#include "supervise.h"

#define NS_PER_MS 1000000ULL

void init_supervise_init(const struct init_service *svc,
			 struct init_svc_state *st, uint64_t now_ns)
{
	*st = (struct init_svc_state){
		.handle = -1,
		.is_pending = true,
		.next_start_ns = now_ns,
		.delay_ms = svc->backoff_first_ms,
	};
}

void init_supervise_started(struct init_svc_state *st, int32_t handle,
			    uint64_t now_ns)
{
	st->handle = handle;
	st->is_pending = false;
	st->started_ns = now_ns;
}

/** Schedules the next start after the current delay, then doubles it. */
static struct init_decision schedule(const struct init_service *svc,
				     struct init_svc_state *st, uint64_t now_ns)
{
	struct init_decision d = { INIT_ACTION_RESTART, st->delay_ms };
	uint64_t next = (uint64_t)st->delay_ms * 2U;

	st->delay_ms = next > svc->backoff_cap_ms ? svc->backoff_cap_ms
						  : (uint32_t)next;
	st->handle = -1;
	st->is_pending = true;
	st->next_start_ns = now_ns + (uint64_t)d.delay_ms * NS_PER_MS;
	st->restarts++;
	return d;
}

bool init_status_failed(uint32_t status)
{
	return status != 0;
}

struct init_decision init_supervise_ended(const struct init_service *svc,
					  struct init_svc_state *st,
					  uint32_t status, uint64_t now_ns)
{
	if (now_ns >= st->started_ns &&
	    now_ns - st->started_ns >= INIT_BACKOFF_RESET_NS) {
		st->delay_ms = svc->backoff_first_ms;
	}
	bool again = svc->restart == INIT_RESTART_ALWAYS ||
		     (svc->restart == INIT_RESTART_ON_FAILURE &&
		      init_status_failed(status));

	if (!again) {
		st->handle = -1;
		st->is_pending = false;
		return (struct init_decision){ INIT_ACTION_STOP, 0 };
	}
	return schedule(svc, st, now_ns);
}

struct init_decision init_supervise_start_failed(const struct init_service *svc,
						 struct init_svc_state *st,
						 uint64_t now_ns)
{
	return schedule(svc, st, now_ns);
}

const char *init_status_fault(uint32_t status)
{
	static const char *const names[32] = {
		[0] = "divide error",	      [1] = "debug exception",
		[3] = "breakpoint",	      [4] = "overflow",
		[5] = "bound range",	      [6] = "invalid opcode",
		[7] = "device not available", [13] = "general protection",
		[12] = "stack fault",	      [14] = "page fault",
		[16] = "x87 error",	      [17] = "alignment check",
		[19] = "SIMD error",	      [21] = "control protection",
	};

	if ((status & SVSM_EXIT_KILLED) == 0) {
		return NULL;
	}
	uint32_t vec = status & 0xFFU;

	if (vec == 0xFFU) {
		return "killed";
	}
	if (vec < 32U && names[vec] != NULL) {
		return names[vec];
	}
	return "an exception";
}

uint64_t init_supervise_timeout(const struct init_svc_state *st, size_t n,
				uint64_t now_ns)
{
	uint64_t best = SVSM_WAIT_FOREVER;

	for (size_t i = 0; i < n; i++) {
		if (!st[i].is_pending) {
			continue;
		}
		uint64_t wait = st[i].next_start_ns > now_ns
					? st[i].next_start_ns - now_ns
					: 0;

		if (wait < best) {
			best = wait;
		}
	}
	return best;
}
