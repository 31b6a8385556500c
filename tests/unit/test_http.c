/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for src/http.c. Every response is fed whole, split at every
 * byte offset (and at every pair of offsets for short ones) and byte by
 * byte; all ways must give the same result. Responses marked "captured"
 * were recorded from the named server on loopback.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "http.h"

#define MORE 1	/* rc for "head not complete yet" */

struct want {
	int rc;			/* 0 = done, MORE, or a negative errno */
	int status, minor;
	long long clen;
	int chunked, close, has_range;
	unsigned long long first, last;
	long long total;
	const char *location;
};

struct rcase {
	const char *name;
	struct want w;
	const char *head;	/* the response head, NUL bytes allowed */
	size_t head_len;
	const char *body;	/* what follows the head */
	size_t body_len;
};

#define S(lit) lit, sizeof(lit) - 1

#define OK(st, mi, cl, ch, cls) { 0, st, mi, cl, ch, cls, 0, 0, 0, -1, "" }
#define RANGE(st, cl, cls, f, l, t) { 0, st, 1, cl, 0, cls, 1, f, l, t, "" }
#define REDIR(st, mi, cl, cls, loc) { 0, st, mi, cl, 0, cls, 0, 0, 0, -1, loc }
#define FAIL(e) { e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

static const struct rcase cases[] = {
	/* real servers */
	{ "python3.11 http.server 200 (captured)", OK(200, 0, 100, 0, 1),
	  S("HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.7\r\n"
	    "Date: Tue, 24 Nov 2026 19:36:17 GMT\r\nContent-type: application/octet-stream\r\n"
	    "Content-Length: 100\r\nLast-Modified: Tue, 24 Nov 2026 19:36:15 GMT\r\n\r\n"),
	  S("hsqs\0\0\0\0body") },
	{ "python3.11 http.server 404 (captured)", OK(404, 0, 335, 0, 1),
	  S("HTTP/1.0 404 File not found\r\nServer: SimpleHTTP/0.6 Python/3.11.7\r\n"
	    "Date: Tue, 24 Nov 2026 19:36:17 GMT\r\nConnection: close\r\n"
	    "Content-Type: text/html;charset=utf-8\r\nContent-Length: 335\r\n\r\n"),
	  S("<!DOCTYPE HTML>\n<html lang=\"en\">\n") },
	{ "python3.11 http.server 301 (captured)", REDIR(301, 0, 0, 1, "/dir/"),
	  S("HTTP/1.0 301 Moved Permanently\r\nServer: SimpleHTTP/0.6 Python/3.11.7\r\n"
	    "Date: Tue, 24 Nov 2026 19:36:17 GMT\r\nLocation: /dir/\r\nContent-Length: 0\r\n\r\n"),
	  S("") },
	{ "busybox httpd 206 (captured)", RANGE(206, 60, 1, 40, 99, 100),
	  S("HTTP/1.1 206 Partial Content\r\nDate: Tue, 24 Nov 2026 19:36:21 GMT\r\n"
	    "Connection: close\r\nContent-type: text/html\r\nContent-Range: bytes 40-99/100\r\n"
	    "Accept-Ranges: bytes\r\nLast-Modified: Tue, 24 Nov 2026 19:36:15 GMT\r\n"
	    "ETag: \"6b05e72f-64\"\r\nContent-Length: 60\r\n\r\n"),
	  S("\0\0\0\0") },
	{ "busybox httpd 404 without length (captured)", OK(404, 1, -1, 0, 1),
	  S("HTTP/1.1 404 Not Found\r\nDate: Tue, 24 Nov 2026 19:36:21 GMT\r\n"
	    "Connection: close\r\nContent-type: text/html\r\n\r\n"),
	  S("<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n") },
	{ "busybox httpd 302 (captured)", REDIR(302, 1, -1, 1, "/dir/"),
	  S("HTTP/1.1 302 Found\r\nDate: Tue, 24 Nov 2026 19:36:21 GMT\r\nConnection: close\r\n"
	    "Content-type: text/html\r\nLocation: /dir/\r\n\r\n"),
	  S("") },
	{ "nginx 206", RANGE(206, 1048576, 0, 1048576, 2097151, 268435456),
	  S("HTTP/1.1 206 Partial Content\r\nServer: nginx/1.22.1\r\n"
	    "Date: Tue, 24 Nov 2026 19:40:00 GMT\r\nContent-Type: application/octet-stream\r\n"
	    "Content-Length: 1048576\r\nLast-Modified: Mon, 23 Nov 2026 10:00:00 GMT\r\n"
	    "Connection: keep-alive\r\nETag: \"6563a0c0-10000000\"\r\n"
	    "Content-Range: bytes 1048576-2097151/268435456\r\n\r\n"),
	  S("hsqs") },
	{ "nginx 301", REDIR(301, 1, 169, 0, "http://mirror.example.org/gentoo/image.squashfs"),
	  S("HTTP/1.1 301 Moved Permanently\r\nServer: nginx/1.22.1\r\n"
	    "Date: Tue, 24 Nov 2026 19:40:00 GMT\r\nContent-Type: text/html\r\nContent-Length: 169\r\n"
	    "Location: http://mirror.example.org/gentoo/image.squashfs\r\nConnection: keep-alive\r\n\r\n"),
	  S("<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n") },
	{ "nginx 416", { 0, 416, 1, 197, 0, 1, 0, 0, 0, 268435456, "" },
	  S("HTTP/1.1 416 Requested Range Not Satisfiable\r\nServer: nginx/1.22.1\r\n"
	    "Content-Type: text/html\r\nContent-Length: 197\r\nConnection: close\r\n"
	    "Content-Range: bytes */268435456\r\n\r\n"),
	  S("<html>") },
	{ "chunked (Go net/http style)", OK(200, 1, -1, 1, 0),
	  S("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
	    "Date: Tue, 24 Nov 2026 19:40:00 GMT\r\nTransfer-Encoding: chunked\r\n\r\n"),
	  S("5\r\nhello\r\n0\r\n\r\n") },
	/* accepted variations */
	{ "bare LF line ends", OK(200, 1, 3, 0, 0),
	  S("HTTP/1.1 200 OK\nContent-Length: 3\n\n"),
	  S("abc") },
	{ "mixed line ends", OK(200, 1, 3, 0, 0),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 3\n\r\n"),
	  S("abc") },
	{ "no reason phrase", OK(200, 1, -1, 0, 0),
	  S("HTTP/1.1 200\r\n\r\n"),
	  S("") },
	{ "empty reason phrase", OK(204, 1, -1, 0, 0),
	  S("HTTP/1.1 204 \r\n\r\n"),
	  S("") },
	{ "reason with tab and obs-text", OK(200, 1, -1, 0, 0),
	  S("HTTP/1.1 200 Tr\xe8s\tbien\r\n\r\n"),
	  S("") },
	{ "headers case and whitespace", OK(200, 1, 7, 0, 1),
	  S("HTTP/1.1 200 OK\r\nCONTENT-LENGTH:7\r\ncontent-length: \t 7 \t\r\n"
	    "cOnNeCtIoN:CLOSE\r\n\r\n"),
	  S("") },
	{ "duplicate lengths agree", OK(200, 1, 5, 0, 0),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"),
	  S("hello") },
	{ "largest length", OK(200, 1, 9223372036854775807LL, 0, 0),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\n"),
	  S("") },
	{ "length with leading zeros", OK(200, 1, 12, 0, 0),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 000012\r\n\r\n"),
	  S("") },
	{ "1.0 keep-alive", OK(200, 0, 0, 0, 0),
	  S("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"),
	  S("") },
	{ "close wins over keep-alive", OK(200, 1, -1, 0, 1),
	  S("HTTP/1.1 200 OK\r\nConnection: keep-alive , Close\r\n\r\n"),
	  S("") },
	{ "close in a second header", OK(200, 1, -1, 0, 1),
	  S("HTTP/1.1 200 OK\r\nConnection: upgrade\r\nConnection: ,close,\r\n\r\n"),
	  S("") },
	{ "unrelated connection token", OK(200, 1, -1, 0, 0),
	  S("HTTP/1.1 200 OK\r\nConnection: closed, te\r\n\r\n"),
	  S("") },
	{ "100 Continue then 200", OK(200, 1, 2, 0, 0),
	  S("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"),
	  S("ok") },
	{ "103 Early Hints then 302", REDIR(302, 1, -1, 0, "/right"),
	  S("HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\nLocation: /wrong\r\n\r\n"
	    "HTTP/1.1 302 Found\r\nLocation: /right\r\n\r\n"),
	  S("") },
	{ "101 is final", OK(101, 1, -1, 0, 0),
	  S("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"),
	  S("\x00\x00") },
	{ "range with unknown total", RANGE(206, -1, 0, 100, 199, -1),
	  S("HTTP/1.1 206 Partial\r\nContent-Range: bytes 100-199/*\r\n\r\n"),
	  S("") },
	{ "one-byte range", RANGE(206, -1, 0, 0, 0, 1),
	  S("HTTP/1.1 206 Partial\r\ncontent-range:BYTES  0-0/1\r\n\r\n"),
	  S("") },
	{ "empty location", REDIR(302, 1, -1, 0, ""),
	  S("HTTP/1.1 302 Found\r\nLocation:\r\n\r\n"),
	  S("") },
	{ "unknown and odd-named headers ignored", OK(200, 1, -1, 0, 0),
	  S("HTTP/1.1 200 OK\r\nX-Content-Length: 5\r\nContent-Length-X: junk\r\n"
	    "Content-Lengt: junk\r\n!#$%&'*+-.^_`|~: ok\r\nSet-Cookie: a=b; c\r\n\r\n"),
	  S("") },
	/* malformed */
	{ "empty input", FAIL(MORE),
	  S(""),
	  S("") },
	{ "head not finished", FAIL(MORE),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"),
	  S("") },
	{ "status only, no blank line", FAIL(MORE),
	  S("HTTP/1.1 200 OK\r\n"),
	  S("") },
	{ "HTTP/2 status", FAIL(-EBADMSG),
	  S("HTTP/2 200\r\n\r\n"),
	  S("") },
	{ "HTTP/1.x", FAIL(-EBADMSG),
	  S("HTTP/1.x 200 OK\r\n\r\n"),
	  S("") },
	{ "lower-case version", FAIL(-EBADMSG),
	  S("http/1.1 200 OK\r\n\r\n"),
	  S("") },
	{ "ICY", FAIL(-EBADMSG),
	  S("ICY 200 OK\r\n\r\n"),
	  S("") },
	{ "HTTP/0.9 body", FAIL(-EBADMSG),
	  S("<html>hello</html>\n"),
	  S("") },
	{ "two-digit status", FAIL(-EBADMSG),
	  S("HTTP/1.1 20 OK\r\n\r\n"),
	  S("") },
	{ "four-digit status", FAIL(-EBADMSG),
	  S("HTTP/1.1 2000 OK\r\n\r\n"),
	  S("") },
	{ "status 600", FAIL(-EBADMSG),
	  S("HTTP/1.1 600 Nope\r\n\r\n"),
	  S("") },
	{ "status 099", FAIL(-EBADMSG),
	  S("HTTP/1.1 099 Nope\r\n\r\n"),
	  S("") },
	{ "negative status", FAIL(-EBADMSG),
	  S("HTTP/1.1 -200 OK\r\n\r\n"),
	  S("") },
	{ "no space after code", FAIL(-EBADMSG),
	  S("HTTP/1.1 200OK\r\n\r\n"),
	  S("") },
	{ "two spaces before code", FAIL(-EBADMSG),
	  S("HTTP/1.1  200 OK\r\n\r\n"),
	  S("") },
	{ "blank line before status", FAIL(-EBADMSG),
	  S("\r\nHTTP/1.1 200 OK\r\n\r\n"),
	  S("") },
	{ "NUL in status line", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 O\0K\r\n\r\n"),
	  S("") },
	{ "negative length", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
	  S("") },
	{ "plus length", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n"),
	  S("") },
	{ "hex length", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n"),
	  S("") },
	{ "exponent length", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n"),
	  S("") },
	{ "empty length", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n"),
	  S("") },
	{ "length list", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n"),
	  S("") },
	{ "length with inner space", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 5 5\r\n\r\n"),
	  S("") },
	{ "length 2^63", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775808\r\n\r\n"),
	  S("") },
	{ "length 2^64", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n"),
	  S("") },
	{ "length huge", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999999999\r\n\r\n"),
	  S("") },
	{ "conflicting lengths", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"),
	  S("") },
	{ "conflicting length zero", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\n"),
	  S("") },
	{ "gzip transfer coding", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
	  S("") },
	/* RFC 9112 6.3: both framings at once is a smuggling attempt, either order */
	{ "length then chunked", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nTransfer-Encoding: Chunked\r\n\r\n"),
	  S("0\r\n\r\n") },
	{ "chunked then length", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n"),
	  S("0\r\n\r\n") },
	{ "chunked twice in one header", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"),
	  S("") },
	{ "chunked in two headers", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
	  S("") },
	{ "identity transfer coding", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n"),
	  S("") },
	{ "range last < first", FAIL(-EBADMSG),
	  S("HTTP/1.1 206 P\r\nContent-Range: bytes 5-4/10\r\n\r\n"),
	  S("") },
	{ "range past total", FAIL(-EBADMSG),
	  S("HTTP/1.1 206 P\r\nContent-Range: bytes 0-10/10\r\n\r\n"),
	  S("") },
	{ "range without total", FAIL(-EBADMSG),
	  S("HTTP/1.1 206 P\r\nContent-Range: bytes 0-9\r\n\r\n"),
	  S("") },
	{ "range other unit", FAIL(-EBADMSG),
	  S("HTTP/1.1 206 P\r\nContent-Range: items 0-9/10\r\n\r\n"),
	  S("") },
	{ "range with =", FAIL(-EBADMSG),
	  S("HTTP/1.1 206 P\r\nContent-Range: bytes=0-9/10\r\n\r\n"),
	  S("") },
	{ "range negative total", FAIL(-EBADMSG),
	  S("HTTP/1.1 206 P\r\nContent-Range: bytes 0-9/-1\r\n\r\n"),
	  S("") },
	{ "range trailing junk", FAIL(-EBADMSG),
	  S("HTTP/1.1 206 P\r\nContent-Range: bytes 0-9/10x\r\n\r\n"),
	  S("") },
	{ "range star junk", FAIL(-EBADMSG),
	  S("HTTP/1.1 206 P\r\nContent-Range: bytes 0-9/**\r\n\r\n"),
	  S("") },
	{ "range overflow", FAIL(-EBADMSG),
	  S("HTTP/1.1 206 P\r\nContent-Range: bytes 0-9223372036854775808/*\r\n\r\n"),
	  S("") },
	{ "range twice", FAIL(-EBADMSG),
	  S("HTTP/1.1 206 P\r\nContent-Range: bytes 0-9/10\r\n"
	    "Content-Range: bytes 0-9/10\r\n\r\n"),
	  S("") },
	{ "unsatisfied range junk", FAIL(-EBADMSG),
	  S("HTTP/1.1 416 R\r\nContent-Range: bytes */\r\n\r\n"),
	  S("") },
	{ "obs-fold", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nX-A: a\r\n  continued\r\n\r\n"),
	  S("") },
	{ "obs-fold tab", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nX-A: a\r\n\tcontinued\r\n\r\n"),
	  S("") },
	{ "no colon", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length 5\r\n\r\n"),
	  S("") },
	{ "space before colon", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n"),
	  S("") },
	{ "empty name", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\n: 5\r\n\r\n"),
	  S("") },
	{ "bad name byte", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nX(y): 5\r\n\r\n"),
	  S("") },
	{ "NUL in value", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nLocation: /a\0/b\r\n\r\n"),
	  S("") },
	{ "bare CR in value", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n"),
	  S("") },
	{ "control byte in value", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nX-A: a\x01\r\n\r\n"),
	  S("") },
	{ "DEL in value", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\nX-A: a\x7f\r\n\r\n"),
	  S("") },
	{ "CR CR LF", FAIL(-EBADMSG),
	  S("HTTP/1.1 200 OK\r\r\n\r\n"),
	  S("") },
};

