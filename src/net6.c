// SPDX-License-Identifier: GPL-2.0-only
/*
 * IPv6 on the chosen interface (see net6.h). The kernel's ndisc/addrconf
 * (Documentation/networking/ip-sysctl.rst: accept_ra, autoconf) does
 * RFC 4861/4862; netinit adds what it does not: RDNSS/DNSSL (RFC 8106)
 * and DHCPv6 (RFC 8415) when the RA's M or O flag asks for it. The RA
 * socket only trusts RAs with hop limit 255 from a link-local source
 * (RFC 4861 6.1.2). Addresses netinit adds (static, DHCPv6) go with the
 * link when handoff puts it down (netinit.keepnet=0): the kernel flushes
 * IPv6 addresses and routes on link down.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/ipv6.h>
#include <linux/ipv6_route.h>
#include <linux/route.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "dhcp6_pkt.h"
#include "file.h"
#include "log.h"
#include "net6.h"
#include "url.h"

#define ICMP6_FILTER_OPT 1	/* <netinet/icmp6.h>, which klibc lacks */
#define RS_INTERVAL_MS 4000	/* RFC 4861 10: RTR_SOLICITATION_INTERVAL */
#define F_TENTATIVE 0x40	/* IFA_F_* in /proc/net/if_inet6 */
#define F_DADFAILED 0x08

struct v6info {
	uint8_t addr[16], plen;
	const char *how;
	uint8_t dns[NDISC_MAX_DNS + DHCP6_MAX_DNS][16];
	unsigned n_dns;
	char search[128];
};

/* Adds @a to v->dns unless it is there already (RA and DHCPv6 often both name it). */
static void add_dns(struct v6info *v, const uint8_t *a)
{
	unsigned i;

	for (i = 0; i < v->n_dns; i++)
		if (!memcmp(v->dns[i], a, 16))
			return;
	if (v->n_dns < sizeof(v->dns) / 16)
		memcpy(v->dns[v->n_dns++], a, 16);
}

static int sysctl6(const char *ifname, const char *key, const char *val)
{
	char path[80];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, 1) != 1)
		rc = -errno;
	close(fd);
	return rc;
}

static int opt(int fd, int level, int name, const void *v, socklen_t len)
{
	return setsockopt(fd, level, name, v, len) < 0 ? -errno : 0;
}

static void all_routers(struct sockaddr_in6 *sa, const char *grp, int ifindex, uint16_t port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	sa->sin6_port = htons(port);
	url_ipv6_literal(grp, sa->sin6_addr.s6_addr);
	sa->sin6_scope_id = (uint32_t)ifindex;
}

int net6_open(struct net6 *s, const struct netif *nif)
{
	uint32_t filter[8];
	int one = 1, hops = 255, rc;

	memset(s, 0, sizeof(*s));
	s->nif = nif;
	s->fd = -1;
	rc = sysctl6(nif->name, "disable_ipv6", "0");
	if (rc < 0)
		return rc;	/* no IPv6 in this kernel: the caller says so if it matters */
	sysctl6(nif->name, "accept_ra", "1");
	sysctl6(nif->name, "autoconf", "1");
	s->fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (s->fd < 0)
		return -errno;
	memset(filter, 0xff, sizeof(filter));	/* a set bit blocks the type */
	filter[NDISC_RA >> 5] &= ~(1u << (NDISC_RA & 31));
	rc = opt(s->fd, IPPROTO_ICMPV6, ICMP6_FILTER_OPT, filter, sizeof(filter));
	if (!rc)
		rc = opt(s->fd, SOL_SOCKET, SO_BINDTODEVICE, nif->name, strlen(nif->name) + 1);
	if (!rc)
		rc = opt(s->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one));
	if (!rc)
		rc = opt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
	if (rc) {
		log_err("%s: IPv6 router socket: %s", nif->name, strerror(-rc));
		net6_close(s);
	}
	return rc;
}

