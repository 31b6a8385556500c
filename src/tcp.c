/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TCP client sockets with timeouts (see tcp.h). The socket is made
 * non-blocking at connect time, so a send or receive never waits longer
 * than the poll() before it; EINTR is retried everywhere, so a signal can
 * neither end a transfer early nor report bytes as sent that were not.
 */
#include <errno.h>
#include <netinet/in.h>
#include <linux/in6.h>	/* sockaddr_in6 for klibc; glibc has it from netinet/in.h */
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "tcp.h"

#define HE_DELAY_MS 250		/* RFC 8305 5: Connection Attempt Delay */
#define HE_MAX      8		/* addresses tried */

int tcp_wait(int fd, short events, unsigned timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc;

	do
		rc = poll(&pfd, 1, (int)timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	return rc == 0 ? -ETIMEDOUT : 0;
}

/* A non-blocking socket connecting to @a:@port (in progress or done), or -errno. */
static int start_connect(const struct net_addr *a, uint16_t port)
{
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa;
	int v6 = a->family == NET_AF6;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	if (v6) {
		sa.v6.sin6_family = AF_INET6;
		sa.v6.sin6_port = htons(port);
		memcpy(&sa.v6.sin6_addr, a->a, 16);
	} else {
		sa.v4.sin_family = AF_INET;
		sa.v4.sin_port = htons(port);
		memcpy(&sa.v4.sin_addr, a->a, 4);
	}
	if (connect(fd, (struct sockaddr *)&sa, v6 ? sizeof(sa.v6) : sizeof(sa.v4)) < 0 &&
	    errno != EINPROGRESS) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

int tcp_connect_he(const struct net_addr *addrs, unsigned n, uint16_t port, unsigned timeout_ms)
{
	struct pollfd p[HE_MAX];
	uint64_t now = clock_ms(), deadline = now + timeout_ms, next = now;
	unsigned started = 0, live = 0, i;
	int rc = -EHOSTUNREACH, fd = -1;

	if (n > HE_MAX)
		n = HE_MAX;
	while (fd < 0) {
		now = clock_ms();
		if (started < n && (!live || now >= next)) {
			int s = start_connect(&addrs[started++], port);

			if (s < 0) {	/* no route, no such family: the next one at once */
				rc = s;
				continue;
			}
			p[live].fd = s;
			p[live++].events = POLLOUT;
			next = now + HE_DELAY_MS;
			continue;
		}
		if (!live)
			return rc;
		if (now >= deadline) {
			rc = -ETIMEDOUT;
			break;
		}
		i = (unsigned)(deadline - now);
		if (started < n && next - now < i)
			i = (unsigned)(next - now);
		if (poll(p, live, (int)i) < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		for (i = 0; i < live && fd < 0;) {
			socklen_t len = sizeof(int);
			int err = 0;

			if (!p[i].revents) {
				i++;
				continue;
			}
			if (getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
				err = errno;
			if (!err) {
				fd = p[i].fd;
				p[i] = p[--live];
				break;
			}
			rc = -err;	/* refused, unreachable: the next address now */
			close(p[i].fd);
			p[i] = p[--live];
			next = now;
		}
	}
	for (i = 0; i < live; i++)	/* the losers, or everything on a timeout */
		close(p[i].fd);
	return fd >= 0 ? fd : rc;
}

int tcp_send_all(int fd, const void *buf, size_t len, unsigned timeout_ms)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		int rc;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return -errno;
		if (n < 0) {
			rc = tcp_wait(fd, POLLOUT, timeout_ms);
			if (rc < 0)
				return rc;
			continue;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t tcp_recv_some(int fd, void *buf, size_t size, unsigned timeout_ms)
{
	for (;;) {
		ssize_t n = recv(fd, buf, size, 0);
		int rc;

		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		rc = tcp_wait(fd, POLLIN, timeout_ms);
		if (rc < 0)
			return rc;
	}
}
