/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * src/klibc.c, the static binary's stand-ins for klibc pieces, built here
 * under other names: its strstr() must find what glibc's finds, and its
 * strntoumax() must read numbers as klibc's does (the table below is what
 * klibc's own returns; the two were also compared, built with klcc, on
 * 950 inputs x bases x lengths with identical results).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define strstr netinit_strstr
#define exit netinit_exit
#define __libc_init_stdio netinit_init_stdio
#define strntoumax netinit_strntoumax
char *netinit_strstr(const char *haystack, const char *needle);
void netinit_exit(int status);
uintmax_t netinit_strntoumax(const char *s, char **endptr, int base, size_t n);
#define __KLIBC__ 2
#include "../../src/klibc.c"
#undef strstr
#undef exit
#undef strntoumax

#include "check.h"

static const struct {
	const char *s;
	int base;
	size_t n;
	unsigned long long v;
	int end;
} num[] = {
	{ "", 10, ~(size_t)0, 0, 0 },
	{ "0", 0, ~(size_t)0, 0, 1 },
	{ "123", 10, ~(size_t)0, 123, 3 },
	{ "123", 16, ~(size_t)0, 0x123, 3 },
	{ "12345", 10, 3, 123, 3 },
	{ "  42", 10, ~(size_t)0, 42, 4 },
	{ "  42", 10, 2, 0, 2 },
	{ "  \n 5 kB", 10, ~(size_t)0, 5, 5 },
	{ "\t-7", 10, ~(size_t)0, -7ULL, 3 },
	{ "+9", 0, ~(size_t)0, 9, 2 },
	{ "0x1f", 0, ~(size_t)0, 31, 4 },
	{ "0X1F", 16, ~(size_t)0, 31, 4 },
	{ "0x1f", 10, ~(size_t)0, 0, 1 },
	{ "0x1f", 16, 1, 0, 1 },
	{ "ff:ee", 16, ~(size_t)0, 255, 2 },
	{ "017", 0, ~(size_t)0, 15, 3 },
	{ "08", 0, ~(size_t)0, 0, 1 },
	{ "08", 10, ~(size_t)0, 8, 2 },
	{ "0x", 16, ~(size_t)0, 0, 2 },		/* klibc: past the 0x (glibc: 1) */
	{ "-", 10, ~(size_t)0, 0, 1 },		/* past the sign (glibc: 0) */
	{ "-0x10", 0, ~(size_t)0, -16ULL, 5 },
	{ "\b5", 10, ~(size_t)0, 5, 2 },	/* klibc's spaces: 8..13, ' ', 0xa0 */
	{ "\xa0" "7", 10, ~(size_t)0, 7, 2 },
	{ "\x0e" "3", 10, ~(size_t)0, 0, 0 },
	{ "18446744073709551615", 10, ~(size_t)0, 18446744073709551615ULL, 20 },
	{ "18446744073709551616", 10, ~(size_t)0, 0, 20 },	/* wraps */
	{ "abc", 10, ~(size_t)0, 0, 0 },
	{ "abc", 16, ~(size_t)0, 0xabc, 3 },
	{ "Zz", 36, ~(size_t)0, 35 * 36 + 35, 2 },
	{ "9@", 36, ~(size_t)0, 9, 1 },
};

int main(void)
{
	static const char *const hay[] = {
		"", "b", "bootserver", "bootserver 10.0.2.2\n",
		"#PROTO: DHCP\nnameserver 10.0.2.3\nbootserver 10.0.2.2\n",
		"bootserve", "xbootserver ", "bootserverbootserver ", "search x\n",
		"nameserver 10.0.2.3\nsearch lab\n", "searc", "aaab",
	};
	static const char *const needle[] = { "", "bootserver ", "search ", "b", "aab", "\n" };
	unsigned i, j;

	for (i = 0; i < sizeof(hay) / sizeof(hay[0]); i++)
		for (j = 0; j < sizeof(needle) / sizeof(needle[0]); j++) {
			char *want = strstr(hay[i], needle[j]), *got = netinit_strstr(hay[i], needle[j]);

			if (want == got) {
				check_pass++;
			} else {
				check_fail++;
				fprintf(stderr, "%s:%d: strstr(\"%s\", \"%s\") at %td, expected %td\n",
					__FILE__, __LINE__, hay[i], needle[j],
					got ? got - hay[i] : -1, want ? want - hay[i] : -1);
			}
		}
	for (i = 0; i < sizeof(num) / sizeof(num[0]); i++) {
		char *e = NULL;
		unsigned long long v = netinit_strntoumax(num[i].s, &e, num[i].base, num[i].n);

		if (v == num[i].v && e - num[i].s == num[i].end) {
			check_pass++;
		} else {
			check_fail++;
			fprintf(stderr, "%s:%d: strntoumax(num[%u] \"%s\", %d) = %llu end %td, "
				"expected %llu end %d\n", __FILE__, __LINE__, i, num[i].s,
				num[i].base, v, e - num[i].s, num[i].v, num[i].end);
		}
	}
	return check_report("klibc");
}
