/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for src/nbd_proto.c: nbd:// URLs, and the handshake decoder
 * fed canned server transcripts whole, split at every byte offset and byte
 * by byte; every way must give the same result and the same client bytes.
 * Transcripts marked "captured" were recorded from the named server on
 * loopback (export "img" of 1052672 bytes, read-only; a Python client sent
 * the bytes this client sends and kept every byte of the answers).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "nbd_proto.h"

#define MORE 1

/* Server bytes, as C string literals (NUL bytes allowed). */
#define GREETING(fl)     "NBDMAGIC" "IHAVEOPT" "\0" fl
#define MAGIC_REP        "\x00\x03\xe8\x89\x04\x55\x65\xa9"
#define GO               "\0\0\0\x07"
#define REP(opt, type, len) MAGIC_REP opt type len
#define INFO_EXPORT(size8, fl2) REP(GO, "\0\0\0\x03", "\0\0\0\x0c") "\0\0" size8 fl2
#define ACK              REP(GO, "\0\0\0\x01", "\0\0\0\0")
#define MIB              "\0\0\0\0\0\x10\0\0"
#define S(lit)           lit, sizeof(lit) - 1

/* Client bytes: flags, then NBD_OPT_GO for "img" asking for NBD_INFO_EXPORT. */
#define GO_IMG  "IHAVEOPT" GO "\0\0\0\x0b" "\0\0\0\x03" "img" "\0\x01" "\0\0"
#define C_FLAGS3 "\0\0\0\x03"
#define C_FLAGS1 "\0\0\0\x01"

struct want {
	int rc;
	uint64_t size;
	uint16_t tflags;
	uint32_t min_block;	/* always 0: NBD_INFO_BLOCK_SIZE is skipped, as netinit needs none */
	const char *msg;	/* the server's message kept, for errors */
};

struct tcase {
	const char *name;
	struct want w;
	const char *in;
	size_t in_len;
	const char *out;	/* what the client must send, in order */
	size_t out_len;
};

