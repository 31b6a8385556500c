/* SPDX-License-Identifier: GPL-2.0-only */
/* The UDP socket under the DNS resolver (see dns_net.h). */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns_net.h"
#include "dns_pkt.h"

int dns_net_open(uint32_t server_be)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(DNS_PORT);
	sa.sin_addr.s_addr = server_be;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
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
