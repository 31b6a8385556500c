/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TCP client sockets with timeouts, shared by the fetch stage and the
 * stream backend. Non-blocking sockets waited on with poll(); every
 * function returns 0 / a count or a negative errno (-ETIMEDOUT when the
 * wait runs out), never -1.
 */
#ifndef NETINIT_TCP_H
#define NETINIT_TCP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "netaddr.h"

/* Waits for @events (POLLIN/POLLOUT) on @fd, at most @timeout_ms. 0 or -errno. */
int tcp_wait(int fd, short events, unsigned timeout_ms);

/*
 * Happy Eyeballs (RFC 8305 5): connects to the first of the @n addresses
 * (IPv6 first, as dns_resolve_all() orders them), starts the next one
 * 250 ms later or as soon as one fails, and keeps the first connection
 * that succeeds, closing the others; at most 8 addresses, @timeout_ms in
 * all. The fd (non-blocking) or the last error
 * (-ETIMEDOUT when time ran out).
 */
int tcp_connect_he(const struct net_addr *addrs, unsigned n, uint16_t port, unsigned timeout_ms);

/*
 * Sends all @len bytes, waiting at most @timeout_ms each time the socket
 * buffer is full. 0 once everything is sent, or -errno (EINTR retried).
 */
int tcp_send_all(int fd, const void *buf, size_t len, unsigned timeout_ms);

/* Reads what is there, waiting at most @timeout_ms. 0 = closed by the peer. */
ssize_t tcp_recv_some(int fd, void *buf, size_t size, unsigned timeout_ms);

#endif
