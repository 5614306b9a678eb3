// SPDX-License-Identifier: MIT
/*
 * The vTPM service core (vtpm.h) on libtpms. The libtpms sequence is
 * ChooseTPMVersion(2), RegisterCallbacks, MainInit, then Process per
 * command. libtpms keeps its state in globals and reaches NV storage and
 * the current locality through the callbacks below, which is why the
 * core is a singleton: `core` holds the NV operations, the locality of
 * the command in flight, the response buffer libtpms grows as it likes,
 * and the manifest.
 *
 * NV: "not found" is TPM_RETRY (libtpms then builds fresh state); data
 * handed to libtpms is allocated with TPM_Malloc because libtpms frees it.
 *
 * The commands the core sends itself (Startup, CreatePrimary, EvictControl,
 * FlushContext, ReadPublic) are marshalled here by hand, big-endian as
 * TPM 2.0 part 1 fixes, and every response is parsed with its length
 * checked before each read. Authorisation is the empty password session
 * (TPM_RS_PW), valid on a freshly manufactured TPM.
 */
#include <libtpms/tpm_error.h>
#include <libtpms/tpm_library.h>
#include <libtpms/tpm_memory.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "vtpm.h"

#define TPM_ST_NO_SESSIONS 0x8001U
#define TPM_ST_SESSIONS 0x8002U
#define TPM_CC_EVICT_CONTROL 0x00000120U
#define TPM_CC_CREATE_PRIMARY 0x00000131U
#define TPM_CC_STARTUP 0x00000144U
#define TPM_CC_FLUSH_CONTEXT 0x00000165U
#define TPM_CC_READ_PUBLIC 0x00000173U
#define TPM_RH_OWNER 0x40000001U
#define TPM_RH_ENDORSEMENT 0x4000000BU
#define TPM_RS_PW 0x40000009U
#define VTPM_RC_SUCCESS 0x000U
#define VTPM_RC_FAILURE 0x101U
#define VTPM_RC_COMMAND_SIZE 0x142U
#define VTPM_RC_INITIALIZE 0x100U
#define TPM_ALG_RSA 0x0001U
#define TPM_ALG_AES 0x0006U
#define TPM_ALG_SHA256 0x000BU
#define TPM_ALG_NULL 0x0010U
#define TPM_ALG_ECC 0x0023U
#define TPM_ALG_CFB 0x0043U
#define TPM_ECC_NIST_P256 0x0003U
#define EK_ATTRIBUTES 0x000300B2U
#define HDR_SIZE 10U

/* PolicyA_SHA256 (TCG EK Credential Profile, B.3.2): PolicySecret of
 * TPM_RH_ENDORSEMENT. */
static const uint8_t POLICY_A_SHA256[32] = {
	0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xB3, 0xF8, 0x1A, 0x90, 0xCC,
	0x8D, 0x46, 0xA5, 0xD7, 0x24, 0xFD, 0x52, 0xD7, 0x6E, 0x06, 0x52,
	0x0B, 0x64, 0xF2, 0xA1, 0xDA, 0x1B, 0x33, 0x14, 0x69, 0xAA,
};

static struct {
	const struct vtpm_nv_ops *nv;
	uint8_t locality;
	bool running;
	unsigned char *rbuf; /* libtpms's response buffer, reused */
	uint32_t rbuf_size;
	unsigned char in[VTPM_MAX_BUFFER]; /* the command libtpms works on */
	uint8_t own_rsp[VTPM_MAX_BUFFER];  /* responses to the core's own */
	uint8_t manifest[VTPM_MANIFEST_MAX];
	size_t manifest_len;
} core;

/* ---- marshalling ------------------------------------------------------ */

/** A bounded output buffer; `ok` drops to false on overflow. */
struct wbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
	bool ok;
};

