// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for init's configuration parser (user/init/conf.c).
 * Each input is parsed as /etc/init.conf. A refusal must name a line
 * within the file and give a reason; an accepted file must hold what
 * conf.h promises: at most INIT_SERVICES_MAX services, each with a
 * unique valid name, an absolute path that is argv[0], argv inside its
 * buffer and NUL-terminated, 0 < first back-off <= cap, an open prefix
 * that is empty or absolute, and a policy that allows no call outside
 * the ABI's numbers.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

/* The entry point libFuzzer calls; its name is fixed by libFuzzer. */
/* NOLINTNEXTLINE(readability-identifier-naming) */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct init_conf conf;

static void check_service(const struct init_service *s)
{
	if (s->name[0] == '\0' || memchr(s->name, 0, sizeof(s->name)) == NULL ||
	    s->path[0] != '/' || memchr(s->path, 0, sizeof(s->path)) == NULL ||
	    s->argc == 0 || s->argc > INIT_ARGS_MAX ||
	    s->backoff_first_ms == 0 ||
	    s->backoff_cap_ms < s->backoff_first_ms ||
	    s->backoff_cap_ms > INIT_BACKOFF_MAX_MS ||
	    (s->restart != INIT_RESTART_NEVER &&
	     s->restart != INIT_RESTART_ON_FAILURE &&
	     s->restart != INIT_RESTART_ALWAYS)) {
		abort();
	}
	for (uint32_t a = 0; a < s->argc; a++) {
		if (s->arg_off[a] >= INIT_ARGS_BYTES ||
		    memchr(s->args + s->arg_off[a], 0,
			   INIT_ARGS_BYTES - s->arg_off[a]) == NULL) {
			abort();
		}
	}
	if (strcmp(s->args + s->arg_off[0], s->path) != 0) {
		abort();
	}
	const struct svsm_policy *p = &s->policy;

	if (memchr(p->open_prefix, 0, sizeof(p->open_prefix)) == NULL ||
	    (p->open_prefix[0] != '\0' && p->open_prefix[0] != '/') ||
	    (p->native_calls >> (SVSM_SYS_NATIVE_END - SVSM_SYS_NATIVE_BASE)) !=
		    0) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct init_conf_error err;

	if (!init_conf_parse((const char *)data, size, &conf, &err)) {
		if (err.msg[0] == '\0' || err.line > INIT_LINES_MAX + 1U ||
		    memchr(err.msg, 0, sizeof(err.msg)) == NULL) {
			abort();
		}
		return 0;
	}
	if (conf.service_count > INIT_SERVICES_MAX) {
		abort();
	}
	for (uint32_t i = 0; i < conf.service_count; i++) {
		check_service(&conf.services[i]);
		for (uint32_t j = 0; j < i; j++) {
			if (strcmp(conf.services[i].name,
				   conf.services[j].name) == 0) {
				abort();
			}
		}
	}
	return 0;
}
