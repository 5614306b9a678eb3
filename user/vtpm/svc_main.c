// SPDX-License-Identifier: MIT
/*
 * The vTPM service as a csvsm user program (build/user/vtpm, static
 * glibc, libtpms and libcrypto). It starts the TPM on the in-memory NV
 * store (manufacture, Startup), checks it answers a GetRandom, and
 * reports the manifest size. Serving commands needs the IPC transport
 * from svsm-reqd, which is not there yet: the program then exits.
 *
 * OpenSSL is initialised without its configuration file first, so the
 * program opens no file (shared/reference/tpm-service.md).
 */
#include <openssl/crypto.h>
#include <stdio.h>

#include "vtpm.h"

int main(void)
{
	static const uint8_t getrandom8[] = { 0x80, 0x01, 0, 0,	   0, 12,
					      0,    0,	  1, 0x7b, 0, 8 };
	static uint8_t rsp[VTPM_MAX_BUFFER];
	struct vtpm_nv_ops nv = VTPM_NV_MEM_OPS;
	struct vtpm_init_info info = { 0 };
	size_t len = 0;
	size_t n;

	if (!OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL)) {
		return 1;
	}
	nv.ctx = vtpm_nv_mem_new();
	if (!nv.ctx || vtpm_init(&nv, &info) != SVSM_OK ||
	    !vtpm_ek_manifest(&len)) {
		(void)printf("vtpm: TPM start failed\n");
		return 1;
	}
	n = vtpm_process(getrandom8, sizeof(getrandom8), rsp, sizeof(rsp));
	if (n != 20 || rsp[6] | rsp[7] | rsp[8] | rsp[9]) {
		(void)printf("vtpm: GetRandom failed\n");
		return 1;
	}
	(void)printf("vtpm: TPM up%s, EK manifest %zu bytes; no transport "
		     "yet\n",
		     info.manufactured ? " (manufactured)" : "", len);
	vtpm_shutdown();
	vtpm_nv_mem_free(nv.ctx);
	return 0;
}
