/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The DHCP client's I/O seam, as sd-dhcp-client's dhcp-network.c: the
 * packet socket and the wait on it, nothing else. dhcp.c reaches the
 * network only through these; the host tests link their own
 * (tests/unit/fake_dhcp_net.c), which replays captured server packets.
 * A handle is a file descriptor; -1 never names one.
 */
#ifndef NETINIT_DHCP_NET_H
#define NETINIT_DHCP_NET_H

#include <stddef.h>
#include <stdint.h>

#include "netif.h"

/* Opens an AF_PACKET socket for IPv4 on @nif. Returns a handle or -errno. */
int dhcp_net_open(const struct netif *nif);

/* Broadcasts the IPv4 packet @pkt (Ethernet ff:ff:..) on @nif. 0 or -errno. */
int dhcp_net_send(int fd, const struct netif *nif, const uint8_t *pkt, size_t len);

/*
 * Waits up to @ms for one of @fds[0..@n) (n <= NETIF_MAX; -1 entries are
 * skipped) to have a packet or an error. Returns a mask (bit i: fds[i]),
 * 0 when the time ran out or a signal came, or -errno.
 */
int dhcp_net_wait(const int *fds, int n, unsigned ms);

/* One packet into @buf. Returns its length, -EAGAIN/-EINTR, or -errno. */
int dhcp_net_recv(int fd, uint8_t *buf, size_t size);

void dhcp_net_close(int fd);

#endif
