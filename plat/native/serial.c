// SPDX-License-Identifier: MIT
/*
 * A polled driver for the 16550 UART (register layout: PC16550D data
 * sheet). Used for the console and the request channel on native.
 */
#include "serial.h"

#include "arch/insn.h"

#define UART_THR 0U /* transmit holding (DLAB=0) */
#define UART_DLL 0U /* divisor latch low (DLAB=1) */
#define UART_IER 1U
#define UART_DLM 1U
#define UART_FCR 2U
#define UART_LCR 3U
#define UART_MCR 4U
#define UART_LSR 5U
#define UART_SCR 7U

#define LCR_8N1 0x03U
#define LCR_DLAB 0x80U
#define LSR_THRE 0x20U
#define LSR_DR 0x01U
#define DIVISOR_115200 1U

/** Programs the UART at `base`. */
void serial_init(uint16_t base)
{
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, LCR_DLAB);
	outb(base + UART_DLL, DIVISOR_115200);
	outb(base + UART_DLM, 0);
	outb(base + UART_LCR, LCR_8N1);
	outb(base + UART_FCR, 0xC7); /* FIFOs on and cleared, trigger 14 */
	outb(base + UART_MCR, 0x03); /* DTR, RTS */
}

/** Waits (bounded, so a missing UART cannot hang boot) and sends `c`. */
void serial_putc(uint16_t base, char c)
{
	for (uint32_t i = 0; i < 100000U; i++) {
		if (inb(base + UART_LSR) & LSR_THRE) {
			break;
		}
		pause();
	}
	outb(base + UART_THR, (uint8_t)c);
}

bool serial_present(uint16_t base)
{
	outb(base + UART_SCR, 0x5A);
	if (inb(base + UART_SCR) != 0x5A) {
		return false;
	}
	outb(base + UART_SCR, 0xA5);
	return inb(base + UART_SCR) == 0xA5;
}

bool serial_getc(uint16_t base, uint8_t *c)
{
	if (!(inb(base + UART_LSR) & LSR_DR)) {
		return false;
	}
	*c = inb(base + UART_THR); /* the receive buffer, same offset */
	return true;
}