struct got {
	int rc;
	size_t used;
	int odd;	/* a broken promise: partial take, non-sticky error, ... */
	struct http_resp r;
};

/* Feeds @in in pieces ending at @cuts[0..n) and then at @len. */
static void run(const char *in, size_t len, const size_t *cuts, size_t n, struct got *g)
{
	size_t from = 0, i;

	http_resp_init(&g->r);
	g->rc = MORE;
	g->used = 0;
	g->odd = 0;
	for (i = 0; i <= n; i++) {
		size_t to = i < n ? cuts[i] : len;
		int rc = http_resp_feed(&g->r, in + from, to - from);

		if (rc < 0) {
			g->rc = rc;
			g->odd |= http_resp_feed(&g->r, "\r\n", 2) != rc;	/* sticky */
			return;
		}
		g->used += (size_t)rc;
		if (g->r.done) {
			g->rc = 0;
			g->odd |= http_resp_feed(&g->r, "\r\n", 2) != 0;
			return;
		}
		g->odd |= (size_t)rc != to - from;	/* an unfinished head takes all */
		from = to;
	}
}

static int same(const struct got *a, const struct got *b)
{
	const struct http_resp *x = &a->r, *y = &b->r;

	if (a->rc != b->rc || a->odd || b->odd)
		return 0;
	if (a->rc != 0)
		return 1;
	return a->used == b->used && x->status == y->status &&
	       x->version_minor == y->version_minor && x->content_length == y->content_length &&
	       x->chunked == y->chunked && x->conn_close == y->conn_close &&
	       x->has_range == y->has_range && x->range_first == y->range_first &&
	       x->range_last == y->range_last && x->range_total == y->range_total &&
	       strcmp(x->location, y->location) == 0;
}

