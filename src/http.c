/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HTTP/1.x response head parser and GET request builder. The parser takes
 * bytes as the socket delivers them, split anywhere, and moves through
 * explicit states (status line, header lines, done, failed) with a hard cap
 * on line length and header count, as curl does. Everything in a response
 * is distrusted: numbers are digits only and overflow-checked, duplicate
 * Content-Length must agree, and a failure is sticky. Headers are matched
 * case-insensitively through a small table, as in iPXE's httpcore; unknown
 * ones are ignored. Pure: no syscalls, no allocation.
 * Implements RFC 9112 (HTTP/1.1 message syntax: sections 2-4, 5, 6.1, 6.3,
 * 9.6), RFC 9110 (sections 7.2 Host, 10.2.2 Location, 14.4 Content-Range,
 * 15.2 interim 1xx responses, 5.6.7 IMF-fixdate, 6.6.1 Date, 10.2.3
 * Retry-After) and RFC 7230's tolerance of bare LF.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http.h"

enum { ST_STATUS, ST_HEADER, ST_DONE, ST_BADMSG, ST_E2BIG };

#define F_CLOSE     1u	/* Connection: close */
#define F_KEEPALIVE 2u	/* Connection: keep-alive */
#define F_RANGE     4u	/* a Content-Range was seen */

static int lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int case_eq(const char *a, size_t len, const char *b)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] == '\0' || lower(a[i]) != lower(b[i]))
			return 0;
	return b[len] == '\0';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* RFC 9110 5.6.2 tchar: the bytes a header name is made of. */
static int is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Decimal digits at @s into @v, at most INT64_MAX. Returns the first byte
 * after them, or NULL for no digits or overflow.
 */
static const char *parse_num(const char *s, uint64_t *v)
{
	const char *p = s;

	for (*v = 0; is_digit(*p); p++) {
		if (*v > ((uint64_t)INT64_MAX - (uint64_t)(*p - '0')) / 10)
			return NULL;
		*v = *v * 10 + (uint64_t)(*p - '0');
	}
	return p == s ? NULL : p;
}

static int hdr_content_length(struct http_resp *r, const char *v, size_t len)
{
	const char *end = v + len;
	uint64_t n;

	if (parse_num(v, &n) != end)
		return -EBADMSG;
	if (r->content_length >= 0 && (uint64_t)r->content_length != n)
		return -EBADMSG;
	r->content_length = (int64_t)n;
	return 0;
}

/* Exactly one "chunked": a second header is the list "chunked, chunked". */
static int hdr_transfer_encoding(struct http_resp *r, const char *v, size_t len)
{
	if (r->chunked || !case_eq(v, len, "chunked"))
		return -EBADMSG;
	r->chunked = 1;
	return 0;
}

/* A comma-separated token list; only close and keep-alive matter. */
static int hdr_connection(struct http_resp *r, const char *v, size_t len)
{
	const char *end = v + len, *tok, *te;

	while (v < end) {
		while (v < end && (is_ows(*v) || *v == ','))
			v++;
		for (tok = v; v < end && *v != ','; v++)
			;
		for (te = v; te > tok && is_ows(te[-1]); te--)
			;
		if (case_eq(tok, (size_t)(te - tok), "close"))
			r->flags |= F_CLOSE;
		else if (case_eq(tok, (size_t)(te - tok), "keep-alive"))
			r->flags |= F_KEEPALIVE;
	}
	return 0;
}

/*
 * "bytes a-b/c", "bytes a-b/ *" (no space), or "bytes * /c" (no space; a 416
 * reply: has_range stays 0, range_total = c).
 */