static void put_bytes(struct wbuf *w, const void *src, size_t n)
{
	if (!w->ok || n > w->cap - w->len) {
		w->ok = false;
		return;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void put_u8(struct wbuf *w, uint8_t v)
{
	put_bytes(w, &v, 1);
}

static void put_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put_bytes(w, b, sizeof(b));
}

static void put_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v };

	put_bytes(w, b, sizeof(b));
}

static void put_zeros(struct wbuf *w, size_t n)
{
	for (size_t i = 0; i < n && w->ok; i++) {
		put_u8(w, 0);
	}
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/** Starts a command: tag, size (patched by cmd_end), code. */
static void cmd_begin(struct wbuf *w, uint16_t tag, uint32_t cc)
{
	put_u16(w, tag);
	put_u32(w, 0);
	put_u32(w, cc);
}

static void cmd_end(struct wbuf *w)
{
	if (w->ok && w->len >= HDR_SIZE) {
		uint32_t n = (uint32_t)w->len;

		w->p[2] = (uint8_t)(n >> 24);
		w->p[3] = (uint8_t)(n >> 16);
		w->p[4] = (uint8_t)(n >> 8);
		w->p[5] = (uint8_t)n;
	}
}

/** The empty password session, the authorisation area's only entry. */
static void put_pw_session(struct wbuf *w)
{
	put_u32(w, 9); /* authorizationSize */
	put_u32(w, TPM_RS_PW);
	put_u16(w, 0); /* nonce */
	put_u8(w, 0);  /* sessionAttributes */
	put_u16(w, 0); /* hmac */
}

/** The EK templates L-1 (RSA-2048) and L-2 (ECC P-256) as TPMT_PUBLIC. */
static void put_ek_template(struct wbuf *w, bool is_rsa)
{
	put_u16(w, is_rsa ? TPM_ALG_RSA : TPM_ALG_ECC);
	put_u16(w, TPM_ALG_SHA256);
	put_u32(w, EK_ATTRIBUTES);
	put_u16(w, sizeof(POLICY_A_SHA256));
	put_bytes(w, POLICY_A_SHA256, sizeof(POLICY_A_SHA256));
	put_u16(w, TPM_ALG_AES); /* symmetric: AES-128-CFB */
	put_u16(w, 128);
	put_u16(w, TPM_ALG_CFB);
	put_u16(w, TPM_ALG_NULL); /* scheme */
	if (is_rsa) {
		put_u16(w, 2048); /* keyBits */
		put_u32(w, 0);	  /* exponent: the default, 65537 */
		put_u16(w, 256);  /* unique: 256 zero bytes */
		put_zeros(w, 256);
	} else {
		put_u16(w, TPM_ECC_NIST_P256);
		put_u16(w, TPM_ALG_NULL); /* kdf */
		put_u16(w, 32);		  /* unique: x and y, 32 zero bytes */
		put_zeros(w, 32);
		put_u16(w, 32);
		put_zeros(w, 32);
	}
}

/* ---- libtpms callbacks ------------------------------------------------ */

static TPM_RESULT cb_nvram_init(void)
{
	return TPM_SUCCESS;
}

static TPM_RESULT cb_nvram_load(unsigned char **data, uint32_t *length,
				uint32_t tpm_number, const char *name)
{
	const uint8_t *src = NULL;
	uint32_t len = 0;
	unsigned char *copy = NULL;

	(void)tpm_number;
	switch (core.nv->load(core.nv->ctx, name, &src, &len)) {
	case VTPM_NV_OK:
		break;
	case VTPM_NV_ABSENT:
		return TPM_RETRY;
	case VTPM_NV_ERROR:
	default:
		return TPM_FAIL;
	}
	if (TPM_Malloc(&copy, len ? len : 1) != TPM_SUCCESS) {
		return TPM_FAIL;
	}
	if (len) {
		memcpy(copy, src, len);
	}
	*data = copy;
	*length = len;
	return TPM_SUCCESS;
}

static TPM_RESULT cb_nvram_store(const unsigned char *data, uint32_t length,
				 uint32_t tpm_number, const char *name)
{
	(void)tpm_number;
	return core.nv->store(core.nv->ctx, name, data, length) == VTPM_NV_OK
		       ? TPM_SUCCESS
		       : TPM_FAIL;
}

static TPM_RESULT cb_nvram_delete(uint32_t tpm_number, const char *name,
				  TPM_BOOL must_exist)
{
	enum vtpm_nv_result r = core.nv->del(core.nv->ctx, name);

	(void)tpm_number;
	if (r == VTPM_NV_ERROR || (r == VTPM_NV_ABSENT && must_exist)) {
		return TPM_FAIL;
	}
	return TPM_SUCCESS;
}

static TPM_RESULT cb_io_init(void)
{
	return TPM_SUCCESS;
}

static TPM_RESULT cb_io_locality(TPM_MODIFIER_INDICATOR *locality,
				 uint32_t tpm_number)
{
	(void)tpm_number;
	*locality = core.locality;
	return TPM_SUCCESS;
}

static TPM_RESULT cb_io_pp(TPM_BOOL *pp, uint32_t tpm_number)
{
	(void)tpm_number;
	*pp = 0;
	return TPM_SUCCESS;
}

static struct libtpms_callbacks callbacks = {
	.sizeOfStruct = sizeof(struct libtpms_callbacks),
	.tpm_nvram_init = cb_nvram_init,
	.tpm_nvram_loaddata = cb_nvram_load,
	.tpm_nvram_storedata = cb_nvram_store,
	.tpm_nvram_deletename = cb_nvram_delete,
	.tpm_io_init = cb_io_init,
	.tpm_io_getlocality = cb_io_locality,
	.tpm_io_getphysicalpresence = cb_io_pp,
};

/* ---- command path ----------------------------------------------------- */

/** A 10-byte TPM error response with `rc`. */
/* NOLINTNEXTLINE(readability-non-const-parameter): written through w */
static size_t error_response(uint8_t *rsp, size_t cap, uint32_t rc)
{
	struct wbuf w = { rsp, 0, cap, true };

	put_u16(&w, TPM_ST_NO_SESSIONS);
	put_u32(&w, HDR_SIZE);
	put_u32(&w, rc);
	return w.ok ? w.len : 0;
}

size_t vtpm_process_locality(uint8_t locality, const uint8_t *cmd, size_t len,
			     uint8_t *rsp, size_t cap)
{
	uint32_t rsp_len = 0;

	if (!core.running) {
		return error_response(rsp, cap, VTPM_RC_FAILURE);
	}
	if (len < HDR_SIZE || len > VTPM_MAX_BUFFER ||
	    get_u32(cmd + 2) != len || locality > 4) {
		return error_response(rsp, cap, VTPM_RC_COMMAND_SIZE);
	}
	/* libtpms takes a non-const buffer: give it a private copy. */
	memcpy(core.in, cmd, len);
	core.locality = locality;
	if (TPMLIB_Process(&core.rbuf, &rsp_len, &core.rbuf_size, core.in,
			   (uint32_t)len) != TPM_SUCCESS ||
	    rsp_len < HDR_SIZE || rsp_len > core.rbuf_size) {
		return error_response(rsp, cap, VTPM_RC_FAILURE);
	}
	if (rsp_len > cap) {
		return error_response(rsp, cap, VTPM_RC_FAILURE);
	}
	memcpy(rsp, core.rbuf, rsp_len);
	return rsp_len;
}

size_t vtpm_process(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap)
{
	return vtpm_process_locality(0, cmd, len, rsp, cap);
}

/**
 * Sends the core's own command in `w`; on success `*rc` is the response
 * code and core.own_rsp holds `*rsp_len` bytes.
 */
static enum svsm_err send_own(struct wbuf *w, size_t *rsp_len, uint32_t *rc)
{
	const uint8_t *rsp = core.own_rsp;
	size_t n;

	if (!w->ok) {
		return SVSM_ERR_RANGE;
	}
	cmd_end(w);
	n = vtpm_process(w->p, w->len, core.own_rsp, sizeof(core.own_rsp));
	if (n < HDR_SIZE || get_u32(rsp + 2) != n) {
		return SVSM_ERR_IO;
	}
	*rc = get_u32(rsp + 6);
	*rsp_len = n;
	return SVSM_OK;
}

static enum svsm_err tpm_startup(void)
{
	uint8_t cmd[12];
	struct wbuf w = { cmd, 0, sizeof(cmd), true };
	size_t n = 0;
	uint32_t rc = 0;
	enum svsm_err err;

	cmd_begin(&w, TPM_ST_NO_SESSIONS, TPM_CC_STARTUP);
	put_u16(&w, 0); /* TPM_SU_CLEAR */
	err = send_own(&w, &n, &rc);
	if (err == SVSM_OK && rc != VTPM_RC_SUCCESS &&
	    rc != VTPM_RC_INITIALIZE) {
		err = SVSM_ERR_IO;
	}
	return err;
}

/** Copies a TPM2B_PUBLIC's TPMT_PUBLIC at `p` (`avail` bytes) out. */
static enum svsm_err take_public(const uint8_t *p, size_t avail)
{
	size_t size;

	if (avail < 2) {
		return SVSM_ERR_INVAL;
	}
	size = get_u16(p);
	if (size == 0 || size > avail - 2 || size > sizeof(core.manifest)) {
		return SVSM_ERR_INVAL;
	}
	memcpy(core.manifest, p + 2, size);
	core.manifest_len = size;
	return SVSM_OK;
}

/**
 * ReadPublic of `handle`: SVSM_ERR_NOTFOUND when nothing is there, else
 * (when `keep`) its public area becomes the manifest.
 */
static enum svsm_err read_public(uint32_t handle, bool keep)
{
	uint8_t cmd[16];
	struct wbuf w = { cmd, 0, sizeof(cmd), true };
	size_t n = 0;
	uint32_t rc = 0;
	enum svsm_err err;

	cmd_begin(&w, TPM_ST_NO_SESSIONS, TPM_CC_READ_PUBLIC);
	put_u32(&w, handle);
	err = send_own(&w, &n, &rc);
	if (err != SVSM_OK) {
		return err;
	}
	if (rc != VTPM_RC_SUCCESS) {
		return SVSM_ERR_NOTFOUND;
	}
	return keep ? take_public(core.own_rsp + HDR_SIZE, n - HDR_SIZE)
		    : SVSM_OK;
}

static enum svsm_err flush_context(uint32_t handle)
{
	uint8_t cmd[16];
	struct wbuf w = { cmd, 0, sizeof(cmd), true };
	size_t n = 0;
	uint32_t rc = 0;
	enum svsm_err err;

	cmd_begin(&w, TPM_ST_NO_SESSIONS, TPM_CC_FLUSH_CONTEXT);
	put_u32(&w, handle);
	err = send_own(&w, &n, &rc);
	return err == SVSM_OK && rc != VTPM_RC_SUCCESS ? SVSM_ERR_IO : err;
}

static enum svsm_err evict_control(uint32_t object, uint32_t persistent)
{
	uint8_t cmd[48];
	struct wbuf w = { cmd, 0, sizeof(cmd), true };
	size_t n = 0;
	uint32_t rc = 0;
	enum svsm_err err;

	cmd_begin(&w, TPM_ST_SESSIONS, TPM_CC_EVICT_CONTROL);
	put_u32(&w, TPM_RH_OWNER);
	put_u32(&w, object);
	put_pw_session(&w);
	put_u32(&w, persistent);
	err = send_own(&w, &n, &rc);
	return err == SVSM_OK && rc != VTPM_RC_SUCCESS ? SVSM_ERR_IO : err;
}

/**
 * CreatePrimary of an EK in the endorsement hierarchy, persisted at
 * `persistent`. The transient copy is flushed either way.
 */
static enum svsm_err create_ek(bool is_rsa, uint32_t persistent)
{
	uint8_t cmd[512];
	struct wbuf w = { cmd, 0, sizeof(cmd), true };
	size_t n = 0;
	size_t size_at;
	uint32_t rc = 0;
	uint32_t handle;
	enum svsm_err err;

	cmd_begin(&w, TPM_ST_SESSIONS, TPM_CC_CREATE_PRIMARY);
	put_u32(&w, TPM_RH_ENDORSEMENT);
	put_pw_session(&w);
	put_u16(&w, 4); /* inSensitive: empty userAuth and data */
	put_u16(&w, 0);
	put_u16(&w, 0);
	size_at = w.len;
	put_u16(&w, 0); /* inPublic size, patched below */
	put_ek_template(&w, is_rsa);
	if (w.ok) {
		size_t size = w.len - size_at - 2;

		w.p[size_at] = (uint8_t)(size >> 8);
		w.p[size_at + 1] = (uint8_t)size;
	}
	put_u16(&w, 0); /* outsideInfo */
	put_u32(&w, 0); /* creationPCR: no selection */
	err = send_own(&w, &n, &rc);
	if (err != SVSM_OK) {
		return err;
	}
	if (rc != VTPM_RC_SUCCESS || n < HDR_SIZE + 4) {
		return SVSM_ERR_IO;
	}
	handle = get_u32(core.own_rsp + HDR_SIZE);
	err = evict_control(handle, persistent);
	if (flush_context(handle) != SVSM_OK && err == SVSM_OK) {
		err = SVSM_ERR_IO;
	}
	return err;
}

enum svsm_err vtpm_init(const struct vtpm_nv_ops *nv,
			struct vtpm_init_info *info)
{
	struct vtpm_init_info out = { 0 };
	enum svsm_err err;

	if (core.running) {
		return SVSM_ERR_BUSY;
	}
	core.nv = nv;
	core.manifest_len = 0;
	if (TPMLIB_ChooseTPMVersion(TPMLIB_TPM_VERSION_2) != TPM_SUCCESS ||
	    TPMLIB_RegisterCallbacks(&callbacks) != TPM_SUCCESS ||
	    TPMLIB_MainInit() != TPM_SUCCESS) {
		return SVSM_ERR_IO;
	}
	core.running = true;
	err = tpm_startup();
	if (err == SVSM_OK) {
		err = read_public(VTPM_EK_RSA_HANDLE, true);
		if (err == SVSM_ERR_NOTFOUND) {
			out.manufactured = 1;
			err = create_ek(true, VTPM_EK_RSA_HANDLE);
			if (err == SVSM_OK) {
				err = create_ek(false, VTPM_EK_ECC_HANDLE);
			}
			if (err == SVSM_OK) {
				err = read_public(VTPM_EK_RSA_HANDLE, true);
			}
		}
	}
	if (err == SVSM_OK) {
		err = read_public(VTPM_EK_ECC_HANDLE, false);
	}
	if (err != SVSM_OK) {
		vtpm_shutdown();
		return err == SVSM_ERR_NOTFOUND ? SVSM_ERR_INTEGRITY : err;
	}
	if (info) {
		*info = out;
	}
	return SVSM_OK;
}

void vtpm_shutdown(void)
{
	if (core.running) {
		TPMLIB_Terminate();
		core.running = false;
	}
	if (core.rbuf) {
		TPM_Free(core.rbuf);
		core.rbuf = NULL;
		core.rbuf_size = 0;
	}
	core.manifest_len = 0;
}

const uint8_t *vtpm_ek_manifest(size_t *len)
{
	if (!core.running || core.manifest_len == 0) {
		return NULL;
	}
	*len = core.manifest_len;
	return core.manifest;
}
