// SPDX-License-Identifier: MIT
/*
 * The native request channel (docs/REQCHAN.md): the host drives csvsm
 * through COM2 with frames (include/uapi/svsm/reqchan.h) that carry SVSM
 * calls and reads and writes of the guest memory the native platform
 * presents (plat/native/guest.c). One kernel task on CPU 0 polls the
 * UART every millisecond, feeds the frame parser and answers every
 * frame: a reply, or an ERROR with the reason. Nothing the host sends
 * can stop the channel; it resynchronises on the next frame.
 *
 * Sessions: SYNC sets the sequence number; each later request must carry
 * the previous number plus one, so a replayed or reordered frame is
 * refused (REQCHAN_E_SEQUENCE) without being acted on.
 */
#include "svsm/reqchan.h"

#include "arch/insn.h"

#include "svsm/boot.h"
#include "svsm/le.h"
#include "svsm/log.h"
#include "svsm/plat.h"
#include "svsm/request.h"
#include "svsm/task.h"
#include "svsm/time.h"

#include "guest.h"
#include "serial.h"

#define REQ_PORT SERIAL_COM2
#define POLL_MS 1U
#define ACTIVE_NS 2000000U /* 2 ms */
#define IDLE_GAP_NS 20000U /* 20 us */

static struct {
	struct reqchan_parser parser;
	uint8_t tx[REQCHAN_HDR_SIZE + REQCHAN_PAYLOAD_MAX];
	uint8_t data[REQCHAN_DATA_MAX];
	bool is_synced;
	uint32_t seq;
	uint64_t frames;
	uint64_t errors;
} rc;

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static void send(uint8_t type, uint32_t seq, const void *payload, size_t len)
{
	size_t n =
		reqchan_encode(rc.tx, sizeof(rc.tx), type, seq, payload, len);

	for (size_t i = 0; i < n; i++) {
		serial_putc(REQ_PORT, (char)rc.tx[i]);
	}
}

static void send_error(uint32_t code, uint32_t seq)
{
	uint8_t p[REQCHAN_ERROR_SIZE];

	rc.errors++;
	reqchan_error_payload(p, code, seq);
	send(REQCHAN_ERROR, seq, p, sizeof(p));
}

static void on_sync(const struct reqchan_frame *f)
{
	uint8_t p[REQCHAN_SYNC_REPLY_SIZE] = { 0 };
	uint64_t base;
	uint64_t size;

	if (f->len != 0) {
		send_error(REQCHAN_E_PAYLOAD, f->seq);
		return;
	}
	rc.is_synced = true;
	rc.seq = f->seq;
	native_guest_span(&base, &size);
	put_le64(p, base);
	put_le64(p + 8, size);
	put_le64(p + 16, boot_info_get()->cpu_count);
	send(REQCHAN_SYNC | REQCHAN_REPLY, f->seq, p, sizeof(p));
}

static void on_call(const struct reqchan_frame *f)
{
	uint8_t p[REQCHAN_CALL_SIZE];
	struct svsm_call_regs r;

	if (f->len != REQCHAN_CALL_SIZE) {
		send_error(REQCHAN_E_PAYLOAD, f->seq);
		return;
	}
	r = (struct svsm_call_regs){
		le64_get(f->payload),	   le64_get(f->payload + 8),
		le64_get(f->payload + 16), le64_get(f->payload + 24),
		le64_get(f->payload + 32),
	};
	request_serve(0, &r);
	put_le64(p, r.rax);
	put_le64(p + 8, r.rcx);
	put_le64(p + 16, r.rdx);
	put_le64(p + 24, r.r8);
	put_le64(p + 32, r.r9);
	send(REQCHAN_CALL | REQCHAN_REPLY, f->seq, p, sizeof(p));
}

static void on_write(const struct reqchan_frame *f)
{
	if (f->len < 8 || f->len - 8U > REQCHAN_DATA_MAX) {
		send_error(REQCHAN_E_PAYLOAD, f->seq);
		return;
	}
	if (native_guest_host_write(le64_get(f->payload), f->payload + 8,
				    f->len - 8U) != SVSM_OK) {
		send_error(REQCHAN_E_ADDRESS, f->seq);
		return;
	}
	send(REQCHAN_MEM_WRITE | REQCHAN_REPLY, f->seq, NULL, 0);
}