static int hdr_content_range(struct http_resp *r, const char *v, size_t len)
{
	uint64_t first, last, total;
	const char *p = v + 5, *end = v + len;

	if ((r->flags & F_RANGE) || len < 6 || !case_eq(v, 5, "bytes") || *p != ' ')
		return -EBADMSG;
	r->flags |= F_RANGE;
	while (*p == ' ')
		p++;
	if (p[0] == '*' && p[1] == '/') {
		if (parse_num(p + 2, &total) != end)
			return -EBADMSG;
		r->range_total = (int64_t)total;
		return 0;
	}
	p = parse_num(p, &first);
	if (!p || *p++ != '-' || !(p = parse_num(p, &last)) || *p++ != '/' || last < first)
		return -EBADMSG;
	if (p[0] == '*' && p + 1 == end)
		r->range_total = -1;
	else if (parse_num(p, &total) == end && last < total)
		r->range_total = (int64_t)total;
	else
		return -EBADMSG;
	r->has_range = 1;
	r->range_first = first;
	r->range_last = last;
	return 0;
}

static int hdr_location(struct http_resp *r, const char *v, size_t len)
{
	if (len >= sizeof(r->location))
		return -E2BIG;
	memcpy(r->location, v, len);
	r->location[len] = '\0';
	return 0;
}

/* A validator kept only whole; one too long is as good as none. */
static void keep_validator(char *dst, const char *v, size_t len)
{
	dst[0] = '\0';
	if (len == 0 || len >= HTTP_VALIDATOR_MAX)
		return;
	memcpy(dst, v, len);
	dst[len] = '\0';
}

/* entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; only the strong kind is kept. */
static int hdr_etag(struct http_resp *r, const char *v, size_t len)
{
	if (len >= 2 && v[0] == '"' && v[len - 1] == '"')
		keep_validator(r->etag, v, len);
	return 0;
}

static int hdr_last_modified(struct http_resp *r, const char *v, size_t len)
{
	keep_validator(r->last_modified, v, len);
	return 0;
}

/* Any coding but identity means the body is not the file's own bytes. */
static int hdr_content_encoding(struct http_resp *r, const char *v, size_t len)
{
	const char *end = v + len, *tok, *te;

	while (v < end) {
		while (v < end && (is_ows(*v) || *v == ','))
			v++;
		for (tok = v; v < end && *v != ','; v++)
			;
		for (te = v; te > tok && is_ows(te[-1]); te--)
			;
		if (te > tok && !case_eq(tok, (size_t)(te - tok), "identity"))
			r->coded = 1;
	}
	return 0;
}

/*
 * An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110 5.6.7): each
 * byte of @len == 29 against the form ('0' a digit, 'x' anything; the day
 * name is redundant and not checked, nor are the fields' ranges: a server's
 * nonsense only moves its own wait, which the caller caps). Days from the
 * epoch as H. Hinnant's days_from_civil for years from 1970 on.
 */
int64_t http_date(const char *s, size_t len)
{
	static const char form[] = "xxx, 00 xxx 0000 00:00:00 GMT";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	unsigned f[8] = { 0 }, i, k = 0, m, y;

	if (len != 29)
		return -1;
	for (i = 0; i < 29; i++) {
		if (form[i] == '0' && is_digit(s[i]))
			f[k] = f[k] * 10 + (unsigned)(s[i] - '0');
		else if (form[i] != 'x' && s[i] != form[i])
			return -1;
		k += form[i] == ' ' || form[i] == ':';
	}
	for (m = 0; m < 12 && memcmp(s + 8, months + 3 * m, 3); m++)
		;
	if (m == 12 || f[3] < 1970)	/* f: day 1, year 3, hour 4, minute 5, second 6 */
		return -1;
	y = f[3] - (m < 2);
	return (int64_t)(365 * y + y / 4 - y / 100 + y / 400 + (153 * ((m + 10) % 12) + 2) / 5 +
			 f[1] - 1 - 719468) * 86400 + f[4] * 3600 + f[5] * 60 + f[6];
}

/* delta-seconds or an HTTP-date; anything else is ignored, as if absent. */
static int hdr_retry_after(struct http_resp *r, const char *v, size_t len)
{
	uint64_t n;

	r->retry_after = parse_num(v, &n) == v + len ? (int64_t)n : -1;
	r->retry_date = http_date(v, len);
	return 0;
}

static int hdr_date(struct http_resp *r, const char *v, size_t len)
{
	r->date = http_date(v, len);
	return 0;
}

