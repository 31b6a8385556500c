/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HTTP/1.1 download of the image into RAM (RFC 9110, RFC 9112). One
 * connection per attempt, "Connection: close", made by httpc.c (IPv4 or
 * IPv6, netinit.proxy, the head within netinit.idle_timeout, redirects);
 * the head is parsed by http.c, a chunked body decoded by chunked.c; the
 * body is written as it arrives into "<dest>.part" on the initramfs, which
 * lives in RAM: the file is the image's only copy. Every byte written is hashed
 * (SHA-256, running across resumes) and checked against netinit.sha256
 * before the file may get its final name. The hashing runs on another core:
 * a child process reads the .part from the page cache just behind the
 * writer (the offsets written come down a pipe, the digest comes back in a
 * shared page), so a pinned image arrives about as fast as an unpinned one.
 * A restart from byte 0 starts a new child (the old one killed and reaped);
 * a child that could not start or died leaves no digest, which fails the
 * check: the image is fetched again. On one CPU the two share it (6-8%
 * more time than hashing in line: the page-cache copy and the pipe).
 *
 * Failures: a connection that drops or stalls (netinit.idle_timeout) after
 * delivering bytes is resumed with "Range: bytes=N-" (RFC 9110 14.2) and
 * "If-Range:" the ETag (else Last-Modified) of the answer that began the
 * .part (RFC 9110 13.1.5). Only a 206 whose Content-Range starts at N and
 * names the known total under the same validator continues the .part; an
 * answer that shows the image changed or that cannot say where it ends (a
 * 200, a 206 with another total, another ETag or "/ *", a 416) restarts
 * from byte 0 at once. The distrusted server decides nothing else: every
 * byte is written at the offset it belongs to (pwrite at done), a head must
 * arrive whole within netinit.idle_timeout, a body slower than
 * netinit.speed_limit for netinit.speed_time leaves the mirror, a coded
 * (compressed) body is refused. A mirror that fails otherwise (connect,
 * 4xx/5xx, size or hash mismatch) is left for the next, which resumes the
 * same .part; rounds over the list repeat with exponential backoff and
 * jitter. One line per failure.
 *
 * Storms (a lab booting at once): the list is walked in the order
 * rendezvous hashing of the boot NIC's MAC gives (mirror.c; netinit.spread=0
 * keeps the written order), so clients spread over the mirrors and each
 * keeps its own on every boot; failover still walks the rest. A 503 or 429
 * with Retry-After (RFC 9110 10.2.3, 15.6.4; RFC 6585 4) leaves that mirror
 * for the next and is not asked again before the time it gave, capped at
 * RETRY_AFTER_MAX_S, plus up to a quarter more and a second of jitter, so
 * the clients it turned away do not come back together; a round of only
 * such answers waits for them instead of the backoff. netinit.jitter
 * delays the first request by a random part of its value.
 *
 * Memory (DESIGN.md): without root= the initramfs is a tmpfs capped at half
 * of RAM. Before the first body byte the cap is raised by the image size,
 * and the image is refused with the numbers when free RAM cannot hold it;
 * a chunked body of unknown size is checked the same way as it grows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chunked.h"
#include "clock.h"
#include "fetch.h"
#include "file.h"
#include "http.h"
#include "httpc.h"
#include "image.h"
#include "log.h"
#include "mirror.h"
#include "sha256.h"
#include "url.h"

#define TMPFS_MAGIC_NR   0x01021994
#define RAM_RESERVE      (8ULL << 20)	/* next stage (loop, squashfs, modules), socket buffers */
#define ROOM_STEP        (16ULL << 20)	/* growth of a body of unknown size */
#define IO_BUF           (256 * 1024)
#define MAX_RESUMES      8		/* per mirror visit, in a row */
#define PROGRESS_MS      250
#define MiB(x)           ((unsigned long long)(x) >> 20)
#define BACKOFF_MAX_MS   60000u
#define RETRY_AFTER_MAX_S 60u		/* the longest Retry-After honoured */
#define WALL_CLOCK_MIN   1577836800	/* 2020-01-01: before, the clock was never set */

