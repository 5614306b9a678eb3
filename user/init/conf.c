// SPDX-License-Identifier: MIT
/*
 * The /etc/init.conf parser (conf.h, format in docs/INIT.md).
 *
 * The file is untrusted text as far as the parser is concerned: it is
 * read line by line with every length bounded (file, line, tokens,
 * names, paths, argv), only printable ASCII and tabs are accepted, and
 * every refusal names its line. Nothing is allocated; the result is the
 * fixed-size struct init_conf. A service's policy is the union of its
 * `allow` lines, or the `basic` group when it has none.
 */
#include "conf.h"

#include <libsvsm/string.h>

#include "svsm/fmt.h"

#define TOKENS_MAX (INIT_ARGS_MAX + 2U)

/** A call name and its number (Linux, or SVSM_SYS_NATIVE_BASE + n). */
struct call_name {
	const char *name;
	uint32_t nr;
};

static const struct call_name CALLS[] = {
	{ "read", SVSM_SYS_READ },
	{ "write", SVSM_SYS_WRITE },
	{ "close", SVSM_SYS_CLOSE },
	{ "fstat", SVSM_SYS_FSTAT },
	{ "lseek", SVSM_SYS_LSEEK },
	{ "mmap", SVSM_SYS_MMAP },
	{ "mprotect", SVSM_SYS_MPROTECT },
	{ "munmap", SVSM_SYS_MUNMAP },
	{ "brk", SVSM_SYS_BRK },
	{ "ioctl", SVSM_SYS_IOCTL },
	{ "writev", SVSM_SYS_WRITEV },
	{ "sched_yield", SVSM_SYS_SCHED_YIELD },
	{ "nanosleep", SVSM_SYS_NANOSLEEP },
	{ "getpid", SVSM_SYS_GETPID },
	{ "exit", SVSM_SYS_EXIT },
	{ "readlink", SVSM_SYS_READLINK },
	{ "arch_prctl", SVSM_SYS_ARCH_PRCTL },
	{ "gettid", SVSM_SYS_GETTID },
	{ "time", SVSM_SYS_TIME },
	{ "futex", SVSM_SYS_FUTEX },
	{ "set_tid_address", SVSM_SYS_SET_TID_ADDRESS },
	{ "clock_gettime", SVSM_SYS_CLOCK_GETTIME },
	{ "exit_group", SVSM_SYS_EXIT_GROUP },
	{ "openat", SVSM_SYS_OPENAT },
	{ "newfstatat", SVSM_SYS_NEWFSTATAT },
	{ "set_robust_list", SVSM_SYS_SET_ROBUST_LIST },
	{ "prlimit64", SVSM_SYS_PRLIMIT64 },
	{ "getrandom", SVSM_SYS_GETRANDOM },
	{ "rseq", SVSM_SYS_RSEQ },
	{ "handle_close", SVSM_SYS_HANDLE_CLOSE },
	{ "handle_dup", SVSM_SYS_HANDLE_DUP },
	{ "chan_create", SVSM_SYS_CHAN_CREATE },
	{ "chan_send", SVSM_SYS_CHAN_SEND },
	{ "chan_recv", SVSM_SYS_CHAN_RECV },
	{ "event_create", SVSM_SYS_EVENT_CREATE },
	{ "event_signal", SVSM_SYS_EVENT_SIGNAL },
	{ "event_consume", SVSM_SYS_EVENT_CONSUME },
	{ "wait", SVSM_SYS_WAIT },
	{ "batch", SVSM_SYS_BATCH },
	{ "spawn", SVSM_SYS_SPAWN },
	{ "proc_wait", SVSM_SYS_PROC_WAIT },
	{ "proc_kill", SVSM_SYS_PROC_KILL },
	{ "policy_drop", SVSM_SYS_POLICY_DROP },
	{ "policy_get", SVSM_SYS_POLICY_GET },
	{ "req_serve", SVSM_SYS_REQ_SERVE },
	{ "req_receive", SVSM_SYS_REQ_RECEIVE },
	{ "req_reply", SVSM_SYS_REQ_REPLY },
	{ "guest_read", SVSM_SYS_GUEST_READ },
	{ "guest_write", SVSM_SYS_GUEST_WRITE },
	{ "vmm_pvalidate", SVSM_SYS_VMM_PVALIDATE },
	{ "vmm_remap_ca", SVSM_SYS_VMM_REMAP_CA },
	{ "vmm_create_vcpu", SVSM_SYS_VMM_CREATE_VCPU },
	{ "vmm_delete_vcpu", SVSM_SYS_VMM_DELETE_VCPU },
};

