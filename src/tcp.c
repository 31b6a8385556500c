/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TCP client sockets with timeouts (see tcp.h). The socket is made
 * non-blocking at connect time, so a send or receive never waits longer
 * than the poll() before it; EINTR is retried everywhere, so a signal can
 * neither end a transfer early nor report bytes as sent that were not.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcp.h"

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

int tcp_connect(uint32_t addr, uint16_t port, unsigned timeout_ms)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(int);
	int fd, rc, err = 0, fl;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = addr;
	rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	if (rc < 0 && errno != EINPROGRESS) {
		rc = -errno;
		goto err;
	}
	if (rc < 0) {
		rc = tcp_wait(fd, POLLOUT, timeout_ms);
		if (rc < 0)
			goto err;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
			rc = err ? -err : -errno;
			goto err;
		}
	}
	return fd;
err:
	close(fd);
	return rc;
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
