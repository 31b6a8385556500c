/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for src/url.c: url_parse() of the input (a URL from the
 * command line or a server's Location header, distrusted), url_resolve() of
 * the input against a fixed base, url_ipv4_literal(), and the request that
 * http_request_build() makes from any URL that parsed (origin- and
 * absolute-form), url_ipv6_literal() against the C library's inet_pton()
 * (they must agree, byte for byte). Invariants: a parsed
 * URL has a path starting with '/' and no byte that cannot go on a request
 * line, port != 0, a host without control bytes, and it survives a
 * print-and-parse round trip; a failed resolve leaves its output untouched;
 * a request built from it has exactly one blank line, at its end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "url.h"

#define BASE "http://a:81/b/c/d?q"

static int bad_byte(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f;
}

static void check_rc(int rc)
{
	if (rc != 0 && rc != -EPROTONOSUPPORT && rc != -EINVAL && rc != -ENAMETOOLONG &&
	    rc != -EADDRNOTAVAIL)
		abort();
}

static void check_url(const struct url *u)
{
	static char buf[URL_HOST_MAX + URL_PATH_MAX + 32];
	static char req[4096];
	struct http_req q = { 0 };
	struct url again;
	size_t i;
	int n;

	if (!memchr(u->host, '\0', sizeof(u->host)) || !memchr(u->path, '\0', sizeof(u->path)))
		abort();
	if (u->path[0] != '/' || u->port == 0 || strchr(u->path, '#'))
		abort();
	for (i = 0; u->host[i]; i++)
		if (bad_byte((unsigned char)u->host[i]) || strchr("/@?#%", u->host[i]))
			abort();
	/* a host is a name, or an IPv6 literal in brackets that parses */
	if (u->host[0] == '[') {
		char v6[URL_HOST_MAX];
		uint8_t a[16];
		size_t hl = strlen(u->host);

		if (hl < 3 || u->host[hl - 1] != ']')
			abort();
		memcpy(v6, u->host + 1, hl - 2);
		v6[hl - 2] = '\0';
		if (url_ipv6_literal(v6, a) != 0)
			abort();
	} else if (strchr(u->host, ':') || strchr(u->host, '[') || strchr(u->host, ']')) {
		abort();
	}
	for (i = 0; u->path[i]; i++)
		if (bad_byte((unsigned char)u->path[i]))
			abort();

	/* round trip: what we print is what we parsed */
	snprintf(buf, sizeof(buf), "http://%s:%u%s", u->host, u->port, u->path);
	if (url_parse(buf, &again) != 0 || strcmp(again.host, u->host) ||
	    again.port != u->port || strcmp(again.path, u->path))
		abort();

	/* a request line from it cannot smuggle a header */
	q.url = u;
	q.host = u->host[0] ? NULL : "10.0.2.2";
	q.range_first = 7;
	q.absolute = u->path[1] == 'a';	/* either form, by the input */
	n = http_request_build(req, sizeof(req), &q);
	if (n == -ENOSPC)
		return;
	if (n < 4 || (size_t)n != strlen(req) || strstr(req, "\r\n\r\n") != req + n - 4)
		abort();
	for (i = 0; i < (size_t)n; i++)
		if (req[i] == '\n' ? i == 0 || req[i - 1] != '\r' :
		    req[i] == '\r' ? req[i + 1] != '\n' : 0)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct url base, u, copy;
	uint32_t addr;
	char *s = malloc(size + 1);
	int rc;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	rc = url_parse(s, &u);
	check_rc(rc);
	if (rc == 0)
		check_url(&u);

	if (url_parse(BASE, &base) != 0)
		abort();
	rc = url_resolve(&base, s, &u);
	check_rc(rc);
	if (rc == 0)
		check_url(&u);
	/* in place, as fetch follows a redirect; untouched on failure */
	copy = base;
	rc = url_resolve(&copy, s, &copy);
	check_rc(rc);
	if (rc == 0)
		check_url(&copy);
	else if (memcmp(&copy, &base, sizeof(base)) != 0)
		abort();

	/* a literal is canonical dotted-quad: it prints back as given */
	if (url_ipv4_literal(s, &addr) == 0) {
		const uint8_t *b = (const uint8_t *)&addr;
		char back[16];

		snprintf(back, sizeof(back), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		if (strcmp(back, s) != 0)
			abort();
	}
	/* IPv6 text: the same verdict and bytes as inet_pton() */
	{
		uint8_t mine[16], libc[16];
		int ok = url_ipv6_literal(s, mine) == 0;

		if (ok != (inet_pton(AF_INET6, s, libc) == 1) ||
		    (ok && memcmp(mine, libc, 16) != 0))
			abort();
	}
	free(s);
	return 0;
}