void net6_close(struct net6 *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* Fails (EADDRNOTAVAIL) until the link-local address has passed DAD. */
static int send_rs(struct net6 *s)
{
	struct sockaddr_in6 sa;
	uint8_t rs[16];
	int n = ndisc_build_rs(rs, sizeof(rs), s->nif->mac);

	all_routers(&sa, "ff02::2", s->nif->index, 0);
	return sendto(s->fd, rs, (size_t)n, 0, (struct sockaddr *)&sa, sizeof(sa)) == n ? 0 : -errno;
}

/* One queued RA; returns what recvmsg did (<= 0: nothing more queued). */
static ssize_t recv_one(struct net6 *s)
{
	uint8_t buf[1500], cbuf[64];
	struct sockaddr_in6 src;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { &src, sizeof(src), &iov, 1, cbuf, sizeof(cbuf), 0 };
	struct cmsghdr *c;
	int hops = -1;
	ssize_t n = recvmsg(s->fd, &mh, MSG_DONTWAIT);

	if (n <= 0)
		return n;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)
			memcpy(&hops, CMSG_DATA(c), sizeof(hops));
	if (hops != 255 || src.sin6_addr.s6_addr[0] != 0xfe ||
	    (src.sin6_addr.s6_addr[1] & 0xc0) != 0x80 ||
	    ndisc_parse_ra(buf, (size_t)n, &s->ra) < 0) {
		log_debug("%s: RA ignored (hop limit %d, or not link-local, or malformed)",
			  s->nif->name, hops);
		return n;
	}
	memcpy(s->router, src.sin6_addr.s6_addr, 16);
	s->have_ra = 1;
	return n;
}

static void recv_ra(struct net6 *s)
{
	while (!s->have_ra && recv_one(s) > 0)
		;
}

int net6_wait_ra(struct net6 *s, int n, uint64_t deadline)
{
	struct pollfd pfd[NETIF_MAX];
	uint64_t now, wake;
	int i;

	for (;;) {
		now = clock_ms();
		wake = deadline;
		for (i = 0; i < n; i++) {
			if (s[i].have_ra)
				return i;
			if (now >= s[i].rs_next)
				s[i].rs_next = now + (send_rs(&s[i]) ? 100 : RS_INTERVAL_MS);
			if (s[i].rs_next < wake)
				wake = s[i].rs_next;
			pfd[i].fd = s[i].fd;
			pfd[i].events = POLLIN;
		}
		/* past the deadline: one last look at what queued meanwhile */
		if (poll(pfd, (nfds_t)n, now >= deadline ? 0 : (int)(wake - now)) > 0)
			for (i = 0; i < n; i++)
				if (pfd[i].revents & POLLIN)
					recv_ra(&s[i]);
		for (i = 0; now >= deadline && i < n; i++)
			if (s[i].have_ra)
				return i;
		if (now >= deadline)
			return -ETIMEDOUT;
	}
}

static int hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* Four blank-separated hex numbers at @s (what sscanf("%x %x %x %x") read). */
static int hex_fields(const char *s, unsigned f[4])
{
	char *e;
	int i;

	for (i = 0; i < 4; i++) {
		while (*s == ' ')
			s++;
		f[i] = (unsigned)strtoul(s, &e, 16);
		if (e == s || (*e != ' ' && *e != '\n' && *e != '\0'))
			return -EBADMSG;
		s = e;
	}
	return 0;
}

/*
 * /proc/net/if_inet6: "<32 hex> <ifindex> <plen> <scope> <flags> <name>".
 * 1 and the address when @ifindex has a global one (@want if not NULL)
 * past DAD, 0 if not (yet), -EADDRINUSE if DAD failed on one. Site-local
 * (scope 0x40, fec0::/10, deprecated but what QEMU's slirp hands out)
 * counts as global.
 */
