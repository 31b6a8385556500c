/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stream mode in PID 1 (DESIGN.md step 6): decides between fetch and
 * stream (netinit.stream=auto), runs the start check (stream_open), forks
 * the resident backend on one end of an AF_UNIX socketpair and hands the
 * other end to the kernel's nbd driver (nbd.c). The next stage mounts
 * /dev/nbdN; in cache mode the backend copies the image into its RAM
 * behind the reads (stream.c).
 *
 * auto: the image is cached when, once it is in RAM, at least
 * max(256 MiB, a quarter of RAM) of free RAM would be left for the live
 * system; else it streams. It is fetched when no mirror answers Range,
 * or when only netinit.sha256 pins it. One log line says which and why.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fetch.h"
#include "handoff.h"
#include "log.h"
#include "modules.h"
#include "nbd.h"
#include "nbd_client.h"
#include "dns.h"
#include "stream.h"
#include "stream_boot.h"
#include "verity.h"

#define MiB(x)        ((unsigned long long)(x) >> 20)
#define AUTO_FLOOR    (256ULL << 20)
#define NBD_WAIT_MS   5000
#define VERITY_TREE   "/netinit-image.verity"
#define VERITY_NAME   "netinit-root"

/* auto, the server answering Range: STREAM_CACHE or STREAM_ON, with the line that says why. */
static enum cmdline_stream auto_pick(uint64_t size)
{
	struct sysinfo si;
	uint64_t free_ram = 0, keep = AUTO_FLOOR;

	if (sysinfo(&si) == 0) {
		free_ram = (uint64_t)si.freeram * si.mem_unit;
		if ((uint64_t)si.totalram * si.mem_unit / 4 > keep)
			keep = (uint64_t)si.totalram * si.mem_unit / 4;
	}
	log_notice("netinit.stream=auto: %s the %llu MiB image: %llu MiB free, %llu to "
		   "keep", size + keep > free_ram ? "streaming" : "caching", MiB(size),
		   MiB(free_ram), MiB(keep));
	return size + keep > free_ram ? STREAM_ON : STREAM_CACHE;
}

static pid_t backend;		/* the resident process, 0 if none */

/*
 * /dev/nbdN reads through @fd (closed here), @size bytes read-only; its
 * path into @dev. @io_s: the kernel's dead-connection timeout (0: none).
 * N, or -errno.
 */
static int kernel_attach(int fd, uint64_t size, unsigned io_s, char *dev)
{
	int idx, rc;

	/* 512-byte blocks: the image's size need not be a multiple of 4 KiB */
	idx = nbd_connect(&fd, 1, size & ~511ULL, size % 4096 ? 512 : 4096, io_s, 0, NBD_CONNECT_RO);
	close(fd);
	/* both log their failures */
	if (idx < 0 || (rc = nbd_wait(idx, size & ~511ULL, NBD_WAIT_MS, dev, 32)) == 0)
		return idx;
	nbd_disconnect(idx);
	return rc;
}

/* Ends and reaps the backend, if any. */
static void reap(void)
{
	if (backend > 0) {
		kill(backend, SIGKILL);
		waitpid(backend, NULL, 0);
	}
	backend = 0;
}

/*
 * Undoes an attach after a later failure, so that a retry (netinit.onerror
 * =shell, then exit) finds /dev/nbd@idx free: the kernel drops its socket
 * (NBD_CMD_DISC to the backend, which logs it; nbd:// the server's
 * connection), the backend is ended and reaped.
 */
static void detach(int idx)
{
	nbd_disconnect(idx);
	reap();
}

/* Forks the backend and connects /dev/nbdN to it. 0, or -errno logged. */
static int attach(struct netinit_config *cfg, uint64_t size, char *argv0)
{
	int sv[2], rc;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		rc = -errno;
		log_err("stream: socketpair: %s", strerror(errno));
		return rc;
	}
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		log_err("stream: fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return rc;
	}
	if (pid == 0) {
		close(sv[0]);
		stream_resident(argv0);
		_exit(stream_serve(sv[1]) < 0);
	}
	close(sv[1]);
	stream_close();		/* the child holds the HTTP connection now */
	backend = pid;
	rc = kernel_attach(sv[0], size, 0, cfg->dest);
	if (rc < 0) {
		reap();
		return rc;
	}
	log_notice("stream: %s is the image (%llu MiB, read-only), served by pid %d over "
		   "HTTP", cfg->dest, MiB(size), (int)pid);
	return rc;
}

/* A size pin (netinit.size) the server's image must match: 0, or -EBADMSG logged. */
static int size_check(const struct netinit_config *cfg, const char *url, uint64_t size)
{
	if (!cfg->size || size == cfg->size)
		return 0;
	log_err("%s: the image is %llu bytes, netinit.size pins %llu: a truncated or other "
		"image is never streamed", url, (unsigned long long)size,
		(unsigned long long)cfg->size);
	return -EBADMSG;
}

/*
 * nbd://: the first server (in list order) whose handshake for the export
 * (+ @suffix) succeeds; its socket goes to the kernel, which alone holds
 * the connection from then on: nothing stays resident, and a dead
 * connection is final (no reconnect without a userspace helper). Reads
 * unanswered for netinit.stream.timeout fail the connection.
 */
