/* SPDX-License-Identifier: MIT */
/* 16550 UART on an I/O port (the PC COM ports). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define SERIAL_COM1 0x3F8U
#define SERIAL_COM2 0x2F8U

/** Programs the UART: 115200 baud, 8N1, FIFOs on, interrupts off. */
void serial_init(uint16_t base);
/** Whether a UART answers at `base` (its scratch register holds). */
bool serial_present(uint16_t base);
/** Takes one received byte if there is one. */
bool serial_getc(uint16_t base, uint8_t *c);
/** Writes one byte, waiting (bounded) for the transmitter. */
void serial_putc(uint16_t base, char c);
