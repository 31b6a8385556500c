/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * src/klibc.c, the static binary's stand-ins for klibc pieces, built here
 * under other names: its strstr() must find what glibc's finds.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define strstr netinit_strstr
#define exit netinit_exit
#define __libc_init_stdio netinit_init_stdio
char *netinit_strstr(const char *haystack, const char *needle);
void netinit_exit(int status);
#define __KLIBC__ 2
#include "../../src/klibc.c"
#undef strstr
#undef exit

#include "check.h"

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
	return check_report("klibc");
}