struct fetch {
	const struct netinit_config *cfg;
	unsigned flags;
	char part[CMDLINE_PATH_MAX + 8];
	struct httpc c;			/* the connection (c.host names the server) */
	struct httpc_peer peer;		/* the mirror's addresses */
	int out;			/* .part file (read and write), kept across attempts */
	int64_t total;			/* image size, -1 while unknown */
	uint64_t done;			/* bytes in .part (and hashed) */
	char validator[HTTP_VALIDATOR_MAX];	/* ETag, else Last-Modified, of .part's source */
	uint64_t room;			/* bytes the memory check has allowed */
	unsigned resumes;
	int hashing;			/* a digest is pinned (or debug wants it) */
	struct sha256 sha;		/* of the bytes in .part (in line, or in the child) */
	pid_t hpid;			/* the hashing child, 0: none (hashed in line) */
	int hto;			/* the pipe to it: offsets written */
	/* the current attempt */
	uint64_t left;			/* body bytes to go (identity coding) */
	int chunked;
	struct chunked ck;
	int in_body;			/* past the head: a drop here may be resumed */
	uint64_t t_start, t_shown, done_start;
	int shown;			/* a progress line is on the console */
	/* the low-speed rule: a sample a second; below the limit since slow_since */
	uint64_t t_sample, b_sample, slow_since, b_slow;
	int slow;
	unsigned busy_ms;		/* a 503/429 Retry-After: wait before asking again */
	uint64_t busy_until[CMDLINE_MAX_URLS];	/* per mirror: not asked again before */
};

static char iobuf[IO_BUF];

/* "3 MiB" from 1 MiB on, else "65543 bytes". */
static const char *size_text(char *buf, size_t size, uint64_t bytes)
{
	if (bytes >= 1 << 20)
		snprintf(buf, size, "%llu MiB", MiB(bytes));
	else
		snprintf(buf, size, "%llu bytes", (unsigned long long)bytes);
	return buf;
}

