/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Network stage: loads NIC drivers, picks the interface, and configures it
 * from DHCP, from a static ip= (Documentation/admin-guide/nfs/nfsroot.rst),
 * or keeps what the kernel's own IP autoconfig already set up (then
 * /proc/net/pnp holds its DNS servers and boot server).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "dhcp.h"
#include "file.h"
#include "ipconf.h"
#include "log.h"
#include "modules.h"
#include "net.h"
#include "net6.h"
#include "netif.h"
#include "url.h"

#define CARRIER_QUIET_MS 3000
#define CARRIER_GRACE_MS 1500
/*
 * Dual stack (ip=dhcp or none): IPv6 is tried beside IPv4, never in its
 * way. The RA sockets queue from link up while DHCPv4 runs; an RA must
 * have come V6_GRACE_MS after link up (the kernel's link-local DAD and
 * RS take ~1-2 s), else IPv4 goes on alone. V6_DUAL_MS bounds DAD and
 * DHCPv6 after the RA.
 */
#define V6_GRACE_MS 2500
#define V6_DUAL_MS 5000

/* Does @nif match @spec, an interface name or a MAC ("" matches all)? */
static int iface_match(const char *spec, const struct netif *nif)
{
	uint8_t mac[6];

	if (!spec[0])
		return 1;
	if (netif_parse_mac(spec, mac) == 0)
		return memcmp(mac, nif->mac, 6) == 0;
	return strcmp(spec, nif->name) == 0;
}

/* netinit.iface, else ip=<dev>, else BOOTIF; none of them: every NIC. */
static const char *iface_spec(const struct netinit_config *cfg, const struct ipconf *ic)
{
	if (cfg->iface[0])
		return cfg->iface;
	if (ic->dev[0])
		return ic->dev;
	return cfg->bootif;
}

/*
 * Brings up the wanted interfaces and waits up to netinit.timeout (switch
 * ports running spanning tree can take 30 s and more) for carrier on any,
 * with a countdown once it gets slow; once one has carrier, the others get
 * CARRIER_GRACE_MS more. Fills @up with those that have
 * carrier (ifindex order) and returns how many, or -ENODEV. @all gets
 * every wanted interface, to put the losers down later.
 */
static int pick_interfaces(const struct netinit_config *cfg, const char *spec,
			   struct netif *up, struct netif *all, int *n_all)
{
	uint64_t start = clock_ms(), deadline = start + cfg->timeout * 1000ULL, first = 0;
	unsigned shown = 0;
	int n, i, matched, k;

	for (;;) {
		n = netif_list(all, NETIF_MAX);
		matched = k = 0;
		for (i = 0; i < n; i++) {
			if (!iface_match(spec, &all[i]))
				continue;
			all[matched++] = all[i];
			netif_set_up(all[i].name, 1);
			if (netif_carrier(all[i].name) == 1)
				up[k++] = all[i];
		}
		*n_all = matched;
		if (k && !first)
			first = clock_ms();
		/* several NICs: give the slower ones a moment to join the race */
		if (k && (k == matched || clock_ms() - first >= CARRIER_GRACE_MS))
			return k;
		if (clock_ms() >= deadline)
			break;
		if (clock_ms() - start >= CARRIER_QUIET_MS &&
		    (clock_ms() - start) / 5000 != shown) {
			shown = (clock_ms() - start) / 5000;
			log_info("waiting for %s: %llu s left", matched ? "link (carrier)" :
				 "a network interface",
				 (unsigned long long)(deadline - clock_ms()) / 1000);
		}
		clock_sleep_ms(100);
	}
	if (!matched)
		log_err("no %snetwork interface found after %u s: is the NIC driver in the "
			"initrd (gen_initramfs.sh --modules)?%s", spec[0] ? "matching " : "",
			cfg->timeout, spec[0] ? " Check netinit.iface / ip= / BOOTIF." : "");
	else
		log_err("no link on any network interface after %u s: check the cable, or "
			"raise netinit.timeout", cfg->timeout);
	return -ENODEV;
}

/*
 * @nif already has an address: the kernel configured it (ip= with
 * CONFIG_IP_PNP), or /init runs again from the rescue shell. Keep it.
 * /proc/net/pnp (kernel autoconfig only) is resolv.conf-shaped, plus a
 * "bootserver" line.
 */