static void expect(const struct rcase *c, const struct got *g)
{
	const struct want *w = &c->w;

	CHECK_EQ_INT(g->rc, w->rc);
	CHECK_EQ_INT(g->odd, 0);
	if (g->rc != w->rc)
		fprintf(stderr, "  case \"%s\"\n", c->name);
	if (g->rc != 0 || w->rc != 0)
		return;
	CHECK_EQ_INT(g->used, c->head_len);
	CHECK_EQ_INT(g->r.status, w->status);
	CHECK_EQ_INT(g->r.version_minor, w->minor);
	CHECK_EQ_INT(g->r.content_length, w->clen);
	CHECK_EQ_INT(g->r.chunked, w->chunked);
	CHECK_EQ_INT(g->r.conn_close, w->close);
	CHECK_EQ_INT(g->r.has_range, w->has_range);
	CHECK_EQ_INT(g->r.range_first, w->first);
	CHECK_EQ_INT(g->r.range_last, w->last);
	CHECK_EQ_INT(g->r.range_total, w->total);
	CHECK_EQ_STR(g->r.location, w->location);
}

/*
 * Whole, then split at every offset, at every pair of offsets (inputs up
 * to 400 bytes) and byte by byte: each must equal the whole run. One
 * CHECK per way of splitting, so a failure names the way.
 */
