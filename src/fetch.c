/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HTTP/1.1 download of the image into RAM (RFC 9110, RFC 9112). One
 * connection per attempt, "Connection: close"; the head is parsed by
 * http.c; the body is written as it arrives into "<dest>.part" on the
 * initramfs, which lives in RAM: the file is the image's only copy.
 * Every byte written is hashed on the way (SHA-256, no second pass over
 * the file) and checked against netinit.sha256 before the file may get
 * its final name.
 *
 * Memory (DESIGN.md): without root= the initramfs is a tmpfs capped at half
 * of RAM. Before the first body byte the cap is raised by the image size,
 * and the image is refused with the numbers when free RAM cannot hold it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "clock.h"
#include "dns.h"
#include "fetch.h"
#include "http.h"
#include "image.h"
#include "log.h"
#include "sha256.h"
#include "url.h"

#define TMPFS_MAGIC_NR   0x01021994
#define RAM_RESERVE      (32ULL << 20)	/* left for the kernel and the next stage */
#define IO_BUF           (128 * 1024)
#define MAX_REDIRECTS    5
#define PROGRESS_MS      250
#define MiB(x)           ((unsigned long long)(x) >> 20)
#define BACKOFF_MAX_S    60

struct fetch {
	const struct netinit_config *cfg;
	uint32_t next_server;
	char part[CMDLINE_PATH_MAX + 8];
	int fd;				/* socket */
	int out;			/* .part file */
	uint64_t total, done;
	uint64_t t_start, t_shown;
	int shown;			/* a progress line is on the console */
	const char *host;		/* for messages */
	struct sha256 sha;		/* of the bytes written to .part */
};

static char iobuf[IO_BUF];

static int wait_fd(int fd, short events, unsigned timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc;

	do
		rc = poll(&pfd, 1, (int)timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	return rc == 0 ? -ETIMEDOUT : 0;
}

static int tcp_connect(uint32_t addr, uint16_t port, unsigned timeout_ms)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(int);
	int fd, rc, err = 0, fl;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = addr;
	rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	if (rc < 0 && errno != EINPROGRESS) {
		rc = -errno;
		goto err;
	}
	if (rc < 0) {
		rc = wait_fd(fd, POLLOUT, timeout_ms);
		if (rc < 0)
			goto err;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
			rc = err ? -err : -errno;
			goto err;
		}
	}
	return fd;
err:
	close(fd);
	return rc;
}

static int send_all(int fd, const char *buf, size_t len, unsigned timeout_ms)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN) {
			int rc = wait_fd(fd, POLLOUT, timeout_ms);

			if (rc < 0)
				return rc;
			continue;
		}
		if (n < 0)
			return errno == EINTR ? 0 : -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads what is there, waiting at most the idle timeout. 0 = closed. */
