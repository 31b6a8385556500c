/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vsnprintf() for the static binary (klibc's snprintf() and sprintf() and
 * log.c call it). klibc's handles every C99 conversion in 2.9 KB; netinit's
 * formats use only these, and this one is a fifth of the size:
 *   conversions  %s %c %d %i %u %x %% (any other letter prints as itself)
 *   flags        0 and - (left-justify); no +, space or #
 *   width        digits or *; precision .digits or .* (strings only)
 *   length       hh h l ll z (the integer is read as long long for l, ll, z)
 * C99 semantics otherwise: at most size - 1 bytes plus a NUL are written
 * (nothing when size is 0), and the return value is the length the whole
 * output would have had. tests/unit/test_vsnprintf.c holds it to glibc's.
 * Host builds keep libc's.
 */
#ifdef __KLIBC__
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct out {
	char *p;
	size_t n, size;
};

static void emit(struct out *o, char c, size_t count)
{
	while (count--) {
		if (o->n + 1 < o->size)
			o->p[o->n] = c;
		o->n++;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, 0, size };

	while (*fmt) {
		char tmp[24], *s = tmp + sizeof(tmp), pad = ' ', c;
		unsigned long long v;
		size_t len, width = 0, prec = (size_t)-1;
		int left = 0, lng = 0, neg = 0, sign;

		if (*fmt != '%') {
			emit(&o, *fmt++, 1);
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '0')
				pad = '0';
			else if (*fmt == '-')
				left = 1;
			else
				break;
		}
		if (*fmt == '*') {
			int w = va_arg(ap, int);

			fmt++;
			if (w < 0) {
				left = 1;
				w = -w;
			}
			width = w;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			prec = 0;
			if (*++fmt == '*') {
				int p = va_arg(ap, int);

				fmt++;
				prec = p < 0 ? (size_t)-1 : (size_t)p;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		if (left)
			pad = ' ';
		while (*fmt == 'l' || *fmt == 'h' || *fmt == 'z')
			lng |= *fmt++ != 'h';
		c = *fmt++;
		if (!c)
			break;
		sign = c == 'd' || c == 'i';
		if (sign || c == 'u' || c == 'x') {
			if (lng)
				v = sign ? (unsigned long long)va_arg(ap, long long) :
					   va_arg(ap, unsigned long long);
			else
				v = sign ? (unsigned long long)(long long)va_arg(ap, int) :
					   va_arg(ap, unsigned int);
			if (sign && (long long)v < 0) {
				neg = 1;
				v = -v;
			}
			do {
				*--s = "0123456789abcdef"[v % (c == 'x' ? 16 : 10)];
				v /= c == 'x' ? 16 : 10;
			} while (v);
			if (neg && pad == ' ')
				*--s = '-';
			len = tmp + sizeof(tmp) - s;
		} else {
			if (c == 's') {
				s = va_arg(ap, char *);
				if (!s)
					s = "(null)";
				len = strnlen(s, prec);
			} else {
				*--s = c == 'c' ? (char)va_arg(ap, int) : c;
				len = 1;
			}
		}
		if (neg && pad == '0') {
			emit(&o, '-', 1);
			if (width)
				width--;
		}
		width = width > len ? width - len : 0;
		if (!left)
			emit(&o, pad, width);
		while (len--)
			emit(&o, *s++, 1);
		if (left)
			emit(&o, ' ', width);
	}
	if (size)
		o.p[o.n < size ? o.n : size - 1] = '\0';
	return o.n;
}
#endif
