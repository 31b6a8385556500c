/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NBD transmission phase, server side, simple replies only: the 28-byte
 * requests the kernel's nbd driver sends and the 16-byte replies it reads
 * (https://github.com/NetworkBlockDevice/nbd/blob/master/doc/proto.md,
 * "Transmission phase"). Big-endian on the wire. Pure: no syscalls.
 */
#ifndef NETINIT_NBD_WIRE_H
#define NETINIT_NBD_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define NBD_WIRE_REQ_LEN   28
#define NBD_WIRE_REPLY_LEN 16
#define NBD_WIRE_REQ_MAGIC   0x25609513u
#define NBD_WIRE_REPLY_MAGIC 0x67446698u

enum nbd_wire_cmd {
	NBD_WIRE_READ = 0,
	NBD_WIRE_WRITE = 1,
	NBD_WIRE_DISC = 2,
	NBD_WIRE_FLUSH = 3,
	NBD_WIRE_TRIM = 4,
	NBD_WIRE_CACHE = 5,
	NBD_WIRE_WRITE_ZEROES = 6,
};

/* The error numbers the protocol defines (its own, not the host's errno). */
#define NBD_WIRE_EPERM     1
#define NBD_WIRE_EIO       5
#define NBD_WIRE_ENOMEM    12
#define NBD_WIRE_EINVAL    22
#define NBD_WIRE_ENOSPC    28
#define NBD_WIRE_EOVERFLOW 75
#define NBD_WIRE_ENOTSUP   95

struct nbd_wire_req {
	uint16_t flags;
	uint16_t type;		/* enum nbd_wire_cmd */
	uint64_t handle;	/* echoed in the reply, opaque */
	uint64_t offset;
	uint32_t length;
};

/* Incremental reader: bytes as the socket delivers them, split anywhere. */
struct nbd_wire_rx {
	uint8_t buf[NBD_WIRE_REQ_LEN];
	unsigned have;
};

void nbd_wire_rx_init(struct nbd_wire_rx *rx);

/*
 * Feeds @len bytes; stops at the end of one request. Returns the bytes
 * consumed (<= @len) and sets *@done when @req holds a whole request, or
 * -EBADMSG for a bad magic (the stream is lost: the caller drops it).
 * A WRITE's payload follows its request on the wire: the caller skips
 * req.length bytes before the next request.
 */
int nbd_wire_rx_feed(struct nbd_wire_rx *rx, const void *buf, size_t len,
		     struct nbd_wire_req *req, int *done);

/* Writes a simple reply (@error an NBD_WIRE_E* or 0) into @out. */
void nbd_wire_reply(uint8_t out[NBD_WIRE_REPLY_LEN], uint32_t error, uint64_t handle);

/*
 * What a read-only export of @size bytes answers @req with, before any
 * data: 0 (a READ to serve, FLUSH or CACHE with nothing to do),
 * NBD_WIRE_EPERM for anything that writes (WRITE, TRIM, WRITE_ZEROES),
 * NBD_WIRE_EINVAL for a READ past the end, zero-length or longer than
 * @max_len, NBD_WIRE_ENOTSUP for a command it does not know. DISC has no
 * reply: the caller checks for it first.
 */
uint32_t nbd_wire_check(const struct nbd_wire_req *req, uint64_t size, uint32_t max_len);

#endif