static void check_all_splits(const struct rcase *c, const char *in, size_t len)
{
	static struct got whole, g;
	static size_t bytes[8192];
	size_t cuts[2], i, j;
	int bad1 = 0, bad2 = 0;

	run(in, len, NULL, 0, &whole);
	expect(c, &whole);
	for (i = 0; i <= len; i++) {
		cuts[0] = i;
		run(in, len, cuts, 1, &g);
		bad1 += !same(&g, &whole);
		for (j = i; len <= 400 && j <= len; j++) {
			cuts[1] = j;
			run(in, len, cuts, 2, &g);
			bad2 += !same(&g, &whole);
		}
	}
	CHECK_EQ_INT(bad1, 0);
	CHECK_EQ_INT(bad2, 0);
	for (i = 0; i < len; i++)
		bytes[i] = i + 1;
	run(in, len, bytes, len, &g);
	CHECK(same(&g, &whole));
	if (bad1 || bad2 || !same(&g, &whole))
		fprintf(stderr, "  case \"%s\": split runs differ from the whole\n", c->name);
}

static void test_table(void)
{
	static char in[8192];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rcase *c = &cases[i];

		memcpy(in, c->head, c->head_len);
		memcpy(in + c->head_len, c->body, c->body_len);
		check_all_splits(c, in, c->head_len + c->body_len);
	}
}

