/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HTTP/1.x response head parser (RFC 9112) and request builder. The parser
 * is incremental: feed it bytes as they arrive, split anywhere. It never
 * allocates and caps every line. Pure: no syscalls.
 */
#ifndef NETINIT_HTTP_H
#define NETINIT_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "url.h"

#define HTTP_LINE_MAX     4096	/* longest status or header line accepted */
#define HTTP_HEADERS_MAX  100	/* most header lines accepted */
#define HTTP_LOCATION_MAX 1024

struct http_resp {
	/* results, valid once done != 0 */
	int done;			/* the blank line ending the head was seen */
	int version_minor;		/* HTTP/1.<minor> */
	int status;			/* e.g. 200 */
	int64_t content_length;		/* -1 if absent */
	int chunked;			/* Transfer-Encoding: chunked */
	int conn_close;			/* Connection: close, or HTTP/1.0 without keep-alive */
	int has_range;			/* a Content-Range: bytes a-b/c was present */
	uint64_t range_first, range_last;
	int64_t range_total;		/* -1 for an unknown total ("bytes a-b/ *") */
	char location[HTTP_LOCATION_MAX];	/* Location:, "" if absent */
	/* parser state, private */
	unsigned state;
	unsigned line_len;
	unsigned n_headers;
	unsigned flags;
	char line[HTTP_LINE_MAX];
};

void http_resp_init(struct http_resp *r);

/*
 * Feeds @len bytes. Returns how many were consumed (the head ends inside
 * the buffer: bytes after it belong to the body and are not consumed), or
 * -EBADMSG for a malformed head (bad status line, bad or duplicate
 * conflicting Content-Length, bad Content-Range, Transfer-Encoding other
 * than chunked), -E2BIG when a line or the header count exceeds its cap.
 * After done is set, further calls return 0; after an error, the same
 * error. Interim 1xx heads (but 101) are skipped: the results describe the
 * final response. With chunked, content_length is -1 (RFC 9112 6.3). A
 * 416's "Content-Range: bytes * /<total>" (no space) sets range_total and
 * leaves has_range 0. Lines may end in CRLF or bare LF; a line holds at
 * most HTTP_LINE_MAX - 1 bytes before its LF (CR included).
 */
int http_resp_feed(struct http_resp *r, const char *buf, size_t len);

/*
 * Writes a GET request for @u to @buf: Host (with :port if not 80),
 * User-Agent netinit/<version>, Accept: any, Connection: close, and when
 * @range_from > 0 "Range: bytes=<range_from>-". @host_override (may be
 * NULL) replaces u->host in the Host header (for http:///path URLs).
 * Returns the length (@buf is NUL-terminated), -ENOSPC, or -EINVAL when
 * the Host would be empty or a part holds a byte that cannot go on a
 * request line (control, space, non-ASCII).
 */
int http_request_build(char *buf, size_t size, const struct url *u,
		       const char *host_override, uint64_t range_from);

#endif
