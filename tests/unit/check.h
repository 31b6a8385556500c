/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Minimal table-test helpers for host unit tests. Each failed CHECK prints
 * file:line and the expression; main() returns check_report().
 */
#ifndef NETINIT_TEST_CHECK_H
#define NETINIT_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_pass, check_fail;

#define CHECK(expr) do { \
	if (expr) { check_pass++; } else { check_fail++; \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr); } \
} while (0)

#define CHECK_EQ_INT(a, b) do { long long _a = (a), _b = (b); \
	if (_a == _b) { check_pass++; } else { check_fail++; \
		fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, _a, _b); } \
} while (0)

#define CHECK_EQ_STR(a, b) do { const char *_a = (a), *_b = (b); \
	if (_a && _b && strcmp(_a, _b) == 0) { check_pass++; } else { check_fail++; \
		fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
			_a ? _a : "(null)", _b ? _b : "(null)"); } \
} while (0)

/* Reads a fixture (path relative to tests/) into @buf; a missing file fails. */
static inline size_t check_load(const char *path, void *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: missing fixture\n", path);
		check_fail++;
		return 0;
	}
	n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

/* Prints the plain closing line CI reads ("N passed, N failed"). */
static inline int check_report(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, check_pass, check_fail);
	return check_fail ? 1 : 0;
}

#endif