/** A named group of calls: its members, space-separated. */
struct call_group {
	const char *name;
	const char *members;
};

static const struct call_group GROUPS[] = {
	{ "basic", "write exit exit_group clock_gettime nanosleep sched_yield "
		   "getpid gettid getrandom" },
	{ "memory", "brk mmap munmap mprotect" },
	{ "file", "openat read lseek fstat newfstatat close" },
	{ "ipc", "handle_close handle_dup chan_create chan_send chan_recv "
		 "event_create event_signal event_consume wait" },
	{ "process", "spawn proc_wait proc_kill policy_drop policy_get" },
	{ "requests", "req_serve req_receive req_reply guest_read guest_write "
		      "vmm_pvalidate vmm_remap_ca vmm_create_vcpu "
		      "vmm_delete_vcpu" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/** Sets the bit of call `nr` in `p`. */
static void policy_set(struct svsm_policy *p, uint32_t nr)
{
	if (nr >= SVSM_SYS_NATIVE_BASE && nr < SVSM_SYS_NATIVE_BASE + 64U) {
		p->native_calls |= 1ULL << (nr - SVSM_SYS_NATIVE_BASE);
	} else if (nr < SVSM_SYS_LINUX_MAX) {
		p->linux_calls[nr / 64U] |= 1ULL << (nr % 64U);
	}
}

bool init_policy_allows(const struct svsm_policy *p, uint32_t nr)
{
	if (nr >= SVSM_SYS_NATIVE_BASE && nr < SVSM_SYS_NATIVE_END) {
		return (p->native_calls >> (nr - SVSM_SYS_NATIVE_BASE)) & 1U;
	}
	if (nr < SVSM_SYS_LINUX_MAX) {
		return (p->linux_calls[nr / 64U] >> (nr % 64U)) & 1U;
	}
	return false;
}

/** Adds the one call `name` (`len` bytes) to `p`; false if unknown. */
static bool allow_call(struct svsm_policy *p, const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(CALLS); i++) {
		if (svsm_strlen(CALLS[i].name) == len &&
		    svsm_strncmp(CALLS[i].name, name, len) == 0) {
			policy_set(p, CALLS[i].nr);
			return true;
		}
	}
	return false;
}

bool init_policy_allow(struct svsm_policy *p, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(GROUPS); i++) {
		if (svsm_strcmp(GROUPS[i].name, name) != 0) {
			continue;
		}
		const char *m = GROUPS[i].members;

		while (*m != '\0') {
			const char *sp = svsm_strchr(m, ' ');
			size_t len =
				sp != NULL ? (size_t)(sp - m) : svsm_strlen(m);

			(void)allow_call(p, m, len);
			m += len + (sp != NULL ? 1U : 0U);
		}
		return true;
	}
	return allow_call(p, name, svsm_strlen(name));
}

/** The parser's state. */
struct parser {
	struct init_conf *conf;
	struct init_conf_error *err;
	struct init_service *cur; /**< the service being read, or NULL */
	bool cur_has_exec;
	bool cur_has_allow;
	uint32_t line;
};

/** Records a refusal of the current line; returns false. */
static bool refuse(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool refuse(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ps->err->line = ps->line;
	(void)fmt_vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	return false;
}

/** Parses a decimal number of at most `max`; false if not one. */
static bool parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (*s == '\0') {
		return false;
	}
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9') {
			return false;
		}
		v = v * 10U + (uint64_t)(*s - '0');
		if (v > max) {
			return false;
		}
	}
	*out = (uint32_t)v;
	return true;
}

/** Whether `s` is a service name: [A-Za-z0-9_.-], not empty. */
static bool is_name(const char *s)
{
	if (*s == '\0') {
		return false;
	}
	for (; *s != '\0'; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.')) {
			return false;
		}
	}
	return true;
}

