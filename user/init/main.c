// SPDX-License-Identifier: MIT
/*
 * init: the first process. Reads its configuration (/etc/init.conf, or
 * the path given as an argument; format in docs/INIT.md), starts every
 * service with svsm_spawn under the policy the file gives it, and
 * supervises them: it waits on all their process handles (EXITED) with
 * svsm_wait, with a timeout that ends at the next pending restart, logs
 * every start and end, and restarts with back-off (supervise.c decides).
 *
 * init does not give up: a configuration it cannot read is read again
 * with back-off, a service it cannot start is started again with
 * back-off. A configuration it refuses (the error names the line) leaves
 * it idle: the RAM FS is read-only, so it cannot change. Only with -x (for
 * tests) does it exit: 0 once no service runs or waits for a restart, 38
 * (ENOSYS) as soon as the kernel lacks a call it needs, 1 for a configuration
 * it refuses.
 *
 * Each service gets INIT_SERVICE=name and INIT_RESTARTS=n (its restarts
 * so far) in its environment, and INIT_CHANNEL_name=h for each of its
 * channels: init creates every channel before it starts the first
 * service that names it, holds both ends while it runs, and passes a
 * service its end at each start (handles 3, 4, ... in the order the
 * file names them). When a service ends, init discards what was waiting
 * on its ends and tells each peer with an SVSM_SVCMSG_PEER_ENDED
 * (uapi/svsm/svcmsg.h).
 *
 * Usage: init [-x] [CONFIG]
 */
#include <libsvsm/log.h>
#include <libsvsm/string.h>
#include <libsvsm/sys.h>
#include <stdbool.h>

#include "svsm/fmt.h"

#include "conf.h"
#include "supervise.h"
#include "uapi/svsm/svcmsg.h"

#define DEFAULT_CONF "/etc/init.conf"
#define CONF_RETRY_FIRST_MS 1000U
#define CONF_RETRY_CAP_MS 60000U
#define POLL_MS 100U /* when the kernel has no svsm_wait */
#define NS_PER_MS 1000000ULL
#define EXIT_NOSYS 38

int csvsm_main(const uint64_t *sp);

static struct init_conf conf;
static struct init_svc_state state[INIT_SERVICES_MAX];
static char conf_text[INIT_CONF_MAX + 1U];
static bool exit_when_idle;
/* Both ends of every channel (by role), -1 until created. */
static int32_t chan_end[INIT_CHANNELS_MAX][2];
static uint8_t drain_buf[SVSM_MSG_MAX];

/** Reads `path` into conf_text; returns its length or -errno. */
static long read_file(const char *path)
{
	long fd = svsm_openat(SVSM_AT_FDCWD, path, SVSM_O_RDONLY, 0);

	if (fd < 0) {
		return fd;
	}
	size_t len = 0;

	while (len < sizeof(conf_text)) {
		long n = svsm_read((int)fd, conf_text + len,
				   sizeof(conf_text) - len);

		if (n < 0) {
			(void)svsm_close((int)fd);
			return n;
		}
		if (n == 0) {
			break;
		}
		len += (size_t)n;
	}
	(void)svsm_close((int)fd);
	return (long)len;
}

/** Reads and parses the configuration, retrying with back-off. */
static int load_conf(const char *path)
{
	uint32_t delay = CONF_RETRY_FIRST_MS;

	for (;;) {
		long len = read_file(path);

		if (len >= 0) {
			struct init_conf_error err;

			if (init_conf_parse(conf_text, (size_t)len, &conf,
					    &err)) {
				return 0;
			}
			svsm_logf("%s:%u: %s", path, err.line, err.msg);
			if (exit_when_idle) {
				return 1;
			}
			/* The RAM FS is read-only: reading it again cannot
			 * help. */
			svsm_logf(
				"configuration refused: no services will run");
			for (;;) {
				(void)svsm_sleep_ms(3600000U);
			}
		} else if (exit_when_idle && len == -SVSM_ENOSYS) {
			svsm_logf("cannot read %s (error %ld: the kernel has "
				  "no openat/read yet)",
				  path, -len);
			return EXIT_NOSYS;
		} else {
			svsm_logf("cannot read %s (error %ld%s), retrying in "
				  "%u ms",
				  path, -len,
				  len == -SVSM_ENOSYS ? ": the kernel has no "
							"openat/read yet"
						      : "",
				  delay);
		}
		(void)svsm_sleep_ms(delay);
		delay = delay * 2U > CONF_RETRY_CAP_MS ? CONF_RETRY_CAP_MS
						       : delay * 2U;
	}
}

