/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http:// URL parsing and Location resolution. The input comes from the
 * command line, DHCP and HTTP servers, so nothing in it is trusted: every
 * part is length-checked against its buffer, control characters, spaces,
 * non-ASCII bytes and userinfo are refused rather than passed on into a
 * request line. Pure: no syscalls, no allocation.
 * Implements a subset of RFC 3986: sections 3.1-3.5 (components), 5.2
 * (reference resolution, remove_dot_segments), 7.1/7.4 IPv4 literals and
 * 3.2.2 IP-literals ("[2001:db8::1]", RFC 4291 2.2 text; no zone id, no
 * IPvFuture).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "url.h"

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Bytes we never put on a request line: controls, space, DEL, non-ASCII. */
static int is_bad(char c)
{
	unsigned char b = (unsigned char)c;

	return b <= ' ' || b >= 0x7f;
}

static int lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int host_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_';
}

/* Length of a scheme ("http" in "http:..."), or 0 if @s starts with none. */
static size_t scheme_len(const char *s)
{
	size_t n = 0;

	if (!is_alpha(s[0]))
		return 0;
	while (is_alpha(s[n]) || is_digit(s[n]) || s[n] == '+' || s[n] == '-' || s[n] == '.')
		n++;
	return s[n] == ':' ? n : 0;
}

/* Port digits in [s, e): 1..65535; an empty port leaves the default in *@port. */
static int parse_port(const char *s, const char *e, uint16_t *port)
{
	unsigned long v = 0;

	if (s == e)
		return 0;
	for (; s < e; s++) {
		if (!is_digit(*s))
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 65535)
			return -EINVAL;
	}
	if (v == 0)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* "[v6]" in [s, e) (brackets included), with e right after the ']'. */
static int check_ip_literal(const char *s, const char *e)
{
	char text[NET_ADDR_TEXT];
	uint8_t a[16];
	size_t n = (size_t)(e - s) - 2;

	if (memchr(s, '%', n + 2))
		return -EADDRNOTAVAIL;	/* RFC 6874 zone id: refused, said so by the caller */
	if (n >= sizeof(text))
		return -EINVAL;
	memcpy(text, s + 1, n);
	text[n] = '\0';
	return url_ipv6_literal(text, a);
}

/* "host[:port]" or "[v6][:port]" in [s, e) into @u; an IP-literal keeps its brackets. */
static int parse_authority(const char *s, const char *e, struct url *u)
{
	const char *rb = s < e && *s == '[' ? memchr(s, ']', (size_t)(e - s)) : NULL;
	const char *colon = memchr(rb ? rb : s, ':', (size_t)(e - (rb ? rb : s)));
	const char *h_end = rb ? rb + 1 : colon ? colon : e;
	const char *p;
	int rc;

	if (rb) {
		rc = check_ip_literal(s, h_end);
		if (rc < 0)
			return rc;
		if (h_end != e && h_end != colon)
			return -EINVAL;
	} else {
		for (p = s; p < h_end; p++)
			if (!host_char(*p))
				return -EINVAL;
	}
	if ((size_t)(h_end - s) >= URL_HOST_MAX)
		return -ENAMETOOLONG;
	rc = parse_port(colon ? colon + 1 : e, e, &u->port);
	if (rc < 0)
		return rc;
	memcpy(u->host, s, (size_t)(h_end - s));
	u->host[h_end - s] = '\0';
	return 0;
}

/*
 * Copies path+query from @s (up to '#' or the end) to @dst, prefixing '/'
 * when it starts with '?' or is empty.
 */