static void on_read(const struct reqchan_frame *f)
{
	uint32_t len;

	if (f->len != REQCHAN_READ_REQ_SIZE) {
		send_error(REQCHAN_E_PAYLOAD, f->seq);
		return;
	}
	len = le32_get(f->payload + 8);
	if (len == 0 || len > REQCHAN_DATA_MAX) {
		send_error(REQCHAN_E_PAYLOAD, f->seq);
		return;
	}
	if (native_guest_host_read(le64_get(f->payload), rc.data, len) !=
	    SVSM_OK) {
		send_error(REQCHAN_E_ADDRESS, f->seq);
		return;
	}
	send(REQCHAN_MEM_READ | REQCHAN_REPLY, f->seq, rc.data, len);
}

static void handle(const struct reqchan_frame *f)
{
	rc.frames++;
	if (f->type == REQCHAN_SYNC) {
		on_sync(f);
		return;
	}
	if (!rc.is_synced) {
		send_error(REQCHAN_E_NOT_SYNCED, f->seq);
		return;
	}
	if (f->seq != rc.seq + 1U) {
		send_error(REQCHAN_E_SEQUENCE, f->seq);
		return;
	}
	rc.seq = f->seq;
	switch (f->type) {
	case REQCHAN_CALL:
		on_call(f);
		break;
	case REQCHAN_MEM_WRITE:
		on_write(f);
		break;
	case REQCHAN_MEM_READ:
		on_read(f);
		break;
	default:
		send_error(REQCHAN_E_TYPE, f->seq);
		break;
	}
}

/** Takes one byte and acts on what it completes. */
static void take(uint8_t c)
{
	enum reqchan_event ev = reqchan_parser_feed(&rc.parser, c);

	if (ev == REQCHAN_FRAME) {
		handle(&rc.parser.frame);
	} else if (ev == REQCHAN_BAD) {
		send_error(rc.parser.error, rc.parser.bad_seq);
	}
}

/*
 * Between two looks at the UART: under TCG every port access takes
 * QEMU's global lock, which its main loop needs to move the host's bytes
 * into the FIFO, so looking without a gap starves the very input awaited.
 */
static void idle_gap(uint64_t now)
{
	while (clock_monotonic_ns() - now < IDLE_GAP_NS) {
		pause();
	}
}

static void reqchan_task(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t last = 0;
		uint8_t c;

		/*
		 * Once bytes flow, the next ones are usually microseconds
		 * away (QEMU refills the 16-byte FIFO when it empties; the
		 * host sends its next frame when it has the reply), so keep
		 * polling for ACTIVE_NS after the last byte before sleeping
		 * a whole tick: a frame then costs its bytes, not a tick
		 * per FIFO load.
		 */
		for (;;) {
			uint64_t now = clock_monotonic_ns();

			if (serial_getc(REQ_PORT, &c)) {
				take(c);
				last = clock_monotonic_ns();
			} else if (last == 0 || now - last > ACTIVE_NS) {
				break;
			} else {
				idle_gap(now);
			}
		}
		task_sleep_ms(POLL_MS);
	}
}

enum svsm_err plat_start_requests(void)
{
	struct task *t;
	enum svsm_err err;

	if (!serial_present(REQ_PORT)) {
		return SVSM_ERR_NOTFOUND;
	}
	err = native_guest_init();
	if (err != SVSM_OK) {
		return err;
	}
	serial_init(REQ_PORT);
	reqchan_parser_init(&rc.parser);
	err = task_create_on(0, reqchan_task, NULL, TASK_PRIO_NORMAL, "reqchan",
			     &t);
	if (err != SVSM_OK) {
		return err;
	}
	task_detach(t);
	log_printf("requests: native request channel on COM2\n");
	return SVSM_OK;
}