/**
 * The handles of service `svc`'s channels, creating the channels not
 * created yet, and its INIT_CHANNEL_name=h variables (in `env`, one
 * string of INIT_NAME_MAX + 24 bytes each). Returns 0 or -errno.
 */
static long channel_handles(const struct init_service *svc,
			    int32_t handles[INIT_SVC_CHANNELS_MAX],
			    char env[][INIT_NAME_MAX + 24U])
{
	for (uint32_t k = 0; k < svc->chan_count; k++) {
		uint32_t c = svc->chan[k];

		if (chan_end[c][0] < 0) {
			int32_t ends[2];
			long r = svsm_chan_create(ends, 0);

			if (r < 0) {
				svsm_logf("cannot create channel %s (error "
					  "%ld)",
					  conf.channels[c].name, -r);
				return r;
			}
			chan_end[c][INIT_CHAN_SERVER] = ends[0];
			chan_end[c][INIT_CHAN_CLIENT] = ends[1];
		}
		handles[k] = chan_end[c][svc->chan_role[k]];
		(void)fmt_snprintf(env[k], sizeof(env[k]), "INIT_CHANNEL_%s=%u",
				   conf.channels[c].name, 3U + k);
	}
	return 0;
}

/**
 * Service `svc` ended: on each of its channels, discards the messages
 * that were waiting for it and tells the peer.
 */
static void channels_ended(const struct init_service *svc)
{
	for (uint32_t k = 0; k < svc->chan_count; k++) {
		uint32_t c = svc->chan[k];
		int32_t h = chan_end[c][svc->chan_role[k]];
		uint32_t dropped = 0;

		if (h < 0) {
			continue;
		}
		while (svsm_chan_recv(h, drain_buf, sizeof(drain_buf), 0) >=
		       0) {
			dropped++;
		}
		struct svsm_svcmsg note = { .type = SVSM_SVCMSG_PEER_ENDED };
		long r = svsm_chan_send(h, &note, sizeof(note), 0);

		if (dropped != 0 || r < 0) {
			svsm_logf("channel %s: %u message%s for %s dropped%s",
				  conf.channels[c].name, dropped,
				  dropped == 1 ? "" : "s", svc->name,
				  r < 0 ? "; peer not told (queue full)" : "");
		}
	}
}

/** Starts service `i`; returns the spawn result (handle or -errno). */
static long start(uint32_t i, uint64_t now)
{
	const struct init_service *svc = &conf.services[i];
	const char *argv[INIT_ARGS_MAX + 1U];

	for (uint32_t a = 0; a < svc->argc; a++) {
		argv[a] = svc->args + svc->arg_off[a];
	}
	argv[svc->argc] = NULL;
	char env_name[INIT_NAME_MAX + 16U];
	char env_restarts[32];
	char env_chan[INIT_SVC_CHANNELS_MAX][INIT_NAME_MAX + 24U];
	int32_t handles[INIT_SVC_CHANNELS_MAX];
	const char *envp[2U + INIT_SVC_CHANNELS_MAX + 1U];

	(void)fmt_snprintf(env_name, sizeof(env_name), "INIT_SERVICE=%s",
			   svc->name);
	(void)fmt_snprintf(env_restarts, sizeof(env_restarts),
			   "INIT_RESTARTS=%u", state[i].restarts);
	envp[0] = env_name;
	envp[1] = env_restarts;
	long h = channel_handles(svc, handles, env_chan);

	for (uint32_t k = 0; k < svc->chan_count; k++) {
		envp[2U + k] = env_chan[k];
	}
	envp[2U + svc->chan_count] = NULL;
	struct svsm_spawn_args args = {
		.path = (uint64_t)(uintptr_t)svc->path,
		.argv = (uint64_t)(uintptr_t)argv,
		.envp = (uint64_t)(uintptr_t)envp,
		.handles = (uint64_t)(uintptr_t)handles,
		.policy = (uint64_t)(uintptr_t)&svc->policy,
		.nhandles = svc->chan_count,
		.cpu = svc->cpu,
	};

	if (h == 0) {
		h = svsm_spawn(&args);
	}

	if (h >= 0) {
		init_supervise_started(&state[i], (int32_t)h, now);
		svsm_logf("started %s (handle %ld)", svc->name, h);
		return h;
	}
	struct init_decision d =
		init_supervise_start_failed(svc, &state[i], now);

	svsm_logf("cannot start %s: %s (error %ld%s), retrying in %u ms",
		  svc->name, svc->path, -h,
		  h == -SVSM_ENOSYS ? ": the kernel has no spawn yet" : "",
		  d.delay_ms);
	return h;
}

