/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * src/vsnprintf.c, the static binary's vsnprintf(), built here under
 * another name and held to glibc's vsnprintf(): every conversion, flag,
 * width and length netinit's formats use (and a few more), with output
 * buffers of every size from 0 up (truncation, NUL, return value).
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define vsnprintf netinit_vsnprintf
int netinit_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
#define __KLIBC__ 2
#include "../../src/vsnprintf.c"
#undef vsnprintf

#include "check.h"

static void check_fmt(int line, const char *fmt, ...)
{
	char want[160], got[160];
	size_t size;
	int rw, rg;

	for (size = 0; size <= sizeof(want); size++) {
		va_list a, b;

		memset(want, 'W', sizeof(want));
		memset(got, 'W', sizeof(got));
		va_start(a, fmt);
		rw = vsnprintf(want, size, fmt, a);
		va_end(a);
		va_start(b, fmt);
		rg = netinit_vsnprintf(got, size, fmt, b);
		va_end(b);
		if (rw != rg || memcmp(want, got, sizeof(want))) {
			check_fail++;
			fprintf(stderr, "%s:%d: \"%s\" size %zu: got %d \"%.*s\", expected %d \"%.*s\"\n",
				__FILE__, line, fmt, size, rg, (int)sizeof(got), got, rw,
				(int)sizeof(want), want);
			return;
		}
	}
	check_pass++;
}

#define T(...) check_fmt(__LINE__, __VA_ARGS__)

int main(void)
{
	const char *null = NULL;

	T("");
	T("plain text, no conversion");
	T("%s", "");
	T("%s: %s (%s)", "eth0", "no carrier", "x");
	T("%s", null);
	T("[%.*s]", 3, "abcdef");
	T("[%.*s]", 10, "abc");
	T("[%.*s]", -1, "abc");
	T("[%.*s]", 0, "abc");
	T("[%.16s...]", "0123456789abcdef0123456789abcdef");
	T("[%.140s]", "short");
	T("[%8s|%-8s|%*s|%-*s]", "ab", "cd", 6, "ef", 6, "gh");
	T("[%*s]", -5, "neg");
	T("[%2s]", "longer than width");
	T("%d %d %d %d", 0, 1, -1, 42);
	T("%d %d", INT_MAX, INT_MIN);
	T("%i", -12345);
	T("%u %u %u", 0u, 7u, UINT_MAX);
	T("%x %x %x", 0u, 0xabcdefu, UINT_MAX);
	T("%08x %08x", 0x1a2bu, 0xdeadbeefu);
	T("%lx", 0x7fffffffffffffffUL);
	T("%lu %ld %ld", 18446744073709551615UL, -9223372036854775807L - 1, 77L);
	T("%llu %llu", 0ULL, 18446744073709551615ULL);
	T("%lld %lld %lld", -1LL, -9223372036854775807LL - 1, 9223372036854775807LL);
	T("%zu", (size_t)123456789);
	T("%llu.%01llu MiB/s", 12ULL, 3ULL);
	T("%u.%01u s", 2u, 0u);
	T("\rnetinit: %3llu%% %llu/%llu MiB", 7ULL, 5ULL, 70ULL);
	T("%3llu%%", 100ULL);
	T("%3llu%%", 1234ULL);
	T("rebooting in %2d s ", 9);
	T("rebooting in %2d s ", 10);
	T("[%05d|%-5d|%5d|%02d]", -42, -42, -42, -7);
	T("[%-05u]", 3u);
	T("%hhu %hu %hd", 255, 65535, -3);
	T("%c%c%c", 'a', 'b', 'c');
	T("100%%");
	T("%s=%u, %s=%lld, %x", "a", 1u, "b", -2LL, 255u);
	T("errno %d", -5);
	return check_report("vsnprintf");
}
