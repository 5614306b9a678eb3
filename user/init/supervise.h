/* SPDX-License-Identifier: MIT */
/*
 * init's supervision rules as pure functions: what to do when a service
 * ends or cannot be started, how long to wait before the next start, and
 * how to describe an exit status. init's main loop (main.c) only does
 * the system calls around them, so the rules are unit-tested on the host.
 *
 * Back-off: the first restart waits backoff_first_ms; each further one
 * doubles the wait up to backoff_cap_ms. A service that ran for at least
 * INIT_BACKOFF_RESET_NS before it ended starts again from the first
 * delay. A start that fails (spawn returned an error) counts as a
 * failure and is always retried, whatever the restart rule says: init
 * never gives up on a service it could not start.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define INIT_BACKOFF_RESET_NS 10000000000ULL /* 10 s */

/** What init knows about one service while it runs. */
struct init_svc_state {
	int32_t handle;	 /**< the process handle, -1 when not running */
	bool is_pending; /**< a start is due at next_start_ns */
	uint64_t next_start_ns;
	uint64_t started_ns; /**< when the current/last run started */
	uint32_t delay_ms;   /**< the wait before the next restart */
	uint32_t restarts;   /**< starts after the first */
};

/** What to do after a service ended. */
enum init_action {
	INIT_ACTION_STOP,    /**< leave it stopped */
	INIT_ACTION_RESTART, /**< start it again after delay_ms */
};

/** A decision of init_supervise_*. */
struct init_decision {
	enum init_action action;
	uint32_t delay_ms;
};

/** Sets `st` up for a service to be started at `now_ns`. */
void init_supervise_init(const struct init_service *svc,
			 struct init_svc_state *st, uint64_t now_ns);
/** Records that the service was started at `now_ns` with `handle`. */
void init_supervise_started(struct init_svc_state *st, int32_t handle,
			    uint64_t now_ns);
/**
 * The service ended with `status` (0..255, or SVSM_EXIT_KILLED | vector)
 * at `now_ns`: decides, and when restarting, schedules the start in `st`.
 */
struct init_decision init_supervise_ended(const struct init_service *svc,
					  struct init_svc_state *st,
					  uint32_t status, uint64_t now_ns);
/** Starting the service failed at `now_ns`: schedules the retry. */
struct init_decision init_supervise_start_failed(const struct init_service *svc,
						 struct init_svc_state *st,
						 uint64_t now_ns);
/** Whether `status` means the service failed (not a plain exit 0). */
bool init_status_failed(uint32_t status);
/**
 * Describes a killed status: "page fault", "general protection", ...;
 * "killed" for a proc_kill; NULL when `status` is a normal exit.
 */
const char *init_status_fault(uint32_t status);
/**
 * The earliest pending start among `n` states, as a wait in nanoseconds
 * from `now_ns` (0 when one is due); SVSM_WAIT_FOREVER when none pends.
 */
uint64_t init_supervise_timeout(const struct init_svc_state *st, size_t n,
				uint64_t now_ns);
