/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nbd:// client: a TCP connection to the server and the handshake
 * (nbd_proto.c decides what to send and checks every reply), within one
 * deadline, so a silent or slow server costs at most @timeout_ms. The
 * socket is returned blocking and at the transmission phase: from then on
 * the kernel's NBD driver owns the conversation (nbd.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "nbd_client.h"
#include "tcp.h"

/* Waits for @events on @fd until @deadline (clock_ms()). */
static int wait_until(int fd, short events, uint64_t deadline)
{
	for (;;) {
		uint64_t now = clock_ms();
		struct pollfd p = { .fd = fd, .events = events };
		int rc;

		if (now >= deadline)
			return -ETIMEDOUT;
		rc = poll(&p, 1, (int)(deadline - now));
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return -errno;
	}
}

static int send_all(int fd, const uint8_t *p, size_t len, uint64_t deadline)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			int rc = wait_until(fd, POLLOUT, deadline);

			if (rc < 0)
				return rc;
			continue;
		}
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The handshake. Reads only what the server sends before the client's
 * next move, so nothing of the transmission phase is taken from the socket.
 */
static int handshake(int fd, struct nbd_hs *h, uint64_t deadline)
{
	uint8_t buf[512];

	while (!h->done) {
		size_t have, off = 0;
		ssize_t n;
		int rc;

		if (h->out_len) {
			rc = send_all(fd, h->out, h->out_len, deadline);
			if (rc < 0)
				return rc;
			nbd_hs_sent(h);
			continue;
		}
		rc = wait_until(fd, POLLIN, deadline);
		if (rc < 0)
			return rc;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == 0)
			return -ECONNRESET;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		have = (size_t)n;
		while (off < have && !h->done) {
			long used = nbd_hs_feed(h, buf + off, have - off);

			if (used < 0)
				return (int)used;
			off += (size_t)used;
			if (h->out_len) {
				rc = send_all(fd, h->out, h->out_len, deadline);
				if (rc < 0)
					return rc;
				nbd_hs_sent(h);
			} else if (!h->done && off < have) {
				return -EPROTO;	/* cannot happen: feed takes all unless it must send */
			}
		}
		if (off < have) {
			h->why = "the server sent data after the handshake";
			return -EBADMSG;
		}
	}
	return 0;
}

static void log_failure(const struct nbd_url *u, const struct nbd_hs *h, int rc)
{
	const char *why = h->why;

	if (!why && rc == -ECONNRESET)
		why = h->state == NBD_HS_OLD_EXPORT ? "the server closed the connection: no such export?"
						     : "the server closed the connection";
	if (!why && rc == -ETIMEDOUT)
		why = "no answer in time";
	if (!why)
		why = strerror(-rc);
	log_err("nbd://%s:%u/%s: %s%s%s%s", u->host, u->port, u->export_name, why,
		h->msg[0] ? " (server: \"" : "", h->msg, h->msg[0] ? "\")" : "");
}

int nbd_client_open(const struct nbd_url *u, uint32_t addr, unsigned timeout_ms,
		    struct nbd_export *ex)
{
	static struct nbd_hs h;
	uint64_t deadline = clock_ms() + timeout_ms;
	int fd, rc;

	rc = nbd_hs_init(&h, u->export_name);
	if (rc < 0)
		goto err_log;
	fd = rc = tcp_connect(addr, u->port, timeout_ms);
	if (rc < 0) {
		log_err("nbd://%s:%u/: cannot connect: %s", u->host, u->port,
			rc == -ETIMEDOUT ? "no answer in time" : strerror(-rc));
		return rc;
	}
	rc = handshake(fd, &h, deadline);
	if (rc < 0)
		goto err_close;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	ex->size = h.size;
	ex->flags = h.tflags;
	ex->min_block = h.min_block;
	return fd;
err_close:
	close(fd);
err_log:
	log_failure(u, &h, rc);
	return rc;
}
