/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An NBD server's export over TCP (nbd://HOST[:PORT]/EXPORT): connect and
 * fixed-newstyle handshake (nbd_proto.c), leaving the socket at the start
 * of the transmission phase for the kernel (nbd_connect()).
 */
#ifndef NETINIT_NBD_CLIENT_H
#define NETINIT_NBD_CLIENT_H

#include <stdint.h>

#include "nbd_proto.h"
#include "netaddr.h"

struct nbd_export {
	uint64_t size;		/* bytes */
	uint16_t flags;		/* transmission flags (NBD_TFLAG_*) */
};

/*
 * Connects to the first of @addrs (@n of them, IPv6 first, as
 * dns_resolve_all() gives them: tcp_connect_he()) that answers on port
 * @u->port and negotiates export @u->export_name, all within @timeout_ms. Returns the
 * connected, blocking socket (>= 0) with @ex filled, or -errno after one
 * log line naming the server and what was wrong (nbd_hs_feed()'s errors,
 * -ETIMEDOUT, -ECONNRESET when the server hung up, connect()'s errors).
 */
int nbd_client_open(const struct nbd_url *u, const struct net_addr *addrs, unsigned n,
		    unsigned timeout_ms, struct nbd_export *ex);

#endif
