/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The HTTP/1.1 client of the fetch stage and the stream backend (see
 * httpc.h; RFC 9110, RFC 9112). The request is built by http.c, the head
 * parsed by it; this file does the I/O around them: the connection (to the
 * origin, or to netinit.proxy with the absolute-form target, RFC 9112
 * 3.2.2), over the addresses dns_resolve_all() gives, IPv6 first, with
 * Happy Eyeballs (tcp_connect_he(), RFC 8305); the whole head within
 * netinit.idle_timeout whatever the server trickles (at most 10 interim
 * heads, 100 header lines of 4 KiB: http.c's caps); up to 5 redirects.
 * The server is distrusted: nothing it sends is kept beyond the caps.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "dns.h"
#include "httpc.h"
#include "log.h"
#include "tcp.h"

#define MAX_REDIRECTS 5
#ifndef SHUT_RDWR
#define SHUT_RDWR     2		/* klibc lacks the name */
#endif

static char head[8192];		/* the head, then the body bytes read with it */

static void __attribute__((format(printf, 2, 3))) say(const struct httpc *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	log_verr(fmt, ap);
	va_end(ap);
}

void httpc_close(struct httpc *c)
{
	if (c->fd >= 0) {
		shutdown(c->fd, SHUT_RDWR);
		close(c->fd);
	}
	c->fd = -1;
	c->have = 0;
}

int httpc_parse(const char *text, struct url *u)
{
	int rc = url_parse(text, u);

	if (rc < 0)
		log_err("%s: not a usable http:// URL (%s): fix netinit.url", text,
			rc == -EPROTONOSUPPORT ? "only http:// is supported" :
			rc == -EADDRNOTAVAIL ? "an IPv6 zone id (%25...) is not supported: give "
			"a global address or a name" : strerror(-rc));
	return rc;
}

const char *httpc_validator(const struct http_resp *r)
{
	return r->etag[0] ? r->etag : r->last_modified;
}

const char *httpc_changed(const char *known, const struct http_resp *r)
{
	const char *now = known[0] == '"' ? r->etag : r->last_modified;

	return known[0] && now[0] && strcmp(now, known) ? now : NULL;
}

/* @to's addresses into @p, unless it holds them already; the next-server for "". */
static int resolve(struct httpc *c, const struct url *to, struct httpc_peer *p)
{
	char why[200];
	int rc;

	if (!to->host[0]) {
		memset(p, 0, sizeof(*p));
		p->n = 1;
		p->a[0].family = NET_AF4;
		memcpy(p->a[0].a, &c->next_server, 4);
		return 0;
	}
	if (p->n && !strcmp(p->name, to->host))
		return 0;
	p->n = 0;
	rc = dns_resolve_all(to->host, p->a, HTTPC_ADDRS, DNS_TIMEOUT_MS);
	if (rc < 0) {
		dns_explain(rc, why, sizeof(why));
		say(c, "%s: cannot resolve: %s", to->host, why);
		return rc;
	}
	p->n = (unsigned)rc;
	snprintf(p->name, sizeof(p->name), "%s", to->host);
	return 0;
}

/* A connection to @u's server, or to the proxy: c->fd, or -errno logged. */
static int connect_to(struct httpc *c, const struct url *u)
{
	const struct url *to = u;
	struct httpc_peer *p = c->peer;
	struct url proxy;
	char first[NET_ADDR_TEXT];
	int rc;

	if (c->cfg->proxy[0]) {
		if (url_parse(c->cfg->proxy, &proxy) < 0 || !proxy.host[0]) {
			say(c, "netinit.proxy=%s: not an http://HOST[:PORT] proxy: fix it",
			    c->cfg->proxy);
			return -EINVAL;
		}
		to = &proxy;
		p = &c->proxy;
	}
	rc = resolve(c, to, p);
	if (rc < 0)
		return rc;
	rc = tcp_connect_he(p->a, p->n, to->port, c->cfg->connect_timeout * 1000);
	if (rc < 0) {
		inet_ntop(p->a[0].family == NET_AF6 ? AF_INET6 : AF_INET, p->a[0].a, first,
			  sizeof(first));
		say(c, "%s: cannot connect to %s%s port %u (%s%s): %s: check that the %s is up "
		    "and the address is right", c->what, to != u ? "the proxy " : "",
		    to->host[0] ? to->host : c->host, to->port, first, p->n > 1 ? " and more" : "",
		    strerror(-rc), to != u ? "proxy" : "server");
		return rc;
	}
	c->fd = rc;
	return 0;
}

/* Reads the head into c->r, all of it within the idle timeout; *@any: a byte came. */
static int read_head(struct httpc *c, int *any)
{
	uint64_t deadline = clock_ms() + (uint64_t)c->cfg->idle_timeout * 1000;
	int used;

	http_resp_init(&c->r);
	while (!c->r.done) {
		uint64_t now = clock_ms();
		ssize_t n;

		if (now >= deadline)
			return -ETIMEDOUT;
		n = tcp_recv_some(c->fd, head, sizeof(head), (unsigned)(deadline - now));
		if (n <= 0)
			return n < 0 ? (int)n : -ECONNRESET;
		*any = 1;
		used = http_resp_feed(&c->r, head, (size_t)n);
		if (used < 0)
			return used;
		c->have = (size_t)n - (size_t)used;
		memmove(head, head + used, c->have);
	}
	return 0;
}

/* One line for a head that did not arrive whole: what came, in words. */
static void head_failed(const struct httpc *c, int rc)
{
	if (rc == -ETIMEDOUT)
		say(c, "%s: %s sent no complete response head within %u s "
		    "(netinit.idle_timeout)", c->what, c->host, c->cfg->idle_timeout);
	else if (rc == -ECONNRESET)
		say(c, "%s: %s closed the connection before a complete response head",
		    c->what, c->host);
	else if (rc == -EBADMSG)
		say(c, "%s: malformed HTTP response head from %s (bad status line or header, "
		    "or both Content-Length and Transfer-Encoding): broken server or proxy",
		    c->what, c->host);
	else if (rc == -E2BIG)
		say(c, "%s: HTTP response head from %s over netinit's limits (a line over %u "
		    "bytes, over %u header lines or over %u interim 1xx heads): broken "
		    "server or proxy", c->what, c->host, HTTP_LINE_MAX - 1,
		    HTTP_HEADERS_MAX, HTTP_INTERIM_MAX);
	else
		say(c, "%s: no response head from %s: %s", c->what, c->host, strerror(-rc));
}

int httpc_send(struct httpc *c, const struct url *u, struct http_req *q)
{
	char req[1536];
	int rc, len, reused = c->fd >= 0;

	if (!u->host[0] && !c->next_server) {
		say(c, "http:///path needs a DHCP next-server, and the lease has none: put the "
		    "server's address in netinit.url");
		rc = -EDESTADDRREQ;
		goto err;
	}
	if (u->host[0])
		snprintf(c->host, sizeof(c->host), "%s", u->host);
	else
		inet_ntop(AF_INET, &c->next_server, c->host, sizeof(c->host));
	q->url = u;
	q->host = u->host[0] ? NULL : c->host;
	q->absolute = c->cfg->proxy[0] != 0;
	rc = len = http_request_build(req, sizeof(req), q);
	if (len < 0) {
		say(c, "%s: cannot be put in an HTTP request (%s): shorten or fix the URL",
		    c->what, strerror(-len));
		goto err;
	}
	c->have = 0;
	if (!reused && (rc = connect_to(c, u)) < 0)
		return rc;
	c->requests++;
	rc = tcp_send_all(c->fd, req, (size_t)len, c->cfg->idle_timeout * 1000);
	if (rc < 0 && !reused)
		say(c, "%s: cannot send the request to %s: %s", c->what, c->host, strerror(-rc));
err:
	if (rc < 0)
		httpc_close(c);
	return rc < 0 ? rc : 0;
}

int httpc_head(struct httpc *c)
{
	int any = 0, rc = c->fd < 0 ? -ENOTCONN : read_head(c, &any);

	if (rc == 0)
		return c->r.status;
	httpc_close(c);
	head_failed(c, rc);
	return rc;
}

/* One request and its head, on the open connection or a new one. The status or -errno. */
static int exchange(struct httpc *c, const struct url *u, struct http_req *q)
{
	int rc, reused, any;

	for (;;) {
		reused = c->fd >= 0;
		any = 0;
		rc = httpc_send(c, u, q);
		if (rc < 0 && !reused)
			return rc;	/* said */
		if (rc == 0)
			rc = read_head(c, &any);
		if (rc == 0)
			return c->r.status;
		httpc_close(c);
		/* a kept-alive connection the server closed meanwhile: once more, fresh */
		if (!reused || any || rc == -ETIMEDOUT) {
			head_failed(c, rc);
			return rc;
		}
	}
}

int httpc_get(struct httpc *c, struct url *u, struct http_req *q)
{
	struct url next;
	int rc, hops;

	for (hops = 0;; hops++) {
		rc = exchange(c, u, q);
		if (rc < 300 || rc >= 400 || !c->r.location[0])
			return rc;
		httpc_close(c);
		if (hops == MAX_REDIRECTS || url_resolve(u, c->r.location, &next) < 0) {
			say(c, "%s: too many or bad redirects (last: %s): point netinit.url at the "
			    "final location", c->what, c->r.location);
			return -ELOOP;
		}
		log_debug("redirect %d to %s", rc, c->r.location);
		*u = next;
	}
}

ssize_t httpc_read(struct httpc *c, void *buf, size_t size)
{
	ssize_t n;

	if (c->have) {
		n = (ssize_t)(c->have < size ? c->have : size);
		memcpy(buf, head, (size_t)n);
		c->have -= (size_t)n;
		memmove(head, head + n, c->have);
		return n;
	}
	n = tcp_recv_some(c->fd, buf, size, c->cfg->idle_timeout * 1000);
	return n == 0 ? -EPIPE : n;
}
