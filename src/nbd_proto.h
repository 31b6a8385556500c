/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NBD client side without I/O: nbd:// URLs and the fixed-newstyle
 * handshake (the NBD protocol document, proto.md in the nbd project) as an
 * incremental encoder/decoder, up to the transmission phase that the
 * kernel then takes over (nbd.c). Pure: no syscalls, no allocation.
 */
#ifndef NETINIT_NBD_PROTO_H
#define NETINIT_NBD_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define NBD_DEFAULT_PORT 10809
#define NBD_HOST_MAX     256
#define NBD_EXPORT_MAX   256	/* proto.md: names SHOULD be at most 256 bytes */
#define NBD_MSG_MAX      128	/* what we keep of a server's error message */

/* Transmission flags (proto.md "Transmission flags"). */
#define NBD_TFLAG_HAS_FLAGS      (1u << 0)
#define NBD_TFLAG_READ_ONLY      (1u << 1)
#define NBD_TFLAG_CAN_MULTI_CONN (1u << 8)

struct nbd_url {
	char host[NBD_HOST_MAX];	/* "" for nbd:///export (= DHCP next-server) */
	uint16_t port;			/* 10809 unless given */
	char export_name[NBD_EXPORT_MAX + 1];	/* percent-decoded; "" = the default export */
};

/*
 * Parses "nbd://HOST[:PORT]/EXPORT" (scheme case-insensitive; HOST a name,
 * an IPv4 literal or an IPv6 one in brackets, kept with them, as
 * url_parse(); EXPORT percent-decoded) into @u. Returns 0;
 * -EPROTONOSUPPORT for another scheme (nbds://, nbd+unix:// included);
 * -EINVAL for malformed input (bad port, userinfo, a query or fragment,
 * control characters, a bad or NUL %-escape); -EADDRNOTAVAIL for an IPv6
 * zone id; -ENAMETOOLONG for a part longer than its buffer.
 */
int nbd_url_parse(const char *s, struct nbd_url *u);

/* The handshake's private states (nbd_proto.c). */
enum nbd_hs_state {
	NBD_HS_GREETING, NBD_HS_REPLY_HDR, NBD_HS_INFO_TYPE, NBD_HS_INFO_BODY, NBD_HS_SKIP,
	NBD_HS_ERR_MSG, NBD_HS_DONE, NBD_HS_FAILED,
};

struct nbd_hs {
	/* results, valid once done */
	uint64_t size;			/* export size in bytes */
	uint16_t tflags;		/* transmission flags */
	int done;
	/* on failure: what was wrong, and the server's message (printable ASCII) */
	const char *why;
	char msg[NBD_MSG_MAX];
	/* bytes to send before feeding more */
	uint8_t out[64 + NBD_EXPORT_MAX];
	size_t out_len;
	/* private */
	enum nbd_hs_state state;
	uint8_t buf[20];
	size_t have, need;
	uint64_t left;			/* payload bytes of the current reply still to come */
	uint32_t opt, type;
	uint16_t hflags;
	int have_export;
	int err;			/* the error once failed */
	size_t msg_len;
	char export_name[NBD_EXPORT_MAX + 1];
};

/*
 * Starts a handshake for export @export_name (at most NBD_EXPORT_MAX
 * bytes, no NUL). Returns 0 or -ENAMETOOLONG.
 */
int nbd_hs_init(struct nbd_hs *h, const char *export_name);

/*
 * Feeds @len bytes the server sent. Consumes up to the point where the
 * client must send h->out (h->out_len > 0; call nbd_hs_sent() after
 * sending), or the handshake is done (h->done), or an error. Returns the
 * number of bytes consumed (bytes left over after done are the server's
 * fault: nothing follows the handshake until the client asks), or:
 *   -EPROTO           not an NBD server, or a fixed-newstyle feature missing
 *   -EPROTONOSUPPORT  an oldstyle server, or one that requires TLS
 *   -EBADMSG          a malformed reply: bad magic, wrong option, a length
 *                     over its cap, a missing or malformed NBD_INFO_EXPORT
 *   -ENOENT           the server has no such export (NBD_REP_ERR_UNKNOWN)
 *   -EACCES           refused by the server's policy (NBD_REP_ERR_POLICY)
 *   -ESHUTDOWN        the server is shutting down
 *   -EINVAL, -EOPNOTSUPP, -EMSGSIZE  NBD_REP_ERR_INVALID, _PLATFORM, _TOO_BIG
 * with h->why set (and h->msg, if the server said why). Once failed, every
 * call returns the same error.
 */
long nbd_hs_feed(struct nbd_hs *h, const uint8_t *in, size_t len);

/* The caller has sent h->out. */
void nbd_hs_sent(struct nbd_hs *h);

#endif