static int global_addr(int ifindex, const uint8_t *want, struct v6info *v)
{
	uint8_t a[16];
	char buf[2048], *l;
	unsigned idx, plen, scope, flags, i, f[4];
	int rc = 0, n = file_read("/proc/net/if_inet6", buf, sizeof(buf) - 1);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (l = buf; strlen(l) > 45; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		if (hex_fields(l + 32, f) < 0 || (idx = f[0], plen = f[1], scope = f[2],
		    flags = f[3], (int)idx != ifindex) || (scope != 0 && scope != 0x40))
			continue;
		if (flags & F_DADFAILED)
			rc = -EADDRINUSE;
		if (flags & (F_TENTATIVE | F_DADFAILED))
			continue;
		for (i = 0; i < 16; i++)
			a[i] = (uint8_t)(hexval(l[2 * i]) << 4 | hexval(l[2 * i + 1]));
		if (want && memcmp(a, want, 16))
			continue;
		memcpy(v->addr, a, 16);
		v->plen = (uint8_t)plen;
		return 1;
	}
	return rc;
}

static int wait_dad(const struct netif *nif, const uint8_t *want, struct v6info *v,
		    uint64_t deadline)
{
	int rc;

	while ((rc = global_addr(nif->index, want, v)) == 0 && clock_ms() < deadline)
		clock_sleep_ms(50);
	if (rc < 0)
		log_err("%s: IPv6 duplicate address detection failed: another host uses the "
			"address", nif->name);
	return rc == 1 ? 0 : rc < 0 ? rc : -ETIMEDOUT;
}

static int dhcp6_socket(const struct netif *nif)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(DHCP6_CLIENT_PORT) };
	int one = 1, fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (opt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    opt(fd, SOL_SOCKET, SO_BINDTODEVICE, nif->name, strlen(nif->name) + 1) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		one = -errno;
		close(fd);
		return one;
	}
	return fd;
}

/* Sends @r (RFC 8415 15: 1 s, doubling, capped) until the answer of type @want. */
static int dhcp6_xchg(int fd, const struct netif *nif, struct dhcp6_req *r, uint8_t want,
		      uint64_t deadline, struct dhcp6_msg *m)
{
	uint8_t buf[DHCP6_PKT_MAX];
	struct sockaddr_in6 sa;
	struct pollfd pfd = { fd, POLLIN, 0 };
	uint64_t start = clock_ms(), next = 0, now;
	unsigned rt = 1000;
	int n;

	all_routers(&sa, "ff02::1:2", nif->index, DHCP6_SERVER_PORT);
	while ((now = clock_ms()) < deadline) {
		if (now >= next) {
			r->elapsed = (uint16_t)((now - start) / 10 > 0xffff ? 0xffff : (now - start) / 10);
			n = dhcp6_build(buf, sizeof(buf), r);
			if (n < 0)
				return n;
			if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&sa, sizeof(sa)) != n) {
				next = now + 100;	/* link-local still tentative */
			} else {
				next = now + rt;
				rt = rt * 2 > 30000 ? 30000 : rt * 2;
			}
		}
		if (poll(&pfd, 1, (int)((next < deadline ? next : deadline) - now)) <= 0)
			continue;
		n = (int)recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0 && dhcp6_parse(buf, (size_t)n, nif->mac, r->iaid, m) == 0 &&
		    m->type == want && m->xid == (r->xid & 0xffffff) && m->client_id_ok &&
		    (r->type == DHCP6_INFO_REQ || (m->has_addr && !m->status && !m->ia_status)))
			return 0;
	}
	return -ETIMEDOUT;
}

static int add_addr6(const struct netif *nif, const uint8_t *a, unsigned plen)
{
	struct in6_ifreq r;
	int rc = 0, fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memset(&r, 0, sizeof(r));
	memcpy(r.ifr6_addr.s6_addr, a, 16);
	r.ifr6_prefixlen = plen;
	r.ifr6_ifindex = nif->index;
	if (ioctl(fd, SIOCSIFADDR, &r) < 0 && errno != EEXIST)
		rc = -errno;
	close(fd);
	return rc;
}

