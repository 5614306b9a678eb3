/* SPDX-License-Identifier: MIT */
/*
 * The vTPM service core (issue 8): a TPM 2.0 from libtpms, independent of
 * the transport that carries commands to it (the mssim socket on the
 * host, IPC from svsm-reqd in csvsm). One instance per process: libtpms
 * keeps global state, so the functions below are not reentrant and the
 * transport serialises commands.
 *
 * At start the core manufactures the TPM if its NV state is empty (the
 * endorsement keys below, persisted), runs TPM2_Startup(CLEAR) itself and
 * keeps the RSA EK's public area as the attestation manifest.
 *
 * Endorsement keys, TCG EK Credential Profile 2.x, low range templates:
 *   - L-1, RSA-2048, persisted at VTPM_EK_RSA_HANDLE (0x81010001);
 *   - L-2, ECC NIST P-256, persisted at VTPM_EK_ECC_HANDLE (0x81010002),
 *     the handle the profile gives the low-range ECC EK.
 * Both: nameAlg SHA-256, attributes 0x000300b2, authPolicy PolicyA_SHA256,
 * AES-128-CFB symmetric, no scheme, zero unique field.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

#define VTPM_EK_RSA_HANDLE 0x81010001U
#define VTPM_EK_ECC_HANDLE 0x81010002U
/** The largest command or response the core takes or gives. */
#define VTPM_MAX_BUFFER 4096U
/** The largest marshalled TPMT_PUBLIC kept as the manifest. */
#define VTPM_MANIFEST_MAX 512U

/** What a NV load found. */
enum vtpm_nv_result {
	VTPM_NV_OK = 0,
	VTPM_NV_ABSENT, /**< nothing stored under that name */
	VTPM_NV_ERROR,	/**< the store failed: the TPM must not go on */
};

/**
 * Where the TPM's NV state lives, blob by name ("permall",
 * "volatilestate", "savestate"). The host build and csvsm keep it in
 * memory (VTPM_NV_MEM_OPS); the persistence work will back it with
 * encrypted storage. `ctx` is passed back unchanged.
 */
struct vtpm_nv_ops {
	/**
	 * Finds `name`. On VTPM_NV_OK `*data` points to `*len` bytes owned
	 * by the store, valid until the next store or delete of that name.
	 */
	enum vtpm_nv_result (*load)(void *ctx, const char *name,
				    const uint8_t **data, uint32_t *len);
	/** Replaces `name` with a copy of `len` bytes. */
	enum vtpm_nv_result (*store)(void *ctx, const char *name,
				     const uint8_t *data, uint32_t len);
	/** Forgets `name`; VTPM_NV_ABSENT if it was not there. */
	enum vtpm_nv_result (*del)(void *ctx, const char *name);
	void *ctx;
};

/** The in-memory NV store (its context comes from vtpm_nv_mem_new). */
extern const struct vtpm_nv_ops VTPM_NV_MEM_OPS;
/** A fresh, empty in-memory store, or NULL when out of memory. */
void *vtpm_nv_mem_new(void);
/** Frees a store from vtpm_nv_mem_new (NULL is allowed). */
void vtpm_nv_mem_free(void *store);

/** What vtpm_init did. */
struct vtpm_init_info {
	int manufactured; /**< 1: NV was empty and the EKs were made now */
};

/**
 * Starts the TPM on `nv` (which must outlive the core): libtpms init,
 * TPM2_Startup(CLEAR), manufacture when no EK is persisted, manifest.
 */
enum svsm_err vtpm_init(const struct vtpm_nv_ops *nv,
			struct vtpm_init_info *info) SVSM_MUST_CHECK;
/** Stops libtpms (its state stays in the NV store). */
void vtpm_shutdown(void);
/**
 * Runs one TPM command of `len` bytes at `locality` (0..4) and writes
 * the response into `rsp` (`cap` bytes). Returns the response length, or
 * 0 when `cap` cannot hold even a 10-byte error response. A command the
 * TPM cannot take (too short, too long, a header size that is not
 * `len`) gets a TPM error response, never a crash.
 */
size_t vtpm_process_locality(uint8_t locality, const uint8_t *cmd, size_t len,
			     uint8_t *rsp, size_t cap);
/** vtpm_process_locality at locality 0. */
size_t vtpm_process(const uint8_t *cmd, size_t len, uint8_t *rsp, size_t cap);
/**
 * The attestation manifest: the RSA EK's public area as a marshalled
 * TPMT_PUBLIC (SVSM 58019, vTPM service manifest version 0). Sets `*len`
 * and returns the bytes, or NULL before a successful vtpm_init.
 */
const uint8_t *vtpm_ek_manifest(size_t *len);