int64_t http_retry_wait(const struct http_resp *r, int64_t now)
{
	int64_t base = r->date >= 0 ? r->date : now;

	if (r->retry_after >= 0)
		return r->retry_after;
	if (r->retry_date < 0)
		return -1;
	if (base < 0)
		return INT64_MAX;
	return r->retry_date > base ? r->retry_date - base : 0;
}

static const struct http_header {
	const char *name;
	int (*parse)(struct http_resp *r, const char *value, size_t len);
} http_headers[] = {
	{ "Content-Length", hdr_content_length },
	{ "Transfer-Encoding", hdr_transfer_encoding },
	{ "Connection", hdr_connection },
	{ "Content-Range", hdr_content_range },
	{ "Location", hdr_location },
	{ "ETag", hdr_etag },
	{ "Last-Modified", hdr_last_modified },
	{ "Content-Encoding", hdr_content_encoding },
	{ "Retry-After", hdr_retry_after },
	{ "Date", hdr_date },
};

/* Results back to "nothing seen": at init and after a 1xx interim head. */
static void reset(struct http_resp *r, unsigned state)
{
	r->done = 0;
	r->version_minor = 0;
	r->status = 0;
	r->content_length = -1;
	r->chunked = 0;
	r->conn_close = 0;
	r->has_range = 0;
	r->range_first = r->range_last = 0;
	r->range_total = -1;
	r->location[0] = '\0';
	r->etag[0] = '\0';
	r->last_modified[0] = '\0';
	r->coded = 0;
	r->retry_after = r->retry_date = r->date = -1;
	r->state = state;
	r->line_len = 0;
	r->n_headers = 0;
	r->flags = 0;
}

void http_resp_init(struct http_resp *r)
{
	r->n_interim = 0;
	reset(r, ST_STATUS);
}

/* "HTTP/1.x NNN[ reason]" (the reason may be empty or missing). */
static int parse_status(struct http_resp *r, const char *l, size_t len)
{
	if (len < 12 || memcmp(l, "HTTP/1.", 7) != 0 || !is_digit(l[7]) || l[8] != ' ' ||
	    l[9] < '1' || l[9] > '5' || !is_digit(l[10]) || !is_digit(l[11]) ||
	    (len > 12 && l[12] != ' '))
		return -EBADMSG;
	r->version_minor = l[7] - '0';
	r->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	r->state = ST_HEADER;
	return 0;
}

/*
 * The blank line: a 1xx (but 101) is interim and another head follows, at
 * most HTTP_INTERIM_MAX times (each one resets the other caps).
 */
static int end_of_head(struct http_resp *r)
{
	if (r->status < 200 && r->status != 101) {
		if (++r->n_interim > HTTP_INTERIM_MAX)
			return -E2BIG;
		reset(r, ST_STATUS);
		return 0;
	}
	r->conn_close = (r->flags & F_CLOSE) ||
			(r->version_minor == 0 && !(r->flags & F_KEEPALIVE));
	if (r->chunked && r->content_length >= 0)	/* RFC 9112 6.3: an error */
		return -EBADMSG;
	if (r->chunked)
		r->content_length = -1;
	r->done = 1;
	r->state = ST_DONE;
	return 0;
}

/* "Name: OWS value OWS"; @l is NUL-terminated at @len. */
static int parse_header(struct http_resp *r, char *l, size_t len)
{
	size_t name = 0, i;
	char *v, *end = l + len;

	if (len == 0)
		return end_of_head(r);
	if (++r->n_headers > HTTP_HEADERS_MAX)
		return -E2BIG;
	while (is_tchar(l[name]))	/* also refuses obs-fold (leading blank) */
		name++;
	if (name == 0 || l[name] != ':')
		return -EBADMSG;
	for (v = l + name + 1; is_ows(*v); v++)
		;
	while (end > v && is_ows(end[-1]))
		end--;
	*end = '\0';
	for (i = 0; i < sizeof(http_headers) / sizeof(http_headers[0]); i++)
		if (case_eq(l, name, http_headers[i].name))
			return http_headers[i].parse(r, v, (size_t)(end - v));
	return 0;
}