/** Ends the current service: it must have had an exec line. */
static bool finish_service(struct parser *ps)
{
	if (ps->cur == NULL) {
		return true;
	}
	if (!ps->cur_has_exec) {
		ps->line = ps->cur->line;
		return refuse(ps, "service %s has no exec line", ps->cur->name);
	}
	if (!ps->cur_has_allow) {
		(void)init_policy_allow(&ps->cur->policy, "basic");
	}
	ps->cur = NULL;
	return true;
}

static bool do_service(struct parser *ps, char **tok, uint32_t n)
{
	struct init_conf *c = ps->conf;

	if (n != 2) {
		return refuse(ps, "usage: service NAME");
	}
	if (!finish_service(ps)) {
		return false;
	}
	if (!is_name(tok[1]) || svsm_strlen(tok[1]) >= INIT_NAME_MAX) {
		return refuse(ps,
			      "bad service name (letters, digits, _.-; "
			      "at most %u)",
			      INIT_NAME_MAX - 1U);
	}
	for (uint32_t i = 0; i < c->service_count; i++) {
		if (svsm_strcmp(c->services[i].name, tok[1]) == 0) {
			return refuse(ps, "service %s defined twice", tok[1]);
		}
	}
	if (c->service_count == INIT_SERVICES_MAX) {
		return refuse(ps, "more than %u services", INIT_SERVICES_MAX);
	}
	struct init_service *s = &c->services[c->service_count++];

	svsm_memset(s, 0, sizeof(*s));
	(void)svsm_strlcpy(s->name, tok[1], sizeof(s->name));
	s->restart = INIT_RESTART_ON_FAILURE;
	s->backoff_first_ms = INIT_BACKOFF_FIRST_MS;
	s->backoff_cap_ms = INIT_BACKOFF_CAP_MS;
	s->cpu = SVSM_SPAWN_ANY_CPU;
	s->line = ps->line;
	ps->cur = s;
	ps->cur_has_exec = false;
	ps->cur_has_allow = false;
	return true;
}

static bool do_exec(struct parser *ps, char **tok, uint32_t n)
{
	struct init_service *s = ps->cur;

	if (n < 2) {
		return refuse(ps, "usage: exec PATH [ARG...]");
	}
	if (ps->cur_has_exec) {
		return refuse(ps, "second exec line for %s", s->name);
	}
	if (tok[1][0] != '/' || svsm_strlen(tok[1]) >= INIT_PATH_MAX) {
		return refuse(ps,
			      "exec path must be absolute, at most %u bytes",
			      INIT_PATH_MAX - 1U);
	}
	if (n - 1U > INIT_ARGS_MAX) {
		return refuse(ps, "more than %u arguments", INIT_ARGS_MAX);
	}
	(void)svsm_strlcpy(s->path, tok[1], sizeof(s->path));
	size_t used = 0;

	for (uint32_t i = 1; i < n; i++) {
		size_t len = svsm_strlen(tok[i]) + 1U;

		if (len > INIT_ARGS_BYTES - used) {
			return refuse(ps, "arguments longer than %u bytes",
				      INIT_ARGS_BYTES);
		}
		svsm_memcpy(s->args + used, tok[i], len);
		s->arg_off[i - 1U] = (uint16_t)used;
		used += len;
	}
	s->argc = n - 1U;
	ps->cur_has_exec = true;
	return true;
}

static bool do_restart(struct parser *ps, char **tok, uint32_t n)
{
	if (n != 2) {
		return refuse(ps, "usage: restart on-failure|always|never");
	}
	if (svsm_strcmp(tok[1], "on-failure") == 0) {
		ps->cur->restart = INIT_RESTART_ON_FAILURE;
	} else if (svsm_strcmp(tok[1], "always") == 0) {
		ps->cur->restart = INIT_RESTART_ALWAYS;
	} else if (svsm_strcmp(tok[1], "never") == 0) {
		ps->cur->restart = INIT_RESTART_NEVER;
	} else {
		return refuse(ps, "restart: on-failure, always or never");
	}
	return true;
}

static bool do_backoff(struct parser *ps, char **tok, uint32_t n)
{
	uint32_t first;
	uint32_t cap;

	if (n != 3 || !parse_u32(tok[1], INIT_BACKOFF_MAX_MS, &first) ||
	    !parse_u32(tok[2], INIT_BACKOFF_MAX_MS, &cap)) {
		return refuse(ps, "usage: backoff FIRST_MS CAP_MS (at most %u)",
			      INIT_BACKOFF_MAX_MS);
	}
	if (first == 0 || cap < first) {
		return refuse(ps, "backoff: need 0 < FIRST_MS <= CAP_MS");
	}
	ps->cur->backoff_first_ms = first;
	ps->cur->backoff_cap_ms = cap;
	return true;
}

