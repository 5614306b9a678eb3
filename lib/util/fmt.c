// SPDX-License-Identifier: MIT
/*
 * Freestanding printf-style formatting for the kernel log, exception
 * reports and the KTAP test output. Output is truncated to the buffer; the
 * return value is the untruncated length, as with vsnprintf.
 */
#include "svsm/fmt.h"

#include <stdbool.h>
#include <stdint.h>

/** Output cursor: writes stop at `size - 1`, `len` keeps counting. */
struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

/** A parsed conversion specification. */
struct fmt_spec {
	bool left;
	bool zero;
	int width;
	int precision; /* -1: none */
	int length;    /* -2 hh, -1 h, 0 int, 1 long, 2 long long/size_t */
};

static void out_char(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size) {
		o->buf[o->len] = c;
	}
	o->len++;
}

static void out_pad(struct fmt_out *o, char c, int count)
{
	for (int i = 0; i < count; i++) {
		out_char(o, c);
	}
}

static void out_str(struct fmt_out *o, const char *s, const struct fmt_spec *sp)
{
	size_t n = 0;

	if (!s) {
		s = "(null)";
	}
	while (s[n] != '\0' &&
	       (sp->precision < 0 || n < (size_t)sp->precision)) {
		n++;
	}
	int pad = sp->width > (int)n ? sp->width - (int)n : 0;

	if (!sp->left) {
		out_pad(o, ' ', pad);
	}
	for (size_t i = 0; i < n; i++) {
		out_char(o, s[i]);
	}
	if (sp->left) {
		out_pad(o, ' ', pad);
	}
}

/** Prints `v` in `base`; `neg` adds a minus sign. */
static void out_num(struct fmt_out *o, uint64_t v, unsigned int base,
		    bool upper, bool neg, const struct fmt_spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);

	int body = n + (neg ? 1 : 0);
	int pad = sp->width > body ? sp->width - body : 0;

	if (!sp->left && !sp->zero) {
		out_pad(o, ' ', pad);
	}
	if (neg) {
		out_char(o, '-');
	}
	if (!sp->left && sp->zero) {
		out_pad(o, '0', pad);
	}
	while (n > 0) {
		out_char(o, tmp[--n]);
	}
	if (sp->left) {
		out_pad(o, ' ', pad);
	}
}

static uint64_t arg_unsigned(va_list *ap, int length)
{
	switch (length) {
	case -2:
		return (unsigned char)va_arg(*ap, unsigned int);
	case -1:
		return (unsigned short)va_arg(*ap, unsigned int);
	case 0:
		return va_arg(*ap, unsigned int);
	case 1:
		return va_arg(*ap, unsigned long);
	default:
		return va_arg(*ap, unsigned long long);
	}
}

static int64_t arg_signed(va_list *ap, int length)
{
	switch (length) {
	case -2:
		return (signed char)va_arg(*ap, int);
	case -1:
		return (short)va_arg(*ap, int);
	case 0:
		return va_arg(*ap, int);
	case 1:
		return va_arg(*ap, long);
	default:
		return va_arg(*ap, long long);
	}
}

/** Parses flags, width, precision and length; returns the conversion. */
static const char *parse_spec(const char *f, va_list *ap, struct fmt_spec *sp)
{
	*sp = (struct fmt_spec){ .precision = -1 };
	for (;; f++) {
		if (*f == '-') {
			sp->left = true;
		} else if (*f == '0') {
			sp->zero = true;
		} else {
			break;
		}
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		f++;
	}
	while (*f >= '0' && *f <= '9') {
		sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			sp->precision = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9') {
			sp->precision = sp->precision * 10 + (*f++ - '0');
		}
	}
	for (;; f++) {
		if (*f == 'h') {
			sp->length--;
		} else if (*f == 'l') {
			sp->length++;
		} else if (*f == 'z') {
			sp->length = 2;
		} else {
			break;
		}
	}
	return f;
}

static void convert(struct fmt_out *o, char c, va_list *ap,
		    const struct fmt_spec *sp)
{
	switch (c) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(ap, sp->length);
		bool neg = v < 0;

		out_num(o, neg ? 0 - (uint64_t)v : (uint64_t)v, 10, false, neg,
			sp);
		break;
	}
	case 'u':
		out_num(o, arg_unsigned(ap, sp->length), 10, false, false, sp);
		break;
	case 'x':
	case 'X':
		out_num(o, arg_unsigned(ap, sp->length), 16, c == 'X', false,
			sp);
		break;
	case 'o':
		out_num(o, arg_unsigned(ap, sp->length), 8, false, false, sp);
		break;
	case 'p':
		out_char(o, '0');
		out_char(o, 'x');
		out_num(o, (uintptr_t)va_arg(*ap, void *), 16, false, false,
			sp);
		break;
	case 'c':
		out_char(o, (char)va_arg(*ap, int));
		break;
	case 's':
		out_str(o, va_arg(*ap, const char *), sp);
		break;
	case '%':
		out_char(o, '%');
		break;
	default:
		/* Unknown conversion: print it as written. */
		out_char(o, '%');
		out_char(o, c);
		break;
	}
}

/** Formats into `buf`; returns the untruncated output length. */
size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .size = size, .len = 0 };
	va_list args;

	va_copy(args, ap);
	for (const char *f = fmt; *f != '\0'; f++) {
		if (*f != '%') {
			out_char(&o, *f);
			continue;
		}
		struct fmt_spec sp;

		f = parse_spec(f + 1, &args, &sp);
		if (*f == '\0') {
			break;
		}
		convert(&o, *f, &args, &sp);
	}
	va_end(args);
	if (size > 0) {
		buf[o.len < size ? o.len : size - 1] = '\0';
	}
	return o.len;
}

/** Formats into `buf`; returns the untruncated output length. */
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	size_t n = fmt_vsnprintf(buf, size, fmt, ap);

	va_end(ap);
	return n;
}

enum svsm_err fmt_refuse(char *why, size_t why_size, enum svsm_err err,
			 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)fmt_vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
	return err;
}
