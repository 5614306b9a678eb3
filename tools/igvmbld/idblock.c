// SPDX-License-Identifier: MIT
/*
 * `igvmbld --id-key PEM`: the SEV-SNP ID block. The ID key is an ECDSA
 * P-384 private key (OpenSSL's libcrypto reads and uses it; any other key
 * is refused). Once the file is laid out, idblock_make() reads it back
 * with the IGVM reader, computes its launch digest with the same code as
 * `csvsm measure` (tools/csvsm/snp_digest.c), builds the 96-byte ID block
 * of SNP_LAUNCH_FINISH (SEV-SNP firmware ABI: ld, family_id, image_id,
 * version, guest_svn, policy), signs it with ECDSA P-384 over SHA-384 and
 * fills the IGVM SNP_ID_BLOCK with the signature and the public key, r, s,
 * qx and qy little endian in 72-byte fields. docs/MEASURE.md describes it.
 */
#include <errno.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>

#include "igvm/igvm_file.h"
#include "igvmbld.h"
#include "snp_digest.h"

/* Offsets in the signed 96-byte ID block. */
#define IDB_LD 0U
#define IDB_FAMILY_ID 48U
#define IDB_IMAGE_ID 64U
#define IDB_VERSION 80U
#define IDB_GUEST_SVN 84U
#define IDB_POLICY 88U
#define IDB_MAX_DER 128U
#define IDB_GROUP_NAME 64U

/** Refuses a passphrase: an encrypted key cannot be used unattended. */
/* NOLINTNEXTLINE(readability-non-const-parameter): pem_password_cb's type */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

enum svsm_err idkey_load(const char *path, EVP_PKEY **out, char *why,
			 size_t why_size)
{
	char group[IDB_GROUP_NAME] = "";
	size_t len = 0;
	EVP_PKEY *key;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		return bld_why(why, why_size, SVSM_ERR_INVAL, "%s",
			       strerror(errno));
	}
	key = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
	(void)fclose(f);
	if (key == NULL) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "not an unencrypted PEM private key");
	}
	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
	    EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
					   group, sizeof(group), &len) != 1 ||
	    strcmp(group, SN_secp384r1) != 0) {
		EVP_PKEY_free(key);
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "the ID key must be ECDSA P-384 (secp384r1), "
			       "not %s",
			       group[0] != '\0' ? group : "a non-EC key");
	}
	*out = key;
	return SVSM_OK;
}

void idkey_free(EVP_PKEY *key)
{
	EVP_PKEY_free(key);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (unsigned int i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
	}
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/** Writes `bn` little endian, zero padded, into a 72-byte field. */
static bool put_bn(uint8_t out[IGVM_SNP_ID_FIELD_SIZE], const BIGNUM *bn)
{
	return bn != NULL && BN_bn2lebinpad(bn, out, IGVM_SNP_ID_FIELD_SIZE) ==
				     (int)IGVM_SNP_ID_FIELD_SIZE;
}

/** The public key of `key` as curve, qx and qy. */
static bool put_public_key(struct igvm_snp_id_public_key *pk,
			   const EVP_PKEY *key)
{
	BIGNUM *x = NULL;
	BIGNUM *y = NULL;
	bool is_ok =
		EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
		EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
		put_bn(pk->qx, x) && put_bn(pk->qy, y);

	pk->curve = IGVM_SNP_ID_CURVE_P384;
	pk->reserved = 0;
	BN_free(x);
	BN_free(y);
	return is_ok;
}

/** Signs `msg` with ECDSA P-384 over SHA-384 into r and s. */
static bool sign(struct igvm_snp_id_signature *sig, EVP_PKEY *key,
		 const uint8_t *msg, size_t msg_size)
{
	uint8_t der[IDB_MAX_DER];
	size_t der_size = sizeof(der);
	const unsigned char *p = der;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ECDSA_SIG *es = NULL;
	bool is_ok =
		ctx != NULL &&
		EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL, key) == 1 &&
		EVP_DigestSign(ctx, der, &der_size, msg, msg_size) == 1;

	if (is_ok) {
		es = d2i_ECDSA_SIG(NULL, &p, (long)der_size);
		is_ok = es != NULL && put_bn(sig->r, ECDSA_SIG_get0_r(es)) &&
			put_bn(sig->s, ECDSA_SIG_get0_s(es));
	}
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);
	return is_ok;
}

/** The SNP guest policy of `f`: its GUEST_POLICY for mask `snp_mask`. */
static bool find_policy(const struct igvm_file *f, uint32_t snp_mask,
			uint64_t *policy)
{
	struct igvm_iter it;
	struct igvm_entry e;
	struct igvm_guest_policy gp;

	igvm_iter_init(&it, f);
	while (igvm_iter_next(&it, &e)) {
		if (e.type != IGVM_VHT_GUEST_POLICY) {
			continue;
		}
		memcpy(&gp, e.payload, sizeof(gp));
		if ((gp.compatibility_mask & snp_mask) != 0) {
			*policy = gp.policy;
			return true;
		}
	}
	return false;
}

enum svsm_err idblock_make(const uint8_t *file, size_t file_size, EVP_PKEY *key,
			   struct igvm_snp_id_block *out, char *why,
			   size_t why_size)
{
	uint8_t signed_block[SNP_ID_BLOCK_SIGNED_SIZE] = { 0 };
	const struct igvm_platform_info *snp;
	struct igvm_file f;
	uint64_t policy = 0;
	enum svsm_err err;

	memset(out, 0, sizeof(*out));
	err = igvm_file_parse(&f, file, file_size, why, why_size);
	if (err == SVSM_OK) {
		err = snp_digest_compute(&f, out->ld, NULL, why, why_size);
	}
	if (err != SVSM_OK) {
		return err;
	}
	snp = igvm_file_platform(&f, IGVM_PLATFORM_SEV_SNP);
	if (snp == NULL || !find_policy(&f, snp->compatibility_mask, &policy)) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "ID block: no SEV-SNP guest policy");
	}
	out->compatibility_mask = snp->compatibility_mask;
	out->version = SNP_ID_BLOCK_VERSION;
	out->id_key_algorithm = IGVM_SNP_ID_KEY_ALGO_ECDSA_P384_SHA384;
	memcpy(signed_block + IDB_LD, out->ld, sizeof(out->ld));
	memcpy(signed_block + IDB_FAMILY_ID, out->family_id,
	       sizeof(out->family_id));
	memcpy(signed_block + IDB_IMAGE_ID, out->image_id,
	       sizeof(out->image_id));
	put_le32(signed_block + IDB_VERSION, out->version);
	put_le32(signed_block + IDB_GUEST_SVN, out->guest_svn);
	put_le64(signed_block + IDB_POLICY, policy);
	if (!put_public_key(&out->id_public_key, key) ||
	    !sign(&out->id_key_signature, key, signed_block,
		  sizeof(signed_block))) {
		return bld_why(why, why_size, SVSM_ERR_INVAL,
			       "ID block: signing with the ID key failed");
	}
	return SVSM_OK;
}