/* A response whose one extra header line is @n bytes long before CRLF. */
static int feed_line_of(size_t n, const char *name_prefix)
{
	static char buf[HTTP_LINE_MAX * 2];
	static struct http_resp r;
	size_t pre = strlen(name_prefix);
	int rc;

	memcpy(buf, name_prefix, pre);
	memset(buf + pre, 'a', n - pre);
	memcpy(buf + n, "\r\n\r\n", 4);
	http_resp_init(&r);
	CHECK_EQ_INT(http_resp_feed(&r, "HTTP/1.1 200 OK\r\n", 17), 17);
	rc = http_resp_feed(&r, buf, n + 4);
	return rc < 0 ? rc : r.done ? 0 : MORE;
}

static void test_caps(void)
{
	static char buf[HTTP_LINE_MAX * 2];
	static struct http_resp r;
	size_t i, n;
	int rc;

	/* line cap: HTTP_LINE_MAX - 1 bytes before LF, the CR included */
	CHECK_EQ_INT(feed_line_of(HTTP_LINE_MAX - 2, "X-Long: "), 0);
	CHECK_EQ_INT(feed_line_of(HTTP_LINE_MAX - 1, "X-Long: "), -E2BIG);
	CHECK_EQ_INT(feed_line_of(HTTP_LINE_MAX * 2 - 8, "X-Long: "), -E2BIG);
	/* Location cap */
	CHECK_EQ_INT(feed_line_of(10 + HTTP_LOCATION_MAX - 1, "Location: "), 0);
	CHECK_EQ_INT(feed_line_of(10 + HTTP_LOCATION_MAX, "Location: "), -E2BIG);
	/* a huge status line, fed in pieces */
	http_resp_init(&r);
	memcpy(buf, "HTTP/1.1 200 ", 13);
	memset(buf + 13, 'x', sizeof(buf) - 13);
	for (i = 0, rc = 0; i < sizeof(buf) && rc >= 0; i += 100)
		rc = http_resp_feed(&r, buf + i, 100);
	CHECK_EQ_INT(rc, -E2BIG);
	CHECK_EQ_INT(http_resp_feed(&r, "\r\n\r\n", 4), -E2BIG);

	/* header count cap */
	for (n = HTTP_HEADERS_MAX; n <= HTTP_HEADERS_MAX + 1; n++) {
		http_resp_init(&r);
		rc = http_resp_feed(&r, "HTTP/1.1 200 OK\r\n", 17);
		for (i = 0; i < n && rc >= 0; i++)
			rc = http_resp_feed(&r, "X-A: b\r\n", 8);
		if (rc >= 0)
			rc = http_resp_feed(&r, "\r\n", 2);
		CHECK_EQ_INT(rc, n == HTTP_HEADERS_MAX ? 2 : -E2BIG);
	}
}

/* HTTP_INTERIM_MAX interim heads are skipped; one more is refused. */
static void test_interim_cap(void)
{
	static struct http_resp r;
	unsigned n, i;
	int rc;

	for (n = HTTP_INTERIM_MAX; n <= HTTP_INTERIM_MAX + 1; n++) {
		http_resp_init(&r);
		for (i = 0, rc = 0; i < n && rc >= 0; i++)
			rc = http_resp_feed(&r, "HTTP/1.1 100 Continue\r\n\r\n", 25);
		if (rc >= 0)
			rc = http_resp_feed(&r, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 38);
		CHECK_EQ_INT(rc, n == HTTP_INTERIM_MAX ? 38 : -E2BIG);
		CHECK_EQ_INT(r.done, n == HTTP_INTERIM_MAX);
	}
	/* the count starts again with each response */
	http_resp_init(&r);
	CHECK_EQ_INT(http_resp_feed(&r, "HTTP/1.1 100 Continue\r\n\r\n", 25), 25);
	CHECK_EQ_INT(r.n_interim, 1);
}

#define HEAD "\r\nUser-Agent: netinit/" NETINIT_VERSION "\r\nAccept: */*\r\nAccept-Encoding: identity\r\n"

