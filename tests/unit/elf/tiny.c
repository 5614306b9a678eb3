// SPDX-License-Identifier: MIT
/*
 * A fixture for the ELF loader's unit tests, built without a C library
 * (-nostdlib, entry point tiny_entry) as a static executable and as a
 * static PIE: a few small segments (text, rodata, data, bss) and no
 * PT_TLS. It is parsed, never run.
 */
static volatile int data_word = 3;
static volatile int bss_words[512];

void tiny_entry(void);

void tiny_entry(void)
{
	bss_words[data_word] = data_word;
	for (;;) {
		__asm__ volatile("hlt");
	}
}