/*
 * One byte. Lines end at LF; a CR right before it is dropped, any other CR
 * or control byte (but tab) is refused, so no NUL can cut a line short.
 */
static int feed_byte(struct http_resp *r, char c)
{
	unsigned char b = (unsigned char)c;
	size_t len;

	if (c != '\n') {
		if ((b < 0x20 && c != '\t' && c != '\r') || b == 0x7f)
			return -EBADMSG;
		if (r->line_len >= HTTP_LINE_MAX - 1)
			return -E2BIG;
		r->line[r->line_len++] = c;
		return 0;
	}
	len = r->line_len;
	r->line_len = 0;
	if (len > 0 && r->line[len - 1] == '\r')
		len--;
	if (memchr(r->line, '\r', len))
		return -EBADMSG;
	r->line[len] = '\0';
	if (r->state == ST_STATUS)
		return parse_status(r, r->line, len);
	return parse_header(r, r->line, len);
}

int http_resp_feed(struct http_resp *r, const char *buf, size_t len)
{
	size_t i;
	int rc;

	if (r->state == ST_DONE)
		return 0;
	if (r->state > ST_DONE)
		return r->state == ST_E2BIG ? -E2BIG : -EBADMSG;
	if (len > INT_MAX)
		len = INT_MAX;
	for (i = 0; i < len; i++) {
		rc = feed_byte(r, buf[i]);
		if (rc < 0) {
			r->state = rc == -E2BIG ? ST_E2BIG : ST_BADMSG;
			return rc;
		}
		if (r->state == ST_DONE)
			return (int)(i + 1);
	}
	return (int)len;
}

/* Request writer: appends while there is room, remembers overflow. */
struct out {
	char *buf;
	size_t size, pos;
	int full;
};

static void put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->full || n >= o->size - o->pos) {
		o->full = 1;
		return;
	}
	memcpy(o->buf + o->pos, s, n + 1);
	o->pos += n;
}

static void put_u64(struct out *o, uint64_t v)
{
	char d[21];
	size_t i = sizeof(d) - 1;

	d[i] = '\0';
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(o, d + i);
}

/* Nothing that could end a line or a field early, or split a word. */
static int clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* A header value: printable ASCII and blanks, nothing that ends a line. */
static int clean_value(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < ' ' && *s != '\t') || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* "host" or "host:port" (port 80 left out; an IPv6 literal keeps its brackets). */
static void put_authority(struct out *o, const char *host, uint16_t port)
{
	put(o, host);
	if (port != 80) {
		put(o, ":");
		put_u64(o, port);
	}
}

int http_request_build(char *buf, size_t size, const struct http_req *q)
{
	const struct url *u = q->url;
	const char *host = q->host ? q->host : u->host;
	struct out o = { buf, size, 0, size == 0 };
	int ranged = q->range_first > 0 || q->range_end;

	if (!host[0] || !clean(host) || u->path[0] != '/' || !clean(u->path) ||
	    (q->range_end && q->range_last < q->range_first) ||
	    (q->if_range && (!q->if_range[0] || !clean_value(q->if_range))))
		return -EINVAL;
	put(&o, "GET ");
	if (q->absolute) {
		put(&o, "http://");
		put_authority(&o, host, u->port);
	}
	put(&o, u->path);
	put(&o, " HTTP/1.1\r\nHost: ");
	put_authority(&o, host, u->port);
	put(&o, "\r\nUser-Agent: netinit/" NETINIT_VERSION "\r\nAccept: */*\r\n"
		"Accept-Encoding: identity\r\n");
	if (!q->keep_alive)
		put(&o, "Connection: close\r\n");
	if (ranged) {
		put(&o, "Range: bytes=");
		put_u64(&o, q->range_first);
		put(&o, "-");
		if (q->range_end)
			put_u64(&o, q->range_last);
		put(&o, "\r\n");
		if (q->if_range) {
			put(&o, "If-Range: ");
			put(&o, q->if_range);
			put(&o, "\r\n");
		}
	}
	put(&o, "\r\n");
	if (o.full || o.pos > INT_MAX)
		return -ENOSPC;
	return (int)o.pos;
}
