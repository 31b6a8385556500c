/* SPDX-License-Identifier: GPL-2.0-only */
/* The UDP socket under the DNS resolver (see dns_net.h). */
#include <errno.h>
#include <netinet/in.h>
#include <linux/in6.h>	/* sockaddr_in6 for klibc; glibc has it from netinet/in.h */
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns_net.h"
#include "dns_pkt.h"

int dns_net_open(const struct net_addr *server)
{
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa;
	int v6 = server->family == NET_AF6;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	if (v6) {
		sa.v6.sin6_family = AF_INET6;
		sa.v6.sin6_port = htons(DNS_PORT);
		memcpy(&sa.v6.sin6_addr, server->a, 16);
	} else {
		sa.v4.sin_family = AF_INET;
		sa.v4.sin_port = htons(DNS_PORT);
		memcpy(&sa.v4.sin_addr, server->a, 4);
	}
	if (connect(fd, (struct sockaddr *)&sa, v6 ? sizeof(sa.v6) : sizeof(sa.v4)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

int dns_net_send(int fd, const uint8_t *q, size_t len)
{
	ssize_t n = send(fd, q, len, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

int dns_net_recv(int fd, uint8_t *buf, size_t size, unsigned ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, (int)ms) <= 0)
		return -EAGAIN;
	n = recv(fd, buf, size, 0);
	if (n < 0)
		return errno == EINTR ? -EAGAIN : -errno;
	return (int)n;
}

void dns_net_close(int fd)
{
	close(fd);
}
