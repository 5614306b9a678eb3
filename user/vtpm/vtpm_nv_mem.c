// SPDX-License-Identifier: MIT
/*
 * The in-memory NV store behind struct vtpm_nv_ops: a handful of named
 * blobs (libtpms uses three names) in heap copies. A store replaces the
 * whole blob; the new copy is made before the old one is freed, so a
 * failed allocation leaves the previous state intact.
 */
#include <stdlib.h>
#include <string.h>

#include "vtpm.h"

#define NV_SLOTS 4U
#define NV_NAME_MAX 32U

struct nv_slot {
	char name[NV_NAME_MAX];
	uint8_t *data; /* NULL: slot free */
	uint32_t len;
};

struct nv_mem {
	struct nv_slot slot[NV_SLOTS];
};

static struct nv_slot *find(struct nv_mem *m, const char *name)
{
	for (size_t i = 0; i < NV_SLOTS; i++) {
		if (m->slot[i].data && strcmp(m->slot[i].name, name) == 0) {
			return &m->slot[i];
		}
	}
	return NULL;
}

static enum vtpm_nv_result mem_load(void *ctx, const char *name,
				    const uint8_t **data, uint32_t *len)
{
	struct nv_slot *s = find(ctx, name);

	if (!s) {
		return VTPM_NV_ABSENT;
	}
	*data = s->data;
	*len = s->len;
	return VTPM_NV_OK;
}

static enum vtpm_nv_result mem_store(void *ctx, const char *name,
				     const uint8_t *data, uint32_t len)
{
	struct nv_mem *m = ctx;
	struct nv_slot *s = find(m, name);
	uint8_t *copy;

	if (strlen(name) >= NV_NAME_MAX) {
		return VTPM_NV_ERROR;
	}
	for (size_t i = 0; !s && i < NV_SLOTS; i++) {
		if (!m->slot[i].data) {
			s = &m->slot[i];
		}
	}
	if (!s) {
		return VTPM_NV_ERROR;
	}
	copy = malloc(len ? len : 1);
	if (!copy) {
		return VTPM_NV_ERROR;
	}
	if (len) {
		memcpy(copy, data, len);
	}
	free(s->data);
	memcpy(s->name, name, strlen(name) + 1); /* checked to fit above */
	s->data = copy;
	s->len = len;
	return VTPM_NV_OK;
}

static enum vtpm_nv_result mem_del(void *ctx, const char *name)
{
	struct nv_slot *s = find(ctx, name);

	if (!s) {
		return VTPM_NV_ABSENT;
	}
	free(s->data);
	memset(s, 0, sizeof(*s));
	return VTPM_NV_OK;
}

const struct vtpm_nv_ops VTPM_NV_MEM_OPS = {
	.load = mem_load,
	.store = mem_store,
	.del = mem_del,
	.ctx = NULL,
};

void *vtpm_nv_mem_new(void)
{
	return calloc(1, sizeof(struct nv_mem));
}

void vtpm_nv_mem_free(void *store)
{
	struct nv_mem *m = store;

	if (!m) {
		return;
	}
	for (size_t i = 0; i < NV_SLOTS; i++) {
		free(m->slot[i].data);
	}
	free(m);
}
