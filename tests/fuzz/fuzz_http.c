/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for http_resp_feed() (src/http.c): the input is a
 * response as a server (distrusted) sends it. It is fed whole, split at two
 * offsets derived from the data, and byte by byte; every way must give the
 * same result, as http.h promises for an incremental parser. Also checks
 * the promises of http.h: an unfinished head takes all bytes, errors are
 * sticky, done returns 0 afterwards, and the results are in range.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define MORE 1

struct got {
	int rc;			/* 0 done, MORE, or a negative errno */
	size_t used;
	struct http_resp r;
};

/* Feeds @in in pieces ending at @cuts[0..n) and then at @len. */
static void run(const uint8_t *in, size_t len, const size_t *cuts, size_t n, struct got *g)
{
	size_t from = 0, i;

	http_resp_init(&g->r);
	g->rc = MORE;
	g->used = 0;
	for (i = 0; i <= n; i++) {
		size_t to = i < n ? cuts[i] : len;
		int rc = http_resp_feed(&g->r, (const char *)in + from, to - from);

		if (rc < 0) {
			if (rc != -EBADMSG && rc != -E2BIG)
				abort();
			g->rc = rc;
			if (http_resp_feed(&g->r, "\r\n", 2) != rc)	/* sticky */
				abort();
			return;
		}
		if ((size_t)rc > to - from)
			abort();
		g->used += (size_t)rc;
		if (g->r.done) {
			g->rc = 0;
			if (http_resp_feed(&g->r, "\r\n", 2) != 0)
				abort();
			return;
		}
		if ((size_t)rc != to - from)	/* an unfinished head takes all */
			abort();
		from = to;
	}
}

static void check_result(const struct got *g, size_t len)
{
	const struct http_resp *r = &g->r;

	if (g->rc != 0)
		return;
	if (g->used == 0 || g->used > len)
		abort();
	if (!memchr(r->location, '\0', sizeof(r->location)))
		abort();
	if (r->status < 100 || r->status > 599 || (r->status < 200 && r->status != 101))
		abort();	/* interim 1xx heads are skipped */
	if (r->content_length < -1 || (r->chunked && r->content_length != -1))
		abort();
	if (r->range_total < -1)
		abort();
	if (r->retry_after < -1 || r->retry_date < -1 || r->date < -1 ||
	    http_retry_wait(r, -1) < -1 || http_retry_wait(r, 1795804200) < -1)
		abort();	/* a wait is -1 (none) or a count of seconds */
	if (r->has_range && (r->range_first > r->range_last ||
			     (r->range_total >= 0 && r->range_last >= (uint64_t)r->range_total)))
		abort();
}

static int same(const struct got *a, const struct got *b)
{
	const struct http_resp *x = &a->r, *y = &b->r;

	if (a->rc != b->rc)
		return 0;
	if (a->rc != 0)
		return 1;
	return a->used == b->used && x->status == y->status &&
	       x->version_minor == y->version_minor && x->content_length == y->content_length &&
	       x->chunked == y->chunked && x->conn_close == y->conn_close &&
	       x->has_range == y->has_range && x->range_first == y->range_first &&
	       x->range_last == y->range_last && x->range_total == y->range_total &&
	       x->retry_after == y->retry_after && x->retry_date == y->retry_date &&
	       x->date == y->date && strcmp(x->location, y->location) == 0;
}

/* FNV-1a: split offsets that move when the data moves, but reproducibly. */
static uint32_t hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct got whole, g;
	static size_t cuts[1 << 16];
	uint32_t h = hash(data, size);
	size_t i;

	if (size > sizeof(cuts) / sizeof(cuts[0]))
		return 0;
	run(data, size, NULL, 0, &whole);
	check_result(&whole, size);

	cuts[0] = h % (size + 1);
	run(data, size, cuts, 1, &g);
	if (!same(&g, &whole))
		abort();

	cuts[1] = cuts[0] + (h >> 16) % (size - cuts[0] + 1);
	run(data, size, cuts, 2, &g);
	if (!same(&g, &whole))
		abort();

	for (i = 0; i < size; i++)
		cuts[i] = i + 1;
	run(data, size, cuts, size, &g);
	if (!same(&g, &whole))
		abort();
	return 0;
}