static bool do_allow(struct parser *ps, char **tok, uint32_t n)
{
	if (n < 2) {
		return refuse(ps, "usage: allow CALL|GROUP...");
	}
	for (uint32_t i = 1; i < n; i++) {
		if (!init_policy_allow(&ps->cur->policy, tok[i])) {
			return refuse(ps, "unknown call or group '%s'", tok[i]);
		}
	}
	ps->cur_has_allow = true;
	return true;
}

static bool do_open(struct parser *ps, char **tok, uint32_t n)
{
	struct svsm_policy *p = &ps->cur->policy;

	if (n != 2 || tok[1][0] != '/') {
		return refuse(ps, "usage: open /PATH-PREFIX");
	}
	if (svsm_strlen(tok[1]) >= sizeof(p->open_prefix)) {
		return refuse(ps, "open prefix longer than %zu bytes",
			      sizeof(p->open_prefix) - 1U);
	}
	if (p->open_prefix[0] != '\0') {
		return refuse(ps, "second open line for %s", ps->cur->name);
	}
	(void)svsm_strlcpy(p->open_prefix, tok[1], sizeof(p->open_prefix));
	return true;
}

static bool do_cpu(struct parser *ps, char **tok, uint32_t n)
{
	if (n == 2 && svsm_strcmp(tok[1], "any") == 0) {
		ps->cur->cpu = SVSM_SPAWN_ANY_CPU;
		return true;
	}
	if (n != 2 || !parse_u32(tok[1], 4095U, &ps->cur->cpu)) {
		return refuse(ps, "usage: cpu N|any (N at most 4095)");
	}
	return true;
}

/** The channel called `name`, added when new; NULL when full. */
static struct init_channel *channel_get(struct parser *ps, const char *name)
{
	struct init_conf *c = ps->conf;

	for (uint32_t i = 0; i < c->channel_count; i++) {
		if (svsm_strcmp(c->channels[i].name, name) == 0) {
			return &c->channels[i];
		}
	}
	if (c->channel_count == INIT_CHANNELS_MAX) {
		return NULL;
	}
	struct init_channel *ch = &c->channels[c->channel_count++];

	(void)svsm_strlcpy(ch->name, name, sizeof(ch->name));
	ch->end[INIT_CHAN_SERVER] = -1;
	ch->end[INIT_CHAN_CLIENT] = -1;
	ch->line = ps->line;
	return ch;
}

static bool do_channel(struct parser *ps, char **tok, uint32_t n)
{
	struct init_service *s = ps->cur;
	static const char *const roles[] = { "server", "client" };
	uint32_t role;

	if (n != 3) {
		return refuse(ps, "usage: channel NAME server|client");
	}
	if (svsm_strcmp(tok[2], "server") == 0) {
		role = INIT_CHAN_SERVER;
	} else if (svsm_strcmp(tok[2], "client") == 0) {
		role = INIT_CHAN_CLIENT;
	} else {
		return refuse(ps, "channel: server or client, not '%s'",
			      tok[2]);
	}
	if (!is_name(tok[1]) || svsm_strlen(tok[1]) >= INIT_NAME_MAX) {
		return refuse(ps,
			      "bad channel name (letters, digits, _.-; "
			      "at most %u)",
			      INIT_NAME_MAX - 1U);
	}
	if (s->chan_count == INIT_SVC_CHANNELS_MAX) {
		return refuse(ps, "more than %u channels for %s",
			      INIT_SVC_CHANNELS_MAX, s->name);
	}
	struct init_channel *ch = channel_get(ps, tok[1]);

	if (ch == NULL) {
		return refuse(ps, "more than %u channels", INIT_CHANNELS_MAX);
	}
	int32_t self = (int32_t)(s - ps->conf->services);

	if (ch->end[role] >= 0) {
		return refuse(ps, "channel %s has a %s already (%s)", ch->name,
			      roles[role],
			      ps->conf->services[ch->end[role]].name);
	}
	if (ch->end[1U - role] == self) {
		return refuse(ps, "%s cannot be both ends of channel %s",
			      s->name, ch->name);
	}
	ch->end[role] = self;
	s->chan[s->chan_count] = (uint8_t)(ch - ps->conf->channels);
	s->chan_role[s->chan_count] = (uint8_t)role;
	s->chan_count++;
	return true;
}

