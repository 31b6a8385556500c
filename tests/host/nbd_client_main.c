/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netinit-nbd: src/nbd_client.c (unchanged) as a host program, for tests
 * against real NBD servers (tests/host/nbd_test.sh: nbd-server, nbdkit).
 *
 *   netinit-nbd nbd://HOST[:PORT]/EXPORT [TIMEOUT_MS]
 *
 * Connects and negotiates as netinit does, prints
 * "size=N flags=0xF", then reads the export's first 4 KiB (or
 * less) over the returned socket with one NBD_CMD_READ, as the kernel
 * would, and prints "first=SHA256": proof that the socket was left exactly
 * at the transmission phase. Exit status: 0 done, 1 failed (the reason on
 * stderr), 2 bad usage.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nbd_client.h"
#include "sha256.h"
#include "url.h"

static int full_io(int fd, void *buf, size_t len, int wr)
{
	char *p = buf;

	while (len) {
		ssize_t n = wr ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, 0);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void put_be(unsigned char *p, uint64_t v, unsigned n)
{
	while (n--) {
		p[n] = (unsigned char)v;
		v >>= 8;
	}
}

/* NBD_CMD_READ of @len bytes at 0, simple reply (no structured replies negotiated). */
static int read_first(int fd, unsigned len, char hex[SHA256_HEX])
{
	static unsigned char buf[4096];
	unsigned char req[28] = { 0 }, rep[16];
	uint8_t sum[SHA256_LEN];
	struct sha256 s;

	put_be(req, 0x25609513, 4);
	put_be(req + 8, 0x1122334455667788ULL, 8);	/* handle */
	put_be(req + 24, len, 4);
	if (full_io(fd, req, sizeof(req), 1) < 0 || full_io(fd, rep, sizeof(rep), 0) < 0)
		return -1;
	if (memcmp(rep, "\x67\x44\x66\x98", 4) || memcmp(rep + 4, "\0\0\0\0", 4) ||
	    memcmp(rep + 8, req + 8, 8) || full_io(fd, buf, len, 0) < 0)
		return -1;
	sha256_init(&s);
	sha256_update(&s, buf, len);
	sha256_final(&s, sum);
	sha256_hex(sum, hex);
	return 0;
}

int main(int argc, char **argv)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *ai, *p;
	unsigned timeout = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 5000;
	char hex[SHA256_HEX];
	struct nbd_export ex;
	struct nbd_url u;
	struct net_addr addrs[8];
	char host[NBD_HOST_MAX];
	unsigned n = 0;
	int fd, rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: netinit-nbd nbd://HOST[:PORT]/EXPORT [TIMEOUT_MS]\n");
		return 2;
	}
	rc = nbd_url_parse(argv[1], &u);
	if (rc < 0) {
		fprintf(stderr, "netinit-nbd: %s: bad nbd:// URL (%s)\n", argv[1], strerror(-rc));
		return 2;
	}
	/* getaddrinfo() in place of dns_resolve_all(): a [v6] literal without its brackets */
	snprintf(host, sizeof(host), "%s", u.host + (u.host[0] == '['));
	host[strcspn(host, "]")] = '\0';
	if (getaddrinfo(host, NULL, &hints, &ai) != 0) {
		fprintf(stderr, "netinit-nbd: cannot resolve %s\n", u.host);
		return 1;
	}
	for (p = ai; p && n < 8; p = p->ai_next, n++) {
		addrs[n].family = p->ai_family == AF_INET6 ? NET_AF6 : NET_AF4;
		if (p->ai_family == AF_INET6)
			memcpy(addrs[n].a, &((struct sockaddr_in6 *)p->ai_addr)->sin6_addr, 16);
		else
			memcpy(addrs[n].a, &((struct sockaddr_in *)p->ai_addr)->sin_addr, 4);
	}
	freeaddrinfo(ai);
	fd = nbd_client_open(&u, addrs, n, timeout, &ex);
	if (fd < 0)
		return 1;
	printf("size=%llu flags=0x%x\n", (unsigned long long)ex.size, ex.flags);
	if (read_first(fd, ex.size < 4096 ? (unsigned)ex.size : 4096, hex) < 0) {
		fprintf(stderr, "netinit-nbd: NBD_CMD_READ after the handshake failed\n");
		close(fd);
		return 1;
	}
	printf("first=%s\n", hex);
	close(fd);
	return 0;
}
