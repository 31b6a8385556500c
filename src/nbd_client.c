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
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "nbd_client.h"
#include "tcp.h"

/* What is left of @deadline (clock_ms()), at least 1 ms so that a wait can time out. */
static unsigned left_ms(uint64_t deadline)
{
	uint64_t now = clock_ms();

	return now < deadline ? (unsigned)(deadline - now) : 1;
}

/*
 * The handshake. Reads only what the server sends before the client's
 * next move, so nothing of the transmission phase is taken from the socket.
 */
static int handshake(int fd, struct nbd_hs *h, uint64_t deadline)
{
	uint8_t buf[512];
	size_t off = 0, have = 0;

	for (;;) {
		long n;

		if (h->out_len) {
			n = tcp_send_all(fd, h->out, h->out_len, left_ms(deadline));
			if (n < 0)
				return (int)n;
			nbd_hs_sent(h);
		}
		if (h->done)
			break;
		if (off == have) {
			n = clock_ms() < deadline ? tcp_recv_some(fd, buf, sizeof(buf), left_ms(deadline))
						  : -ETIMEDOUT;
			if (n <= 0)
				return n ? (int)n : -ECONNRESET;
			off = 0;
			have = (size_t)n;
		}
		n = nbd_hs_feed(h, buf + off, have - off);
		if (n < 0)
			return (int)n;
		off += (size_t)n;
	}
	if (off < have) {
		h->why = "the server sent data after the handshake";
		return -EBADMSG;
	}
	return 0;
}

static void log_failure(const struct nbd_url *u, const struct nbd_hs *h, int rc)
{
	const char *why = h->why;

	if (!why && rc == -ECONNRESET)
		why = "the server closed the connection";
	if (!why && rc == -ETIMEDOUT)
		why = "no answer in time";
	if (!why)
		why = strerror(-rc);
	log_err("nbd://%s:%u/%s: %s%s%s%s", u->host, u->port, u->export_name, why,
		h->msg[0] ? " (server: \"" : "", h->msg, h->msg[0] ? "\")" : "");
}

int nbd_client_open(const struct nbd_url *u, const struct net_addr *addrs, unsigned n,
		    unsigned timeout_ms, struct nbd_export *ex)
{
	static struct nbd_hs h;
	uint64_t deadline = clock_ms() + timeout_ms;
	int fd, rc;

	rc = nbd_hs_init(&h, u->export_name);
	if (rc < 0)
		goto err_log;
	fd = rc = tcp_connect_he(addrs, n, u->port, timeout_ms);
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
	return fd;
err_close:
	close(fd);
err_log:
	log_failure(u, &h, rc);
	return rc;
}
