/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DNS stub resolver (RFC 1035 7, RFC 1123 6.1.3.3): one UDP query (or an
 * AAAA and an A query side by side, RFC 8305 3) per server per round,
 * servers (IPv4 or IPv6) in /etc/resolv.conf order, the wait doubling
 * each round. A reply is accepted only from the server asked (connected
 * socket), with our random id and our question (dns_pkt.c checks both);
 * anything else is ignored. The socket is behind the seam of dns_net.h
 * (dns_net.c; the host tests link a replaying fake), time comes from
 * clock.h, and packet encoding lives in dns_pkt.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "dns.h"
#include "dns_net.h"
#include "dns_pkt.h"
#include "file.h"
#include "log.h"
#include "url.h"

#define MAX_SERVERS   3
#define FIRST_WAIT_MS 1000
#define RESOLUTION_DELAY_MS 50	/* RFC 8305 3: the other family's answer, once one is in */
#define FAMILY_MAX    4		/* addresses kept per family */

static const char *resolv_path = "/etc/resolv.conf";

void dns_set_resolv(const char *path)
{
	resolv_path = path;
}

/* If @line is "@key value...", the value's first word (terminated), else NULL. */
static char *conf_value(char *line, const char *key)
{
	size_t k = strlen(key);

	if (strncmp(line, key, k) || (line[k] != ' ' && line[k] != '\t'))
		return NULL;
	line += k;
	line += strspn(line, " \t");
	line[strcspn(line, " \t\r")] = '\0';
	return line;
}

/* An IPv4 or IPv6 literal (a v6 one with or without brackets) into @a. 0 or -EINVAL. */
static int literal(const char *s, struct net_addr *a)
{
	char v6[NET_ADDR_TEXT];
	size_t n = strlen(s);
	uint32_t v4;

	if (url_ipv4_literal(s, &v4) == 0) {
		memset(a, 0, sizeof(*a));
		a->family = NET_AF4;
		memcpy(a->a, &v4, 4);
		return 0;
	}
	if (s[0] == '[' && n >= 2 && s[n - 1] == ']' && n - 2 < sizeof(v6)) {
		memcpy(v6, s + 1, n - 2);
		v6[n - 2] = '\0';
		s = v6;
	}
	if (url_ipv6_literal(s, a->a) < 0)
		return -EINVAL;
	a->family = NET_AF6;
	return 0;
}

/*
 * /etc/resolv.conf: the nameserver lines into @srv (returns how many,
 * 0..MAX_SERVERS) and the first search/domain word into @dom (if given).
 * A link-local IPv6 server with a zone ("fe80::1%eth0") is skipped.
 */
static int dns_conf(struct net_addr *srv, char *dom, size_t dsize)
{
	char buf[1024], *line, *next, *v;
	int n = 0;

	if (dom)
		dom[0] = '\0';
	if (file_read(resolv_path, buf, sizeof(buf)) <= 0)
		return 0;
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if ((v = conf_value(line, "nameserver")) && n < MAX_SERVERS &&
		    literal(v, &srv[n]) == 0)
			n++;
		if (dom && !dom[0] && ((v = conf_value(line, "search")) ||
				       (v = conf_value(line, "domain"))) && strlen(v) < dsize)
			memcpy(dom, v, strlen(v) + 1);
	}
	return n;
}

/* One query of a round: its type, id and outcome. */
struct query {
	uint16_t qtype, id;
	int rc;			/* addresses found (> 0), or -errno; -ETIMEDOUT while open */
	uint8_t addrs[FAMILY_MAX * 16];
};

/* Sends query @q on @fd. 0 or -errno. */
static int send_query(int fd, const char *name, struct query *q)
{
	uint8_t b[DNS_UDP_MAX];
	int len = dns_build_query_type(b, sizeof(b), name, q->id, q->qtype);

	q->rc = -ETIMEDOUT;
	if (len < 0)
		return len;
	return dns_net_send(fd, b, (size_t)len);
}

/*
 * The @nq queries to @server, waiting up to @wait_ms for all the answers
 * (but RESOLUTION_DELAY_MS at most once one has brought addresses). Each
 * q->rc gets what dns_parse_answers() said of the first reply to it, or
 * -ETIMEDOUT; -EAGAIN for all when an ICMP error said nobody serves DNS there.
 */
static void ask(const struct net_addr *server, const char *name, struct query *q, unsigned nq,
		unsigned wait_ms)
{
	uint8_t r[DNS_UDP_MAX];
	uint64_t end = clock_ms() + wait_ms, now;
	unsigned i, open = nq;
	int fd, n;

	for (i = 0; i < nq; i++) {
		q[i].id = (uint16_t)(clock_random() ^ i);
		q[i].rc = -ETIMEDOUT;
	}
	fd = dns_net_open(server);
	for (i = 0; i < nq; i++) {
		n = fd < 0 ? fd : send_query(fd, name, &q[i]);
		if (n < 0) {
			q[i].rc = n;
			open--;
		}
	}
	while (open && (now = clock_ms()) < end) {
		n = dns_net_recv(fd, r, sizeof(r), (unsigned)(end - now));
		if (n == -ECONNREFUSED) {	/* ICMP port unreachable */
			for (i = 0; i < nq; i++)
				q[i].rc = q[i].rc == -ETIMEDOUT ? -EAGAIN : q[i].rc;
			break;
		}
		for (i = 0; n >= 0 && i < nq; i++) {
			int rc;

			if (q[i].rc != -ETIMEDOUT)
				continue;
			rc = dns_parse_answers(r, (size_t)n, q[i].id, name, q[i].qtype,
					       q[i].addrs, FAMILY_MAX);
			if (rc == -ENOMSG || rc == -EBADMSG)
				continue;	/* junk: keep waiting for the real answer */
			q[i].rc = rc;
			open = rc == -ENOENT ? 0 : open - 1;	/* NXDOMAIN: no type has it */
			if (rc > 0 && clock_ms() + RESOLUTION_DELAY_MS < end)
				end = clock_ms() + RESOLUTION_DELAY_MS;
			break;
		}
	}
	if (fd >= 0)
		dns_net_close(fd);
}

