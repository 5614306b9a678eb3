/* SPDX-License-Identifier: MIT */
/* Sub-commands of the `csvsm` host tool; each returns the exit status. */
#pragma once

/** `csvsm dump [--check] FILE`: print and check an IGVM file. */
int cmd_dump(int argc, char **argv);
/** `csvsm run [options]`: load an IGVM image into QEMU and run it. */
int cmd_run(int argc, char **argv);
/** `csvsm call --socket PATH ...`: one SVSM call over the request channel. */
int cmd_call(int argc, char **argv);