static const struct tcase cases[] = {
	{ "nbd-server 3.24 (captured)", { 0, 1052672, 0x0143, 0, "" },
	  S("\x4e\x42\x44\x4d\x41\x47\x49\x43\x49\x48\x41\x56\x45\x4f\x50\x54\x00\x03"
	    "\x00\x03\xe8\x89\x04\x55\x65\xa9\x00\x00\x00\x07\x00\x00\x00\x03\x00\x00\x00\x0c"
	    "\x00\x00\x00\x00\x00\x00\x00\x10\x10\x00\x01\x43\x00\x03\xe8\x89\x04\x55\x65\xa9"
	    "\x00\x00\x00\x07\x00\x00\x00\x01\x00\x00\x00\x00"), S(C_FLAGS3 GO_IMG) },
	{ "nbd-server 3.24, unknown export (captured)", { -ENOENT, 0, 0, 0, "Export unknown" },
	  S("\x4e\x42\x44\x4d\x41\x47\x49\x43\x49\x48\x41\x56\x45\x4f\x50\x54\x00\x03"
	    "\x00\x03\xe8\x89\x04\x55\x65\xa9\x00\x00\x00\x07\x80\x00\x00\x06\x00\x00\x00\x0e"
	    "\x45\x78\x70\x6f\x72\x74\x20\x75\x6e\x6b\x6e\x6f\x77\x6e"), S(C_FLAGS3 GO_IMG) },
	{ "nbdkit 1.32.5, file plugin, exportname filter (captured)", { 0, 1052672, 0x0507, 0, "" },
	  S("\x4e\x42\x44\x4d\x41\x47\x49\x43\x49\x48\x41\x56\x45\x4f\x50\x54\x00\x03"
	    "\x00\x03\xe8\x89\x04\x55\x65\xa9\x00\x00\x00\x07\x00\x00\x00\x03\x00\x00\x00\x0c"
	    "\x00\x00\x00\x00\x00\x00\x00\x10\x10\x00\x05\x07\x00\x03\xe8\x89\x04\x55\x65\xa9"
	    "\x00\x00\x00\x07\x00\x00\x00\x01\x00\x00\x00\x00"), S(C_FLAGS3 GO_IMG) },
	{ "nbdkit 1.32.5, unknown export (captured)", { -ENOENT, 0, 0, 0, "" },
	  S("\x4e\x42\x44\x4d\x41\x47\x49\x43\x49\x48\x41\x56\x45\x4f\x50\x54\x00\x03"
	    "\x00\x03\xe8\x89\x04\x55\x65\xa9\x00\x00\x00\x07\x80\x00\x00\x06\x00\x00\x00\x00"),
	  S(C_FLAGS3 GO_IMG) },
	{ "GO: export info, ack", { 0, 1 << 20, 0x0003, 0, "" },
	  S(GREETING("\x03") INFO_EXPORT(MIB, "\0\x03") ACK), S(C_FLAGS3 GO_IMG) },
	{ "GO: name, description, block size, export (any order)", { 0, 4096, 0x0123, 0, "" },
	  S(GREETING("\x03")
	    REP(GO, "\0\0\0\x03", "\0\0\0\x05") "\0\x01" "img"
	    REP(GO, "\0\0\0\x03", "\0\0\0\x06") "\0\x02" "desc"
	    REP(GO, "\0\0\0\x03", "\0\0\0\x0e") "\0\x03" "\0\0\x02\0" "\0\0\x10\0" "\x02\0\0\0"
	    REP(GO, "\0\0\0\x03", "\0\0\0\x02") "\0\x09"	/* unknown info type, empty */
	    INFO_EXPORT("\0\0\0\0\0\0\x10\0", "\x01\x23") ACK),
	  S(C_FLAGS3 GO_IMG) },
	{ "GO without NO_ZEROES: client flags 1", { 0, 1 << 20, 0x0001, 0, "" },
	  S(GREETING("\x01") INFO_EXPORT(MIB, "\0\x01") ACK), S(C_FLAGS1 GO_IMG) },
	{ "old server: NBD_REP_ERR_UNSUP to NBD_OPT_GO: refused", { -EPROTONOSUPPORT, 0, 0, 0, "nope!" },
	  S(GREETING("\x03") REP(GO, "\x80\0\0\x01", "\0\0\0\x05") "nope!"),
	  S(C_FLAGS3 GO_IMG) },
	{ "unknown export, with a message", { -ENOENT, 0, 0, 0, "Export unknown" },
	  S(GREETING("\x03") REP(GO, "\x80\0\0\x06", "\0\0\0\x0e") "Export unknown"),
	  S(C_FLAGS3 GO_IMG) },
	{ "unknown export, no message", { -ENOENT, 0, 0, 0, "" },
	  S(GREETING("\x03") REP(GO, "\x80\0\0\x06", "\0\0\0\0")), S(C_FLAGS3 GO_IMG) },
	{ "message bytes made printable", { -EACCES, 0, 0, 0, "no?way" },
	  S(GREETING("\x03") REP(GO, "\x80\0\0\x02", "\0\0\0\x06") "no\nway"), S(C_FLAGS3 GO_IMG) },
	{ "TLS required", { -EPROTONOSUPPORT, 0, 0, 0, "" },
	  S(GREETING("\x03") REP(GO, "\x80\0\0\x05", "\0\0\0\0")), S(C_FLAGS3 GO_IMG) },
	{ "shutting down", { -ESHUTDOWN, 0, 0, 0, "" },
	  S(GREETING("\x03") REP(GO, "\x80\0\0\x07", "\0\0\0\0")), S(C_FLAGS3 GO_IMG) },
	{ "an unknown error", { -EPROTO, 0, 0, 0, "x" },
	  S(GREETING("\x03") REP(GO, "\x80\0\0\x7f", "\0\0\0\x01") "x"), S(C_FLAGS3 GO_IMG) },
	/* malformed */
	{ "an HTTP server", { -EPROTO, 0, 0, 0, "" }, S("HTTP/1.1 400 Bad Request\r\n"), S("") },
	{ "oldstyle", { -EPROTONOSUPPORT, 0, 0, 0, "" },
	  S("NBDMAGIC" "\0\0\x42\x02\x81\x86\x12\x53" "\0\0\0\0\0\x10\0\0"), S("") },
	{ "newstyle without FIXED_NEWSTYLE", { -EPROTO, 0, 0, 0, "" }, S(GREETING("\x02")), S("") },
	{ "bad reply magic", { -EBADMSG, 0, 0, 0, "" },
	  S(GREETING("\x03") "\x00\x03\xe8\x89\x04\x55\x65\xaa" GO "\0\0\0\x01" "\0\0\0\0"),
	  S(C_FLAGS3 GO_IMG) },
	{ "reply for another option", { -EBADMSG, 0, 0, 0, "" },
	  S(GREETING("\x03") REP("\0\0\0\x06", "\0\0\0\x01", "\0\0\0\0")), S(C_FLAGS3 GO_IMG) },
	{ "reply over the cap", { -EBADMSG, 0, 0, 0, "" },
	  S(GREETING("\x03") REP(GO, "\0\0\0\x03", "\0\0\x10\x03")), S(C_FLAGS3 GO_IMG) },
	{ "error message over the cap", { -EBADMSG, 0, 0, 0, "" },
	  S(GREETING("\x03") REP(GO, "\x80\0\0\x06", "\xff\xff\xff\xff")), S(C_FLAGS3 GO_IMG) },
	{ "ack with a payload", { -EBADMSG, 0, 0, 0, "" },
	  S(GREETING("\x03") INFO_EXPORT(MIB, "\0\x03") REP(GO, "\0\0\0\x01", "\0\0\0\x01") "x"),
	  S(C_FLAGS3 GO_IMG) },
	{ "ack without the export info", { -EBADMSG, 0, 0, 0, "" },
	  S(GREETING("\x03") ACK), S(C_FLAGS3 GO_IMG) },
	{ "export info of 11 bytes", { -EBADMSG, 0, 0, 0, "" },
	  S(GREETING("\x03") REP(GO, "\0\0\0\x03", "\0\0\0\x0b") "\0\0" MIB "\0"), S(C_FLAGS3 GO_IMG) },
	{ "block size info of 13 bytes: skipped as any info but the export's", { MORE, 0, 0, 0, "" },
	  S(GREETING("\x03") REP(GO, "\0\0\0\x03", "\0\0\0\x0d") "\0\x03" "\0\0\x02\0" "\0\0\x10\0" "\x02\0\0"),
	  S(C_FLAGS3 GO_IMG) },
	{ "info without a type", { -EBADMSG, 0, 0, 0, "" },
	  S(GREETING("\x03") REP(GO, "\0\0\0\x03", "\0\0\0\x01") "\0"), S(C_FLAGS3 GO_IMG) },
	{ "export flags without HAS_FLAGS", { -EBADMSG, 0, 0, 0, "" },
	  S(GREETING("\x03") INFO_EXPORT(MIB, "\0\x02") ACK), S(C_FLAGS3 GO_IMG) },
	{ "export size over 2^63", { -EBADMSG, 0, 0, 0, "" },
	  S(GREETING("\x03") INFO_EXPORT("\x80\0\0\0\0\0\0\0", "\0\x01") ACK), S(C_FLAGS3 GO_IMG) },
	{ "NBD_REP_SERVER to GO", { -EBADMSG, 0, 0, 0, "" },
	  S(GREETING("\x03") REP(GO, "\0\0\0\x02", "\0\0\0\x04") "\0\0\0\0"), S(C_FLAGS3 GO_IMG) },
	/* unfinished */
	{ "greeting cut short", { MORE, 0, 0, 0, "" }, S("NBDMAGICIHAVEOPT\0"), S("") },
	{ "waiting for the ack", { MORE, 0, 0, 0, "" },
	  S(GREETING("\x03") INFO_EXPORT(MIB, "\0\x03")), S(C_FLAGS3 GO_IMG) },
	{ "error message cut short", { MORE, 0, 0, 0, "" },
	  S(GREETING("\x03") REP(GO, "\x80\0\0\x06", "\0\0\0\x0e") "Export"), S(C_FLAGS3 GO_IMG) },
};

