/* SPDX-License-Identifier: MIT */
/*
 * The mssim bridge of `csvsm run --mssim-port PORT` (tools/csvsm/mssim.c):
 * tpm2-tools' mssim TCTI on 127.0.0.1 PORT (data) and PORT+1 (platform),
 * each command carried to csvsm's vTPM as one SVSM_VTPM_CMD over the
 * native request channel.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/** The two listening sockets. */
struct mssim_ports {
	uint16_t port;
	int data_fd;
	int platform_fd;
};

/**
 * Binds and listens on 127.0.0.1:port and port + 1; false after a message
 * saying which port could not be bound and why.
 */
bool mssim_listen(struct mssim_ports *p, uint16_t port);

/** Closes the listening sockets; idempotent. */
void mssim_close(struct mssim_ports *p);

/**
 * Serves clients until the process is killed, reaching csvsm through
 * the request channel's Unix socket `socket_path`. Returns only when it
 * cannot go on (poll fails), with 1.
 */
int mssim_serve(struct mssim_ports *p, const char *socket_path);
