/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for src/nbd_wire.c: requests as the kernel's nbd driver sends
 * them (bytes built by hand from the protocol document), fed whole, split
 * at every offset, byte by byte and back to back; replies byte for byte;
 * what a read-only export answers to every command.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "nbd_wire.h"

/* READ, handle 0x0102030405060708, offset 0x1000 (4096), length 0x20000 (128 KiB) */
static const uint8_t read_req[28] = {
	0x25, 0x60, 0x95, 0x13, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	0x00, 0x02, 0x00, 0x00,
};
/* DISC with the FUA flag (1), handle all ones, offset 2^40 */
static const uint8_t disc_req[28] = {
	0x25, 0x60, 0x95, 0x13, 0x00, 0x01, 0x00, 0x02,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

static void check_read(const struct nbd_wire_req *r)
{
	CHECK_EQ_INT(r->type, NBD_WIRE_READ);
	CHECK_EQ_INT(r->flags, 0);
	CHECK(r->handle == 0x0102030405060708ULL);
	CHECK_EQ_INT(r->offset, 4096);
	CHECK_EQ_INT(r->length, 131072);
}

static void test_splits(void)
{
	struct nbd_wire_rx rx;
	struct nbd_wire_req r;
	size_t cut, i;
	int done, n;

	/* whole */
	nbd_wire_rx_init(&rx);
	CHECK_EQ_INT(nbd_wire_rx_feed(&rx, read_req, 28, &r, &done), 28);
	CHECK_EQ_INT(done, 1);
	check_read(&r);
	/* split at every offset */
	for (cut = 1; cut < 28; cut++) {
		memset(&r, 0, sizeof(r));
		nbd_wire_rx_init(&rx);
		CHECK_EQ_INT(nbd_wire_rx_feed(&rx, read_req, cut, &r, &done), (long long)cut);
		CHECK_EQ_INT(done, 0);
		CHECK_EQ_INT(nbd_wire_rx_feed(&rx, read_req + cut, 28 - cut, &r, &done),
			     (long long)(28 - cut));
		CHECK_EQ_INT(done, 1);
		check_read(&r);
	}
	/* byte by byte */
	nbd_wire_rx_init(&rx);
	for (i = 0; i < 28; i++) {
		CHECK_EQ_INT(nbd_wire_rx_feed(&rx, read_req + i, 1, &r, &done), 1);
		CHECK_EQ_INT(done, i == 27);
	}
	check_read(&r);
	/* two back to back: the first call stops at the end of the first */
	{
		uint8_t two[56];

		memcpy(two, read_req, 28);
		memcpy(two + 28, disc_req, 28);
		for (cut = 0; cut <= 56; cut++) {
			size_t off = 0;
			int got = 0;

			nbd_wire_rx_init(&rx);
			while (off < 56) {
				size_t end = off < cut ? cut : 56;

				n = nbd_wire_rx_feed(&rx, two + off, end - off, &r, &done);
				CHECK(n > 0);
				if (n <= 0)
					break;
				off += (size_t)n;
				if (done && got++ == 0)
					check_read(&r);
			}
			CHECK_EQ_INT(got, 2);
			CHECK_EQ_INT(r.type, NBD_WIRE_DISC);
			CHECK_EQ_INT(r.flags, 1);
			CHECK(r.handle == ~0ULL);
			CHECK(r.offset == 1ULL << 40);
			CHECK_EQ_INT(r.length, 0);
		}
	}
}

static void test_bad_magic(void)
{
	struct nbd_wire_rx rx;
	struct nbd_wire_req r;
	uint8_t bad[28];
	int done;

	memcpy(bad, read_req, 28);
	bad[3] = 0x14;
	nbd_wire_rx_init(&rx);
	CHECK_EQ_INT(nbd_wire_rx_feed(&rx, bad, 27, &r, &done), 27);
	CHECK_EQ_INT(nbd_wire_rx_feed(&rx, bad + 27, 1, &r, &done), -EBADMSG);
	CHECK_EQ_INT(done, 0);
	/* the old-style (fixed newstyle) reply magic is not a request either */
	bad[0] = 0x67, bad[1] = 0x44, bad[2] = 0x66, bad[3] = 0x98;
	nbd_wire_rx_init(&rx);
	CHECK_EQ_INT(nbd_wire_rx_feed(&rx, bad, 28, &r, &done), -EBADMSG);
	/* empty input: nothing consumed, nothing done */
	nbd_wire_rx_init(&rx);
	CHECK_EQ_INT(nbd_wire_rx_feed(&rx, read_req, 0, &r, &done), 0);
	CHECK_EQ_INT(done, 0);
}

static void test_reply(void)
{
	static const uint8_t want[16] = {
		0x67, 0x44, 0x66, 0x98, 0x00, 0x00, 0x00, 0x05,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	};
	uint8_t out[16];

	nbd_wire_reply(out, NBD_WIRE_EIO, 0x0102030405060708ULL);
	CHECK(memcmp(out, want, 16) == 0);
	nbd_wire_reply(out, 0, 0);
	CHECK(out[7] == 0 && out[15] == 0 && out[0] == 0x67);
}

static const struct ccase {
	int line;
	uint16_t type;
	uint64_t offset;
	uint32_t length;
	uint32_t want;
} check_cases[] = {
	{ __LINE__, NBD_WIRE_READ, 0, 4096, 0 },
	{ __LINE__, NBD_WIRE_READ, 1000000 - 4096, 4096, 0 },		/* the last block */
	{ __LINE__, NBD_WIRE_READ, 1000000 - 4096, 4097, NBD_WIRE_EINVAL },	/* past the end */
	{ __LINE__, NBD_WIRE_READ, 1000000, 1, NBD_WIRE_EINVAL },
	{ __LINE__, NBD_WIRE_READ, ~0ULL - 10, 4096, NBD_WIRE_EINVAL },	/* would wrap */
	{ __LINE__, NBD_WIRE_READ, 0, 0, NBD_WIRE_EINVAL },
	{ __LINE__, NBD_WIRE_READ, 0, 65536, 0 },			/* the cap itself */
	{ __LINE__, NBD_WIRE_READ, 0, 65537, NBD_WIRE_EINVAL },
	{ __LINE__, NBD_WIRE_WRITE, 0, 4096, NBD_WIRE_EPERM },
	{ __LINE__, NBD_WIRE_TRIM, 0, 4096, NBD_WIRE_EPERM },
	{ __LINE__, NBD_WIRE_WRITE_ZEROES, 0, 4096, NBD_WIRE_EPERM },
	{ __LINE__, NBD_WIRE_FLUSH, 0, 0, 0 },
	{ __LINE__, NBD_WIRE_CACHE, 0, 4096, 0 },
	{ __LINE__, 7, 0, 4096, NBD_WIRE_ENOTSUP },			/* BLOCK_STATUS */
	{ __LINE__, 0xffff, 0, 4096, NBD_WIRE_ENOTSUP },
};

static void test_check(void)
{
	size_t i;

	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		const struct ccase *c = &check_cases[i];
		struct nbd_wire_req r = { 0, c->type, 1, c->offset, c->length };
		uint32_t got = nbd_wire_check(&r, 1000000, 65536);

		if (got != c->want)
			fprintf(stderr, "test_nbd_wire.c:%d: ", c->line);
		CHECK_EQ_INT(got, c->want);
	}
}

int main(void)
{
	test_splits();
	test_bad_magic();
	test_reply();
	test_check();
	printf("nbd_wire: %d passed, %d failed\n", check_pass, check_fail);
	return check_fail != 0;
}
