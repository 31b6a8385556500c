/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DNS stub resolver (RFC 1035 7, RFC 1123 6.1.3.3): one UDP query per
 * server per round, servers in /etc/resolv.conf order, the wait doubling
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

/*
 * /etc/resolv.conf: the nameserver lines into @srv (returns how many,
 * 0..MAX_SERVERS) and the first search/domain word into @dom (if given).
 */
static int dns_conf(uint32_t *srv, char *dom, size_t dsize)
{
	char buf[1024], *line, *next, *v;
	int n = 0;

	if (dom)
		dom[0] = '\0';
	if (file_read("/etc/resolv.conf", buf, sizeof(buf)) <= 0)
		return 0;
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if ((v = conf_value(line, "nameserver")) && n < MAX_SERVERS &&
		    url_ipv4_literal(v, &srv[n]) == 0)
			n++;
		if (dom && !dom[0] && ((v = conf_value(line, "search")) ||
				       (v = conf_value(line, "domain"))) && strlen(v) < dsize)
			memcpy(dom, v, strlen(v) + 1);
	}
	return n;
}

/*
 * One query to @server, waiting up to @wait_ms. Returns what
 * dns_parse_response() said of the first reply to this query, or
 * -ETIMEDOUT.
 */
static int ask(uint32_t server, const char *name, uint32_t *addr, unsigned wait_ms)
{
	uint8_t q[DNS_UDP_MAX], r[DNS_UDP_MAX];
	uint16_t id = (uint16_t)clock_random();
	uint64_t end = clock_ms() + wait_ms, now;
	int fd, len, n, rc = -ETIMEDOUT;

	len = dns_build_query(q, sizeof(q), name, id);
	if (len < 0)
		return len;
	fd = dns_net_open(server);
	if (fd < 0)
		return fd;
	n = dns_net_send(fd, q, (size_t)len);
	if (n < 0) {
		rc = n;
		goto out;
	}
	while ((now = clock_ms()) < end) {
		n = dns_net_recv(fd, r, sizeof(r), (unsigned)(end - now));
		/* ICMP port unreachable: nobody serves DNS there */
		if (n == -ECONNREFUSED) {
			rc = -EAGAIN;
			break;
		}
		if (n < 0)
			continue;
		rc = dns_parse_response(r, (size_t)n, id, name, addr);
		if (rc != -ENOMSG && rc != -EBADMSG)
			break;
		rc = -ETIMEDOUT;	/* junk: keep waiting for the real answer */
	}
out:
	dns_net_close(fd);
	return rc;
}

int dns_resolve(const char *name, uint32_t *addr_be, unsigned timeout_ms)
{
	uint32_t srv[MAX_SERVERS];
	char dom[128], fq[DNS_NAME_MAX + 2];
	uint64_t deadline = clock_ms() + timeout_ms, now;
	unsigned wait = FIRST_WAIT_MS;
	int n, i, rc = -ETIMEDOUT, answered = 0;

	if (url_ipv4_literal(name, addr_be) == 0)
		return 0;
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

			rc = ask(srv[i], name, addr_be, w);
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

void dns_explain(int rc, char *buf, size_t size)
{
	uint32_t srv[MAX_SERVERS];
	int n = dns_conf(srv, NULL, 0), i;
	size_t len;
	const char *what = rc == -ENOENT ? "no such name (NXDOMAIN)" :
		rc == -ENODATA ? "the name has no IPv4 address (A record)" :
		rc == -EINVAL ? "not a valid host name" :
		rc == -EAGAIN ? "the DNS servers failed or refused" :
		rc == -ETIMEDOUT ? "no answer from the DNS servers" : strerror(-rc);

	if (!n) {
		snprintf(buf, size, "no DNS server known: the DHCP lease has none; add "
			 "ip=...:<dns0> or use the server's IPv4 address in the URL");
		return;
	}
	len = (size_t)snprintf(buf, size, "%s; DNS servers:", what);
	for (i = 0; i < n && len < size; i++) {
		struct in_addr a = { .s_addr = srv[i] };

		len += (size_t)snprintf(buf + len, size - len, " %s", inet_ntoa(a));
	}
}