/** At the end of the file: every channel needs both of its ends. */
static bool check_channels(struct parser *ps)
{
	const struct init_conf *c = ps->conf;

	for (uint32_t i = 0; i < c->channel_count; i++) {
		const struct init_channel *ch = &c->channels[i];

		if (ch->end[INIT_CHAN_SERVER] < 0 ||
		    ch->end[INIT_CHAN_CLIENT] < 0) {
			ps->line = ch->line;
			return refuse(ps, "channel %s has no %s", ch->name,
				      ch->end[INIT_CHAN_SERVER] < 0 ? "server"
								    : "client");
		}
	}
	return true;
}

/** A keyword that belongs inside a service block, and its handler. */
struct keyword {
	const char *name;
	bool (*fn)(struct parser *ps, char **tok, uint32_t n);
};

static const struct keyword KEYWORDS[] = {
	{ "exec", do_exec },	   { "restart", do_restart },
	{ "backoff", do_backoff }, { "allow", do_allow },
	{ "open", do_open },	   { "cpu", do_cpu },
	{ "channel", do_channel },
};

/** Handles one line, cut into `n` NUL-terminated tokens. */
static bool do_line(struct parser *ps, char **tok, uint32_t n)
{
	if (svsm_strcmp(tok[0], "service") == 0) {
		return do_service(ps, tok, n);
	}
	for (size_t i = 0; i < ARRAY_SIZE(KEYWORDS); i++) {
		if (svsm_strcmp(tok[0], KEYWORDS[i].name) != 0) {
			continue;
		}
		if (ps->cur == NULL) {
			return refuse(ps, "%s outside a service", tok[0]);
		}
		return KEYWORDS[i].fn(ps, tok, n);
	}
	return refuse(ps, "unknown keyword '%s'", tok[0]);
}

/**
 * Copies line `s` (`len` bytes) into `buf`, cuts it into tokens at
 * blanks (a '#' that starts a token ends the line), and handles it.
 */
static bool parse_line(struct parser *ps, const char *s, size_t len)
{
	char buf[INIT_LINE_MAX + 1U];
	char *tok[TOKENS_MAX];
	uint32_t n = 0;

	if (len > INIT_LINE_MAX) {
		return refuse(ps, "line longer than %u bytes", INIT_LINE_MAX);
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c != '\t' && (c < 0x20 || c > 0x7E)) {
			return refuse(ps, "byte 0x%02x is not printable text",
				      c);
		}
		buf[i] = (char)(c == '\t' ? ' ' : c);
	}
	buf[len] = '\0';
	for (char *p = buf; *p != '\0';) {
		if (*p == ' ') {
			*p++ = '\0';
			continue;
		}
		if (*p == '#') {
			break;
		}
		if (n == TOKENS_MAX) {
			return refuse(ps, "more than %u words", TOKENS_MAX);
		}
		tok[n++] = p;
		while (*p != '\0' && *p != ' ') {
			p++;
		}
	}
	if (n == 0) {
		return true;
	}
	return do_line(ps, tok, n);
}

bool init_conf_parse(const char *text, size_t len, struct init_conf *out,
		     struct init_conf_error *err)
{
	struct parser ps = { .conf = out, .err = err };

	out->service_count = 0;
	out->channel_count = 0;
	err->line = 0;
	err->msg[0] = '\0';
	if (len > INIT_CONF_MAX) {
		return refuse(&ps, "file longer than %u bytes", INIT_CONF_MAX);
	}
	size_t pos = 0;

	while (pos < len) {
		size_t end = pos;

		while (end < len && text[end] != '\n') {
			end++;
		}
		if (ps.line == INIT_LINES_MAX) {
			ps.line++;
			return refuse(&ps, "more than %u lines",
				      INIT_LINES_MAX);
		}
		ps.line++;
		if (!parse_line(&ps, text + pos, end - pos)) {
			return false;
		}
		pos = end + 1U;
	}
	return finish_service(&ps) && check_channels(&ps);
}