static int add_default6(const struct netif *nif, const uint8_t *gw)
{
	struct in6_rtmsg rt;
	int rc = 0, fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memset(&rt, 0, sizeof(rt));
	memcpy(rt.rtmsg_gateway.s6_addr, gw, 16);
	rt.rtmsg_flags = RTF_UP | RTF_GATEWAY;
	rt.rtmsg_metric = 1;
	rt.rtmsg_ifindex = nif->index;
	if (ioctl(fd, SIOCADDRT, &rt) < 0 && errno != EEXIST)
		rc = -errno;
	close(fd);
	return rc;
}

/* Stateful (Solicit, Request) or stateless (Information-Request) DHCPv6. */
static int dhcp6_run(const struct netif *nif, int stateful, uint64_t deadline, struct v6info *v)
{
	struct dhcp6_req r;
	struct dhcp6_msg m;
	unsigned i;
	int fd = dhcp6_socket(nif), rc;

	if (fd < 0)
		return fd;
	memset(&r, 0, sizeof(r));
	r.type = stateful ? DHCP6_SOLICIT : DHCP6_INFO_REQ;
	r.xid = clock_random() & 0xffffff;
	memcpy(r.mac, nif->mac, 6);
	memcpy(&r.iaid, nif->mac + 2, 4);	/* stable per NIC */
	rc = dhcp6_xchg(fd, nif, &r, stateful ? DHCP6_ADVERTISE : DHCP6_REPLY, deadline, &m);
	if (!rc && stateful) {	/* the first Advertise with an address */
		uint8_t addr[16], sid[DHCP6_DUID_MAX];

		memcpy(addr, m.addr, 16);
		memcpy(sid, m.server_id, m.server_id_len);
		r.type = DHCP6_REQUEST;
		r.server_id = sid;
		r.server_id_len = m.server_id_len;
		r.addr = addr;
		r.xid = (r.xid + 1) & 0xffffff;
		rc = dhcp6_xchg(fd, nif, &r, DHCP6_REPLY, deadline, &m);
		if (!rc)
			rc = add_addr6(nif, m.addr, 128);	/* on-link: the RA's prefix */
		if (!rc)
			v->how = "DHCPv6";
	}
	close(fd);
	for (i = 0; !rc && i < m.n_dns; i++)
		add_dns(v, m.dns[i]);
	if (!rc && m.search[0] && !v->search[0])
		memcpy(v->search, m.search, sizeof(v->search));
	return rc;
}

/*
 * Adds the IPv6 servers (and the search list if there is none) to what
 * the IPv4 side wrote: its servers stay first.
 */
static void resolv_add(const struct v6info *v)
{
	char buf[1024], a[48];
	int n = file_read("/etc/resolv.conf", buf, sizeof(buf) - 200), fd;
	size_t len = n > 0 ? (size_t)n : 0;
	unsigned i;

	buf[len] = '\0';
	if (v->search[0] && !strstr(buf, "search "))
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "search %s\n", v->search);
	for (i = 0; i < v->n_dns && len < sizeof(buf); i++) {
		ndisc_fmt_addr(v->dns[i], a);
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "nameserver %s\n", a);
	}
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	fd = open("/etc/resolv.conf", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	(void)!write(fd, buf, len);
	close(fd);
}

