/* SPDX-License-Identifier: MIT */
/*
 * init's configuration (/etc/init.conf, format in docs/INIT.md) and its
 * parser. The parser is a pure function over the file's bytes: no system
 * calls, no allocation, fixed limits, so it is unit-tested and fuzzed on
 * the host. Every refusal names the line.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/svsm/syscall.h"

#define INIT_CONF_MAX 65536U  /* bytes in the file */
#define INIT_LINES_MAX 1024U  /* lines in the file */
#define INIT_LINE_MAX 256U    /* bytes in one line, without the newline */
#define INIT_SERVICES_MAX 16U /* services */
#define INIT_ARGS_MAX 16U     /* argv entries of one service, argv[0] too */
#define INIT_ARGS_BYTES 512U  /* their bytes, NULs included */
#define INIT_NAME_MAX 32U     /* service name, NUL included */
#define INIT_PATH_MAX 128U    /* exec path, NUL included */
#define INIT_BACKOFF_MAX_MS 3600000U
#define INIT_BACKOFF_FIRST_MS 100U /* defaults */
#define INIT_BACKOFF_CAP_MS 5000U
#define INIT_ERROR_MAX 128U
#define INIT_CHANNELS_MAX 16U /* channels in the file */
/* channels of one service: each becomes one handle passed at spawn */
#define INIT_SVC_CHANNELS_MAX SVSM_SPAWN_HANDLES

/** When init starts a service again after it ended. */
enum init_restart {
	INIT_RESTART_NEVER,
	INIT_RESTART_ON_FAILURE, /**< a status other than 0, or killed */
	INIT_RESTART_ALWAYS,
};

/** Which end of a channel a service holds. */
enum init_chan_role {
	INIT_CHAN_SERVER,
	INIT_CHAN_CLIENT,
};

/**
 * A channel between two services (`channel NAME server|client`): init
 * creates it before starting anything and holds both ends while it runs,
 * so it outlives restarts of either side (uapi/svsm/svcmsg.h).
 */
struct init_channel {
	char name[INIT_NAME_MAX];
	int32_t end[2]; /**< service index per role, -1 until named */
	uint32_t line;	/**< where it was first named */
};

/** One service. argv strings are NUL-separated in `args`. */
struct init_service {
	char name[INIT_NAME_MAX];
	char path[INIT_PATH_MAX];
	char args[INIT_ARGS_BYTES];
	uint16_t arg_off[INIT_ARGS_MAX]; /**< argv[i] = args + arg_off[i] */
	uint32_t argc;			 /**< argv[0] is the path */
	enum init_restart restart;
	uint32_t backoff_first_ms;
	uint32_t backoff_cap_ms;
	uint32_t cpu;  /**< a CPU or SVSM_SPAWN_ANY_CPU */
	uint32_t line; /**< where its `service` line is */
	struct svsm_policy policy;
	uint32_t chan_count; /**< its channels, in the order named */
	uint8_t chan[INIT_SVC_CHANNELS_MAX];	  /**< index in channels[] */
	uint8_t chan_role[INIT_SVC_CHANNELS_MAX]; /**< enum init_chan_role */
};

/** The whole file. */
struct init_conf {
	uint32_t service_count;
	struct init_service services[INIT_SERVICES_MAX];
	uint32_t channel_count;
	struct init_channel channels[INIT_CHANNELS_MAX];
};

/** Why the parser refused a file: the line (1-based; 0: the file). */
struct init_conf_error {
	uint32_t line;
	char msg[INIT_ERROR_MAX];
};

/**
 * Parses `len` bytes of `text` into `out`. On failure returns false and
 * fills `err`; `out` may then hold part of the file and must not be used.
 */
bool init_conf_parse(const char *text, size_t len, struct init_conf *out,
		     struct init_conf_error *err);

/**
 * Adds the system call or group `name` to `p` (docs/INIT.md lists them);
 * false for an unknown name.
 */
bool init_policy_allow(struct svsm_policy *p, const char *name);

/** Whether `p` allows the call with number `nr` (Linux or native). */
bool init_policy_allows(const struct svsm_policy *p, uint32_t nr);
