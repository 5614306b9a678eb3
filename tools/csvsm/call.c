// SPDX-License-Identifier: MIT
/*
 * `csvsm call`: sends one SVSM call to csvsm's native platform over the
 * request channel (docs/REQCHAN.md) that `csvsm run --request-socket`
 * exposes, and prints the result registers with the result's name.
 * Guest memory can be written before the call (every --write GPA:HEX, in
 * order) and read after it (every --read GPA:LEN), so requests that point at
 * guest structures (a PVALIDATE list, a VMSA) can be driven from a shell.
 *
 * Exit status: 0 when the call was answered (whatever its result code),
 * 1 when the channel failed (no socket, a timeout, an ERROR frame), 2 on
 * a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svsm/reqchan.h"

#include "chan.h"
#include "csvsm.h"
#include "uapi/svsm/protocol.h"

#define OPS_MAX 64U
#define TIMEOUT_DEFAULT_S 60U
#define TIMEOUT_MAX_S 3600U

/** A --write or --read, in the order given. */
struct mem_op {
	bool is_write;
	uint64_t gpa;
	uint32_t len;
	uint8_t *data; /* --write: the bytes (malloc'd) */
};

struct call_opts {
	const char *socket;
	uint32_t timeout_s;
	bool is_info;
	uint64_t regs[5]; /* RAX RCX RDX R8 R9 */
	struct mem_op ops[OPS_MAX];
	uint32_t op_count;
};

static void usage(FILE *f)
{
	(void)fprintf(
		f,
		"usage: csvsm call --socket PATH [--timeout SECONDS]\n"
		"                  [--write GPA:HEX]... [--read GPA:LEN]...\n"
		"                  PROTOCOL CALL [RCX [RDX [R8 [R9]]]]\n"
		"       csvsm call --socket PATH --info\n"
		"Sends one SVSM call (RAX = PROTOCOL << 32 | CALL) to csvsm "
		"through the\n"
		"request channel of `csvsm run --request-socket PATH` and "
		"prints RAX (with\n"
		"the result's name), RCX, RDX, R8 and R9. Every --write puts "
		"bytes into\n"
		"guest memory before the call, every --read prints guest "
		"memory after it\n"
		"(each in the order given, at most 4096 bytes). PROTOCOL may "
		"be core, "
		"attest or\n"
		"vtpm; numbers may be decimal or 0x-hex. --info prints the "
		"guest memory\n"
		"span and vCPU count. Default timeout: 60 s per reply. Exit "
		"status: 0 when\n"
		"answered, 1 when the channel failed, 2 on a usage error.\n");
}

static int usage_error(void)
{
	usage(stderr);
	return 2;
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end = NULL;

	if (!s || !*s || *s == '-') {
		return false;
	}
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);

	if (errno != 0 || *end != '\0') {
		return false;
	}
	*out = v;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/** Parses GPA:HEX (write) or GPA:LEN (read) into `op`. */
static bool parse_op(const char *arg, bool is_write, struct mem_op *op)
{
	const char *colon = strchr(arg, ':');
	char gpa[32];

	if (!colon || (size_t)(colon - arg) >= sizeof(gpa)) {
		return false;
	}
	memcpy(gpa, arg, (size_t)(colon - arg));
	gpa[colon - arg] = '\0';
	*op = (struct mem_op){ .is_write = is_write };
	if (!parse_u64(gpa, &op->gpa)) {
		return false;
	}
	if (!is_write) {
		uint64_t len;

		if (!parse_u64(colon + 1, &len) || len == 0 ||
		    len > REQCHAN_DATA_MAX) {
			return false;
		}
		op->len = (uint32_t)len;
		return true;
	}
	size_t hex = strlen(colon + 1);

	if (hex == 0 || hex % 2 != 0 || hex / 2 > REQCHAN_DATA_MAX) {
		return false;
	}
	op->data = malloc(hex / 2);
	if (!op->data) {
		return false;
	}
	for (size_t i = 0; i < hex / 2; i++) {
		int hi = hexval(colon[1 + 2 * i]);
		int lo = hexval(colon[2 + 2 * i]);

		if (hi < 0 || lo < 0) {
			free(op->data);
			op->data = NULL;
			return false;
		}
		op->data[i] = (uint8_t)(hi << 4 | lo);
	}
	op->len = (uint32_t)(hex / 2);
	return true;
}

static bool parse_protocol(const char *s, uint64_t *out)
{
	static const struct {
		const char *name;
		uint64_t id;
	} names[] = {
		{ "core", SVSM_PROTO_CORE },
		{ "attest", SVSM_PROTO_ATTEST },
		{ "vtpm", SVSM_PROTO_VTPM },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].id;
			return true;
		}
	}
	return parse_u64(s, out) && *out <= UINT32_MAX;
}