static ssize_t recv_some(int fd, char *buf, size_t size, unsigned timeout_ms)
{
	for (;;) {
		ssize_t n = recv(fd, buf, size, 0);
		int rc;

		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		rc = wait_fd(fd, POLLIN, timeout_ms);
		if (rc < 0)
			return rc;
	}
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Makes room for @size bytes at the destination. A tmpfs initramfs (no
 * root= on the command line) is capped at half of RAM; raise the cap by
 * the image size. ramfs has no cap. Then check that free RAM can hold the
 * image at all, and say so with numbers before the download starts.
 */
static int ensure_room(const char *dest, uint64_t size)
{
	struct statfs sf;
	struct sysinfo si;
	uint64_t free_ram, avail, need;
	char opts[48];

	if (sysinfo(&si) == 0) {
		free_ram = (uint64_t)si.freeram * si.mem_unit;
		need = size + RAM_RESERVE;
		if (need > free_ram) {
			uint64_t total = (uint64_t)si.totalram * si.mem_unit;

			log_err("image is %llu MiB but this machine has %llu MiB of free RAM: "
				"boot it with at least %llu MiB of RAM",
				MiB(size), MiB(free_ram),
				MiB(total + need - free_ram) + 1);
			return -ENOMEM;
		}
	}
	if (statfs("/", &sf) < 0 || sf.f_type != TMPFS_MAGIC_NR)
		return 0;
	avail = (uint64_t)sf.f_bavail * (uint64_t)sf.f_bsize;
	if (avail >= size + (1 << 20))
		return 0;
	snprintf(opts, sizeof(opts), "size=%llu",
		 (unsigned long long)((uint64_t)sf.f_blocks * sf.f_bsize + size + (1 << 20)));
	if (mount("rootfs", "/", "tmpfs", MS_REMOUNT, opts) < 0) {
		log_err("cannot raise the initramfs size limit for a %llu MiB image (%s); "
			"add root=live:%s or any root= to the kernel command line",
			MiB(size), strerror(errno), dest);
		return -errno;
	}
	log_debug("initramfs tmpfs limit raised: %s", opts);
	return 0;
}

static void progress(struct fetch *f, int final)
{
	uint64_t now = clock_ms(), ms = now - f->t_start;
	unsigned long long rate;

	if (!final && (now - f->t_shown < PROGRESS_MS || f->cfg->quiet))
		return;
	f->t_shown = now;
	f->shown |= !final;
	rate = ms ? f->done * 1000 / ms : 0;
	if (final) {
		log_info("fetched %llu MiB from %s in %llu.%01llu s (%llu.%01llu MiB/s)",
			 MiB(f->done), f->host, (unsigned long long)ms / 1000,
			 (unsigned long long)(ms % 1000) / 100, MiB(rate),
			 (rate % (1 << 20)) * 10 >> 20);
		return;
	}
	log_console("\rnetinit: %3llu%% %llu/%llu MiB %llu.%01llu MiB/s ETA %llus %s  ",
		    (unsigned long long)(f->total ? f->done * 100 / f->total : 0),
		    MiB(f->done), MiB(f->total), MiB(rate), (rate % (1 << 20)) * 10 >> 20,
		    rate ? (unsigned long long)((f->total - f->done) / rate) : 0ULL, f->host);
}

/* Streams the body (after @have bytes already read past the head). */
static int fetch_body(struct fetch *f, const char *pre, size_t have, unsigned idle_ms)
{
	int rc;

	f->t_start = f->t_shown = clock_ms();
	f->shown = 0;
	if (have) {
		if (have > f->total)
			have = f->total;
		rc = write_all(f->out, pre, have);
		if (rc < 0)
			return rc;
		sha256_update(&f->sha, pre, have);
		f->done += have;
	}
	while (f->done < f->total) {
		size_t want = sizeof(iobuf);
		ssize_t n;

		if (want > f->total - f->done)
			want = f->total - f->done;
		n = recv_some(f->fd, iobuf, want, idle_ms);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EPIPE;		/* closed early: truncated body */
		rc = write_all(f->out, iobuf, (size_t)n);
		if (rc < 0)
			return rc;
		sha256_update(&f->sha, iobuf, (size_t)n);
		f->done += (uint64_t)n;
		progress(f, 0);
	}
	if (f->shown)
		log_console("\n");
	progress(f, 1);
	return 0;
}

/* The digest of what fetch_body() wrote against netinit.sha256, if given. */
static int verify(struct fetch *f, const char *url_text)
{
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX];

	sha256_final(&f->sha, d);
	sha256_hex(d, hex);
	if (!f->cfg->sha256[0]) {
		log_debug("%s: sha256 %s (no netinit.sha256 to check it against)", url_text, hex);
		return 0;
	}
	if (strcmp(hex, f->cfg->sha256) != 0) {
		log_err("%s: sha256 mismatch: expected %s, got %s: wrong image on the mirror, "
			"or a stale netinit.sha256", url_text, f->cfg->sha256, hex);
		return -EBADMSG;
	}
	log_info("sha256 verified");
	return 0;
}

static int resolve(const struct fetch *f, const struct url *u, uint32_t *addr)
{
	int rc;

	if (!u->host[0]) {
		if (!f->next_server) {
			log_err("http:///path needs a DHCP next-server, and the lease has none: "
				"put the server's address in netinit.url");
			return -EDESTADDRREQ;
		}
		*addr = f->next_server;
		return 0;
	}
	rc = dns_resolve(u->host, addr, DNS_TIMEOUT_MS);
	if (rc < 0) {
		char why[160];

		dns_explain(rc, why, sizeof(why));
		log_err("%s: cannot resolve: %s", u->host, why);
	}
	return rc;
}

/*
 * Connects and reads the response head for @u. Returns the HTTP status
 * (>= 100) with the socket in f->fd and the bytes read past the head in
 * iobuf[0..*have), or a negative errno.
 */
