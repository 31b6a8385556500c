/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /init of the stream proof initrd (tests/qemu/stream-proof.sh): proves
 * src/nbd.c in the real guest kernel. Loads nbd, makes a socketpair whose
 * far end a forked child serves with a minimal NBD transmission loop from
 * /image (read from the initrd; not the product's backend), nbd_connect()s
 * the near end, reads every 4 KiB block of /dev/nbdN and compares it with
 * /blocks.sha256 (32 bytes per block, made on the host), then
 * nbd_disconnect()s. Then dm-verity over it: /image is the data followed by
 * the hash tree `veritysetup format` made on the host, /root.hash its root
 * hash; verity_open() with it gives a device whose every block matches, a
 * wrong root hash is refused, and a server that corrupts one data block
 * gives EIO for that block only. Last, nbd://: the kernel reads the same
 * image from the host's real nbd-server (QEMU's slirp forwards 10.0.2.100:10809
 * to it) through a TCP socket nbd_client_open() negotiated, under dm-verity.
 * Prints "PROOF ..." lines the script checks, then
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
#include "dm.h"
#include "file.h"
#include "log.h"
#include "modules.h"
#include "nbd.h"
#include "nbd_client.h"
#include "netif.h"
#include "url.h"
#include "sha256.h"
#include "verity.h"

#define BLK 4096
#define NBD_REQUEST_MAGIC 0x25609513u
#define NBD_REPLY_MAGIC   0x67446698u

static int console = 2;
static unsigned char *image;
static size_t image_size;
static unsigned char *block_sums;
static size_t nblocks;
static char root_hex[160];
#define BAD_BLOCK 77

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
	idx = nbd_connect(&sock, 1, image_size, 512, 30, 5, NBD_CONNECT_RO);
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
	/* two sockets, each with its own server: the kernel spreads requests over both */
	{
		int socks[2];
		pid_t pids[2] = { -1, -1 };

		socks[0] = start_server(image, image_size, -1, &pids[0]);
		socks[1] = start_server(image, image_size, -1, &pids[1]);
		idx = nbd_connect(socks, 2, image_size, 4096, 30, 0, NBD_CONNECT_RO);
		close(socks[0]);
		close(socks[1]);
		rc = idx < 0 ? idx : nbd_wait(idx, image_size, 5000, dev, sizeof(dev));
		ok = rc < 0 ? 0 : check_blocks(dev, nblocks, &eio, &first);
		say("PROOF nbd two sockets rc=%d read %zu/%zu blocks match eio=%zu", rc, ok, nblocks, eio);
		if (idx >= 0)
			nbd_disconnect(idx);
		waitpid(pids[0], &st, 0);
		waitpid(pids[1], &st, 0);
	}
	/* refused before the kernel is asked */
	rc = nbd_connect(&sock, 1, image_size, 1000, 0, 0, 0);
	say("PROOF nbd_connect bad block size rc=%d", rc);
}

/* Connects a server (corrupting byte @bad unless -1) and waits for its node. */
static int connect_dev(long bad, pid_t *pid, char *dev, size_t size)
{
	int sock, idx, rc;

	sock = start_server(image, image_size, bad, pid);
	if (sock < 0 || *pid < 0)
		return -EIO;
	idx = nbd_connect(&sock, 1, image_size, 4096, 30, 0, NBD_CONNECT_RO);
	close(sock);
	if (idx < 0)
		return idx;
	rc = nbd_wait(idx, image_size, 5000, dev, (unsigned)size);
	return rc < 0 ? rc : idx;
}

static void proof_verity(void)
{
	uint64_t hash_off = (uint64_t)nblocks * BLK;
	char dev_a[32], dev_b[32], path[64], wrong[160];
	int a, b, rc, st;
	size_t ok, eio;
	long first;
	pid_t pa = -1, pb = -1;
	uint64_t t;

	a = connect_dev(-1, &pa, dev_a, sizeof(dev_a));
	say("PROOF verity nbd clean index=%d", a);
	if (a < 0)
		return;
	t = clock_ms();
	rc = verity_open("vgood", dev_a, dev_a, hash_off, root_hex, path, sizeof(path));
	say("PROOF verity_open good rc=%d %s ms=%llu", rc, path, (unsigned long long)(clock_ms() - t));
	if (rc == 0) {
		t = clock_ms();
		ok = check_blocks(path, nblocks, &eio, &first);
		say("PROOF verity good read %zu/%zu blocks match eio=%zu ms=%llu", ok, nblocks, eio,
		    (unsigned long long)(clock_ms() - t));
	}
	memcpy(wrong, root_hex, sizeof(wrong));
	wrong[5] = wrong[5] == '0' ? '1' : '0';
	rc = verity_open("vwrong", dev_a, dev_a, hash_off, wrong, path, sizeof(path));
	say("PROOF verity_open wrong root rc=%d node=%d", rc, access("/dev/mapper/vwrong", F_OK) == 0);
	rc = verity_open("vshort", dev_a, dev_a, hash_off, "abcd", path, sizeof(path));
	say("PROOF verity_open short root rc=%d", rc);
	rc = verity_open("voff", dev_a, dev_a, 0, root_hex, path, sizeof(path));
	say("PROOF verity_open no superblock rc=%d", rc);

	b = connect_dev((long)BAD_BLOCK * BLK + 100, &pb, dev_b, sizeof(dev_b));
	say("PROOF verity nbd corrupting index=%d other=%d", b, b != a);
	if (b >= 0) {
		rc = verity_open("vbad", dev_b, dev_b, hash_off, root_hex, path, sizeof(path));
		say("PROOF verity_open corrupt rc=%d", rc);
		ok = check_blocks(path, nblocks, &eio, &first);
		say("PROOF verity corrupt read %zu/%zu blocks match eio=%zu first=%ld", ok, nblocks,
		    eio, first);
		say("PROOF dm_remove vbad rc=%d", dm_remove("vbad"));
		nbd_disconnect(b);
		waitpid(pb, &st, 0);
	}
	say("PROOF dm_remove vgood rc=%d", dm_remove("vgood"));
	say("PROOF dm_remove again rc=%d", dm_remove("vgood"));
	nbd_disconnect(a);
	waitpid(pa, &st, 0);
}

