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
#define HTTP_VALIDATOR_MAX 128	/* longest ETag or Last-Modified kept */
#define HTTP_INTERIM_MAX  10	/* most interim 1xx heads before the final one */

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
	/* backpressure (RFC 9110 10.2.3): Retry-After as delta-seconds, or as
	 * an HTTP-date (IMF-fixdate only; another form is ignored as if
	 * absent), and the response's Date, for http_retry_wait(); -1 if absent */
	int64_t retry_after;		/* seconds */
	int64_t retry_date;		/* seconds since the epoch */
	int64_t date;			/* seconds since the epoch */
	char location[HTTP_LOCATION_MAX];	/* Location:, "" if absent */
	/* validators for If-Range (RFC 9110 13.1.5): a strong ETag only (a weak
	 * one, W/"...", cannot be used there and is left out), "" if absent or
	 * too long to keep */
	char etag[HTTP_VALIDATOR_MAX];
	char last_modified[HTTP_VALIDATOR_MAX];	/* Last-Modified, "" if absent */
	int coded;			/* a Content-Encoding other than identity */
	/* parser state, private */
	unsigned state;
	unsigned line_len;
	unsigned n_headers;
	unsigned n_interim;		/* 1xx heads skipped so far */
	unsigned flags;
	char line[HTTP_LINE_MAX];
};

void http_resp_init(struct http_resp *r);

/*
 * Feeds @len bytes. Returns how many were consumed (the head ends inside
 * the buffer: bytes after it belong to the body and are not consumed), or
 * -EBADMSG for a malformed head (bad status line, bad or duplicate
 * conflicting Content-Length, bad Content-Range, Transfer-Encoding other
 * than one "chunked", Content-Length and Transfer-Encoding together: RFC
 * 9112 6.3 calls that a smuggling attempt), -E2BIG when a line, the header
 * count or the number of interim heads (HTTP_INTERIM_MAX) exceeds its cap.
 * After done is set, further calls return 0; after an error, the same
 * error. Interim 1xx heads (but 101) are skipped: the results describe the
 * final response. With chunked, content_length is -1. A
 * 416's "Content-Range: bytes * /<total>" (no space) sets range_total and
 * leaves has_range 0. Lines may end in CRLF or bare LF; a line holds at
 * most HTTP_LINE_MAX - 1 bytes before its LF (CR included).
 */
int http_resp_feed(struct http_resp *r, const char *buf, size_t len);

/*
 * The seconds a response asks the client to wait before asking again:
 * Retry-After's delta-seconds, or its HTTP-date less the response's own
 * Date (the server's clock against itself: no wall clock needed here),
 * else less @now (seconds since the epoch; -1 if the client has no wall
 * clock, and then INT64_MAX: "a date not placed", the caller's cap). A
 * date in the past is 0. -1 when the response has no usable Retry-After.
 */
int64_t http_retry_wait(const struct http_resp *r, int64_t now);

/*
 * An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110 5.6.7) of
 * exactly @len bytes, year 1970 or later, to seconds since the epoch; -1
 * for anything else. Neither the day name nor the fields' ranges are
 * checked.
 */
int64_t http_date(const char *s, size_t len);

/* What a GET asks for (zeroed fields: the plain whole-file request). */
struct http_req {
	const struct url *url;
	const char *host;		/* Host header instead of url->host (http:///path), or NULL */
	uint64_t range_first;		/* Range: bytes=first- when > 0 or with range_end */
	uint64_t range_last;		/* inclusive last byte, with range_end */
	int range_end;			/* 1: bytes=first-last (a closed range) */
	const char *if_range;		/* validator for If-Range (an ETag or HTTP-date), or NULL */
	int keep_alive;			/* 1: no "Connection: close" */
	int absolute;			/* 1: absolute-form target "http://host[:port]/path", for
					 * a proxy (RFC 9112 3.2.2) */
};

/*
 * Writes a GET request for @q to @buf (origin-form "/path", or with
 * absolute the absolute-form a proxy needs): Host (with :port if not 80),
 * User-Agent netinit/<version>, Accept: any, Accept-Encoding: identity
 * (the image's own bytes, never a coded form), Connection: close unless
 * keep_alive, the Range asked for, and If-Range with the Range when a
 * validator is given. Returns the length (@buf is NUL-terminated),
 * -ENOSPC, or -EINVAL when the Host would be empty, a closed range ends
 * before it starts, or a part holds a byte that cannot go on a request
 * line (control, space, non-ASCII; a validator may hold spaces and quotes
 * but no control byte).
 */
int http_request_build(char *buf, size_t size, const struct http_req *q);

#endif