struct got {
	int rc;
	size_t used;
	uint64_t size;
	uint16_t tflags;
	uint32_t min_block;
	char msg[NBD_MSG_MAX];
	uint8_t out[2048];
	size_t out_len;
};

/* Feeds @in in pieces ending at @cuts[0..n) and then at @len. */
static void run(const char *exp, const uint8_t *in, size_t len, const size_t *cuts, size_t n,
		struct got *g)
{
	static struct nbd_hs h;
	size_t from = 0, i;

	memset(g, 0, sizeof(*g));
	g->rc = MORE;
	if (nbd_hs_init(&h, exp) < 0) {
		g->rc = -ENAMETOOLONG;
		return;
	}
	for (i = 0; i <= n && g->rc == MORE; i++) {
		size_t to = i < n ? cuts[i] : len;

		for (;;) {
			long rc = nbd_hs_feed(&h, in + from, to - from);

			if (rc < 0) {
				g->rc = (int)rc;
				memcpy(g->msg, h.msg, sizeof(g->msg));
				CHECK(h.why != NULL);
				CHECK_EQ_INT(nbd_hs_feed(&h, in, len), rc);	/* sticky */
				return;
			}
			CHECK((size_t)rc <= to - from);
			from += (size_t)rc;
			g->used += (size_t)rc;
			if (h.out_len) {
				CHECK(g->out_len + h.out_len <= sizeof(g->out));
				memcpy(g->out + g->out_len, h.out, h.out_len);
				g->out_len += h.out_len;
				nbd_hs_sent(&h);
				continue;
			}
			if (h.done) {
				g->rc = 0;
				g->size = h.size;
				g->tflags = h.tflags;
				g->min_block = 0;
				return;
			}
			CHECK_EQ_INT(from, to);	/* unfinished: every byte taken */
			break;
		}
	}
}