static int request(struct fetch *f, const struct url *u, struct http_resp *r,
		   size_t *have, unsigned tmo)
{
	char req[1536], host[20];
	uint32_t addr;
	int rc, len, used;
	size_t got = 0;

	rc = resolve(f, u, &addr);
	if (rc < 0)
		return rc;
	inet_ntop(AF_INET, &addr, host, sizeof(host));
	len = http_request_build(req, sizeof(req), u, u->host[0] ? NULL : host, 0);
	if (len < 0)
		return len;
	f->fd = tcp_connect(addr, u->port, tmo);
	if (f->fd < 0)
		return f->fd;
	rc = send_all(f->fd, req, (size_t)len, tmo);
	if (rc < 0)
		return rc;
	http_resp_init(r);
	while (!r->done) {
		ssize_t n = recv_some(f->fd, iobuf, sizeof(iobuf), tmo);

		if (n <= 0)
			return n < 0 ? (int)n : -ECONNRESET;
		used = http_resp_feed(r, iobuf, (size_t)n);
		if (used < 0)
			return used;
		got = (size_t)n - (size_t)used;
		memmove(iobuf, iobuf + used, got);
	}
	*have = got;
	return r->status;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* One URL, following redirects. Returns 0 or a negative errno (logged). */
static int fetch_one(struct fetch *f, const char *url_text, unsigned tmo)
{
	static struct http_resp r;
	struct url u, next;
	size_t have = 0;
	int rc, hops;

	rc = url_parse(url_text, &u);
	if (rc < 0) {
		log_err("%s: not a usable http:// URL (%s): fix netinit.url", url_text,
			rc == -EPROTONOSUPPORT ? "only http:// is supported" : strerror(-rc));
		return rc;
	}
	for (hops = 0;; hops++) {
		f->host = u.host[0] ? u.host : "next-server";
		rc = request(f, &u, &r, &have, tmo);
		if (rc < 0) {
			log_err("%s: %s: check that the server is up and the address is right",
				url_text, rc == -EBADMSG ? "malformed HTTP response" : strerror(-rc));
			return rc;
		}
		if (rc < 300 || rc >= 400 || !r.location[0])
			break;
		close_fd(&f->fd);
		if (hops == MAX_REDIRECTS || url_resolve(&u, r.location, &next) < 0) {
			log_err("%s: too many or bad redirects (last: %s)", url_text, r.location);
			return -ELOOP;
		}
		log_debug("redirect %d to %s", rc, r.location);
		u = next;
	}
	if (r.status != 200) {
		log_err("%s: HTTP %d from %s: check the path on the server", url_text, r.status,
			f->host);
		return -ENOENT;
	}
	if (r.content_length < 0 || r.chunked) {
		log_err("%s: the server sent no Content-Length: serve the image as a plain file",
			url_text);
		return -EPROTO;
	}
	f->total = (uint64_t)r.content_length;
	if (f->cfg->size && f->total != f->cfg->size) {
		log_err("%s: server says %llu bytes but netinit.size is %llu: wrong file or "
			"stale netinit.size", url_text, (unsigned long long)f->total,
			(unsigned long long)f->cfg->size);
		return -EMSGSIZE;
	}
	rc = ensure_room(f->cfg->dest, f->total);
	if (rc < 0)
		return rc;
	f->out = open(f->part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->out < 0) {
		rc = -errno;
		log_err("cannot create %s: %s", f->part, strerror(errno));
		return rc;
	}
	f->done = 0;
	sha256_init(&f->sha);
	log_info("fetching %s (%llu MiB) into %s", url_text, MiB(f->total), f->cfg->dest);
	rc = fetch_body(f, iobuf, have, tmo);
	if (rc == 0)
		return verify(f, url_text);
	log_err("%s: download failed at %llu of %llu bytes: %s", url_text,
		(unsigned long long)f->done, (unsigned long long)f->total,
		rc == -ENOSPC ? "out of RAM for the image (boot with more memory)" :
		strerror(-rc));
	return rc;
}

int fetch_image(const struct netinit_config *cfg, uint32_t next_server)
{
	struct fetch f;
	unsigned round, i, tmo = cfg->timeout * 1000;
	int rc = -ENOENT;

	memset(&f, 0, sizeof(f));
	f.cfg = cfg;
	f.next_server = next_server;
	f.fd = f.out = -1;
	snprintf(f.part, sizeof(f.part), "%s.part", cfg->dest);
	/* with netinit.size known, a machine too small is told before any connection */
	if (cfg->size) {
		rc = ensure_room(cfg->dest, cfg->size);
		if (rc < 0)
			return rc;
	}
	for (round = 0; round <= cfg->retries; round++) {
		if (round) {
			unsigned wait = round < 6 ? 1u << round : BACKOFF_MAX_S;

			if (wait > BACKOFF_MAX_S)
				wait = BACKOFF_MAX_S;
			log_info("all mirrors failed, round %u of %u in %u s", round + 1,
				 cfg->retries + 1, wait);
			clock_sleep_ms(wait * 1000);
		}
		for (i = 0; i < cfg->n_urls; i++) {
			rc = fetch_one(&f, cfg->urls[i], tmo);
			close_fd(&f.fd);
			if (f.out >= 0) {
				close_fd(&f.out);
				if (rc == 0)
					rc = image_check(f.part);
				if (rc == 0 && rename(f.part, cfg->dest) < 0)
					rc = -errno;
				if (rc < 0)
					unlink(f.part);
			}
			if (rc == 0)
				return 0;
			if (rc == -ENOMEM)
				return rc;	/* no mirror can fix a too-small machine */
		}
	}
	return rc;
}
