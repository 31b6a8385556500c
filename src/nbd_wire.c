/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NBD transmission-phase requests and simple replies (see nbd_wire.h). The
 * request bytes come from the kernel over a socketpair, but are still
 * checked as untrusted input: a bad magic ends the stream, a length or
 * offset out of the export is an error reply, never a read past the end.
 * Pure: no syscalls, no allocation.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nbd_wire.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void nbd_wire_rx_init(struct nbd_wire_rx *rx)
{
	rx->have = 0;
}

int nbd_wire_rx_feed(struct nbd_wire_rx *rx, const void *buf, size_t len,
		     struct nbd_wire_req *req, int *done)
{
	size_t n = NBD_WIRE_REQ_LEN - rx->have;
	const uint8_t *b = rx->buf;

	*done = 0;
	if (n > len)
		n = len;
	memcpy(rx->buf + rx->have, buf, n);
	rx->have += (unsigned)n;
	if (rx->have < NBD_WIRE_REQ_LEN)
		return (int)n;
	rx->have = 0;
	if (get32(b) != NBD_WIRE_REQ_MAGIC)
		return -EBADMSG;
	req->flags = get16(b + 4);
	req->type = get16(b + 6);
	req->handle = get64(b + 8);
	req->offset = get64(b + 16);
	req->length = get32(b + 24);
	*done = 1;
	return (int)n;
}

void nbd_wire_reply(uint8_t out[NBD_WIRE_REPLY_LEN], uint32_t error, uint64_t handle)
{
	put32(out, NBD_WIRE_REPLY_MAGIC);
	put32(out + 4, error);
	put32(out + 8, (uint32_t)(handle >> 32));
	put32(out + 12, (uint32_t)handle);
}

uint32_t nbd_wire_check(const struct nbd_wire_req *req, uint64_t size, uint32_t max_len)
{
	switch (req->type) {
	case NBD_WIRE_READ:
		if (req->length == 0 || req->length > max_len || req->offset > size ||
		    req->length > size - req->offset)
			return NBD_WIRE_EINVAL;
		return 0;
	case NBD_WIRE_FLUSH:
	case NBD_WIRE_CACHE:
		return 0;
	case NBD_WIRE_WRITE:
	case NBD_WIRE_TRIM:
	case NBD_WIRE_WRITE_ZEROES:
		return NBD_WIRE_EPERM;
	default:
		return NBD_WIRE_ENOTSUP;
	}
}
