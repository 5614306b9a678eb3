// SPDX-License-Identifier: MIT
/*
 * `csvsm`, the host tool: dispatches to its sub-commands. Exit status 0 on
 * success, 1 on a failure the tool reports, 2 on a usage error.
 */
#include <stdio.h>
#include <string.h>

#include "csvsm.h"

static void usage(FILE *f)
{
	(void)fprintf(
		f, "usage: csvsm COMMAND [ARGS]\n"
		   "  dump [--check] FILE     print an IGVM file and check "
		   "every rule\n"
		   "  run [OPTIONS]           boot an IGVM image in QEMU "
		   "(csvsm run --help)\n"
		   "  call [OPTIONS]          send an SVSM call to a running "
		   "csvsm (csvsm call --help)\n"
		   "  measure [--bare] FILE   print the SEV-SNP launch digest "
		   "of an IGVM file\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "dump") == 0) {
		return cmd_dump(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "run") == 0) {
		return cmd_run(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "call") == 0) {
		return cmd_call(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "measure") == 0) {
		return cmd_measure(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	(void)fprintf(stderr, "csvsm: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
