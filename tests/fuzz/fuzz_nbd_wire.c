/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for nbd_wire_rx_feed() and nbd_wire_check()
 * (src/nbd_wire.c): the input is the request stream on the socketpair. It
 * is parsed whole and byte by byte; both must see the same requests and
 * stop at the same bad magic. Every request the parser yields is checked
 * against a read-only export: an accepted READ lies inside it and within
 * the cap, anything that writes is EPERM.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nbd_wire.h"

#define SIZE   (1ULL << 30)
#define MAXLEN (1u << 20)

struct seen {
	unsigned n;
	uint64_t sum;		/* over type, handle, offset, length */
	int bad;		/* stopped at a bad magic */
};

static void one(const struct nbd_wire_req *q, struct seen *s)
{
	uint32_t err = nbd_wire_check(q, SIZE, MAXLEN);

	if (q->type == NBD_WIRE_READ && err == 0 &&
	    (q->length == 0 || q->length > MAXLEN || q->offset + q->length > SIZE))
		abort();
	if ((q->type == NBD_WIRE_WRITE || q->type == NBD_WIRE_TRIM ||
	     q->type == NBD_WIRE_WRITE_ZEROES) && err != NBD_WIRE_EPERM)
		abort();
	s->n++;
	s->sum = s->sum * 31 + q->type + q->handle * 7 + q->offset * 13 + q->length;
}

static void run(const uint8_t *in, size_t len, size_t step, struct seen *s)
{
	struct nbd_wire_rx rx;
	struct nbd_wire_req q;
	size_t off = 0;
	int done, n;

	memset(s, 0, sizeof(*s));
	nbd_wire_rx_init(&rx);
	while (off < len) {
		size_t k = len - off < step ? len - off : step;

		n = nbd_wire_rx_feed(&rx, in + off, k, &q, &done);
		if (n == -EBADMSG) {
			s->bad = 1;
			return;
		}
		if (n <= 0 || (size_t)n > k)
			abort();
		off += (size_t)n;
		if (done)
			one(&q, s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen whole, bytes;

	run(data, size, size ? size : 1, &whole);
	run(data, size, 1, &bytes);
	if (whole.n != bytes.n || whole.sum != bytes.sum || whole.bad != bytes.bad)
		abort();
	return 0;
}
