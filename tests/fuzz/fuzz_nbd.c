/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for src/nbd_proto.c. The input is what an NBD server
 * (distrusted) sends during the handshake: it is fed whole, split at two
 * offsets derived from the data, and byte by byte, answering every
 * h->out as a client does; every way must give the same result and the
 * same client bytes. Checks nbd_proto.h's promises: only documented
 * errors, sticky; an unfinished handshake takes every byte; done means
 * HAS_FLAGS and a size below 2^63; the kept message is printable and
 * terminated. The input (up to its first NUL) is also parsed as an nbd://
 * URL: a parsed URL printed back (export percent-encoded) parses the same.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nbd_proto.h"

#define MORE 1

struct got {
	int rc;
	size_t used;
	uint64_t size;
	uint16_t tflags;
	char msg[NBD_MSG_MAX];
	uint8_t out[4096];
	size_t out_len;
};

static int documented(long rc)
{
	return rc == -EPROTO || rc == -EPROTONOSUPPORT || rc == -EBADMSG || rc == -ENOENT ||
	       rc == -EACCES || rc == -ESHUTDOWN || rc == -EINVAL || rc == -EOPNOTSUPP ||
	       rc == -EMSGSIZE;
}

static void check_msg(const char *msg)
{
	const char *end = memchr(msg, '\0', NBD_MSG_MAX);

	if (!end)
		abort();
	for (; msg < end; msg++)
		if (*msg < ' ' || *msg >= 0x7f)
			abort();
}

/* Feeds @in in pieces ending at @cuts[0..n) and then at @len. */
static void run(const uint8_t *in, size_t len, const size_t *cuts, size_t n, struct got *g)
{
	static struct nbd_hs h;
	size_t from = 0, i;

	memset(g, 0, sizeof(*g));
	g->rc = MORE;
	if (nbd_hs_init(&h, "img") < 0)
		abort();
	for (i = 0; i <= n; i++) {
		size_t to = i < n ? cuts[i] : len;

		for (;;) {
			long rc = nbd_hs_feed(&h, in + from, to - from);

			if (rc < 0) {
				if (!documented(rc) || !h.why || nbd_hs_feed(&h, in, len) != rc)
					abort();
				check_msg(h.msg);
				g->rc = (int)rc;
				memcpy(g->msg, h.msg, sizeof(g->msg));
				return;
			}
			if ((size_t)rc > to - from)
				abort();
			from += (size_t)rc;
			g->used += (size_t)rc;
			if (h.out_len) {
				if (h.out_len > sizeof(h.out) || g->out_len + h.out_len > sizeof(g->out))
					abort();
				memcpy(g->out + g->out_len, h.out, h.out_len);
				g->out_len += h.out_len;
				nbd_hs_sent(&h);
				continue;
			}
			if (h.done) {
				if (!(h.tflags & NBD_TFLAG_HAS_FLAGS) || h.size > (UINT64_MAX >> 1))
					abort();
				if (nbd_hs_feed(&h, in, len) != 0)	/* done takes nothing more */
					abort();
				g->rc = 0;
				g->size = h.size;
				g->tflags = h.tflags;
				return;
			}
			if (from != to)	/* unfinished: every byte taken */
				abort();
			break;
		}
	}
}

static int same(const struct got *a, const struct got *b)
{
	return a->rc == b->rc && a->out_len == b->out_len &&
	       memcmp(a->out, b->out, a->out_len) == 0 &&
	       (a->rc != 0 || (a->used == b->used && a->size == b->size &&
			       a->tflags == b->tflags)) &&
	       (a->rc >= 0 || strcmp(a->msg, b->msg) == 0);
}

static void check_url(const uint8_t *data, size_t size)
{
	static char s[2048], back[4096];
	struct nbd_url u, v;
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1, i, at;
	int rc;

	memcpy(s, data, n);
	s[n] = '\0';
	rc = nbd_url_parse(s, &u);
	if (rc < 0) {
		if (rc != -EINVAL && rc != -EPROTONOSUPPORT && rc != -ENAMETOOLONG &&
		    rc != -EADDRNOTAVAIL)
			abort();
		return;
	}
	if (u.port == 0 || !memchr(u.host, '\0', sizeof(u.host)) ||
	    strlen(u.export_name) > NBD_EXPORT_MAX)
		abort();
	/* an IPv6 literal keeps its brackets and colons; nothing else has a ':' */
	for (i = 0; u.host[i]; i++)
		if (strchr(u.host[0] == '[' ? "/@?#% " : "/@?#:% ", u.host[i]) ||
		    u.host[i] < ' ' || u.host[i] >= 0x7f)
			abort();
	at = (size_t)snprintf(back, sizeof(back), "nbd://%s:%u/", u.host, u.port);
	for (i = 0; u.export_name[i]; i++)
		at += (size_t)snprintf(back + at, sizeof(back) - at, "%%%02x",
				       (unsigned char)u.export_name[i]);
	if (nbd_url_parse(back, &v) != 0 || strcmp(u.host, v.host) || u.port != v.port ||
	    strcmp(u.export_name, v.export_name))
		abort();
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
	static size_t cuts[1 << 14];
	uint32_t h = hash(data, size);
	size_t i;

	if (size > sizeof(cuts) / sizeof(cuts[0]))
		return 0;
	check_url(data, size);
	run(data, size, NULL, 0, &whole);

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