/* The one line a person checks: address, how, router, DNS, time. */
static void report(const struct netif *nif, const struct v6info *v, const uint8_t *router,
		   uint64_t t0)
{
	char a[48], r[48], d[3][48] = { "none", "", "" };
	unsigned i;

	ndisc_fmt_addr(v->addr, a);
	if (router)
		ndisc_fmt_addr(router, r);
	for (i = 0; i < v->n_dns && i < 3; i++)
		ndisc_fmt_addr(v->dns[i], d[i]);
	log_info("%s: IPv6 %s/%u (%s), router %s, DNS %s%s%s%s%s in %llu ms", nif->name, a,
		 v->plen, v->how, router ? r : "none", d[0], d[1][0] ? " " : "", d[1],
		 d[2][0] ? " " : "", d[2], (unsigned long long)(clock_ms() - t0));
	resolv_add(v);
}

static int autonomous_prefix(const struct ndisc_ra *ra)
{
	unsigned i;

	for (i = 0; i < ra->n_prefix; i++)
		if ((ra->prefix[i].flags & 0x40) && ra->prefix[i].len == 64 && ra->prefix[i].valid)
			return 1;
	return 0;
}

int net6_configure(struct net6 *s, enum ipconf_mode mode, uint64_t deadline, uint64_t t0)
{
	struct v6info v;
	unsigned i;
	int slaac = s->have_ra && autonomous_prefix(&s->ra), rc = 0;
	int stateful = mode == IPCONF_DHCP6 || (s->have_ra && (s->ra.flags & NDISC_RA_MANAGED)) ||
		       (mode == IPCONF_EITHER6 && !slaac);

	memset(&v, 0, sizeof(v));
	v.how = "SLAAC";
	for (i = 0; s->have_ra && i < s->ra.n_dns; i++)
		add_dns(&v, s->ra.dns[i]);
	memcpy(v.search, s->ra.search, sizeof(v.search));
	if (stateful || (s->have_ra && (s->ra.flags & NDISC_RA_OTHER)))
		rc = dhcp6_run(s->nif, stateful, deadline, &v);
	if (rc < 0)
		log_err("%s: no DHCPv6 %s in time (%s): check the DHCPv6 server%s", s->nif->name,
			stateful ? "address" : "answer for DNS", strerror(-rc),
			stateful && slaac ? ", going on with SLAAC" : "");
	if (rc < 0 && (!slaac || !stateful))
		return rc;
	if (!slaac && !stateful) {
		log_err("%s: the IPv6 router offers no address (no autonomous /64 prefix, no M "
			"flag): use ip=dhcp6 or a static ip=[addr]", s->nif->name);
		return -EADDRNOTAVAIL;
	}
	rc = wait_dad(s->nif, NULL, &v, deadline);
	if (rc < 0) {
		if (rc == -ETIMEDOUT)
			log_err("%s: no IPv6 address past DAD in time", s->nif->name);
		return rc;
	}
	if (v.how[0] == 'D' && slaac)
		v.how = "SLAAC+DHCPv6";
	report(s->nif, &v, s->have_ra && s->ra.router_lifetime ? s->router : NULL, t0);
	return 0;
}

int net6_static(const struct netif *nif, const struct ipconf *ic, uint64_t deadline)
{
	static const uint8_t zero[16];
	struct v6info v;
	uint64_t t0 = clock_ms();
	int rc = sysctl6(nif->name, "disable_ipv6", "0"), i;

	memset(&v, 0, sizeof(v));
	v.how = "static";
	if (!rc)
		rc = add_addr6(nif, ic->client6, ic->prefix6);
	if (!rc)
		rc = wait_dad(nif, ic->client6, &v, deadline);
	if (!rc && memcmp(ic->gw6, zero, 16))
		rc = add_default6(nif, ic->gw6);
	if (rc < 0) {
		log_err("%s: cannot apply ip=[IPv6]: %s (is <gw> inside <client>/<prefix>, or "
			"link-local?)", nif->name, strerror(-rc));
		return rc;
	}
	for (i = 0; i < 2; i++)
		if (memcmp(ic->dns6[i], zero, 16))
			add_dns(&v, ic->dns6[i]);
	report(nif, &v, memcmp(ic->gw6, zero, 16) ? ic->gw6 : NULL, t0);
	return 0;
}
