/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's NBD driver over generic netlink, hand-rolled on an
 * AF_NETLINK/NETLINK_GENERIC socket: CTRL_CMD_GETFAMILY resolves the "nbd"
 * family id, NBD_CMD_CONNECT hands the kernel the sockets and the geometry
 * and answers with the index it picked, NBD_CMD_DISCONNECT ends it.
 * Kernel side: drivers/block/nbd.c (nbd_genl_connect), uapi
 * linux/nbd-netlink.h, linux/genetlink.h; netlink framing per RFC 3549 and
 * Documentation/userspace-api/netlink/intro.rst.
 *
 * Replies come from the kernel, but are still walked with explicit
 * remaining-length checks: nothing is read past what recv() returned.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/nbd-netlink.h>
#include <linux/nbd.h>
#include <linux/netlink.h>

#include "clock.h"
#include "file.h"
#include "log.h"
#include "nbd.h"

#define NL_BUF      4096
#define NL_TIMEOUT  5		/* seconds for a netlink answer */
#define NBD_SOCKS_MAX 64	/* far more than anyone connects */
#ifndef SOL_NETLINK
#define SOL_NETLINK 270		/* klibc lacks the name */
#endif

struct nlbuf {
	union {
		struct nlmsghdr hdr;
		char raw[NL_BUF];
	} u;
	size_t len;
};

/* One request at a time: the message, the genl reply's attributes, recv()'s buffer. */
static struct nlbuf msg;
static char reply[NL_BUF];
static char rxbuf[NL_BUF];