static const struct {
	const char *url, *host_override;
	uint64_t first, last;
	int end, keep;
	const char *if_range;
	int rc;
	const char *req;
} req_cases[] = {
	{ "http://10.0.2.100/image.squashfs", NULL, 0, 0, 0, 0, NULL, 0,
	  "GET /image.squashfs HTTP/1.1\r\nHost: 10.0.2.100" HEAD "Connection: close\r\n\r\n" },
	{ "http://mirror:8080/a/b.img?x=1", NULL, 1048576, 0, 0, 0, NULL, 0,
	  "GET /a/b.img?x=1 HTTP/1.1\r\nHost: mirror:8080" HEAD
	  "Connection: close\r\nRange: bytes=1048576-\r\n\r\n" },
	{ "http:///img", "10.0.2.2", 18446744073709551615ULL, 0, 0, 0, NULL, 0,
	  "GET /img HTTP/1.1\r\nHost: 10.0.2.2" HEAD
	  "Connection: close\r\nRange: bytes=18446744073709551615-\r\n\r\n" },
	{ "http://:81/img", "10.0.2.2", 0, 0, 0, 0, NULL, 0,
	  "GET /img HTTP/1.1\r\nHost: 10.0.2.2:81" HEAD "Connection: close\r\n\r\n" },
	/* the stream backend: closed ranges on a kept-alive connection */
	{ "http://m/i", NULL, 0, 4095, 1, 1, NULL, 0,
	  "GET /i HTTP/1.1\r\nHost: m" HEAD "Range: bytes=0-4095\r\n\r\n" },
	{ "http://m/i", NULL, 7, 7, 1, 1, "\"5f3a-1b\"", 0,
	  "GET /i HTTP/1.1\r\nHost: m" HEAD "Range: bytes=7-7\r\nIf-Range: \"5f3a-1b\"\r\n\r\n" },
	{ "http://m/i", NULL, 100, 0, 0, 0, "Tue, 24 Nov 2026 19:36:15 GMT", 0,
	  "GET /i HTTP/1.1\r\nHost: m" HEAD
	  "Connection: close\r\nRange: bytes=100-\r\nIf-Range: Tue, 24 Nov 2026 19:36:15 GMT\r\n\r\n" },
	/* no Range, no If-Range (it means nothing alone) */
	{ "http://m/i", NULL, 0, 0, 0, 0, "\"x\"", 0,
	  "GET /i HTTP/1.1\r\nHost: m" HEAD "Connection: close\r\n\r\n" },
	{ "http://m/i", NULL, 9, 8, 1, 0, NULL, -EINVAL, NULL },
	{ "http://m/i", NULL, 9, 0, 0, 0, "\"a\"\r\nX-Injected: 1", -EINVAL, NULL },
	{ "http://m/i", NULL, 9, 0, 0, 0, "", -EINVAL, NULL },
	{ "http:///img", NULL, 0, 0, 0, 0, NULL, -EINVAL, NULL },
	{ "http:///img", "", 0, 0, 0, 0, NULL, -EINVAL, NULL },
	{ "http:///img", "evil\r\nX-Injected: 1", 0, 0, 0, 0, NULL, -EINVAL, NULL },
};

static void test_request(void)
{
	char buf[512];
	size_t i, n;

	for (i = 0; i < sizeof(req_cases) / sizeof(req_cases[0]); i++) {
		struct http_req q = { 0 };
		struct url u;
		int rc;

		CHECK_EQ_INT(url_parse(req_cases[i].url, &u), 0);
		q.url = &u;
		q.host = req_cases[i].host_override;
		q.range_first = req_cases[i].first;
		q.range_last = req_cases[i].last;
		q.range_end = req_cases[i].end;
		q.keep_alive = req_cases[i].keep;
		q.if_range = req_cases[i].if_range;
		rc = http_request_build(buf, sizeof(buf), &q);
		if (!req_cases[i].req) {
			CHECK_EQ_INT(rc, req_cases[i].rc);
			continue;
		}
		CHECK_EQ_INT(rc, strlen(req_cases[i].req));
		CHECK_EQ_STR(buf, req_cases[i].req);
		/* every buffer too small by even one byte (the NUL) is -ENOSPC */
		for (n = 0; n <= (size_t)rc; n++) {
			memset(buf, 'Z', sizeof(buf));
			CHECK_EQ_INT(http_request_build(buf, n, &q), -ENOSPC);
			CHECK(buf[n] == 'Z');	/* nothing written past the size */
		}
	}
}

/* Through a proxy (RFC 9112 3.2.2): the absolute-form target, the same Host and Range. */
static const struct {
	const char *url, *host_override;
	uint64_t first;
	const char *if_range, *req;
} abs_cases[] = {
	{ "http://mirror.example/image.squashfs", NULL, 0, NULL,
	  "GET http://mirror.example/image.squashfs HTTP/1.1\r\nHost: mirror.example" HEAD
	  "Connection: close\r\n\r\n" },
	{ "http://mirror:8080/a/b.img?x=1", NULL, 1048576, "\"e1\"",
	  "GET http://mirror:8080/a/b.img?x=1 HTTP/1.1\r\nHost: mirror:8080" HEAD
	  "Connection: close\r\nRange: bytes=1048576-\r\nIf-Range: \"e1\"\r\n\r\n" },
	{ "http:///img", "10.0.2.2", 0, NULL,
	  "GET http://10.0.2.2/img HTTP/1.1\r\nHost: 10.0.2.2" HEAD "Connection: close\r\n\r\n" },
	{ "http://[2001:db8::1]:8000/i", NULL, 7, NULL,
	  "GET http://[2001:db8::1]:8000/i HTTP/1.1\r\nHost: [2001:db8::1]:8000" HEAD
	  "Connection: close\r\nRange: bytes=7-\r\n\r\n" },
};

static void test_request_absolute(void)
{
	char buf[512];
	size_t i, n;

	for (i = 0; i < sizeof(abs_cases) / sizeof(abs_cases[0]); i++) {
		struct http_req q = { 0 };
		struct url u;
		int rc;

		CHECK_EQ_INT(url_parse(abs_cases[i].url, &u), 0);
		q.url = &u;
		q.host = abs_cases[i].host_override;
		q.range_first = abs_cases[i].first;
		q.if_range = abs_cases[i].if_range;
		q.absolute = 1;
		rc = http_request_build(buf, sizeof(buf), &q);
		CHECK_EQ_INT(rc, strlen(abs_cases[i].req));
		CHECK_EQ_STR(buf, abs_cases[i].req);
		for (n = 0; n <= (size_t)rc; n++)
			CHECK_EQ_INT(http_request_build(buf, n, &q), -ENOSPC);
	}
}

