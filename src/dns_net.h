/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The DNS resolver's I/O seam: a UDP socket (IPv4 or IPv6) connected to one server, and
 * the wait for its reply. dns.c reaches the network only through these;
 * the host tests link their own (tests/unit/fake_dns_net.c), which
 * replays captured answers. A handle is a file descriptor.
 */
#ifndef NETINIT_DNS_NET_H
#define NETINIT_DNS_NET_H

#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

/* A UDP socket connected to @server, port 53. Handle or -errno. */
int dns_net_open(const struct net_addr *server);

/* Sends the query @q. 0 or -errno. */
int dns_net_send(int fd, const uint8_t *q, size_t len);

/*
 * Waits up to @ms for one datagram into @buf. Returns its length; -EAGAIN
 * when none came in time (or a signal cut the wait short); -ECONNREFUSED
 * when an ICMP port unreachable said nobody serves DNS there; or -errno.
 */
int dns_net_recv(int fd, uint8_t *buf, size_t size, unsigned ms);

void dns_net_close(int fd);

#endif