static void kernel_configured(const struct netif *nif, uint32_t *next_server)
{
	char buf[512], *p;
	int n = file_read("/proc/net/pnp", buf, sizeof(buf)), fd;

	log_info("%s: already has an IPv4 address (kernel ip= autoconfig, or an earlier "
		 "run of /init): keeping it", nif->name);
	if (n <= 0)
		return;
	fd = open("/etc/resolv.conf", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		(void)!write(fd, buf, (size_t)n);
		close(fd);
	}
	p = strstr(buf, "bootserver ");
	if (p) {
		p += 11;
		p[strcspn(p, "\n")] = '\0';
		url_ipv4_literal(p, next_server);
	}
}

static int static_up(const struct netif *nif, const struct ipconf *ic, uint32_t *next_server)
{
	struct dhcp_msg l;
	struct in_addr a = { .s_addr = ic->client };
	int rc;

	memset(&l, 0, sizeof(l));
	l.yiaddr = ic->client;
	l.netmask = ic->mask;
	l.router = ic->gw;
	l.dns[0] = ic->dns[0] ? ic->dns[0] : ic->dns[1];
	l.dns[1] = ic->dns[0] ? ic->dns[1] : 0;
	l.n_dns = !!l.dns[0] + !!l.dns[1];
	memcpy(l.hostname, ic->host, sizeof(l.hostname));	/* same size, terminated */
	rc = dhcp_apply(nif, &l);
	if (rc < 0) {
		log_err("%s: cannot apply ip=: %s (is <gw> inside <client>/<mask>?)",
			nif->name, strerror(-rc));
		return rc;
	}
	log_info("%s: static address %s from ip=", nif->name, inet_ntoa(a));
	*next_server = ic->server;
	return 0;
}

static int dhcp_up(const struct netinit_config *cfg, const struct ipconf *ic,
		   const struct netif *nifs, int n, uint32_t *next_server)
{
	struct dhcp_msg lease;
	struct in_addr a;
	uint64_t t0 = clock_ms();
	int rc, i;

	for (i = 0; i < n; i++)
		log_info("%s: link up, DHCP", nifs[i].name);
	rc = dhcp_obtain(nifs, n, cfg->timeout * 1000, &lease);
	if (rc < 0) {
		log_err("%s%s: no DHCP answer in %u s (%s): check the DHCP server, or raise "
			"netinit.timeout", nifs[0].name, n > 1 ? " and the others" : "",
			cfg->timeout, strerror(-rc));
		return rc;
	}
	i = rc;
	if (!lease.hostname[0])	/* ip=::::<host>::dhcp names us if the server does not */
		memcpy(lease.hostname, ic->host, sizeof(lease.hostname));
	rc = dhcp_apply(&nifs[i], &lease);
	if (rc < 0) {
		log_err("%s: cannot configure the lease: %s", nifs[i].name, strerror(-rc));
		return rc;
	}
	a.s_addr = lease.yiaddr;
	log_info("%s: bound to %s in %llu ms (lease %u s%s%s%s)", nifs[i].name, inet_ntoa(a),
		 (unsigned long long)(clock_ms() - t0), (unsigned)lease.lease_time,
		 lease.n_routes ? ", classless routes" : "",
		 lease.hostname[0] ? ", host " : "", lease.hostname);
	*next_server = lease.siaddr ? lease.siaddr : lease.server_id;
	return i;
}

/*
 * IPv6 on @s[0..n) (opened at link up): the first with an RA, or for
 * dhcp6 the first interface after V6_GRACE_MS without one. Returns the
 * index into @s or a negative errno (logged if @quiet is 0).
 */
static int v6_up(enum ipconf_mode mode, struct net6 *s, int n, uint64_t ra_deadline,
		 uint64_t deadline, uint64_t t0, int quiet)
{
	int i, rc;

	i = net6_wait_ra(s, n, mode == IPCONF_DHCP6 && ra_deadline > t0 + V6_GRACE_MS ?
			 t0 + V6_GRACE_MS : ra_deadline);
	if (i < 0 && mode == IPCONF_DHCP6)
		i = 0;		/* DHCPv6 gives an address, but no route: on-link only */
	if (i < 0) {
		if (!quiet)
			log_err("%s%s: no IPv6 router advertisement in %llu s: check the router "
				"(radvd, dnsmasq enable-ra), or raise netinit.timeout",
				s[0].nif->name, n > 1 ? " and the others" : "",
				(unsigned long long)(ra_deadline - t0) / 1000);
		else
			log_info("no IPv6 router on the link within %u ms: IPv4 only", V6_GRACE_MS);
		return i;
	}
	rc = net6_configure(&s[i], mode, deadline, t0);
	return rc < 0 ? rc : i;
}

