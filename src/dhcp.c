/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DHCPv4 client state machine (RFC 2131 section 4.4). The interface has no
 * address yet, so packets go through a packet socket, behind the narrow
 * seam of dhcp_net.h (dhcp_net.c; the host tests link a replaying fake);
 * time comes from clock.h. Packet building and parsing live in dhcp_pkt.c.
 *
 * Replies are matched on xid and chaddr; anything else on the wire is
 * ignored. Retransmissions back off exponentially (RFC 2131 4.1) from 2 s
 * up to 16 s with up to 1 s of random jitter. A NAK restarts from INIT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "dhcp.h"
#include "dhcp_net.h"
#include "log.h"

#define RETRANS_FIRST_MS 2000
#define RETRANS_MAX_MS   16000

struct dhcp_client {
	const struct netif *nif;
	int fd;				/* -1 once its socket failed */
	uint32_t xid;
	uint64_t start_ms, resend;
	unsigned backoff;
	uint8_t state;			/* DHCP_DISCOVER or DHCP_REQUEST: what we send */
	uint8_t sent_state;		/* what we sent last, 0 = nothing yet */
	struct dhcp_msg offer;
};

static int dhcp_send(struct dhcp_client *c)
{
	uint8_t payload[DHCP_PKT_MAX], frame[DHCP_PKT_MAX + 28];
	struct dhcp_req req;
	int plen, flen, rc;

	memset(&req, 0, sizeof(req));
	req.type = c->state;
	req.xid = c->xid;
	memcpy(req.mac, c->nif->mac, 6);
	req.secs = (uint16_t)((clock_ms() - c->start_ms) / 1000);
	if (c->state == DHCP_REQUEST) {
		req.requested_ip = c->offer.yiaddr;
		req.server_id = c->offer.server_id;
	}
	plen = dhcp_build(payload, sizeof(payload), &req);
	if (plen < 0)
		return plen;
	flen = dhcp_frame(frame, sizeof(frame), payload, (size_t)plen, INADDR_ANY,
			  INADDR_BROADCAST, DHCP_CLIENT_PORT, DHCP_SERVER_PORT);
	if (flen < 0)
		return flen;
	rc = dhcp_net_send(c->fd, c->nif, frame, (size_t)flen);
	if (rc < 0)
		return rc;
	log_debug("dhcp: +%llu ms sent %s xid %08x",
		  (unsigned long long)(clock_ms() - c->start_ms),
		  c->state == DHCP_DISCOVER ? "DISCOVER" : "REQUEST", c->xid);
	return 0;
}

/*
 * Reads one frame. Returns 1 if it was a reply for us (in @msg), 0 if it
 * was someone else's or malformed, negative errno on socket failure.
 */
static int dhcp_recv(struct dhcp_client *c, struct dhcp_msg *msg)
{
	uint8_t frame[1536];
	const uint8_t *payload;
	int n = dhcp_net_recv(c->fd, frame, sizeof(frame)), plen;

	if (n < 0)
		return n == -EINTR || n == -EAGAIN ? 0 : n;
	plen = dhcp_unframe(frame, (size_t)n, DHCP_CLIENT_PORT, &payload);
	if (plen < 0 || dhcp_parse(payload, (size_t)plen, msg) < 0)
		return 0;
	if (msg->xid != c->xid || memcmp(msg->chaddr, c->nif->mac, 6) != 0)
		return 0;
	log_debug("dhcp: +%llu ms received type %u from %08x",
		  (unsigned long long)(clock_ms() - c->start_ms), msg->type,
		  (unsigned)ntohl(msg->server_id));
	return 1;
}

/* Acts on a reply. Returns 1 when bound, 0 to keep waiting. */
static int dhcp_handle(struct dhcp_client *c, const struct dhcp_msg *m)
{
	if (c->state == DHCP_DISCOVER && m->type == DHCP_OFFER) {
		if (!m->yiaddr || !m->server_id)
			return 0;
		c->offer = *m;
		c->state = DHCP_REQUEST;
		return 0;
	}
	if (c->state != DHCP_REQUEST || m->server_id != c->offer.server_id)
		return 0;
	if (m->type == DHCP_ACK && m->yiaddr)
		return 1;
	if (m->type == DHCP_NAK) {
		log_info("dhcp: %s: server refused the address (NAK), starting over",
			 c->nif->name);
		c->state = DHCP_DISCOVER;
		c->xid = clock_random();
	}
	return 0;
}

/* Sends when the state changed or the retransmission timer ran out. */
static int dhcp_tick(struct dhcp_client *c, uint64_t now)
{
	int rc;

	if (c->state == c->sent_state && now < c->resend)
		return 0;
	if (c->state != c->sent_state)
		c->backoff = RETRANS_FIRST_MS;
	rc = dhcp_send(c);
	if (rc < 0)
		return rc;
	c->sent_state = c->state;
	c->resend = now + c->backoff + clock_random() % 1000;
	if (c->backoff < RETRANS_MAX_MS)
		c->backoff *= 2;
	return 0;
}

