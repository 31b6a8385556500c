/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's side of stream mode on the host: runs the same start check
 * (stream_open) and protocol loop (stream_serve, in a forked child, as PID
 * 1 forks the resident process) as netinit, and plays the nbd driver on
 * the other end of the socketpair: sends NBD requests read from stdin and
 * checks every reply and every byte against a local copy of the image.
 *
 * Usage: stream-harness COPY URL[,URL...] [TIMEOUT_S [CACHE_MIB]]
 * Environment: NETINIT_RESOLV=FILE reads the DNS servers from FILE instead
 * of /etc/resolv.conf; NETINIT_PROXY=URL sets netinit.proxy; NETINIT_ARGS
 * is added to the command line (netinit.stream=cache, netinit.sha256=...).
 * stdin, one command a line:
 *   read OFF LEN          one READ; prints "ok", "eio" or "err N"
 *   pipe OFF LEN COUNT    COUNT READs back to back (sent before any reply
 *                         is read, as a queue-depth > 1 driver does)
 *   write OFF LEN         a WRITE with its payload (expects EPERM)
 *   disc                  NBD_CMD_DISC, then waits for the server to end
 * Each reply prints "<cmd> OFF LEN ok|eio|err N|MISMATCH". Exit status: 0
 * if the server started and every data reply matched the copy (EIO is a
 * result to print, not a failure: the test script judges it), 1 on a data
 * mismatch or protocol error, 3 if the start check failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmdline.h"
#include "dns.h"
#include "log.h"
#include "nbd_wire.h"
#include "stream.h"

static int img = -1, sock = -1;
static uint64_t handle_seq = 1;
static unsigned char buf[4 << 20], want[4 << 20];

static int xfer(int fd, void *p, size_t len, int out)
{
	while (len) {
		ssize_t n = out ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, MSG_WAITALL);

		if (n <= 0)
			return -1;
		p = (char *)p + n;
		len -= (size_t)n;
	}
	return 0;
}

static void put_be(unsigned char *p, uint64_t v, int bytes)
{
	while (bytes--) {
		p[bytes] = (unsigned char)v;
		v >>= 8;
	}
}

static void fill_req(unsigned char *r, uint16_t type, uint64_t off, uint32_t len)
{

	put_be(r, NBD_WIRE_REQ_MAGIC, 4);
	put_be(r + 4, 0, 2);
	put_be(r + 6, type, 2);
	put_be(r + 8, handle_seq++, 8);
	put_be(r + 16, off, 8);
	put_be(r + 24, len, 4);
}

static int send_req(uint16_t type, uint64_t off, uint32_t len)
{
	unsigned char r[NBD_WIRE_REQ_LEN];

	fill_req(r, type, off, len);
	return xfer(sock, r, sizeof(r), 1);
}

/* Reads one reply; for a READ answered 0, its data, checked against the copy. */
static int get_reply(const char *cmd, uint64_t off, uint32_t len, uint64_t handle, int is_read)
{
	unsigned char r[NBD_WIRE_REPLY_LEN];
	uint32_t err;
	uint64_t h = 0;
	int i;

	if (xfer(sock, r, sizeof(r), 0) < 0) {
		printf("%s %llu %u: no reply (server gone)\n", cmd, (unsigned long long)off, len);
		return -1;
	}
	for (i = 8; i < 16; i++)
		h = h << 8 | r[i];
	err = (uint32_t)r[4] << 24 | (uint32_t)r[5] << 16 | (uint32_t)r[6] << 8 | r[7];
	if (r[0] != 0x67 || r[1] != 0x44 || r[2] != 0x66 || r[3] != 0x98 || h != handle) {
		printf("%s %llu %u: bad reply magic or handle\n", cmd, (unsigned long long)off, len);
		return -1;
	}
	if (err) {
		printf("%s %llu %u %s\n", cmd, (unsigned long long)off, len,
		       err == NBD_WIRE_EIO ? "eio" : err == NBD_WIRE_EPERM ? "eperm" : "err");
		return 0;
	}
	if (!is_read) {
		printf("%s %llu %u ok\n", cmd, (unsigned long long)off, len);
		return 0;
	}
	if (xfer(sock, buf, len, 0) < 0 || pread(img, want, len, (off_t)off) != (ssize_t)len) {
		printf("%s %llu %u: short data\n", cmd, (unsigned long long)off, len);
		return -1;
	}
	if (memcmp(buf, want, len) != 0) {
		printf("%s %llu %u MISMATCH\n", cmd, (unsigned long long)off, len);
		return -1;
	}
	printf("%s %llu %u ok\n", cmd, (unsigned long long)off, len);
	return 0;
}

