/* SPDX-License-Identifier: MIT */
/* Sub-commands of the `csvsm` host tool; each returns the exit status. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/err.h"

/** `csvsm dump [--check] FILE`: print and check an IGVM file. */
int cmd_dump(int argc, char **argv);
/** `csvsm run [options]`: load an IGVM image into QEMU and run it. */
int cmd_run(int argc, char **argv);
/** `csvsm call --socket PATH ...`: one SVSM call over the request channel. */
int cmd_call(int argc, char **argv);
/** `csvsm measure [--bare] FILE`: the SEV-SNP launch digest of a file. */
int cmd_measure(int argc, char **argv);

/**
 * Reads the regular file `path` (at most 256 MiB) into a new malloc'd
 * buffer; on failure `why` points to a static reason.
 */
enum svsm_err csvsm_read_file(const char *path, uint8_t **buf, size_t *size,
			      const char **why) SVSM_MUST_CHECK;
