/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nbd:// URLs (the NBD URI format, doc/uri.md in the nbd project, TCP
 * only) and the client side of the NBD fixed-newstyle handshake (doc/proto.md,
 * "Fixed newstyle negotiation"):
 *
 *   S: "NBDMAGIC" "IHAVEOPT" u16 handshake flags (FIXED_NEWSTYLE, NO_ZEROES)
 *   C: u32 client flags, then option NBD_OPT_GO: "IHAVEOPT" u32 7 u32 len,
 *      u32 name length, name, u16 1, u16 NBD_INFO_EXPORT
 *   S: replies: u64 0x3e889045565a9 u32 option u32 type u32 len, payload:
 *      NBD_REP_INFO (u16 info type + data; NBD_INFO_EXPORT = u64 size +
 *      u16 transmission flags), ..., then NBD_REP_ACK, or an error
 *      (type with bit 31 set, payload a message)
 *   A server without NBD_OPT_GO (NBD_REP_ERR_UNSUP, servers from before
 *   2017) is refused: the NBD_OPT_EXPORT_NAME fallback did not fit the
 *   binary's budget.
 *
 * Everything from the server is distrusted: each length is checked
 * against a fixed cap before a byte of its payload is taken, and the
 * decoder keeps only fixed-size state, so input split anywhere decodes the
 * same. Pure: no syscalls, no allocation.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nbd_proto.h"
#include "url.h"

#define NBDMAGIC        0x4e42444d41474943ULL	/* "NBDMAGIC" */
#define IHAVEOPT        0x49484156454f5054ULL	/* "IHAVEOPT" */
#define OLDSTYLE_MAGIC  0x0000420281861253ULL
#define REPLY_MAGIC     0x0003e889045565a9ULL

#define FLAG_FIXED_NEWSTYLE (1u << 0)	/* handshake and client flags */
#define FLAG_NO_ZEROES      (1u << 1)

#define OPT_GO          7
#define REP_ACK         1
#define REP_INFO        3
#define REP_FLAG_ERROR  (1u << 31)
#define INFO_EXPORT     0

#define REPLY_MAX       (2 + 4096)	/* an info type and a string of at most 4096 bytes */

static uint64_t be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

static uint8_t *put_be(uint8_t *p, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = n; i-- > 0; v >>= 8)
		p[i] = (uint8_t)v;
	return p + n;
}

/* ---- nbd:// URLs ---- */

/* url.c parses the authority (IPv6 literals included); the export is its path, decoded. */
int nbd_url_parse(const char *s, struct nbd_url *u)
{
	struct url v;
	const char *p;
	size_t n = 0;
	int rc = url_parse_as(s, "nbd", NBD_DEFAULT_PORT, &v);

	memset(u, 0, sizeof(*u));
	if (rc < 0)
		return rc;
	if (strchr(s, '#') || strchr(v.path, '?'))
		return -EINVAL;
	for (p = v.path + 1; *p; p++) {
		char c = *p;

		if (c == '%') {
			int hi = url_hex_digit(p[1]), lo = hi < 0 ? -1 : url_hex_digit(p[2]);

			if (lo < 0 || (hi | lo) == 0)
				return -EINVAL;
			c = (char)(hi << 4 | lo);
			p += 2;
		}
		if (n >= NBD_EXPORT_MAX)
			return -ENAMETOOLONG;
		u->export_name[n++] = c;
	}
	memcpy(u->host, v.host, sizeof(u->host));
	u->port = v.port;
	return 0;
}

/* ---- the handshake ---- */

/* noinline: -Oz copied it into each caller, which cost more bytes than the calls */
static __attribute__((noinline)) int fail(struct nbd_hs *h, int err, const char *why)
{
	h->state = NBD_HS_FAILED;
	h->err = err;
	h->why = why;
	return err;
}

/* Waits for @n bytes of a fixed part in h->buf. */
static __attribute__((noinline)) void expect(struct nbd_hs *h, enum nbd_hs_state st, size_t n)
{
	h->state = st;
	h->have = 0;
	h->need = n;
}