/* 10.0.2.15/24 on the first NIC (slirp's network), as a static ip= would. */
static int net_setup(void)
{
	struct netif nif[NETIF_MAX];
	uint32_t addr, mask, bcast;
	int n, rc;

	n = modules_coldplug();
	say("PROOF coldplug rc=%d", n);
	n = netif_list(nif, NETIF_MAX);
	if (n <= 0)
		return -ENODEV;
	url_ipv4_literal("10.0.2.15", &addr);
	url_ipv4_literal("255.255.255.0", &mask);
	url_ipv4_literal("10.0.2.255", &bcast);
	rc = netif_set_up(nif[0].name, 1);
	if (rc == 0)
		rc = netif_set_ipv4(nif[0].name, addr, mask, bcast);
	say("PROOF net %s rc=%d", nif[0].name, rc);
	return rc;
}

static void proof_nbd_url(void)
{
	char dev[32], path[64];
	struct nbd_export ex;
	struct nbd_url u;
	struct net_addr addr = { .family = NET_AF4 };
	size_t ok, eio;
	long first;
	int fd, idx, rc;
	uint64_t t;

	if (net_setup() < 0)
		return;
	nbd_url_parse("nbd://10.0.2.100/nope", &u);
	url_ipv4_literal(u.host, (uint32_t *)addr.a);
	fd = nbd_client_open(&u, &addr, 1, 10000, &ex);
	say("PROOF nbd:// unknown export rc=%d", fd);
	if (fd >= 0)
		close(fd);
	rc = nbd_url_parse("nbd://10.0.2.100/img", &u);
	t = clock_ms();
	fd = nbd_client_open(&u, &addr, 1, 10000, &ex);
	say("PROOF nbd:// open rc=%d size=%llu flags=0x%x ms=%llu", fd < 0 ? fd : 0,
	    (unsigned long long)ex.size, ex.flags, (unsigned long long)(clock_ms() - t));
	if (fd < 0)
		return;
	idx = nbd_connect(&fd, 1, ex.size, 4096, 30, 0, NBD_CONNECT_RO);
	close(fd);
	rc = idx < 0 ? idx : nbd_wait(idx, ex.size, 5000, dev, sizeof(dev));
	say("PROOF nbd:// connect rc=%d %s", rc, dev);
	if (rc < 0)
		return;
	rc = verity_open("vnet", dev, dev, (uint64_t)nblocks * BLK, root_hex, path, sizeof(path));
	t = clock_ms();
	ok = rc < 0 ? 0 : check_blocks(path, nblocks, &eio, &first);
	say("PROOF nbd:// verity rc=%d read %zu/%zu blocks match ms=%llu", rc, ok, nblocks,
	    (unsigned long long)(clock_ms() - t));
	if (rc == 0)
		dm_remove("vnet");
	say("PROOF nbd:// disconnect rc=%d", nbd_disconnect(idx));
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
	if (file_read("/root.hash", root_hex, sizeof(root_hex)) > 0)
		root_hex[strcspn(root_hex, "\n")] = '\0';
	say("PROOF image %zu bytes, %zu block sums", image_size, nblocks);
	if (image && block_sums) {
		say("PROOF before load nbd_connect rc=%d", nbd_connect((int[]){ 0 }, 1, 4096, 512, 0, 0, 0));
		say("PROOF load nbd rc=%d", modules_load("nbd"));
		proof_nbd();
		say("PROOF load dm-verity rc=%d", modules_load("dm-verity"));
		proof_verity();
		proof_nbd_url();
	}
	say("PROOF done");
	sync();
	reboot(RB_POWER_OFF, NULL);
	for (;;)
		pause();
}