static int copy_path(char *dst, const char *s)
{
	size_t n = strcspn(s, "#"), off = 0, i;

	for (i = 0; i < n; i++)
		if (is_bad(s[i]))
			return -EINVAL;
	if (n == 0 || s[0] != '/')
		dst[off++] = '/';
	if (off + n >= URL_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(dst + off, s, n);
	dst[off + n] = '\0';
	return 0;
}

/* "//authority[/path][?query][#frag]" into @u. */
static int parse_net_path(const char *s, struct url *u)
{
	const char *a = s + 2, *e;
	int rc;

	if (s[0] != '/' || s[1] != '/')
		return -EINVAL;
	e = a + strcspn(a, "/?#");
	if (memchr(a, '@', (size_t)(e - a)))
		return -EINVAL;
	rc = parse_authority(a, e, u);
	if (rc < 0)
		return rc;
	return copy_path(u->path, e);
}

int url_parse_as(const char *s, const char *scheme, uint16_t port, struct url *u)
{
	size_t n = scheme_len(s), i;

	if (n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (lower(s[i]) != scheme[i])
			return -EPROTONOSUPPORT;
	if (scheme[n])
		return -EPROTONOSUPPORT;
	u->port = port;
	return parse_net_path(s + n + 1, u);
}

int url_parse(const char *s, struct url *u)
{
	return url_parse_as(s, "http", 80, u);
}

int url_ipv4_literal(const char *s, uint32_t *addr)
{
	const char *start;
	uint8_t b[4];
	unsigned i, v;

	for (i = 0; i < 4; i++) {
		if (i > 0 && *s++ != '.')
			return -EINVAL;
		for (v = 0, start = s; is_digit(*s) && s - start < 3; s++)
			v = v * 10 + (unsigned)(*s - '0');
		/* "010" is octal to inet_aton() and decimal to people: refuse it */
		if (s == start || v > 255 || (s - start > 1 && *start == '0'))
			return -EINVAL;
		b[i] = (uint8_t)v;
	}
	if (*s != '\0')
		return -EINVAL;
	memcpy(addr, b, sizeof(b));
	return 0;
}

int url_hex_digit(char c)
{
	return is_digit(c) ? c - '0' : (lower(c) >= 'a' && lower(c) <= 'f') ? lower(c) - 'a' + 10 : -1;
}

int url_ipv6_literal(const char *s, uint8_t addr[16])
{
	uint8_t b[16];
	int n = 0, gap = -1, i, v, d;

	if (*s == ':' && *++s != ':')
		return -EINVAL;		/* a leading ':' only as "::" */
	while (n < 16) {
		if (*s == ':') {	/* the second colon of "::" */
			if (gap >= 0)
				return -EINVAL;
			gap = n;
			if (*++s == '\0')
				break;
			continue;
		}
		if (memchr(s, '.', strcspn(s, ":"))) {	/* trailing dotted quad */
			uint32_t v4;

			if (n > 12 || url_ipv4_literal(s, &v4) < 0)
				return -EINVAL;
			memcpy(b + n, &v4, 4);
			n += 4;
			s += strlen(s);
			break;
		}
		for (i = 0, v = 0; i < 4 && (d = url_hex_digit(s[i])) >= 0; i++)
			v = v << 4 | d;
		if (i == 0)
			return -EINVAL;
		s += i;
		b[n++] = (uint8_t)(v >> 8);
		b[n++] = (uint8_t)v;
		if (*s == '\0')
			break;
		if (*s++ != ':' || *s == '\0')
			return -EINVAL;
	}
	if (*s != '\0')
		return -EINVAL;
	if (gap < 0 ? n != 16 : n > 14)
		return -EINVAL;
	if (gap >= 0) {
		memmove(b + 16 - (n - gap), b + gap, (size_t)(n - gap));
		memset(b + gap, 0, (size_t)(16 - n));
	}
	memcpy(addr, b, 16);
	return 0;
}

/*
 * RFC 3986 5.2.4 remove_dot_segments, in place, on the part of @path
 * before any '?'. The output never grows, so writing behind the read
 * position is safe.
 */
static void remove_dot_segments(char *path)
{
	char *q = path + strcspn(path, "?");
	char *in = path, *out = path;

	while (in < q) {
		char *seg = in + 1, *next = seg;
		size_t n;

		while (next < q && *next != '/')
			next++;
		n = (size_t)(next - seg);
		if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) {
			if (n == 2)
				while (out > path && *--out != '/')
					;
			if (next == q)
				*out++ = '/';
		} else {
			memmove(out, in, (size_t)(next - in));
			out += next - in;
		}
		in = next;
	}
	memmove(out, q, strlen(q) + 1);
}

/* A relative path or "?query" reference merged with the base path. */
static int merge_path(const struct url *base, const char *ref, struct url *out)
{
	size_t dir = strcspn(base->path, "?"), n = strcspn(ref, "#"), i;

	for (i = 0; i < n; i++)
		if (is_bad(ref[i]))
			return -EINVAL;
	if (ref[0] != '?')	/* keep the base's directory, up to its last '/' */
		while (dir > 0 && base->path[dir - 1] != '/')
			dir--;
	if (dir == 0 || dir + n >= URL_PATH_MAX)
		return dir ? -ENAMETOOLONG : -EINVAL;
	memcpy(out->path, base->path, dir);
	memcpy(out->path + dir, ref, n);
	out->path[dir + n] = '\0';
	return 0;
}

int url_resolve(const struct url *base, const char *ref, struct url *out)
{
	struct url tmp;
	int rc;

	if (scheme_len(ref))
		rc = url_parse(ref, &tmp);
	else if (ref[0] == '/' && ref[1] == '/') {
		tmp.port = 80;
		rc = parse_net_path(ref, &tmp);
	}
	else {
		memcpy(tmp.host, base->host, sizeof(tmp.host));
		tmp.port = base->port;
		if (ref[0] == '/')
			rc = copy_path(tmp.path, ref);
		else if (ref[0] == '\0' || ref[0] == '#')
			rc = copy_path(tmp.path, base->path);
		else
			rc = merge_path(base, ref, &tmp);
	}
	if (rc < 0)
		return rc;
	remove_dot_segments(tmp.path);
	*out = tmp;
	return 0;
}