/* What a server's answers to @q mean together: 0 if any brought addresses. */
static int outcome(const struct query *q, unsigned nq)
{
	unsigned i, gone = 0, nx = 0, failed = 0;

	for (i = 0; i < nq; i++) {
		if (q[i].rc > 0)
			return 0;
		if (q[i].rc == -EINVAL)
			return -EINVAL;
		gone += q[i].rc == -ENOENT || q[i].rc == -ENODATA;
		nx += q[i].rc == -ENOENT;
		failed += q[i].rc == -EAGAIN;
	}
	if (nx)
		return -ENOENT;
	if (gone == nq)
		return -ENODATA;
	return failed ? -EAGAIN : -ETIMEDOUT;	/* silence, or a socket error */
}

/*
 * Asks the servers in rounds for the @nq queries about @name until one
 * server's answers settle it (see outcome()). 0 or -errno (see dns.h).
 */
static int lookup(const char *name, struct query *q, unsigned nq, unsigned timeout_ms)
{
	struct net_addr srv[MAX_SERVERS];
	char dom[128], fq[DNS_NAME_MAX + 2];
	uint64_t deadline = clock_ms() + timeout_ms, now;
	unsigned wait = FIRST_WAIT_MS;
	int n, i, rc = -ETIMEDOUT, answered = 0;

	n = dns_conf(srv, dom, sizeof(dom));
	if (!n)
		return -EDESTADDRREQ;
	/* a single label ("mirror") lives in the lease's domain */
	if (!strchr(name, '.') && dom[0] && strlen(name) + 1 + strlen(dom) <= DNS_NAME_MAX) {
		size_t len = strlen(name);	/* both lengths checked just above */

		memcpy(fq, name, len);
		fq[len] = '.';
		strcpy(fq + len + 1, dom);
		name = fq;
	}
	while ((now = clock_ms()) < deadline) {
		int failed = 0;

		for (i = 0; i < n && (now = clock_ms()) < deadline; i++) {
			unsigned w = deadline - now < wait ? (unsigned)(deadline - now) : wait;

			ask(&srv[i], name, q, nq, w);
			rc = outcome(q, nq);
			log_debug("dns: %s from server %d: %d", name, i + 1, rc);
			if (rc == 0 || rc == -ENOENT || rc == -ENODATA || rc == -EINVAL)
				return rc;
			failed += rc == -EAGAIN;
		}
		/* every server answered, with SERVFAIL/REFUSED: asking again will not help */
		if (failed == n)
			return -EAGAIN;
		answered |= failed;
		wait *= 2;
	}
	return answered ? -EAGAIN : -ETIMEDOUT;
}

int dns_resolve(const char *name, uint32_t *addr_be, unsigned timeout_ms)
{
	struct query q = { .qtype = DNS_TYPE_A };
	int rc;

	if (url_ipv4_literal(name, addr_be) == 0)
		return 0;
	rc = lookup(name, &q, 1, timeout_ms);
	if (rc == 0)
		memcpy(addr_be, q.addrs, 4);
	return rc;
}

int dns_resolve_all(const char *name, struct net_addr *out, unsigned max, unsigned timeout_ms)
{
	struct query q[2] = { { .qtype = DNS_TYPE_AAAA }, { .qtype = DNS_TYPE_A } };
	unsigned n = 0, k[2] = { 0, 0 }, f;
	int rc;

	if (!max)
		return -EINVAL;
	if (literal(name, out) == 0)
		return 1;
	rc = lookup(name, q, 2, timeout_ms);
	if (rc < 0)
		return rc;
	/* RFC 8305 4: IPv6 first, then the families take turns */
	while (n < max && ((q[0].rc > 0 && k[0] < (unsigned)q[0].rc) ||
			   (q[1].rc > 0 && k[1] < (unsigned)q[1].rc)))
		for (f = 0; f < 2 && n < max; f++) {
			size_t alen = f ? 4 : 16;

			if (q[f].rc <= 0 || k[f] >= (unsigned)q[f].rc)
				continue;
			memset(&out[n], 0, sizeof(out[n]));
			out[n].family = f ? NET_AF4 : NET_AF6;
			memcpy(out[n++].a, q[f].addrs + alen * k[f]++, alen);
		}
	return (int)n;
}

void dns_explain(int rc, char *buf, size_t size)
{
	struct net_addr srv[MAX_SERVERS];
	int n = dns_conf(srv, NULL, 0), i;
	size_t len;
	const char *what = rc == -ENOENT ? "no such name (NXDOMAIN)" :
		rc == -ENODATA ? "the name has no address (A or AAAA record)" :
		rc == -EINVAL ? "not a valid host name" :
		rc == -EAGAIN ? "the DNS servers failed or refused" :
		rc == -ETIMEDOUT ? "no answer from the DNS servers" : strerror(-rc);

	if (!n) {
		snprintf(buf, size, "no DNS server known: the DHCP lease has none; add "
			 "ip=...:<dns0> or use the server's address in the URL");
		return;
	}
	len = (size_t)snprintf(buf, size, "%s; DNS servers:", what);
	for (i = 0; i < n && len < size; i++) {
		char t[NET_ADDR_TEXT];

		inet_ntop(srv[i].family == NET_AF6 ? AF_INET6 : AF_INET, srv[i].a, t, sizeof(t));
		len += (size_t)snprintf(buf + len, size - len, " %s", t);
	}
}
