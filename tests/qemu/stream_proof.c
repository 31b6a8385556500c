/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /init of the stream proof initrd (tests/qemu/stream-proof.sh): proves
 * src/nbd.c in the real guest kernel. Loads nbd, makes a socketpair whose
 * far end a forked child serves with a minimal NBD transmission loop from
 * /image (read from the initrd; not the product's backend), nbd_connect()s
 * the near end, reads every 4 KiB block of /dev/nbdN and compares it with
 * /blocks.sha256 (32 bytes per block, made on the host), then
 * nbd_disconnect()s. Prints "PROOF ..." lines the script checks, then
 * powers off. Never exits: PID 1 exiting panics the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "modules.h"
#include "nbd.h"
#include "sha256.h"

#define BLK 4096
#define NBD_REQUEST_MAGIC 0x25609513u
#define NBD_REPLY_MAGIC   0x67446698u

static int console = 2;
static unsigned char *image;
static size_t image_size;
static unsigned char *block_sums;
static size_t nblocks;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	(void)!write(console, buf, n);
}

static void early_mounts(void)
{
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	console = open("/dev/console", O_WRONLY | O_NOCTTY);
	if (console < 0)
		console = 2;
}

/* Reads a whole file of the initrd into malloc'd memory. */
static unsigned char *slurp(const char *path, size_t *len)
{
	unsigned char *buf;
	struct stat st;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		return NULL;
	buf = malloc((size_t)st.st_size + 1);
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return buf;
}

static int full_io(int fd, void *buf, size_t len, int wr)
{
	char *p = buf;

	while (len) {
		ssize_t n = wr ? write(fd, p, len) : read(fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/*
 * The test's NBD server: simple replies to NBD_CMD_READ from @data (bytes
 * at @bad, if not -1, flipped on the way); NBD_CMD_DISC or EOF ends it.
 */
static void serve(int fd, const unsigned char *data, size_t size, long bad)
{
	static unsigned char out[16 + 128 * 1024];
	unsigned char req[28];

	while (full_io(fd, req, sizeof(req), 0) == 0) {
		uint16_t type = (uint16_t)(req[6] << 8 | req[7]);
		uint64_t off = be64(req + 16);
		uint32_t len = be32(req + 24), err = 0;
		size_t i;

		if (be32(req) != NBD_REQUEST_MAGIC || type == 2 /* DISC */)
			break;
		if (type != 0 || len > sizeof(out) - 16 || off > size || len > size - off)
			err = EIO;
		put_be32(out, NBD_REPLY_MAGIC);
		put_be32(out + 4, err);
		memcpy(out + 8, req + 8, 8);	/* handle */
		if (err)
			len = 0;
		memcpy(out + 16, data + off, len);
		for (i = 0; bad >= 0 && i < len; i++)
			if (off + i == (uint64_t)bad)
				out[16 + i] ^= 0x55;
		if (full_io(fd, out, 16 + len, 1) < 0)
			break;
	}
	_exit(0);
}

/* Starts a server child on one end of a socketpair; returns the other end. */
static int start_server(const unsigned char *data, size_t size, long bad, pid_t *pid)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -errno;
	*pid = fork();
	if (*pid == 0) {
		close(sv[0]);
		serve(sv[1], data, size, bad);
	}
	close(sv[1]);
	return sv[0];
}

/*
 * Reads @dev block by block over @nb blocks; returns how many matched
 * block_sums, and counts read errors in *eio (first failing block in *first).
 */
static size_t check_blocks(const char *dev, size_t nb, size_t *eio, long *first)
{
	static unsigned char buf[BLK];
	size_t ok = 0, b;
	int fd;

	*eio = 0;
	*first = -1;
	fd = open(dev, O_RDONLY);
	if (fd < 0)
		return 0;
	for (b = 0; b < nb; b++) {
		uint8_t sum[SHA256_LEN];
		struct sha256 s;

		if (pread(fd, buf, BLK, (off_t)(b * BLK)) != BLK) {
			if (!*eio)
				*first = (long)b;
			(*eio)++;
			continue;
		}
		sha256_init(&s);
		sha256_update(&s, buf, BLK);
		sha256_final(&s, sum);
		ok += memcmp(sum, block_sums + b * SHA256_LEN, SHA256_LEN) == 0;
	}
	close(fd);
	return ok;
}

static void proof_nbd(void)
{
	char dev[32];
	size_t ok, eio;
	long first;
	pid_t pid = -1;
	int sock, idx, rc, st;
	uint64_t t;

	sock = start_server(image, image_size, -1, &pid);
	if (sock < 0 || pid < 0) {
		say("PROOF server start failed: %d", sock);
		return;
	}
	t = clock_ms();
	idx = nbd_connect(&sock, 1, image_size, 512, 30, 0, NBD_CONNECT_RO);
	say("PROOF nbd_connect rc=%d ms=%llu", idx, (unsigned long long)(clock_ms() - t));
	close(sock);
	if (idx < 0)
		return;
	rc = nbd_wait(idx, image_size, 5000, dev, sizeof(dev));
	say("PROOF nbd_wait %s rc=%d ms=%llu", dev, rc, (unsigned long long)(clock_ms() - t));
	t = clock_ms();
	ok = check_blocks(dev, nblocks, &eio, &first);
	say("PROOF nbd read %zu/%zu blocks match eio=%zu ms=%llu", ok, nblocks, eio,
	    (unsigned long long)(clock_ms() - t));
	rc = open(dev, O_WRONLY);
	if (rc >= 0) {
		static char zero[BLK];
		int w = (int)pwrite(rc, zero, BLK, 0) < 0 ? -errno : 0;

		close(rc);
		rc = w;
	}
	say("PROOF nbd write rc=%d", rc);
	rc = nbd_disconnect(idx);
	waitpid(pid, &st, 0);
	say("PROOF nbd_disconnect rc=%d server exited=%d", rc, WIFEXITED(st));
	/* refused before the kernel is asked */
	rc = nbd_connect(&sock, 1, image_size, 1000, 0, 0, 0);
	say("PROOF nbd_connect bad block size rc=%d", rc);
}

int main(void)
{
	early_mounts();
	log_open();
	log_set(1, 0);
	say("PROOF start");
	image = slurp("/image", &image_size);
	block_sums = slurp("/blocks.sha256", &nblocks);
	nblocks /= SHA256_LEN;
	say("PROOF image %zu bytes, %zu block sums", image_size, nblocks);
	if (image && block_sums) {
		say("PROOF before load nbd_connect rc=%d", nbd_connect((int[]){ 0 }, 1, 4096, 512, 0, 0, 0));
		say("PROOF load nbd rc=%d", modules_load("nbd"));
		proof_nbd();
	}
	say("PROOF done");
	sync();
	reboot(RB_POWER_OFF, NULL);
	for (;;)
		pause();
}