/* noinline: -Oz copied it into each caller, which cost more bytes than the calls */
static __attribute__((noinline)) void nl_start(struct nlbuf *m, uint16_t type, uint8_t cmd, uint8_t version)
{
	struct genlmsghdr *g;

	memset(&m->u.hdr, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->u.hdr.nlmsg_type = type;
	m->u.hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m->u.hdr.nlmsg_seq = 1;
	g = (struct genlmsghdr *)(m->u.raw + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = version;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/* Appends an attribute; returns its offset (for nesting) or -EMSGSIZE. */
static int nl_put(struct nlbuf *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a;
	size_t at = m->len;

	if (at + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(m->u.raw))
		return -EMSGSIZE;
	a = (struct nlattr *)(m->u.raw + at);
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy(m->u.raw + at + NLA_HDRLEN, data, len);
	memset(m->u.raw + at + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	m->len = at + NLA_HDRLEN + NLA_ALIGN(len);
	return (int)at;
}

/* noinline: -Oz copied it into each caller, which cost more bytes than the calls */
static __attribute__((noinline)) int nl_put_u32(struct nlbuf *m, uint16_t type, uint32_t v)
{
	return nl_put(m, type, &v, sizeof(v));
}

/* noinline: -Oz copied it into each caller, which cost more bytes than the calls */
static __attribute__((noinline)) int nl_put_u64(struct nlbuf *m, uint16_t type, uint64_t v)
{
	return nl_put(m, type, &v, sizeof(v));
}

/* Closes a nest opened by nl_put(m, type | NLA_F_NESTED, NULL, 0) at @at. */
static __attribute__((noinline)) void nl_end_nest(struct nlbuf *m, int at)
{
	struct nlattr *a = (struct nlattr *)(m->u.raw + at);

	a->nla_len = (uint16_t)(m->len - (size_t)at);
}

static int nl_open(void)
{
	struct timeval tv = { .tv_sec = NL_TIMEOUT };
	struct sockaddr_nl sa;
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* extended acks are optional: older kernels refuse the option */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

/*
 * Finds attribute @type in the attributes at @p (@len bytes); returns its
 * payload and length through @out/@out_len, or 0 if absent.
 */
static int nl_find(const char *p, size_t len, uint16_t type, const char **out, size_t *out_len)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		size_t alen = a->nla_len, step = NLA_ALIGN(alen);

		if (alen < NLA_HDRLEN || alen > len)
			return 0;
		if ((a->nla_type & NLA_TYPE_MASK) == type) {
			*out = p + NLA_HDRLEN;
			*out_len = alen - NLA_HDRLEN;
			return 1;
		}
		if (step >= len)
			return 0;
		p += step;
		len -= step;
	}
	return 0;
}

/*
 * Sends @m and reads until the kernel's ack. A genl reply before the ack
 * is copied into @reply (attributes only, @reply_len set). Returns 0 or the
 * kernel's -errno.
 */
static int nl_talk(int fd, struct nlbuf *m, char *reply, size_t reply_size, size_t *reply_len)
{
	struct sockaddr_nl to;

	memset(&to, 0, sizeof(to));
	to.nl_family = AF_NETLINK;
	m->u.hdr.nlmsg_len = (uint32_t)m->len;
	if (sendto(fd, m->u.raw, m->len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, rxbuf, sizeof(rxbuf), 0);
		size_t left;
		const char *p = rxbuf;

		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		left = (size_t)n;
		while (left >= NLMSG_HDRLEN) {
			const struct nlmsghdr *h = (const struct nlmsghdr *)p;
			size_t hl = h->nlmsg_len;

			if (hl < NLMSG_HDRLEN || hl > left)
				return -EBADMSG;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = (const struct nlmsgerr *)(p + NLMSG_HDRLEN);

				if (hl < NLMSG_HDRLEN + sizeof(*e))
					return -EBADMSG;
				return e->error;	/* 0 = the ack, else -errno */
			}
			if (reply && hl >= NLMSG_HDRLEN + GENL_HDRLEN) {
				size_t al = hl - NLMSG_HDRLEN - GENL_HDRLEN;

				if (al > reply_size)
					al = reply_size;
				memcpy(reply, p + NLMSG_HDRLEN + GENL_HDRLEN, al);
				*reply_len = al;
			}
			if (NLMSG_ALIGN(hl) >= left)
				break;
			p += NLMSG_ALIGN(hl);
			left -= NLMSG_ALIGN(hl);
		}
	}
}

/* The "nbd" genl family id, or -ENOENT when the driver is not loaded. */
static int nbd_family(int fd)
{
	struct nlbuf *m = &msg;
	size_t rlen = 0, vlen;
	const char *v;
	uint16_t id;
	int rc;

	nl_start(m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	rc = nl_put(m, CTRL_ATTR_FAMILY_NAME, NBD_GENL_FAMILY_NAME, sizeof(NBD_GENL_FAMILY_NAME));
	if (rc < 0)
		return rc;
	rc = nl_talk(fd, m, reply, sizeof(reply), &rlen);
	if (rc < 0)
		return rc;
	if (!nl_find(reply, rlen, CTRL_ATTR_FAMILY_ID, &v, &vlen) || vlen < sizeof(id))
		return -EBADMSG;
	memcpy(&id, v, sizeof(id));
	return id;
}

static int build_connect(struct nlbuf *m, int family, const int *socks, unsigned n,
			 uint64_t size, uint32_t block_size, unsigned io_timeout_s,
			 unsigned dead_timeout_s, unsigned flags)
{
	uint64_t sflags = NBD_FLAG_HAS_FLAGS;
	int nest, rc = 0;
	unsigned i;

	if (flags & NBD_CONNECT_RO)
		sflags |= NBD_FLAG_READ_ONLY;
	if (n > 1)	/* the kernel refuses several sockets without it */
		sflags |= NBD_FLAG_CAN_MULTI_CONN;
	nl_start(m, (uint16_t)family, NBD_CMD_CONNECT, NBD_GENL_VERSION);
	rc |= nl_put_u64(m, NBD_ATTR_SIZE_BYTES, size);
	rc |= nl_put_u64(m, NBD_ATTR_BLOCK_SIZE_BYTES, block_size);
	rc |= nl_put_u64(m, NBD_ATTR_SERVER_FLAGS, sflags);
	if (io_timeout_s)
		rc |= nl_put_u64(m, NBD_ATTR_TIMEOUT, io_timeout_s);
	if (dead_timeout_s)
		rc |= nl_put_u64(m, NBD_ATTR_DEAD_CONN_TIMEOUT, dead_timeout_s);
	nest = nl_put(m, NBD_ATTR_SOCKETS | NLA_F_NESTED, NULL, 0);
	if (rc < 0 || nest < 0)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		int item = nl_put(m, NBD_SOCK_ITEM | NLA_F_NESTED, NULL, 0);

		if (item < 0 || nl_put_u32(m, NBD_SOCK_FD, (uint32_t)socks[i]) < 0)
			return -EMSGSIZE;
		nl_end_nest(m, item);
	}
	nl_end_nest(m, nest);
	return 0;
}

int nbd_connect(const int *socks, unsigned n, uint64_t size, uint32_t block_size,
		unsigned io_timeout_s, unsigned dead_timeout_s, unsigned flags)
{
	size_t rlen = 0, vlen;
	const char *v;
	uint32_t index;
	int fd, family, rc;

	if (n == 0 || n > NBD_SOCKS_MAX || size == 0 || block_size < 512 || block_size > 4096 ||
	    (block_size & (block_size - 1)) || size % block_size) {
		log_err("nbd: bad connect request (%u sockets, size %llu, block size %u)", n,
			(unsigned long long)size, block_size);
		return -EINVAL;
	}
	fd = nl_open();
	if (fd < 0) {
		log_err("nbd: no generic netlink socket: %s", strerror(-fd));
		return fd;
	}
	family = rc = nbd_family(fd);
	if (rc < 0) {
		log_err("nbd: no generic netlink family 'nbd' (%s): is the nbd module loaded?",
			strerror(-rc));
		goto err;
	}
	rc = build_connect(&msg, family, socks, n, size, block_size, io_timeout_s,
			   dead_timeout_s, flags);
	if (rc < 0)
		goto err;
	rc = nl_talk(fd, &msg, reply, sizeof(reply), &rlen);
	if (rc < 0) {
		log_err("nbd: the kernel refused NBD_CMD_CONNECT (%u sockets, %llu bytes): %s%s",
			n, (unsigned long long)size, strerror(-rc),
			rc == -EPERM ? " (needs CAP_SYS_ADMIN)" : "");
		goto err;
	}
	if (!nl_find(reply, rlen, NBD_ATTR_INDEX, &v, &vlen) || vlen < sizeof(index)) {
		log_err("nbd: NBD_CMD_CONNECT succeeded without naming the device");
		rc = -EBADMSG;
		goto err;
	}
	memcpy(&index, v, sizeof(index));
	rc = index > 0x7fffffffu ? -EBADMSG : (int)index;
err:
	close(fd);
	return rc;
}

int nbd_disconnect(int index)
{
	int fd, rc;

	fd = nl_open();
	if (fd < 0)
		return fd;
	rc = nbd_family(fd);
	if (rc < 0) {
		log_err("nbd: no generic netlink family 'nbd' (%s): is the nbd module loaded?",
			strerror(-rc));
		goto err;
	}
	nl_start(&msg, (uint16_t)rc, NBD_CMD_DISCONNECT, NBD_GENL_VERSION);
	rc = nl_put_u32(&msg, NBD_ATTR_INDEX, (uint32_t)index);
	if (rc >= 0)
		rc = nl_talk(fd, &msg, NULL, 0, NULL);
	if (rc < 0)
		log_err("nbd: cannot disconnect /dev/nbd%d: %s", index, strerror(-rc));
err:
	close(fd);
	return rc < 0 ? rc : 0;
}

/* Creates /dev/nbd<index> from the "MAJ:MIN" in sysfs when devtmpfs has none. */
static int make_node(const char *path, int index)
{
	char sys[48];
	unsigned maj, min;

	snprintf(sys, sizeof(sys), "/sys/block/nbd%d/dev", index);
	if (file_read_devnum(sys, &maj, &min) < 0)
		return -ENODEV;
	if (mknod(path, S_IFBLK | 0600, makedev(maj, min)) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int nbd_wait(int index, uint64_t size, unsigned timeout_ms, char *path, unsigned path_size)
{
	uint64_t start = clock_ms();
	char sys[48], val[32];
	struct stat st;

	snprintf(path, path_size, "/dev/nbd%d", index);
	snprintf(sys, sizeof(sys), "/sys/block/nbd%d/size", index);
	for (;;) {
		int ok = file_read(sys, val, sizeof(val)) > 0 &&
			 strtoull(val, NULL, 10) == size / 512;

		if (ok && stat(path, &st) < 0 && errno == ENOENT)
			make_node(path, index);
		if (ok && stat(path, &st) == 0 && S_ISBLK(st.st_mode))
			return 0;
		if (clock_ms() - start >= timeout_ms)
			break;
		clock_sleep_ms(10);
	}
	log_err("nbd: %s did not get its size of %llu bytes within %u ms", path,
		(unsigned long long)size, timeout_ms);
	return -ETIMEDOUT;
}