/* C: an option header and its @len bytes of data (written by the caller after it). */
static uint8_t *put_option(struct nbd_hs *h, uint8_t *p, uint32_t opt, uint32_t len)
{
	h->opt = opt;
	p = put_be(p, IHAVEOPT, 8);
	p = put_be(p, opt, 4);
	return put_be(p, len, 4);
}

static void send_go(struct nbd_hs *h)
{
	size_t n = strlen(h->export_name);
	uint8_t *p = h->out;

	p = put_be(p, FLAG_FIXED_NEWSTYLE | (h->hflags & FLAG_NO_ZEROES), 4);	/* client flags */
	p = put_option(h, p, OPT_GO, (uint32_t)(4 + n + 2 + 2));
	p = put_be(p, n, 4);
	memcpy(p, h->export_name, n);
	p = put_be(p + n, 1, 2);
	p = put_be(p, INFO_EXPORT, 2);
	h->out_len = (size_t)(p - h->out);
}

static int got_greeting(struct nbd_hs *h)
{
	if (be(h->buf, 8) != NBDMAGIC)
		return fail(h, -EPROTO, "not an NBD server (no NBDMAGIC greeting)");
	if (be(h->buf + 8, 8) == OLDSTYLE_MAGIC)
		return fail(h, -EPROTONOSUPPORT, "an oldstyle NBD server (no named exports); "
			    "run it with newstyle negotiation");
	if (be(h->buf + 8, 8) != IHAVEOPT)
		return fail(h, -EPROTO, "not an NBD server (no IHAVEOPT in the greeting)");
	h->hflags = (uint16_t)be(h->buf + 16, 2);
	if (!(h->hflags & FLAG_FIXED_NEWSTYLE))
		return fail(h, -EPROTO, "the NBD server lacks fixed newstyle negotiation");
	send_go(h);
	expect(h, NBD_HS_REPLY_HDR, 20);
	return 0;
}

/* NBD_REP_ERR_UNSUP (1) .. NBD_REP_ERR_EXT_HEADER_REQD (10) */
static int rep_error(struct nbd_hs *h)
{
	static const unsigned char errs[] = {
		EPROTONOSUPPORT, EACCES, EINVAL, EOPNOTSUPP, EPROTONOSUPPORT, ENOENT, ESHUTDOWN, EPROTO, EMSGSIZE, EPROTO,
	};
	static const char *const whys[] = {
		"the server predates NBD_OPT_GO (2017): upgrade it",
		"the server's policy refuses this export",
		"the server calls the request invalid",
		"the server's platform cannot serve this",
		"the server requires TLS, which netinit does not speak",
		"the server has no export of that name",
		"the server is shutting down",
		"the server requires block size negotiation",
		"the server calls the request too big",
		"the server requires extended headers",
	};
	uint32_t i = h->type - (REP_FLAG_ERROR | 1);

	if (i < sizeof(errs))
		return fail(h, -errs[i], whys[i]);
	return fail(h, -EPROTO, "the server answered NBD_OPT_GO with an unknown error");
}

static int got_reply_hdr(struct nbd_hs *h)
{
	uint32_t opt = (uint32_t)be(h->buf + 8, 4);

	h->type = (uint32_t)be(h->buf + 12, 4);
	h->left = be(h->buf + 16, 4);
	if (be(h->buf, 8) != REPLY_MAGIC)
		return fail(h, -EBADMSG, "bad magic in an option reply");
	if (opt != h->opt)
		return fail(h, -EBADMSG, "an option reply for another option");
	if (h->left > REPLY_MAX)
		return fail(h, -EBADMSG, "an option reply longer than 4098 bytes");
	if (h->type & REP_FLAG_ERROR) {
		h->state = NBD_HS_ERR_MSG;
		h->msg_len = 0;
		return h->left ? 0 : rep_error(h);
	}
	if (h->type == REP_ACK) {
		if (h->left)
			return fail(h, -EBADMSG, "NBD_REP_ACK with a payload");
		if (!h->have_export)
			return fail(h, -EBADMSG, "NBD_OPT_GO ended without the export's size");
		h->state = NBD_HS_DONE;
		h->done = 1;
		return 0;
	}
	if (h->type != REP_INFO)
		return fail(h, -EBADMSG, "an unexpected option reply type to NBD_OPT_GO");
	if (h->left < 2)
		return fail(h, -EBADMSG, "NBD_REP_INFO without an info type");
	h->left -= 2;
	expect(h, NBD_HS_INFO_TYPE, 2);
	return 0;
}