static int run(pid_t child)
{
	char line[256], cmd[16];
	unsigned long long off, len, count, i;
	int n, status, bad = 0;

	while (fgets(line, sizeof(line), stdin)) {
		n = sscanf(line, "%15s %llu %llu %llu", cmd, &off, &len, &count);
		if (n < 1 || len > sizeof(buf))
			continue;
		if (!strcmp(cmd, "read") && n == 3) {
			uint64_t h = handle_seq;

			if (send_req(NBD_WIRE_READ, off, (uint32_t)len) < 0 ||
			    get_reply("read", off, (uint32_t)len, h, 1) < 0)
				bad = 1;
		} else if (!strcmp(cmd, "pipe") && n == 4) {
			uint64_t h = handle_seq;

			/* one send: the server finds them all queued, as from a busy driver */
			for (i = 0; i < count && i < 64; i++)
				fill_req(want + i * NBD_WIRE_REQ_LEN, NBD_WIRE_READ, off + i * len,
					 (uint32_t)len);
			if (xfer(sock, want, (size_t)i * NBD_WIRE_REQ_LEN, 1) < 0)
				bad = 1;
			count = i;
			for (i = 0; i < count && !bad; i++)
				if (get_reply("pipe", off + i * len, (uint32_t)len, h + i, 1) < 0)
					bad = 1;
		} else if (!strcmp(cmd, "write") && n == 3) {
			uint64_t h = handle_seq;

			memset(buf, 0xaa, (size_t)len);
			if (send_req(NBD_WIRE_WRITE, off, (uint32_t)len) < 0 ||
			    xfer(sock, buf, (size_t)len, 1) < 0 ||
			    get_reply("write", off, (uint32_t)len, h, 0) < 0)
				bad = 1;
		} else if (!strcmp(cmd, "disc")) {
			send_req(NBD_WIRE_DISC, 0, 0);
			waitpid(child, &status, 0);
			printf("disc: server exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			return bad;
		}
		fflush(stdout);
		if (bad)
			break;
	}
	kill(child, 9);
	waitpid(child, &status, 0);
	return bad;
}

int main(int argc, char **argv)
{
	static struct netinit_config cfg;
	const char *resolv = getenv("NETINIT_RESOLV"), *proxy = getenv("NETINIT_PROXY");
	const char *args = getenv("NETINIT_ARGS");
	char err[256];
	uint64_t size;
	int sv[2], rc;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: %s COPY URL[,URL...] [TIMEOUT_S [CACHE_MIB]]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	cmdline_init(&cfg);
	snprintf((char *)buf, sizeof(buf), "netinit.url=%s netinit.stream.timeout=%s "
		 "netinit.stream.cache=%s netinit.idle_timeout=5 netinit.connect_timeout=2 "
		 "netinit.retries=0%s%s %s", argv[2], argc > 3 ? argv[3] : "300",
		 argc > 4 ? argv[4] : "4", proxy ? " netinit.proxy=" : "", proxy ? proxy : "",
		 args ? args : "");
	if (cmdline_parse(&cfg, (char *)buf, strlen((char *)buf), 0, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (resolv)
		dns_set_resolv(resolv);
	img = open(argv[1], O_RDONLY);
	if (img < 0) {
		perror(argv[1]);
		return 2;
	}
	rc = stream_open(&cfg, 0, &size);
	if (rc < 0) {
		printf("open: %s\n", strerror(-rc));
		return 3;
	}
	printf("open: %llu bytes\n", (unsigned long long)size);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 2;
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		rc = stream_serve(sv[1]);
		fprintf(stderr, "stream_serve: %d, %lu HTTP requests\n", rc, stream_http_requests());
		_exit(rc < 0);
	}
	close(sv[1]);
	stream_close();
	sock = sv[0];
	return run(pid);
}
