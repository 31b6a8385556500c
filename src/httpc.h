/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The HTTP/1.1 client both image paths share (fetch.c, stream.c): one GET
 * on a connection to the server, or through netinit.proxy in absolute
 * form, over IPv4 or IPv6 (the resolver's addresses, Happy Eyeballs), its
 * response head read whole within netinit.idle_timeout, redirects
 * followed; then the body through the same connection. What the answer
 * means (ranges, validators, sizes) stays with the caller.
 */
#ifndef NETINIT_HTTPC_H
#define NETINIT_HTTPC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cmdline.h"
#include "http.h"
#include "netaddr.h"
#include "url.h"

#define HTTPC_ADDRS 6		/* addresses of a name kept and tried (Happy Eyeballs) */

/*
 * A host's addresses (IPv6 first, as dns_resolve_all() orders them),
 * resolved once and kept: the stream backend has no resolver after the
 * handoff. Zeroed: not resolved yet.
 */
struct httpc_peer {
	char name[URL_HOST_MAX];	/* the host the addresses belong to */
	unsigned n;
	struct net_addr a[HTTPC_ADDRS];
};

struct httpc {
	/* the caller's */
	const struct netinit_config *cfg;	/* timeouts, netinit.proxy */
	uint32_t next_server;		/* http:///path's server (network order), 0 if none */
	const char *what;		/* the URL as configured, for messages */
	struct httpc_peer *peer;	/* the origin's addresses (unused through a proxy) */
	int quiet;			/* failures are not logged: the caller says them */
	/* the client's */
	int fd;				/* the connection, -1 if none; kept with q->keep_alive */
	struct httpc_peer proxy;	/* netinit.proxy's addresses */
	char host[URL_HOST_MAX];	/* the origin's name or address, for messages */
	struct http_resp r;		/* the last response head */
	size_t have;			/* body bytes read with the head, for httpc_read() */
	unsigned long requests;		/* requests sent */
};

/*
 * Sends GET @u as @q asks (range, If-Range, keep-alive; url, host and
 * absolute are filled in here) and reads the response head into c->r,
 * connecting first unless c->fd is open; a kept-alive connection that
 * fails before any byte of the answer is tried once more, fresh. Redirects
 * (3xx with Location, up to 5) are followed, @u updated. Returns the final
 * status (>= 100) with the connection open, or a negative errno with it
 * closed, after one line saying why (unless quiet).
 */
int httpc_get(struct httpc *c, struct url *u, struct http_req *q);

/*
 * httpc_get() in two halves, for a request sent before its answer is
 * wanted (never more than one outstanding: no pipelining): httpc_send()
 * sends @q (connecting first unless c->fd is open, no retry, no redirect)
 * and returns 0 or -errno with the connection closed; httpc_head() reads
 * the answer's head into c->r and returns the status, or -errno with the
 * connection closed (-ENOTCONN: it was). Both log failures unless quiet.
 */
int httpc_send(struct httpc *c, const struct url *u, struct http_req *q);
int httpc_head(struct httpc *c);

/*
 * The next body bytes: those read with the head first, then from the
 * connection within netinit.idle_timeout. A count > 0, or -errno (-EPIPE
 * when the server closed the connection).
 */
ssize_t httpc_read(struct httpc *c, void *buf, size_t size);

/* Drops the connection; unread bytes make it a RST, so the server stops sending. */
void httpc_close(struct httpc *c);

/* url_parse() with one line for a URL that cannot be used. 0 or -errno. */
int httpc_parse(const char *text, struct url *u);

/* @r's validator for If-Range: its strong ETag, else its Last-Modified ("" if none). */
const char *httpc_validator(const struct http_resp *r);

/*
 * @r's validator of the kind @known is (an ETag starts with '"') when it
 * differs from @known; NULL when it is the same or either is missing.
 */
const char *httpc_changed(const char *known, const struct http_resp *r);

#endif