static void check_case(const struct tcase *c, const uint8_t *in, size_t len, const struct got *g,
		       const char *how)
{
	int bad = 0;

	bad |= g->rc != c->w.rc;
	bad |= g->out_len != c->out_len || memcmp(g->out, c->out, c->out_len) != 0;
	if (c->w.rc == 0)
		bad |= g->size != c->w.size || g->tflags != c->w.tflags ||
		       g->min_block != c->w.min_block || g->used != len;
	if (c->w.rc < 0)
		bad |= strcmp(g->msg, c->w.msg) != 0;
	if (bad)
		fprintf(stderr, "%s (%s): rc %d (want %d), size %llu, flags 0x%x, out %zu bytes "
			"(want %zu), msg '%s'\n", c->name, how, g->rc, c->w.rc,
			(unsigned long long)g->size, g->tflags, g->out_len, c->out_len, g->msg);
	CHECK(!bad);
	(void)in;
}

static void test_transcripts(void)
{
	static size_t cuts[8192];
	size_t i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		const uint8_t *in = (const uint8_t *)c->in;
		struct got g;

		run("img", in, c->in_len, NULL, 0, &g);
		check_case(c, in, c->in_len, &g, "whole");
		for (k = 0; k <= c->in_len; k++) {
			cuts[0] = k;
			run("img", in, c->in_len, cuts, 1, &g);
			check_case(c, in, c->in_len, &g, "split");
		}
		for (k = 0; k < c->in_len; k++)
			cuts[k] = k + 1;
		run("img", in, c->in_len, cuts, c->in_len, &g);
		check_case(c, in, c->in_len, &g, "byte by byte");
	}
}

/* A long message kept in part; bytes after the handshake left unconsumed. */
static void test_long(void)
{
	static const char done[] = GREETING("\x03") INFO_EXPORT(MIB, "\0\x03") ACK;
	static uint8_t in[8192];
	size_t n = sizeof(done) - 1;
	struct got g;

	memcpy(in, done, n);
	memset(in + n, 0, 76);
	run("img", in, n + 76, NULL, 0, &g);
	CHECK_EQ_INT(g.rc, 0);
	CHECK_EQ_INT(g.size, 1 << 20);
	CHECK_EQ_INT(g.used, n);

	/* a 4096-byte message (the most proto.md allows): the first 127 bytes kept */
	memcpy(in, GREETING("\x03") REP(GO, "\x80\0\0\x06", "\0\0\x10\0"), 18 + 20);
	memset(in + 38, 'm', 4096);
	run("img", in, 38 + 4096, NULL, 0, &g);
	CHECK_EQ_INT(g.rc, -ENOENT);
	CHECK_EQ_INT(strlen(g.msg), NBD_MSG_MAX - 1);
	run("img", in, 38 + 4095, NULL, 0, &g);
	CHECK_EQ_INT(g.rc, MORE);
}

static void test_export_names(void)
{
	static char name[NBD_EXPORT_MAX + 2];
	static const char in[] = GREETING("\x03");
	struct nbd_hs h;

	memset(name, 'n', NBD_EXPORT_MAX);
	CHECK_EQ_INT(nbd_hs_init(&h, name), 0);
	CHECK_EQ_INT(nbd_hs_feed(&h, (const uint8_t *)in, sizeof(in) - 1), 18);
	CHECK_EQ_INT(h.out_len, 4 + 16 + 4 + NBD_EXPORT_MAX + 4);
	name[NBD_EXPORT_MAX] = 'n';
	CHECK_EQ_INT(nbd_hs_init(&h, name), -ENAMETOOLONG);
	/* the default export: an empty name */
	CHECK_EQ_INT(nbd_hs_init(&h, ""), 0);
	CHECK_EQ_INT(nbd_hs_feed(&h, (const uint8_t *)in, sizeof(in) - 1), 18);
	CHECK_EQ_INT(h.out_len, 4 + 16 + 4 + 0 + 4);
	CHECK(memcmp(h.out + 20, "\0\0\0\0\0\x01\0\0", 8) == 0);
}

