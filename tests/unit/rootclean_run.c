/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host driver for src/rootclean.c (run by rootclean_test.sh inside a
 * private mount namespace): empties DIR and prints the counts. The log
 * functions are substituted at link time.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "rootclean.h"

void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	struct rootclean rc;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: rootclean_run DIR\n");
		return 2;
	}
	r = rootclean_empty(argv[1], &rc);
	printf("rc=%d removed=%lu skipped=%lu\n", r, rc.removed, rc.skipped);
	return r < 0;
}