static int check_export(struct nbd_hs *h, uint64_t size, uint16_t tflags)
{
	if (!(tflags & NBD_TFLAG_HAS_FLAGS))
		return fail(h, -EBADMSG, "transmission flags without NBD_FLAG_HAS_FLAGS");
	if (size > (UINT64_MAX >> 1))
		return fail(h, -EBADMSG, "an export size over 2^63");
	h->size = size;
	h->tflags = tflags;
	h->have_export = 1;
	return 0;
}

/* NBD_INFO_EXPORT is kept; name, description, block size, anything newer skipped. */
static int got_info_type(struct nbd_hs *h)
{
	if (be(h->buf, 2) != INFO_EXPORT) {
		h->state = NBD_HS_SKIP;
		return 0;
	}
	if (h->left != 10)
		return fail(h, -EBADMSG, "NBD_INFO_EXPORT of the wrong length");
	expect(h, NBD_HS_INFO_BODY, 10);
	return 0;
}

static int got_info_body(struct nbd_hs *h)
{
	h->left = 0;
	expect(h, NBD_HS_REPLY_HDR, 20);
	return check_export(h, be(h->buf, 8), (uint16_t)be(h->buf + 8, 2));
}

/* Consumes payload bytes of the current reply (skipped or kept as the message). */
static size_t take_payload(struct nbd_hs *h, const uint8_t *in, size_t len)
{
	size_t n = len < h->left ? len : (size_t)h->left, i;

	for (i = 0; h->state == NBD_HS_ERR_MSG && i < n; i++) {
		uint8_t c = in[i];

		if (h->msg_len < sizeof(h->msg) - 1)
			h->msg[h->msg_len++] = (char)(c >= ' ' && c < 0x7f ? c : '?');
	}
	h->left -= n;
	return n;
}

/* The end of a payload: what comes next. */
static int payload_done(struct nbd_hs *h)
{
	if (h->state == NBD_HS_ERR_MSG) {
		h->msg[h->msg_len] = '\0';
		return rep_error(h);
	}
	expect(h, NBD_HS_REPLY_HDR, 20);
	return 0;
}

static int step(struct nbd_hs *h)
{
	switch (h->state) {
	case NBD_HS_GREETING:
		return got_greeting(h);
	case NBD_HS_REPLY_HDR:
		return got_reply_hdr(h);
	case NBD_HS_INFO_TYPE:
		return got_info_type(h);
	case NBD_HS_INFO_BODY:
		return got_info_body(h);
	default:
		return fail(h, -EPROTO, "handshake state machine broken");
	}
}

long nbd_hs_feed(struct nbd_hs *h, const uint8_t *in, size_t len)
{
	size_t used = 0;

	while (h->state != NBD_HS_FAILED && !h->done && !h->out_len) {
		int rc = 0;

		if (h->state == NBD_HS_SKIP || h->state == NBD_HS_ERR_MSG) {
			used += take_payload(h, in + used, len - used);
			if (h->left)
				break;
			rc = payload_done(h);
		} else {
			size_t n = h->need - h->have;

			if (n > len - used)
				n = len - used;
			memcpy(h->buf + h->have, in + used, n);
			h->have += n;
			used += n;
			if (h->have < h->need)
				break;
			rc = step(h);
		}
		if (rc < 0)
			break;
	}
	if (h->state == NBD_HS_FAILED)
		return h->err;
	return (long)used;
}

void nbd_hs_sent(struct nbd_hs *h)
{
	h->out_len = 0;
}

int nbd_hs_init(struct nbd_hs *h, const char *export_name)
{
	size_t n = strlen(export_name);

	memset(h, 0, sizeof(*h));
	if (n > NBD_EXPORT_MAX)
		return -ENAMETOOLONG;
	memcpy(h->export_name, export_name, n + 1);
	expect(h, NBD_HS_GREETING, 18);
	return 0;
}