/* Where the .part stands: "N of T bytes", or "N bytes (size unknown)". */
static const char *at_text(const struct fetch *f, char *buf, size_t size)
{
	if (f->total >= 0)
		snprintf(buf, size, "%llu of %lld bytes", (unsigned long long)f->done,
			 (long long)f->total);
	else
		snprintf(buf, size, "%llu bytes (size unknown)", (unsigned long long)f->done);
	return buf;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void progress_end(struct fetch *f)
{
	if (f->shown)
		log_console("\n");
	f->shown = 0;
}

/*
 * Drops the connection at once: a socket closed with unread data sends a
 * RST, so the server (and slirp under TCG) stops pushing the body. Ends
 * the progress line, so the reason logged next starts a line of its own.
 */
static void abandon(struct fetch *f)
{
	progress_end(f);
	httpc_close(&f->c);
}

/* Raises a tmpfs initramfs's cap by @extra bytes (PID 1 only). */
static int raise_cap(struct fetch *f, uint64_t extra)
{
	struct statfs sf;
	char opts[48];

	if (getpid() != 1 || statfs("/", &sf) < 0 || sf.f_type != TMPFS_MAGIC_NR)
		return 0;
	if ((uint64_t)sf.f_bavail * (uint64_t)sf.f_bsize >= extra + (1 << 20))
		return 0;
	snprintf(opts, sizeof(opts), "size=%llu",
		 (unsigned long long)((uint64_t)sf.f_blocks * sf.f_bsize + extra + (1 << 20)));
	if (mount("rootfs", "/", "tmpfs", MS_REMOUNT, opts) < 0) {
		int rc = -errno;

		abandon(f);
		log_err("cannot raise the initramfs size limit for a %llu MiB image (%s); "
			"add root=live:%s or any root= to the kernel command line",
			MiB(f->done + extra), strerror(-rc), f->cfg->dest);
		return rc;
	}
	log_debug("initramfs tmpfs limit raised: %s", opts);
	return 0;
}

/*
 * What the kernel keeps from user pages: the zones' min watermarks
 * (vm.min_free_kbytes in all), pages parked on the per-CPU lists (capped
 * by the low watermark, 5/4 of min), and up to 1% of RAM reserved for
 * high-order atomic allocations (network receive buffers). khugepaged
 * raises min_free_kbytes to about 5% of RAM on machines of 512 MiB and
 * more, so free RAM alone overstates the room: a 512 MiB image on a
 * 656 MiB guest passed a free RAM + 32 MiB check and met the OOM killer at
 * 98%, with 33 MiB free and 33 MiB on the per-CPU lists.
 */
static uint64_t kernel_reserve(uint64_t total)
{
	char b[24];
	uint64_t min = 0;

	if (file_read("/proc/sys/vm/min_free_kbytes", b, sizeof(b)) > 0)
		min = (uint64_t)strtoull(b, NULL, 10) << 10;
	return min * 9 / 4 + total / 100;
}

/*
 * Makes room for @extra more bytes at the destination, before they
 * arrive: free RAM must hold them, the kernel's reserve and RAM_RESERVE,
 * and a tmpfs initramfs (no root= on the command line, capped at half of
 * RAM) gets its cap raised; ramfs has no cap. A machine too small is told
 * with the numbers, the connection dropped first.
 */
static int ensure_room(struct fetch *f, uint64_t extra)
{
	struct sysinfo si;

	if (getpid() == 1 && sysinfo(&si) == 0) {
		uint64_t free_ram = (uint64_t)si.freeram * si.mem_unit;
		uint64_t total = (uint64_t)si.totalram * si.mem_unit;
		uint64_t keep = kernel_reserve(total) + RAM_RESERVE;
		uint64_t need = extra + keep;

		if (need > free_ram) {
			abandon(f);
			if (f->total >= 0 || f->cfg->size)
				log_err("image is %llu MiB but this machine has %llu MiB of free "
					"RAM and needs %llu MiB of it for the kernel and the next "
					"stage: boot it with at least %llu MiB more RAM",
					MiB(f->done + extra), MiB(free_ram), MiB(keep),
					MiB(need - free_ram) + 1);
			else
				log_err("image of unknown size (chunked, no netinit.size): %llu "
					"MiB received and only %llu MiB of RAM left: boot with more "
					"RAM, or set netinit.size to refuse early",
					MiB(f->done), MiB(free_ram));
			return -ENOMEM;
		}
	}
	return raise_cap(f, extra);
}

/* Grows the checked room, a step at a time, while the size is unknown. */
static int grow_room(struct fetch *f, uint64_t upto)
{
	int rc;

	if (upto <= f->room)
		return 0;
	rc = ensure_room(f, upto - f->done + ROOM_STEP);
	if (rc == 0)
		f->room = upto + ROOM_STEP;
	return rc;
}

static void rate_text(char *buf, size_t size, uint64_t bytes, uint64_t ms)
{
	unsigned long long rate = ms ? bytes * 1000 / ms : 0;

	snprintf(buf, size, "%llu.%01llu MiB/s", MiB(rate), (rate % (1 << 20)) * 10 >> 20);
}

/* The console line, at most every PROGRESS_MS; none with quiet. */
static void progress(struct fetch *f)
{
	uint64_t now = clock_ms(), ms = now - f->t_start, got = f->done - f->done_start;
	unsigned long long rate = ms ? got * 1000 / ms : 0;
	char r[32];

	if (now - f->t_shown < PROGRESS_MS || f->cfg->quiet)
		return;
	f->t_shown = now;
	f->shown = 1;
	rate_text(r, sizeof(r), got, ms);
	if (f->total > 0)
		log_console("\rnetinit: %3llu%% %llu/%llu MiB %s ETA %llus %s  ",
			    (unsigned long long)(f->done * 100 / (uint64_t)f->total),
			    MiB(f->done), MiB(f->total), r,
			    rate ? ((uint64_t)f->total - f->done) / rate : 0ULL, f->c.host);
	else
		log_console("\rnetinit: %llu MiB %s %s  ", MiB(f->done), r, f->c.host);
}

/* The hashing child's digest, in a page shared with it (mapped once) */
static uint8_t *hash_page;

/*
 * The hashing child: hashes the .part from byte 0 up to each offset it is
 * sent (the fetch sends f->done after each write, never less than before),
 * reading behind the writer; at EOF on @in the digest goes to hash_page and
 * the child exits 0. A failed read ends it with 1, which verify() reports.
 */
static void hasher(struct fetch *f, int in)
{
	uint64_t at = 0, to;

	close(f->c.fd);		/* a restart on HTTP 200 comes with the connection open */
	while (read(in, &to, sizeof(to)) == sizeof(to)) {
		while (at < to) {
			ssize_t r = pread(f->out, iobuf, to - at < IO_BUF ? to - at : IO_BUF, (off_t)at);

			if (r <= 0)
				_exit(1);
			sha256_update(&f->sha, iobuf, (size_t)r);
			at += (uint64_t)r;
		}
	}
	sha256_final(&f->sha, hash_page);
	_exit(0);
}

/*
 * Ends the hashing child, if any: its pipe closed (EOF: it finishes), sent
 * @sig (0: none), reaped. Returns its wait status, -1 without a child.
 */
static int hash_stop(struct fetch *f, int sig)
{
	int st = -1;

	close_fd(&f->hto);
	if (f->hpid > 0) {
		kill(f->hpid, sig);
		waitpid(f->hpid, &st, 0);
	}
	f->hpid = 0;
	return st;
}

/* A fresh digest from byte 0 in a new hashing child (when hashing at all). */
static void hash_start(struct fetch *f)
{
	int p[2];

	hash_stop(f, SIGKILL);
	sha256_init(&f->sha);
	if (!hash_page)
		hash_page = mmap(NULL, SHA256_LEN, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!f->hashing || hash_page == MAP_FAILED || pipe(p) < 0)
		return;
	f->hto = p[1];
	f->hpid = fork();
	if (f->hpid == 0) {
		close(p[1]);
		hasher(f, p[0]);
	}
	close(p[0]);	/* fork failed: hpid < 0, verify() says so */
}

/* Back to byte 0: the .part emptied, the digest restarted. */
static int restart(struct fetch *f)
{
	f->done = 0;
	f->resumes = 0;
	f->validator[0] = '\0';
	hash_start(f);
	if (ftruncate(f->out, 0) < 0)	/* written with pwrite(): no file offset */
		return -errno;
	return 0;
}

/*
 * Writes @n bytes at offset done: after a failed write the next attempt
 * writes where its bytes belong, whatever a short write left behind.
 */
static int write_at(struct fetch *f, const char *buf, size_t n)
{
	uint64_t off = f->done;

	while (n > 0) {
		ssize_t w = pwrite(f->out, buf, n, (off_t)off);
		int rc;

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = w < 0 ? -errno : -EIO;
			abandon(f);
			log_err("cannot write %s at byte %llu: %s (errno %d): RAM full or "
				"failing; the bytes from %llu on are fetched again",
				f->part, (unsigned long long)off, strerror(-rc), -rc,
				(unsigned long long)f->done);
			return rc;
		}
		buf += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

/* Body bytes for the .part: size-checked, room-checked, written, hashed. */
static int store(struct fetch *f, const char *buf, size_t n)
{
	int rc;

	if (f->total >= 0 && f->done + n > (uint64_t)f->total) {
		abandon(f);
		log_err("%s sent more than the image's %lld bytes", f->c.host,
			(long long)f->total);
		return -EMSGSIZE;
	}
	if (f->total < 0) {
		rc = grow_room(f, f->done + n);
		if (rc < 0)
			return rc;
	}
	rc = write_at(f, buf, n);
	if (rc < 0)
		return rc;
	f->done += n;
	/* to the hashing child; without one (-EBADF) or a dead one (-EPIPE) verify() fails */
	(void)!write(f->hto, &f->done, sizeof(f->done));
	return 0;
}

/* Decodes @n bytes of body. Returns 1 when the body is complete, 0, or -errno. */
static int body_feed(struct fetch *f, const char *buf, size_t n)
{
	size_t off, len;
	int used, rc;

	if (!f->chunked) {
		if (n > f->left)
			n = (size_t)f->left;
		rc = store(f, buf, n);
		if (rc < 0)
			return rc;
		f->left -= n;
		return f->left == 0;
	}
	while (n > 0 && !f->ck.done) {
		used = chunked_feed(&f->ck, buf, n, &off, &len);
		if (used < 0) {
			abandon(f);
			log_err("%s: malformed chunked body (%s): broken server or proxy",
				f->c.host, used == -E2BIG ? "a chunk size or the trailer over "
				"netinit's limits" : "bad chunk framing");
			return used;
		}
		if (len) {
			rc = store(f, buf + off, len);
			if (rc < 0)
				return rc;
		}
		buf += used;
		n -= (size_t)used;
	}
	return f->ck.done;
}

/*
 * The low-speed rule (curl's --speed-limit/--speed-time): the rate is
 * sampled about once a second; below netinit.speed_limit in every sample
 * for netinit.speed_time seconds, the mirror is left (-ETIME) for the next,
 * which resumes. A silent mirror is the idle timeout's.
 */
static int too_slow(struct fetch *f)
{
	uint64_t now = clock_ms(), ms = now - f->t_sample;
	unsigned limit = f->cfg->speed_limit, secs = f->cfg->speed_time;

	if (!limit || ms < 1000)
		return 0;
	if ((f->done - f->b_sample) * 1000 / ms >= limit) {
		f->slow = 0;
	} else if (!f->slow) {
		f->slow = 1;
		f->slow_since = f->t_sample;
		f->b_slow = f->b_sample;
	}
	f->t_sample = now;
	f->b_sample = f->done;
	if (!f->slow || now - f->slow_since < (uint64_t)secs * 1000)
		return 0;
	abandon(f);
	log_err("%s sent %llu bytes in %llu s, below netinit.speed_limit=%u bytes/s for "
		"netinit.speed_time=%u s: leaving it at byte %llu", f->c.host,
		(unsigned long long)(f->done - f->b_slow),
		(unsigned long long)(now - f->slow_since) / 1000, limit, secs,
		(unsigned long long)f->done);
	return -ETIME;
}

/* Streams the body into the .part. */
static int fetch_body(struct fetch *f)
{
	int rc = 0;

	f->t_start = f->t_shown = f->t_sample = clock_ms();
	f->done_start = f->b_sample = f->done;
	f->slow = 0;
	f->in_body = 1;
	if (!f->chunked && f->left == 0)
		rc = body_feed(f, iobuf, 0);
	while (rc == 0) {
		size_t want = sizeof(iobuf);
		ssize_t n;

		if (!f->chunked && want > f->left)
			want = (size_t)f->left;
		n = httpc_read(&f->c, iobuf, want);
		if (n < 0)
			return (int)n;		/* -EPIPE: closed early, truncated */
		rc = body_feed(f, iobuf, (size_t)n);
		progress(f);
		if (rc == 0)
			rc = too_slow(f);
	}
	return rc < 0 ? rc : 0;
}

/*
 * A 206 answers our "Range: bytes=N-" only if it starts at N and runs to
 * the end: else the server is broken (-EPROTO, the mirror is left with the
 * bytes kept). It continues the .part only if it names the total we know
 * under the validator we know: else the image changed, or its end is
 * unknown ("/ *"), and the caller starts over from byte 0 (-ESTALE).
 */
static int check_partial(struct fetch *f, const struct http_resp *r, const char *url_text)
{
	char total[24];
	const char *v;

	if (f->done == 0) {
		abandon(f);
		log_err("%s: HTTP 206 to a request without Range from %s: broken server or "
			"proxy", url_text, f->c.host);
		return -EPROTO;
	}
	if (!r->has_range) {
		abandon(f);
		log_err("%s: HTTP 206 without Content-Range to bytes=%llu- from %s: broken "
			"server or proxy", url_text, (unsigned long long)f->done, f->c.host);
		return -EPROTO;
	}
	if (r->range_total >= 0)
		snprintf(total, sizeof(total), "%lld", (long long)r->range_total);
	else
		snprintf(total, sizeof(total), "*");
	if (r->range_first != f->done ||
	    (r->range_total >= 0 && r->range_last + 1 != (uint64_t)r->range_total) ||
	    (!r->chunked && r->content_length != (int64_t)(r->range_last - r->range_first + 1))) {
		abandon(f);
		log_err("%s: HTTP 206 with Content-Range %llu-%llu/%s does not answer "
			"bytes=%llu-: broken server or proxy", url_text,
			(unsigned long long)r->range_first, (unsigned long long)r->range_last,
			total, (unsigned long long)f->done);
		return -EPROTO;
	}
	if (r->range_total < 0) {
		log_info("%s: HTTP 206 for bytes %llu-%llu of an image of unknown size: "
			 "restarting from 0", url_text, (unsigned long long)r->range_first,
			 (unsigned long long)r->range_last);
		return -ESTALE;
	}
	if (f->total >= 0 && r->range_total != f->total) {
		log_info("%s: the image on %s is now %lld bytes, was %lld: restarting from 0",
			 url_text, f->c.host, (long long)r->range_total, (long long)f->total);
		return -ESTALE;
	}
	v = httpc_changed(f->validator, r);
	if (v) {
		log_info("%s: the image changed on the server (%s %s, was %s): restarting "
			 "from 0", url_text, f->validator[0] == '"' ? "ETag" : "Last-Modified",
			 v, f->validator);
		return -ESTALE;
	}
	return 0;
}

/* A 200 to a ranged request: the image changed (If-Range) or no ranges. */
static int restart_on_200(struct fetch *f, const struct http_resp *r, const char *url_text)
{
	const char *v = httpc_changed(f->validator, r);

	if (v)
		log_info("%s: the image changed on the server (If-Range %s not met, now %s, "
			 "HTTP 200): restarting from 0", url_text, f->validator, v);
	else
		log_info("%s ignored the Range request (HTTP 200): restarting from 0", f->c.host);
	return restart(f);
}

/* The head said 200 or 206: settle the size, the start and the room. */
static int accept_head(struct fetch *f, const struct http_resp *r, const char *url_text)
{
	int64_t total = r->content_length;
	char a[24], b[24];
	int rc;

	if (r->coded) {
		abandon(f);
		log_err("%s: %s sent the image with Content-Encoding (compressed) though asked "
			"for identity: serve it as a plain file, compression off", url_text,
			f->c.host);
		return -EPROTO;
	}
	if (r->status == 206) {
		rc = check_partial(f, r, url_text);
		if (rc < 0)
			return rc;
		total = r->range_total;
		f->left = r->range_last - r->range_first + 1;
		log_info("resuming at %s of %s from %s", size_text(a, sizeof(a), f->done),
			 size_text(b, sizeof(b), (uint64_t)total), f->c.host);
	} else {
		if (f->done > 0) {
			rc = restart_on_200(f, r, url_text);
			if (rc < 0)
				return rc;
		}
		f->left = (uint64_t)r->content_length;
		f->validator[0] = '\0';	/* the .part starts with this answer */
	}
	if (!f->validator[0])		/* kept for If-Range */
		snprintf(f->validator, sizeof(f->validator), "%s", httpc_validator(r));
	if (!r->chunked && r->content_length < 0) {
		abandon(f);
		log_err("%s: the server sent neither Content-Length nor a chunked body: serve "
			"the image as a plain file", url_text);
		return -EPROTO;
	}
	f->chunked = r->chunked;
	if (f->chunked)
		chunked_init(&f->ck);
	if (total < 0 && f->cfg->size)
		total = (int64_t)f->cfg->size;	/* chunked: the size we were told */
	if (f->cfg->size && total != (int64_t)f->cfg->size) {
		abandon(f);
		log_err("%s: server says %lld bytes but netinit.size is %llu: wrong file or "
			"stale netinit.size", url_text, (long long)total,
			(unsigned long long)f->cfg->size);
		return -EMSGSIZE;
	}
	f->total = total;
	if (total >= 0 && (uint64_t)total > f->room) {
		rc = ensure_room(f, (uint64_t)total - f->done);
		if (rc < 0)
			return rc;
		f->room = (uint64_t)total;
	}
	return 0;
}

/*
 * A 503 or 429 with a usable Retry-After: sets f->busy_ms to its wait,
 * capped, with jitter, and says so. An HTTP-date is placed against the
 * response's Date, else the wall clock if it was ever set, else it counts
 * as the cap. Returns 0, or -ENOENT when there is no Retry-After to honour.
 */
static int busy(struct fetch *f, const struct http_resp *r, const char *url_text)
{
	time_t now = time(NULL);
	int64_t secs = http_retry_wait(r, now >= WALL_CLOCK_MIN ? (int64_t)now : -1);
	unsigned ms;

	if (secs < 0)
		return -ENOENT;
	if (secs > RETRY_AFTER_MAX_S)
		secs = RETRY_AFTER_MAX_S;
	ms = (unsigned)secs * 1000;
	ms += clock_random() % (ms / 4 + 1000);
	f->busy_ms = ms;		/* fetch_one() drops the connection */
	log_info("%s: mirror busy (%d), retrying in %u.%01u s", url_text, r->status,
		 ms / 1000, ms % 1000 / 100);
	return 0;
}

/*
 * One attempt at @u (updated through redirects): head, then body into the
 * .part from f->done on. Returns 0 when the body is complete, or a
 * negative errno (logged unless it is a drop the caller may resume).
 */
static int attempt(struct fetch *f, struct url *u, const char *url_text)
{
	const struct http_resp *r = &f->c.r;
	struct http_req q = { 0 };
	char a[32];
	int rc;

	f->in_body = 0;
	q.range_first = f->done;
	q.if_range = f->done && f->validator[0] ? f->validator : NULL;
	rc = httpc_get(&f->c, u, &q);
	if (rc < 0)
		return rc;
	if (r->status == 416 && f->done > 0) {	/* the image there is shorter now */
		abandon(f);
		if (r->range_total >= 0)
			snprintf(a, sizeof(a), "is %lld bytes", (long long)r->range_total);
		else
			snprintf(a, sizeof(a), "has no size given");
		log_info("%s: %s answered bytes=%llu- with HTTP 416 (the image there %s): "
			 "restarting from 0", url_text, f->c.host, (unsigned long long)f->done, a);
		return -ESTALE;
	}
	if ((r->status == 503 || r->status == 429) && busy(f, r, url_text) == 0)
		return -EBUSY;
	if (r->status != 200 && r->status != 206) {
		abandon(f);
		log_err("%s: HTTP %d from %s: %s", url_text, r->status, f->c.host,
			r->status >= 500 ? "server error" : "check the path on the server");
		return r->status >= 500 ? -EIO : -ENOENT;
	}
	rc = accept_head(f, r, url_text);
	if (rc < 0)
		return rc;
	if (ftruncate(f->out, (off_t)f->done) < 0) {
		rc = -errno;
		abandon(f);
		log_err("cannot truncate %s to %llu bytes: %s", f->part,
			(unsigned long long)f->done, strerror(-rc));
		return rc;
	}
	if (!f->done && f->total >= 0)
		log_notice("fetching %s (%s) into %s", url_text,
			   size_text(a, sizeof(a), (uint64_t)f->total), f->cfg->dest);
	else if (!f->done)
		log_notice("fetching %s (size unknown, chunked) into %s", url_text, f->cfg->dest);
	rc = fetch_body(f);
	progress_end(f);
	if (rc == 0 && f->total >= 0 && f->done != (uint64_t)f->total) {
		log_err("%s: body ended at %llu of %lld bytes", url_text,
			(unsigned long long)f->done, (long long)f->total);
		return -EMSGSIZE;
	}
	if (rc == 0)
		f->total = (int64_t)f->done;
	return rc;
}

/* The digest of what store() wrote against netinit.sha256, if given. */
static int verify(struct fetch *f, const char *url_text)
{
	char hex[SHA256_HEX];

	if (!f->hashing)
		return 0;
	if (hash_stop(f, 0) != 0) {
		log_err("%s: the sha256 child failed: fetching again", url_text);
		return -EIO;
	}
	sha256_hex(hash_page, hex);
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

/* A drop mid-body (the server or the network, not the data) may be resumed. */
static int droppable(int rc)
{
	return rc == -EPIPE || rc == -ETIMEDOUT || rc == -ECONNRESET || rc == -ECONNABORTED ||
	       rc == -EHOSTUNREACH || rc == -ENETUNREACH || rc == -ENETDOWN;
}

/* One mirror: attempts, resuming after drops that made progress. */
static int fetch_one(struct fetch *f, const char *url_text)
{
	uint64_t t0 = clock_ms(), start = f->done;
	struct url u;
	unsigned tries = 0;
	char r[32], at[48];
	int rc;

	rc = httpc_parse(url_text, &u);
	if (rc < 0)
		return rc;
	f->c.what = url_text;
	for (;;) {
		uint64_t before = f->done;

		f->peer.n = f->c.proxy.n = 0;	/* names resolved afresh for each attempt */
		rc = attempt(f, &u, url_text);
		abandon(f);
		if (rc == 0)
			break;
		if (rc == -ESTALE) {	/* logged: the bytes so far are another image's */
			if (++tries > MAX_RESUMES) {
				log_err("%s: the image keeps changing on the server: "
					"giving up on this mirror", url_text);
				return rc;
			}
			rc = restart(f);
			if (rc < 0)
				return rc;
			start = 0;
			continue;
		}
		/* anything but a drop mid-body was logged where it happened */
		if (!droppable(rc) || !f->in_body)
			return rc;
		if (f->done == before || ++tries > MAX_RESUMES) {
			log_err("%s: download failed at %s: %s", url_text,
				at_text(f, at, sizeof(at)), strerror(-rc));
			return rc;
		}
		f->resumes++;
		log_info("%s: connection lost at %s (%s): resuming", url_text,
			 at_text(f, at, sizeof(at)), strerror(-rc));
	}
	t0 = clock_ms() - t0;
	rate_text(r, sizeof(r), f->done - start, t0);
	log_notice("fetched %s from %s in %llu.%01llu s (%s), %u resumed",
		   size_text(at, sizeof(at), f->done), f->c.host, (unsigned long long)t0 / 1000,
		   (unsigned long long)(t0 % 1000) / 100, r, f->resumes);
	return verify(f, url_text);
}

/* Exponential backoff with jitter before round @round (1-based): 0.5-1.5 x 2^(round-1) s. */
static void backoff(const struct netinit_config *cfg, unsigned round)
{
	unsigned base = round < 7 ? 1000u << (round - 1) : BACKOFF_MAX_MS, wait;

	if (base > BACKOFF_MAX_MS)
		base = BACKOFF_MAX_MS;
	wait = base / 2 + clock_random() % base;
	log_info("all mirrors failed, round %u of %u in %u.%01u s", round + 1, cfg->retries + 1,
		 wait / 1000, wait % 1000 / 100);
	clock_sleep_ms(wait);
}

/*
 * The order to walk the mirrors in: by rendezvous weight for this MAC
 * (netinit.spread, the default, with a MAC known), else as written.
 */
static void mirrors_in_order(const struct netinit_config *cfg, unsigned order[])
{
	const char *urls[CMDLINE_MAX_URLS];
	unsigned i;

	for (i = 0; i < cfg->n_urls; i++) {
		urls[i] = cfg->urls[i];
		order[i] = i;
	}
	if (!cfg->spread || !cfg->has_mac || cfg->n_urls < 2)
		return;
	mirror_order(cfg->mac, urls, cfg->n_urls, order);
	log_info("%s first (netinit.spread)", urls[order[0]]);
}

int fetch_run(const struct netinit_config *cfg, uint32_t next_server, unsigned flags)
{
	static struct fetch f;
	uint64_t now;
	unsigned round, i, k, order[CMDLINE_MAX_URLS];
	int rc = -ENOENT, all_busy = 0;

	memset(&f, 0, sizeof(f));
	f.cfg = cfg;
	f.c.cfg = cfg;
	f.c.next_server = next_server;
	f.c.peer = &f.peer;
	f.flags = flags;
	f.c.fd = f.out = f.hto = -1;
	f.total = -1;
	f.hashing = cfg->sha256[0] || cfg->debug;
	snprintf(f.part, sizeof(f.part), "%s.part", cfg->dest);
	/* with netinit.size known, a machine too small is told before any connection */
	if (cfg->size) {
		rc = ensure_room(&f, cfg->size);
		if (rc < 0)
			return rc;
		f.room = cfg->size;
	}
	f.out = open(f.part, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f.out < 0) {
		rc = -errno;
		log_err("cannot create %s: %s", f.part, strerror(-rc));
		return rc;
	}
	hash_start(&f);
	mirrors_in_order(cfg, order);
	if (cfg->jitter) {
		unsigned wait = clock_random() % (cfg->jitter * 1000 + 1);

		log_info("netinit.jitter: %u ms", wait);
		clock_sleep_ms(wait);
	}
	for (round = 0; round <= cfg->retries && rc != -ENOMEM; round++) {
		if (round && !all_busy)
			backoff(cfg, round);
		all_busy = 1;
		for (k = 0; k < cfg->n_urls; k++) {
			i = order[k];
			now = clock_ms();
			if (f.busy_until[i] > now)	/* Retry-After */
				clock_sleep_ms((unsigned)(f.busy_until[i] - now));
			rc = fetch_one(&f, cfg->urls[i]);
			if (rc == -EBUSY) {
				f.busy_until[i] = clock_ms() + f.busy_ms;
				continue;
			}
			all_busy = 0;
			if (rc == 0 && (flags & FETCH_CHECK_IMAGE))
				rc = image_check(f.part);
			if (rc == 0) {
				close_fd(&f.out);
				if (rename(f.part, cfg->dest) == 0)
					return 0;
				rc = -errno;
				log_err("cannot rename %s to %s: %s", f.part, cfg->dest,
					strerror(-rc));
				goto out;
			}
			if (rc == -ENOMEM)
				break;	/* no mirror can fix a too-small machine */
			/* a complete body that failed its checks is worth nothing */
			if ((f.total >= 0 && f.done == (uint64_t)f.total) || rc == -EMSGSIZE)
				restart(&f);
		}
	}
out:
	hash_stop(&f, SIGKILL);
	close_fd(&f.out);
	unlink(f.part);
	return rc;
}

int fetch_image(const struct netinit_config *cfg, uint32_t next_server)
{
	return fetch_run(cfg, next_server, FETCH_CHECK_IMAGE);
}
