/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * src/errstr.c, the static binary's strerror(), built here as klibc builds
 * it. Its errno list and its text list are parallel arrays: one text too
 * many or too few shifts every message after it. Each known errno must
 * read exactly as glibc's strerror_r() (a separate symbol, not replaced
 * by ours) words it; any other errno reads "errno N".
 */
#define _GNU_SOURCE
#define __KLIBC__ 2
#include "../../src/errstr.c"

#include "check.h"

int main(void)
{
	char want[128];
	unsigned int i;
	size_t ntexts = 0;
	const char *p;

	for (p = texts; p < texts + sizeof(texts); p += strlen(p) + 1)
		ntexts++;
	CHECK_EQ_INT(ntexts, sizeof(nos));
	for (i = 0; i < sizeof(nos); i++)
		CHECK_EQ_STR(strerror(nos[i]), strerror_r(nos[i], want, sizeof(want)));
	CHECK_EQ_STR(strerror(EL2HLT), "errno 51");
	CHECK_EQ_STR(strerror(0), "errno 0");
	CHECK_EQ_STR(strerror(-5), "errno -5");
	CHECK_EQ_STR(strerror(1000), "errno 1000");
	return check_report("errstr");
}