/** Service `i` ended with `status`: logs it and decides what is next. */
static void ended(uint32_t i, uint32_t status, uint64_t now)
{
	const struct init_service *svc = &conf.services[i];

	(void)svsm_handle_close(state[i].handle);
	channels_ended(svc);
	struct init_decision d =
		init_supervise_ended(svc, &state[i], status, now);
	const char *fault = init_status_fault(status);

	if (d.action == INIT_ACTION_RESTART) {
		if (fault != NULL) {
			svsm_logf("%s killed by %s, restarting in %u ms",
				  svc->name, fault, d.delay_ms);
		} else {
			svsm_logf("%s exited with status %u, restarting in "
				  "%u ms",
				  svc->name, status, d.delay_ms);
		}
	} else if (fault != NULL) {
		svsm_logf("%s killed by %s, not restarted", svc->name, fault);
	} else {
		svsm_logf("%s exited with status %u, not restarted", svc->name,
			  status);
	}
}

/** Collects every service whose process has ended; returns how many. */
static uint32_t reap(uint64_t now)
{
	uint32_t count = 0;

	for (uint32_t i = 0; i < conf.service_count; i++) {
		if (state[i].handle < 0) {
			continue;
		}
		long st = svsm_proc_wait(state[i].handle, SVSM_PROC_NOHANG);

		if (st >= 0) {
			ended(i, (uint32_t)st, now);
			count++;
		}
	}
	return count;
}

/**
 * Waits until a service's process ends or `timeout_ns` passes: svsm_wait
 * on every handle, or, when the kernel has no svsm_wait, a short sleep
 * (reap() then polls with proc_wait).
 */
static void wait_events(uint64_t timeout_ns)
{
	struct svsm_wait_item items[INIT_SERVICES_MAX];
	uint32_t n = 0;

	for (uint32_t i = 0; i < conf.service_count; i++) {
		if (state[i].handle >= 0) {
			items[n++] = (struct svsm_wait_item){
				.handle = state[i].handle,
				.events = SVSM_WAIT_EXITED,
			};
		}
	}
	long r = n > 0 ? svsm_wait(items, n, timeout_ns) : -SVSM_ENOSYS;

	if (r >= 0) {
		return;
	}
	uint64_t ms = timeout_ns / NS_PER_MS;

	if (n > 0 && ms > POLL_MS) {
		ms = POLL_MS;
	}
	(void)svsm_sleep_ms(ms == 0 ? 1 : ms);
}

/** Whether any service runs or waits for a start. */
static bool any_alive(void)
{
	for (uint32_t i = 0; i < conf.service_count; i++) {
		if (state[i].handle >= 0 || state[i].is_pending) {
			return true;
		}
	}
	return false;
}

static int supervise(void)
{
	uint64_t now = svsm_now_ns();

	for (uint32_t c = 0; c < INIT_CHANNELS_MAX; c++) {
		chan_end[c][0] = -1;
		chan_end[c][1] = -1;
	}
	for (uint32_t i = 0; i < conf.service_count; i++) {
		init_supervise_init(&conf.services[i], &state[i], now);
	}
	for (;;) {
		now = svsm_now_ns();
		for (uint32_t i = 0; i < conf.service_count; i++) {
			if (!state[i].is_pending ||
			    state[i].next_start_ns > now) {
				continue;
			}
			if (start(i, now) == -SVSM_ENOSYS && exit_when_idle) {
				return EXIT_NOSYS;
			}
		}
		if (!any_alive()) {
			svsm_logf("no service left to supervise");
			if (exit_when_idle) {
				return 0;
			}
			for (;;) {
				(void)svsm_sleep_ms(60000);
			}
		}
		uint64_t timeout = init_supervise_timeout(
			state, conf.service_count, svsm_now_ns());

		if (reap(svsm_now_ns()) == 0) {
			wait_events(timeout);
			(void)reap(svsm_now_ns());
		}
	}
}

int csvsm_main(const uint64_t *sp)
{
	uint64_t argc = sp[0];
	const char *const *argv = (const char *const *)(sp + 1);
	const char *path = DEFAULT_CONF;

	svsm_log_init("init", 2);
	for (uint64_t i = 1; i < argc; i++) {
		if (svsm_strcmp(argv[i], "-x") == 0) {
			exit_when_idle = true;
		} else {
			path = argv[i];
		}
	}
	svsm_logf("starting (pid %ld), configuration %s", svsm_getpid(), path);
	int r = load_conf(path);

	if (r != 0) {
		return r;
	}
	svsm_logf("%u service%s in %s", conf.service_count,
		  conf.service_count == 1 ? "" : "s", path);
	return supervise();
}