/* Drops a client whose socket failed; the others go on. */
static void dhcp_drop(struct dhcp_client *c, int rc)
{
	log_info("dhcp: %s: %s, giving up on it", c->nif->name, strerror(-rc));
	dhcp_net_close(c->fd);
	c->fd = -1;
}

static int dhcp_loop(struct dhcp_client *c, int n, uint64_t deadline, struct dhcp_msg *lease)
{
	int fds[NETIF_MAX];
	uint64_t now, next;
	int i, rc, live;

	while ((now = clock_ms()) < deadline) {
		next = deadline;
		live = 0;
		for (i = 0; i < n; i++) {
			if (c[i].fd >= 0 && (rc = dhcp_tick(&c[i], now)) < 0)
				dhcp_drop(&c[i], rc);
			fds[i] = c[i].fd;
			if (c[i].fd < 0)
				continue;
			live++;
			if (c[i].resend < next)
				next = c[i].resend;
		}
		if (!live)
			return -ENETDOWN;
		rc = dhcp_net_wait(fds, n, (unsigned)(next > now ? next - now : 0));
		if (rc < 0)
			return rc;
		for (i = 0; rc > 0 && i < n; i++) {
			int got;

			if (c[i].fd < 0 || !(rc & (1 << i)))
				continue;
			got = dhcp_recv(&c[i], lease);
			if (got < 0)
				dhcp_drop(&c[i], got);
			else if (got > 0 && dhcp_handle(&c[i], lease))
				return i;
		}
	}
	return -ETIMEDOUT;
}

int dhcp_obtain(const struct netif *nifs, int n, unsigned timeout_ms, struct dhcp_msg *lease)
{
	struct dhcp_client c[NETIF_MAX];
	uint64_t start = clock_ms();
	int i, rc;

	if (n > NETIF_MAX)
		n = NETIF_MAX;
	memset(c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		c[i].nif = &nifs[i];
		c[i].xid = clock_random();
		c[i].start_ms = start;
		c[i].state = DHCP_DISCOVER;
		c[i].fd = dhcp_net_open(&nifs[i]);
		if (c[i].fd < 0)
			log_info("dhcp: %s: no packet socket: %s", nifs[i].name,
				 strerror(-c[i].fd));
	}
	rc = dhcp_loop(c, n, start + timeout_ms, lease);
	for (i = 0; i < n; i++)
		if (c[i].fd >= 0)
			dhcp_net_close(c[i].fd);
	return rc;
}

/* RFC 791 classful default, for servers that send no subnet mask. */
static uint32_t default_mask(uint32_t addr)
{
	uint8_t first = ntohl(addr) >> 24;

	if (first < 128)
		return htonl(0xff000000);
	if (first < 192)
		return htonl(0xffff0000);
	return htonl(0xffffff00);
}

static void write_resolv_conf(const struct dhcp_msg *l)
{
	char buf[512];
	size_t n = 0;
	unsigned i;
	int fd;

	if (!l->n_dns && !l->domain[0])
		return;
	if (l->domain[0])
		n += snprintf(buf + n, sizeof(buf) - n, "search %s\n", l->domain);
	for (i = 0; i < l->n_dns && n < sizeof(buf); i++) {
		struct in_addr a = { .s_addr = l->dns[i] };

		n += snprintf(buf + n, sizeof(buf) - n, "nameserver %s\n", inet_ntoa(a));
	}
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	fd = open("/etc/resolv.conf", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	(void)!write(fd, buf, n);
	close(fd);
}

/* Option 121 routes: on-link ones first, so every gateway is reachable. */
static int add_routes(const struct netif *nif, const struct dhcp_msg *l)
{
	unsigned pass, i;
	int rc;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < l->n_routes; i++) {
			if ((l->routes[i].gw != 0) != pass)
				continue;
			rc = netif_add_route(nif->name, l->routes[i].dst, l->routes[i].mask,
					     l->routes[i].gw);
			if (rc < 0)
				return rc;
		}
	return 0;
}

int dhcp_apply(const struct netif *nif, const struct dhcp_msg *l)
{
	uint32_t mask = l->netmask ? l->netmask : default_mask(l->yiaddr);
	int rc;

	rc = netif_set_ipv4(nif->name, l->yiaddr, mask, l->broadcast);
	if (rc < 0)
		return rc;
	if (l->mtu >= 576 && netif_set_mtu(nif->name, l->mtu) < 0)
		log_info("dhcp: %s: could not set MTU %u, keeping the default",
			 nif->name, l->mtu);
	rc = l->n_routes ? add_routes(nif, l) :
		l->router ? netif_add_route(nif->name, 0, 0, l->router) : 0;
	if (rc < 0)
		return rc;
	if (l->hostname[0])
		sethostname(l->hostname, strlen(l->hostname));
	write_resolv_conf(l);
	return 0;
}
