/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for chunked_feed() (src/chunked.c): the input is a
 * chunked body as a server (distrusted) sends it. It is decoded whole,
 * split at two offsets derived from the data, and byte by byte; every way
 * must give the same data (also before an error), the same end and, when
 * done, the same bytes consumed (an error does not say where it was). Also
 * checks chunked.h's promises: spans lie inside the consumed bytes,
 * progress is made until done, errors are sticky, done consumes nothing
 * more, and the data is never longer than the input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chunked.h"
#include "sha256.h"

#define MORE 1

struct got {
	int rc;			/* 0 done, MORE, or a negative errno */
	size_t used, out_len;
	uint8_t digest[SHA256_LEN];	/* of the decoded data */
};

static void run(const uint8_t *in, size_t len, const size_t *cuts, size_t n, struct got *g)
{
	struct chunked c;
	struct sha256 s;
	size_t from = 0, i, off, dlen;

	chunked_init(&c);
	sha256_init(&s);
	g->rc = MORE;
	g->used = g->out_len = 0;
	for (i = 0; i <= n && g->rc == MORE; i++) {
		size_t to = i < n ? cuts[i] : len;

		while (from < to) {
			int rc = chunked_feed(&c, (const char *)in + from, to - from, &off, &dlen);

			if (rc < 0) {
				if (rc != -EBADMSG && rc != -E2BIG)
					abort();
				if (chunked_feed(&c, "0\r\n\r\n", 5, &off, &dlen) != rc || dlen)
					abort();	/* sticky */
				g->rc = rc;
				break;
			}
			if (rc == 0 || (size_t)rc > to - from || off + dlen > (size_t)rc)
				abort();
			sha256_update(&s, in + from + off, dlen);
			g->out_len += dlen;
			from += (size_t)rc;
			if (c.done) {
				if (chunked_feed(&c, "1\r\n", 3, &off, &dlen) != 0 || dlen)
					abort();
				g->rc = 0;
				break;
			}
		}
	}
	g->used = g->rc == 0 ? from : 0;	/* an error does not say where it was */
	if (g->out_len > len)
		abort();
	sha256_final(&s, g->digest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static size_t bytes[4096];
	struct got a, b, c;
	size_t cuts[2], i;

	run(data, len, NULL, 0, &a);
	cuts[0] = len ? data[0] % (len + 1) : 0;
	cuts[1] = len ? cuts[0] + (data[len - 1] % (len - cuts[0] + 1)) : 0;
	run(data, len, cuts, 2, &b);
	if (a.rc != b.rc || a.used != b.used || a.out_len != b.out_len ||
	    memcmp(a.digest, b.digest, SHA256_LEN))
		abort();
	if (len <= sizeof(bytes) / sizeof(bytes[0])) {
		for (i = 0; i + 1 < len; i++)
			bytes[i] = i + 1;
		run(data, len, bytes, len ? len - 1 : 0, &c);
		if (a.rc != c.rc || a.used != c.used || a.out_len != c.out_len ||
		    memcmp(a.digest, c.digest, SHA256_LEN))
			abort();
	}
	return 0;
}