/* Index of @nif in @up, for the winner of the IPv6 race. */
static int index_of(const struct netif *up, const struct netif *nif)
{
	return (int)(nif - up);
}

/*
 * DHCP, dual stack or IPv6 only (ip=dhcp, dhcp6, auto6, either6). Returns
 * the index of the configured interface in @up or a negative errno.
 */
static int auto_up(const struct netinit_config *cfg, const struct ipconf *ic,
		   const struct netif *up, int n, uint32_t *next_server)
{
	struct net6 s6[NETIF_MAX];
	uint64_t t0 = clock_ms(), end = t0 + cfg->timeout * 1000ULL;
	int dual = ic->mode == IPCONF_DHCP, n6 = 0, i, rc = -ENOENT, rc6;

	for (i = 0; i < n; i++) {
		rc = net6_open(&s6[n6], &up[i]);
		if (rc == 0)
			n6++;
	}
	if (!n6 && !dual) {
		log_err("%s: cannot turn IPv6 on (%s): is IPv6 in the kernel (CONFIG_IPV6, or "
			"ipv6.ko in the initrd)?", up[0].name, strerror(-rc));
		return rc;
	}
	if (!dual) {
		rc = v6_up(ic->mode, s6, n6, end, end, t0, 0);
		if (rc >= 0)
			rc = index_of(up, s6[rc].nif);
		goto out;
	}
	rc = dhcp_up(cfg, ic, up, n, next_server);
	for (i = 0; rc >= 0 && i < n6; i++)	/* IPv6 beside IPv4 on the winner only */
		if (s6[i].nif == &up[rc]) {
			if (v6_up(IPCONF_DHCP, &s6[i], 1, t0 + V6_GRACE_MS,
				  clock_ms() + V6_DUAL_MS, t0, 1) < 0)
				log_debug("IPv6 not configured beside IPv4");
			goto out;
		}
	if (rc < 0 && n6) {	/* no IPv4: IPv6 alone if a router spoke meanwhile */
		rc6 = v6_up(IPCONF_AUTO6, s6, n6, clock_ms() + V6_GRACE_MS,
			    clock_ms() + V6_DUAL_MS, t0, 1);
		if (rc6 >= 0) {
			log_info("no IPv4, going on with IPv6 only");
			rc = index_of(up, s6[rc6].nif);
		}
	}
out:
	for (i = 0; i < n6; i++)
		net6_close(&s6[i]);
	return rc;
}

/* Puts every interface but @keep back down. */
static void others_down(const struct netif *all, int n, const char *keep)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(all[i].name, keep))
			netif_set_up(all[i].name, 0);
}

int net_up(const struct netinit_config *cfg, uint32_t *next_server)
{
	struct ipconf ic;
	struct netif up[NETIF_MAX], all[NETIF_MAX];
	char err[200];
	int rc, n, n_all, i;

	*next_server = 0;
	if (ipconf_parse(cfg->ip, strlen(cfg->ip), &ic, err, sizeof(err)) < 0) {
		log_err("%s", err);
		return -EINVAL;
	}
	if (ic.mode == IPCONF_OFF) {
		log_err("the image must be fetched but ip=%s disables the network: remove "
			"it or pack the image into the initrd", cfg->ip);
		return -ENETDOWN;
	}
	rc = modules_coldplug();
	log_debug("coldplug loaded %d modules", rc);
	/* IPv6 as a module (ipv6.ko, not built in): the IPv6-only modes load it */
	if (ic.mode >= IPCONF_DHCP6 && access("/proc/sys/net/ipv6", F_OK) < 0)
		modules_load("ipv6");
	n = pick_interfaces(cfg, iface_spec(cfg, &ic), up, all, &n_all);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (netif_has_ipv4(up[i].name) == 1) {
			kernel_configured(&up[i], next_server);
			others_down(all, n_all, up[i].name);
			return 0;
		}
	}
	if (ic.mode == IPCONF_STATIC)
		rc = static_up(&up[0], &ic, next_server);	/* kernel: the first device */
	else if (ic.mode == IPCONF_STATIC6)
		rc = net6_static(&up[0], &ic, clock_ms() + cfg->timeout * 1000ULL);
	else
		rc = auto_up(cfg, &ic, up, n, next_server);
	if (rc >= 0)
		others_down(all, n_all, up[rc].name);
	return rc < 0 ? rc : 0;
}
