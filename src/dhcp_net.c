/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The packet socket under the DHCP client (see dhcp_net.h): the interface
 * has no address yet, so IPv4 packets are sent and received below the IP
 * stack (packet(7), SOCK_DGRAM: the kernel adds and strips the Ethernet
 * header).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dhcp_net.h"

int dhcp_net_open(const struct netif *nif)
{
	struct sockaddr_ll sll;
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));

	if (fd < 0)
		return -errno;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = nif->index;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

int dhcp_net_send(int fd, const struct netif *nif, const uint8_t *pkt, size_t len)
{
	struct sockaddr_ll to;

	memset(&to, 0, sizeof(to));
	to.sll_family = AF_PACKET;
	to.sll_protocol = htons(ETH_P_IP);
	to.sll_ifindex = nif->index;
	to.sll_halen = 6;
	memset(to.sll_addr, 0xff, 6);
	if (sendto(fd, pkt, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

int dhcp_net_wait(const int *fds, int n, unsigned ms)
{
	struct pollfd pfd[NETIF_MAX];
	int i, rc, mask = 0;

	for (i = 0; i < n; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	rc = poll(pfd, (nfds_t)n, (int)ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; rc > 0 && i < n; i++)
		if (fds[i] >= 0 && (pfd[i].revents & (POLLIN | POLLERR)))
			mask |= 1 << i;
	return mask;
}

int dhcp_net_recv(int fd, uint8_t *buf, size_t size)
{
	ssize_t n = recv(fd, buf, size, 0);

	return n < 0 ? -errno : (int)n;
}

void dhcp_net_close(int fd)
{
	close(fd);
}
