/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for src/chunked.c. Every body is fed whole, split at every
 * byte offset, at every pair of offsets (short ones), and byte by byte;
 * every way must decode the same data and end the same way.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "chunked.h"

#define MORE 1	/* rc for "not done yet" */

struct ccase {
	const char *name;
	int rc;			/* 0 done, MORE, or a negative errno */
	const char *in;
	size_t in_len;
	const char *out;	/* decoded data (for errors: up to the error) */
	size_t out_len;
	size_t used;		/* bytes consumed when done (the rest is not the body's) */
};

#define S(lit) lit, sizeof(lit) - 1

static const struct ccase cases[] = {
	{ "as tests/fault/faultd.py sends it", 0,
	  S("1;faultd=0\r\na\r\n5\r\nbcdef\r\n3;faultd=3\r\nghi\r\n0\r\nX-Faultd-Trailer: yes\r\n\r\n"),
	  S("abcdefghi"), 70 },
	{ "nginx-style, upper-case hex", 0, S("A\r\n0123456789\r\n0\r\n\r\n"), S("0123456789"), 20 },
	{ "bytes after the end are not consumed", 0, S("2\r\nok\r\n0\r\n\r\nHTTP/1.1"), S("ok"), 12 },
	{ "leading zeros, bare LF", 0, S("0002\nok\n000\n\n"), S("ok"), 13 },
	{ "BWS before extensions, quoted value", 0,
	  S("2 \t;a=\"x;y\" ;b\r\nok\r\n0 ;z\r\n\r\n"), S("ok"), 28 },
	{ "several trailers", 0, S("0\r\nA: 1\r\nB: 2\r\n\r\n"), S(""), 17 },
	{ "empty body: last chunk only", 0, S("0\r\n\r\n"), S(""), 5 },
	{ "binary data with CRLF and NUL inside", 0, S("4\r\n\r\n\0\n\r\n0\r\n\r\n"),
	  S("\r\n\0\n"), 14 },
	{ "unfinished: in the data", MORE, S("a\r\n01234"), S("01234"), 0 },
	{ "unfinished: in the trailers", MORE, S("1\r\nx\r\n0\r\nA: b\r\n"), S("x"), 0 },
	{ "unfinished: empty", MORE, S(""), S(""), 0 },
	{ "no hex digit", -EBADMSG, S("\r\n"), S(""), 0 },
	{ "sign", -EBADMSG, S("-1\r\n"), S(""), 0 },
	{ "0x prefix", -EBADMSG, S("0x10\r\n"), S(""), 0 },
	{ "junk after the size", -EBADMSG, S("1a zz\r\n"), S(""), 0 },
	{ "data not followed by CRLF", -EBADMSG, S("2\r\nokX\r\n"), S("ok"), 0 },
	{ "data followed by CR and junk", -EBADMSG, S("2\r\nok\rX"), S("ok"), 0 },
	{ "CR without LF after the size", -EBADMSG, S("2\rok"), S(""), 0 },
	{ "control byte in an extension", -EBADMSG, S("2;a\001\r\nok\r\n"), S(""), 0 },
	{ "NUL in a trailer", -EBADMSG, S("0\r\nA: \0\r\n\r\n"), S(""), 0 },
	{ "CR without LF in a trailer", -EBADMSG, S("0\r\nA: b\rX"), S(""), 0 },
	{ "size over the cap", -E2BIG, S("2000000000000000\r\n"), S(""), 0 },
	{ "size overflowing 64 bits", -E2BIG, S("fffffffffffffffff\r\n"), S(""), 0 },
	{ "largest size accepted", MORE, S("1000000000000000\r\nab"), S("ab"), 0 },
};

struct got {
	int rc;
	size_t used;
	char out[256];
	size_t out_len;
};

/* Feeds @c's input in pieces ending at @cuts[0..n) and then at the end. */
static void run(const struct ccase *c, const size_t *cuts, size_t n, struct got *g)
{
	struct chunked ck;
	size_t from = 0, i;

	chunked_init(&ck);
	memset(g, 0, sizeof(*g));
	g->rc = MORE;
	for (i = 0; i <= n && g->rc == MORE; i++) {
		size_t to = i < n ? cuts[i] : c->in_len;

		while (from < to) {
			size_t off, len;
			int rc = chunked_feed(&ck, c->in + from, to - from, &off, &len);

			if (rc < 0) {
				g->rc = rc;
				CHECK_EQ_INT(chunked_feed(&ck, "0\r\n\r\n", 5, &off, &len), rc);
				return;
			}
			CHECK(off + len <= (size_t)rc && (size_t)rc <= to - from);
			CHECK(g->out_len + len <= sizeof(g->out));
			if (g->out_len + len <= sizeof(g->out))
				memcpy(g->out + g->out_len, c->in + from + off, len);
			g->out_len += len;
			from += (size_t)rc;
			g->used = from;
			if (ck.done) {
				g->rc = 0;
				CHECK_EQ_INT(chunked_feed(&ck, "1\r\n", 3, &off, &len), 0);
				return;
			}
			CHECK(rc > 0);
			if (rc == 0)
				return;
		}
	}
}

static int same(const struct ccase *c, const struct got *g, const char *how, size_t a, size_t b)
{
	int ok = g->rc == c->rc && g->out_len == c->out_len &&
		 memcmp(g->out, c->out, c->out_len) == 0 && (c->rc != 0 || g->used == c->used);

	if (!ok)
		fprintf(stderr, "%s (%s %zu %zu): rc %d used %zu out %zu, want rc %d used %zu out %zu\n",
			c->name, how, a, b, g->rc, g->used, g->out_len, c->rc, c->used, c->out_len);
	return ok;
}

int main(void)
{
	size_t k, i, j;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct ccase *c = &cases[k];
		size_t cuts[2], bytes[256];
		struct got g;

		run(c, NULL, 0, &g);
		CHECK(same(c, &g, "whole", 0, 0));
		for (i = 1; i < c->in_len; i++) {
			cuts[0] = i;
			run(c, cuts, 1, &g);
			CHECK(same(c, &g, "split", i, 0));
		}
		for (i = 1; c->in_len < 80 && i < c->in_len; i++)
			for (j = i; j < c->in_len; j++) {
				cuts[0] = i;
				cuts[1] = j;
				run(c, cuts, 2, &g);
				CHECK(same(c, &g, "splits", i, j));
			}
		for (i = 0; i + 1 < c->in_len && i < 256; i++)
			bytes[i] = i + 1;
		run(c, bytes, c->in_len > 1 ? c->in_len - 1 : 0, &g);
		CHECK(same(c, &g, "bytewise", 0, 0));
	}
	return check_report("chunked");
}