/* A struct built by hand, not by url_parse(), must not smuggle bytes in. */
static void test_request_guards(void)
{
	struct http_req q = { 0 };
	struct url u;
	char buf[256];

	memset(&u, 0, sizeof(u));
	q.url = &u;
	strcpy(u.host, "h");
	u.port = 80;
	strcpy(u.path, "/a b");
	CHECK_EQ_INT(http_request_build(buf, sizeof(buf), &q), -EINVAL);
	strcpy(u.path, "noslash");
	CHECK_EQ_INT(http_request_build(buf, sizeof(buf), &q), -EINVAL);
	strcpy(u.path, "/ok\n");
	CHECK_EQ_INT(http_request_build(buf, sizeof(buf), &q), -EINVAL);
	strcpy(u.path, "/ok");
	CHECK(http_request_build(buf, sizeof(buf), &q) > 0);
}

/* ETag, Last-Modified and Content-Encoding, fed whole and byte by byte. */
static const struct {
	const char *head, *etag, *lm;
	int coded;
} validator_cases[] = {
	{ "HTTP/1.1 200 OK\r\nETag: \"6571-5f3a\"\r\nLast-Modified: Tue, 24 Nov 2026 19:36:15 GMT\r\n"
	  "Content-Length: 1\r\n\r\n", "\"6571-5f3a\"", "Tue, 24 Nov 2026 19:36:15 GMT", 0 },
	{ "HTTP/1.1 200 OK\r\netag: W/\"weak\"\r\nContent-Length: 1\r\n\r\n", "", "", 0 },
	{ "HTTP/1.1 200 OK\r\nETag: unquoted\r\nContent-Length: 1\r\n\r\n", "", "", 0 },
	{ "HTTP/1.1 200 OK\r\nETag: \"\r\nContent-Length: 1\r\n\r\n", "", "", 0 },
	{ "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 1\r\n\r\n", "", "", 1 },
	{ "HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\nContent-Length: 1\r\n\r\n", "", "", 0 },
	{ "HTTP/1.1 200 OK\r\ncontent-encoding: Identity , br\r\nContent-Length: 1\r\n\r\n", "", "", 1 },
	{ "HTTP/1.1 200 OK\r\nContent-Encoding:\r\nContent-Length: 1\r\n\r\n", "", "", 0 },
	/* an interim head's fields do not leak into the final one */
	{ "HTTP/1.1 100 Continue\r\nETag: \"x\"\r\nContent-Encoding: gzip\r\n\r\n"
	  "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n", "", "", 0 },
};

static void test_validators(void)
{
	static struct http_resp r;
	char big[HTTP_VALIDATOR_MAX + 64];
	size_t i, j, len;

	for (i = 0; i < sizeof(validator_cases) / sizeof(validator_cases[0]); i++) {
		len = strlen(validator_cases[i].head);
		for (j = 0; j < 2; j++) {
			size_t k;

			http_resp_init(&r);
			if (j == 0)
				CHECK_EQ_INT(http_resp_feed(&r, validator_cases[i].head, len), len);
			else
				for (k = 0; k < len; k++)
					CHECK_EQ_INT(http_resp_feed(&r, validator_cases[i].head + k, 1), 1);
			CHECK_EQ_INT(r.done, 1);
			CHECK_EQ_STR(r.etag, validator_cases[i].etag);
			CHECK_EQ_STR(r.last_modified, validator_cases[i].lm);
			CHECK_EQ_INT(r.coded, validator_cases[i].coded);
		}
	}
	/* a validator too long to keep is none */
	memset(big, 'a', sizeof(big));
	memcpy(big, "HTTP/1.1 200 OK\r\nETag: \"", 24);
	memcpy(big + sizeof(big) - 8, "\"\r\n\r\n", 5);
	http_resp_init(&r);
	CHECK_EQ_INT(http_resp_feed(&r, big, sizeof(big) - 3), sizeof(big) - 3);
	CHECK_EQ_STR(r.etag, "");
}

/*
 * Retry-After (RFC 9110 10.2.3): delta-seconds, an IMF-fixdate against the
 * response's Date or else the client's clock (NOW, or -1: none, the cap),
 * forms netinit does not take (ignored: -1). Epochs from date -u -d ... +%s.
 */