static const struct {
	const char *s;
	int rc;
	const char *host;
	unsigned port;
	const char *exp;
} urls[] = {
	{ "nbd://10.0.2.2/img", 0, "10.0.2.2", 10809, "img" },
	{ "NBD://server.example:10810/gentoo/live.sqfs", 0, "server.example", 10810, "gentoo/live.sqfs" },
	{ "nbd://server", 0, "server", 10809, "" },
	{ "nbd://server/", 0, "server", 10809, "" },
	{ "nbd://server:/x", 0, "server", 10809, "x" },
	{ "nbd:///img", 0, "", 10809, "img" },
	{ "nbd://h/a%20b%2Fc%7e", 0, "h", 10809, "a b/c~" },
	{ "nbd://h/%00", -EINVAL, "", 0, "" },
	{ "nbd://h/%2", -EINVAL, "", 0, "" },
	{ "nbd://h/%zz", -EINVAL, "", 0, "" },
	{ "nbd://h/a b", -EINVAL, "", 0, "" },
	{ "nbd://h/a?tls=on", -EINVAL, "", 0, "" },
	{ "nbd://h?x", -EINVAL, "", 0, "" },
	{ "nbd://h/a#f", -EINVAL, "", 0, "" },
	{ "nbd://user@h/a", -EINVAL, "", 0, "" },
	{ "nbd://h:0/a", -EINVAL, "", 0, "" },
	{ "nbd://h:65536/a", -EINVAL, "", 0, "" },
	{ "nbd://h:12x/a", -EINVAL, "", 0, "" },
	{ "nbd://[::1]/a", 0, "[::1]", 10809, "a" },
	{ "nbd://[2001:db8::10]:10810/live%2Fimg", 0, "[2001:db8::10]", 10810, "live/img" },
	{ "nbd://[fe80::1%25eth0]/a", -EADDRNOTAVAIL, "", 0, "" },
	{ "nbd://[2001:db8::1/a", -EINVAL, "", 0, "" },
	{ "nbd://[::1]x/a", -EINVAL, "", 0, "" },
	{ "nbd://[10.0.2.2]/a", -EINVAL, "", 0, "" },
	{ "nbd:/h/a", -EINVAL, "", 0, "" },
	{ "nbd:h", -EINVAL, "", 0, "" },
	{ "nbds://h/a", -EPROTONOSUPPORT, "", 0, "" },
	{ "nbd+unix:///a?socket=/s", -EPROTONOSUPPORT, "", 0, "" },
	{ "http://h/a", -EPROTONOSUPPORT, "", 0, "" },
	{ "://h/a", -EINVAL, "", 0, "" },
	{ "", -EINVAL, "", 0, "" },
};

static void test_urls(void)
{
	static char big[NBD_EXPORT_MAX + 64];
	struct nbd_url u;
	size_t i;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		int rc = nbd_url_parse(urls[i].s, &u);

		if (rc != urls[i].rc)
			fprintf(stderr, "url '%s'\n", urls[i].s);
		CHECK_EQ_INT(rc, urls[i].rc);
		if (rc == 0 && urls[i].rc == 0) {
			CHECK_EQ_STR(u.host, urls[i].host);
			CHECK_EQ_INT(u.port, urls[i].port);
			CHECK_EQ_STR(u.export_name, urls[i].exp);
		}
	}
	/* the export name's cap, counted after decoding */
	strcpy(big, "nbd://h/");
	memset(big + 8, 'e', NBD_EXPORT_MAX);
	CHECK_EQ_INT(nbd_url_parse(big, &u), 0);
	CHECK_EQ_INT(strlen(u.export_name), NBD_EXPORT_MAX);
	strcat(big, "e");
	CHECK_EQ_INT(nbd_url_parse(big, &u), -ENAMETOOLONG);
	memcpy(big + 8 + NBD_EXPORT_MAX - 2, "%41", 4);	/* 254 letters and %41: 255 */
	CHECK_EQ_INT(nbd_url_parse(big, &u), 0);
	/* host cap */
	strcpy(big, "nbd://");
	memset(big + 6, 'h', NBD_HOST_MAX);
	strcpy(big + 6 + NBD_HOST_MAX, "/a");
	CHECK_EQ_INT(nbd_url_parse(big, &u), -ENAMETOOLONG);
}

int main(void)
{
	test_transcripts();
	test_long();
	test_export_names();
	test_urls();
	return check_report("test_nbd_proto");
}