static int nbd_attach(struct netinit_config *cfg, uint32_t next_server, const char *suffix,
		      char *dev)
{
	static char url[CMDLINE_URL_MAX + 8];
	struct net_addr a[8];
	struct nbd_export ex;
	struct nbd_url u;
	unsigned i;
	int fd = -ENOENT, n;

	for (i = 0; i < cfg->n_urls && fd < 0; i++) {
		snprintf(url, sizeof(url), "%s%s", cfg->urls[i], suffix);
		if ((fd = nbd_url_parse(url, &u)) < 0)
			continue;	/* cannot fail: checked by cmdline.c (but for the suffix) */
		memset(a, 0, sizeof(a));
		a[0].family = NET_AF4;
		memcpy(a[0].a, &next_server, 4);
		n = u.host[0] ? dns_resolve_all(u.host, a, 8, DNS_TIMEOUT_MS) : 1;
		if (n < 0) {
			char why[200];

			dns_explain(n, why, sizeof(why));
			log_err("%s: cannot resolve: %s", u.host, why);
			fd = n;
			continue;
		}
		fd = nbd_client_open(&u, a, (unsigned)n, cfg->connect_timeout * 1000, &ex);
	}
	if (fd >= 0 && !*suffix && (n = size_check(cfg, url, ex.size)) < 0) {
		close(fd);
		fd = n;
	}
	if (fd < 0)
		return fd;
	fd = kernel_attach(fd, ex.size, cfg->stream_timeout, dev);
	if (fd >= 0)
		log_notice("stream: %s is nbd://%s:%u/%s (%llu MiB, read-only): the kernel "
			   "holds the connection", dev, u.host, u.port, u.export_name, MiB(ex.size));
	return fd;
}

/*
 * netinit.verity=ROOTHASH: the hash tree ("veritysetup format IMAGE
 * IMAGE.verity", about 1% of the image) is <image URL>.verity: over HTTP
 * it is fetched into RAM and loop-attached, over NBD it is that export on
 * the same server (a second /dev/nbdN); dm-verity checks every block of
 * the image against it: cfg->dest becomes /dev/mapper/netinit-root.
 */
static int verity_stack(struct netinit_config *cfg, uint32_t next_server)
{
	static struct netinit_config vc;
	char tree[32], path[CMDLINE_PATH_MAX];
	unsigned i;
	int rc, tidx = -1, lfd = -1;

	if ((rc = modules_load("dm-mod")) < 0 || (rc = modules_load("dm-verity")) < 0)
		return rc;
	if (cfg->nbd) {
		rc = tidx = nbd_attach(cfg, next_server, ".verity", tree);
		if (rc < 0)
			goto err_tree;
	} else {
		vc = *cfg;
		vc.sha256[0] = '\0';
		vc.size = 0;
		vc.quiet = 1;
		snprintf(vc.dest, sizeof(vc.dest), "%s", VERITY_TREE);
		for (i = 0; i < cfg->n_urls; i++)
			if (snprintf(vc.urls[i], sizeof(vc.urls[i]), "%s.verity", cfg->urls[i]) >=
			    (int)sizeof(vc.urls[i]))
				return -ENAMETOOLONG;
		rc = fetch_run(&vc, next_server, 0);
		if (rc < 0)
			goto err_tree;
		modules_load("loop");
		lfd = rc = handoff_loop_attach(VERITY_TREE, tree, sizeof(tree));
		if (rc < 0) {
			log_err("verity: cannot attach %s to a loop device: %s", VERITY_TREE,
				strerror(-rc));
			return rc;
		}
	}
	rc = verity_open(VERITY_NAME, cfg->dest, tree, 0, cfg->verity, path, sizeof(path));
	if (lfd >= 0)
		close(lfd);	/* autoclear: the loop device goes with a failure */
	else if (rc < 0)
		detach(tidx);	/* the tree's /dev/nbdN */
	if (rc < 0)
		return rc;
	log_notice("verity: %s checks every block of %s against root hash %.16s...", path,
		   cfg->dest, cfg->verity);
	snprintf(cfg->dest, sizeof(cfg->dest), "%s", path);
	return 0;
err_tree:
	log_err("verity: no hash tree at %s.verity: make it with 'veritysetup format "
		"IMAGE IMAGE.verity' next to the image", cfg->urls[0]);
	return rc;
}

int stream_boot(struct netinit_config *cfg, uint32_t next_server, char *argv0)
{
	uint64_t size = 0;
	int rc, idx;

	if (cfg->sha256[0] && !cfg->verity[0]) {
		if (cfg->stream == STREAM_AUTO) {
			log_info("netinit.stream=auto: fetching: netinit.sha256 alone pins it");
			return 0;
		}
		log_err("netinit.sha256 pins the whole image, not the blocks read before: add "
			"netinit.verity=ROOTHASH (veritysetup format) or netinit.stream=off");
		return -EINVAL;
	}
	if (!cfg->nbd) {
		rc = stream_open(cfg, next_server, &size);
		if (rc < 0 && cfg->stream == STREAM_AUTO) {
			log_notice("netinit.stream=auto: fetching: no mirror can stream (%s)",
				   strerror(-rc));
			return 0;
		}
		if (rc == 0 && (rc = size_check(cfg, cfg->urls[0], size)) < 0)
			stream_close();
		if (rc < 0)
			return rc;
		if (cfg->stream == STREAM_AUTO)
			cfg->stream = auto_pick(size);
	}
	if (!cfg->verity[0])
		log_info("stream: no netinit.verity: blocks are trusted as the server sends them");
	rc = modules_load("nbd");
	if (rc < 0) {
		log_err("stream mode needs the kernel's nbd module: add it to the initrd "
			"(gen_initramfs.sh --modules packs it when the kernel has it) or use "
			"netinit.stream=off");
		return rc;
	}
	idx = rc = cfg->nbd ? nbd_attach(cfg, next_server, "", cfg->dest) : attach(cfg, size, argv0);
	if (rc < 0)
		return rc;
	cfg->keepnet = 1;
	log_info("stream: the NIC keeps its address (the root is on the network)");
	if (cfg->verity[0] && (rc = verity_stack(cfg, next_server)) < 0) {
		detach(idx);
		return rc;
	}
	return 1;
}