static void free_ops(struct call_opts *o)
{
	for (uint32_t i = 0; i < o->op_count; i++) {
		free(o->ops[i].data);
	}
}

/** PROTOCOL CALL [RCX [RDX [R8 [R9]]]] after the options. */
static int parse_positional(int argc, char **argv, struct call_opts *o)
{
	int left = argc - optind;

	if (o->is_info) {
		return left == 0 ? -1 : usage_error();
	}
	if (left < 2 || left > 6) {
		return usage_error();
	}
	uint64_t proto;
	uint64_t nr;

	if (!parse_protocol(argv[optind], &proto) ||
	    !parse_u64(argv[optind + 1], &nr) || nr > UINT32_MAX) {
		(void)fprintf(stderr, "csvsm: call: bad PROTOCOL or CALL\n");
		return usage_error();
	}
	o->regs[0] = proto << 32 | nr;
	for (int i = 2; i < left; i++) {
		if (!parse_u64(argv[optind + i], &o->regs[i - 1])) {
			(void)fprintf(stderr,
				      "csvsm: call: bad register value "
				      "'%s'\n",
				      argv[optind + i]);
			return usage_error();
		}
	}
	return -1;
}

/** Parses the command line; returns -1 to go on, else the exit status. */
static int parse_opts(int argc, char **argv, struct call_opts *o)
{
	static const struct option long_opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "write", required_argument, NULL, 'w' },
		{ "read", required_argument, NULL, 'r' },
		{ "info", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	uint64_t v;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->socket = optarg;
			break;
		case 't':
			if (!parse_u64(optarg, &v) || v == 0 ||
			    v > TIMEOUT_MAX_S) {
				(void)fprintf(stderr,
					      "csvsm: call: bad --timeout "
					      "'%s'\n",
					      optarg);
				return usage_error();
			}
			o->timeout_s = (uint32_t)v;
			break;
		case 'w':
		case 'r':
			if (o->op_count == OPS_MAX ||
			    !parse_op(optarg, c == 'w', &o->ops[o->op_count])) {
				(void)fprintf(
					stderr, "csvsm: call: bad --%s '%s'\n",
					c == 'w' ? "write" : "read", optarg);
				return usage_error();
			}
			o->op_count++;
			break;
		case 'i':
			o->is_info = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage_error();
		}
	}
	if (!o->socket) {
		(void)fprintf(stderr, "csvsm: call: --socket is required\n");
		return usage_error();
	}
	return parse_positional(argc, argv, o);
}

static bool do_mem_op(struct chan *ch, const struct mem_op *op)
{
	static uint8_t buf[REQCHAN_DATA_MAX];

	if (op->is_write) {
		return chan_mem_write(ch, op->gpa, op->data, op->len);
	}
	if (!chan_mem_read(ch, op->gpa, buf, op->len)) {
		return false;
	}
	printf("read 0x%" PRIx64 ":", op->gpa);
	for (uint32_t i = 0; i < op->len; i++) {
		printf("%s%02x", i % 32 == 0 && i > 0 ? "\n  " : " ", buf[i]);
	}
	printf("\n");
	return true;
}

/** Every --write, the call (its registers printed), every --read. */
static int run_call(struct chan *ch, struct call_opts *o)
{
	static const char *const names[5] = { "rax", "rcx", "rdx", "r8", "r9" };

	for (uint32_t i = 0; i < o->op_count; i++) {
		if (o->ops[i].is_write && !do_mem_op(ch, &o->ops[i])) {
			return 1;
		}
	}
	if (!chan_call(ch, o->regs)) {
		return 1;
	}
	printf("%-3s 0x%016" PRIx64 " %s\n", names[0], o->regs[0],
	       chan_result_name(o->regs[0]));
	for (size_t r = 1; r < 5; r++) {
		printf("%-3s 0x%016" PRIx64 "\n", names[r], o->regs[r]);
	}
	for (uint32_t i = 0; i < o->op_count; i++) {
		if (!o->ops[i].is_write && !do_mem_op(ch, &o->ops[i])) {
			return 1;
		}
	}
	return 0;
}

int cmd_call(int argc, char **argv)
{
	static struct call_opts o;
	static struct chan ch;
	int rc;

	o = (struct call_opts){ .timeout_s = TIMEOUT_DEFAULT_S };
	rc = parse_opts(argc, argv, &o);
	if (rc >= 0) {
		free_ops(&o);
		return rc;
	}
	rc = 1;
	if (chan_open(&ch, o.socket, o.timeout_s, "csvsm: call")) {
		if (o.is_info) {
			printf("guest memory 0x%" PRIx64 " size 0x%" PRIx64
			       "\nvcpus %" PRIu64 "\n",
			       ch.guest_base, ch.guest_size, ch.vcpu_count);
			rc = 0;
		} else {
			rc = run_call(&ch, &o);
		}
	}
	chan_close(&ch);
	free_ops(&o);
	return rc;
}