#define NOW 1795804200ll	/* Fri, 27 Nov 2026 18:30:00 GMT */
static const struct {
	const char *head;
	long long now, wait;
} retry_cases[] = {
	{ "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n",
	  NOW, 2 },
	{ "HTTP/1.1 429 Too Many Requests\r\nretry-after:  120 \r\n\r\n", -1, 120 },
	{ "HTTP/1.1 503 x\r\nRetry-After: 0\r\n\r\n", NOW, 0 },
	{ "HTTP/1.1 503 x\r\n\r\n", NOW, -1 },
	{ "HTTP/1.1 503 x\r\nRetry-After: -5\r\n\r\n", NOW, -1 },
	{ "HTTP/1.1 503 x\r\nRetry-After: 2s\r\n\r\n", NOW, -1 },
	{ "HTTP/1.1 503 x\r\nRetry-After: 99999999999999999999\r\n\r\n", NOW, -1 },
	{ "HTTP/1.1 503 x\r\nRetry-After: 9223372036854775807\r\n\r\n", NOW,
	  9223372036854775807ll },
	/* a date: the server's Date first, whatever the client's clock says */
	{ "HTTP/1.1 503 x\r\nDate: Fri, 27 Nov 2026 18:30:00 GMT\r\n"
	  "Retry-After: Fri, 27 Nov 2026 18:30:07 GMT\r\n\r\n", 0, 7 },
	{ "HTTP/1.1 503 x\r\nRetry-After: Fri, 27 Nov 2026 18:31:00 GMT\r\n"
	  "Date: Fri, 27 Nov 2026 18:30:00 GMT\r\n\r\n", -1, 60 },
	{ "HTTP/1.1 503 x\r\nRetry-After: Fri, 27 Nov 2026 18:30:05 GMT\r\n\r\n", NOW, 5 },
	{ "HTTP/1.1 503 x\r\nRetry-After: Fri, 27 Nov 2026 18:30:05 GMT\r\n\r\n", -1,
	  9223372036854775807ll },
	{ "HTTP/1.1 503 x\r\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n", NOW, 0 },
	{ "HTTP/1.1 503 x\r\nDate: garbage\r\nRetry-After: Fri, 27 Nov 2026 18:30:01 GMT"
	  "\r\n\r\n", NOW, 1 },
	/* RFC 850 and asctime forms, a lower-case month: not taken, as if absent */
	{ "HTTP/1.1 503 x\r\nRetry-After: Friday, 27-Nov-26 18:30:05 GMT\r\n\r\n", NOW, -1 },
	{ "HTTP/1.1 503 x\r\nRetry-After: Fri Nov 27 18:30:05 2026\r\n\r\n", NOW, -1 },
	{ "HTTP/1.1 503 x\r\nRetry-After: Fri, 27 nov 2026 18:30:05 GMT\r\n\r\n", NOW, -1 },
	/* an interim head's Retry-After does not leak into the final one */
	{ "HTTP/1.1 100 Continue\r\nRetry-After: 3\r\n\r\nHTTP/1.1 503 x\r\n\r\n", NOW, -1 },
};

/* http_date(): the day name and the fields' ranges are not checked */
static const struct {
	const char *s;
	long long t;
} date_cases[] = {
	{ "Sun, 06 Nov 1994 08:49:37 GMT", 784111777 },
	{ "Tue, 29 Feb 2000 23:59:59 GMT", 951868799 },
	{ "Thu, 01 Jan 1970 00:00:00 GMT", 0 },
	{ "Sat, 01 Mar 2100 00:00:02 GMT", 4107542402ll },
	{ "Wed, 31 Dec 2025 23:59:60 GMT", 1767225600 },
	{ "Mon, 01 Jan 2024 00:00:00 GMT", 1704067200 },
	{ "Fri, 01 Mar 2024 12:00:00 GMT", 1709294400 },
	{ "Fri, 31 Dec 9999 23:59:59 GMT", 253402300799ll },
	{ "Sun, 06 Nov 1994 08:49:37 UTC", -1 },
	{ "Sun, 06 Nov 1994 08:49:37 GMT ", -1 },
	{ "Sun, 06 Nov 1994 08:49:37 GM", -1 },
	{ "Sun, 06 Nov 19a4 08:49:37 GMT", -1 },
	{ "Sun, 06 Nov 1994 08-49:37 GMT", -1 },
	{ "Sun; 06 Nov 1994 08:49:37 GMT", -1 },
	{ "Sun, 06 Nox 1994 08:49:37 GMT", -1 },
	{ "Sun, 6 Nov 1994 08:49:37 GMT ", -1 },
	/* before the epoch (found by fuzz_http: a negative Date) */
	{ "Fri, 27 Nov 1013 18:30:00 GMT", -1 },
	{ "Wed, 31 Dec 1969 23:59:59 GMT", -1 },
};

static void test_retry_after(void)
{
	static struct http_resp r;
	size_t i, k, len;
	int j;

	for (i = 0; i < sizeof(retry_cases) / sizeof(retry_cases[0]); i++) {
		len = strlen(retry_cases[i].head);
		for (j = 0; j < 2; j++) {
			http_resp_init(&r);
			if (j == 0)
				CHECK_EQ_INT(http_resp_feed(&r, retry_cases[i].head, len), len);
			else
				for (k = 0; k < len; k++)
					CHECK_EQ_INT(http_resp_feed(&r, retry_cases[i].head + k, 1), 1);
			CHECK_EQ_INT(r.done, 1);
			CHECK_EQ_INT(http_retry_wait(&r, retry_cases[i].now), retry_cases[i].wait);
		}
	}
	for (i = 0; i < sizeof(date_cases) / sizeof(date_cases[0]); i++)
		CHECK_EQ_INT(http_date(date_cases[i].s, strlen(date_cases[i].s)), date_cases[i].t);
}

int main(void)
{
	test_table();
	test_caps();
	test_interim_cap();
	test_request();
	test_request_guards();
	test_request_absolute();
	test_validators();
	test_retry_after();
	return check_report("http");
}
