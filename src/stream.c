/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stream mode's HTTP backend (see stream.h). The kernel's nbd driver sends
 * NBD requests (nbd_wire.c) on an AF_UNIX socket; each READ is answered
 * from a cache of STREAM_CHUNK-sized slots, and chunks missing from it are
 * fetched with one HTTP/1.1 Range GET per run of missing chunks
 * ("Range: bytes=a-b", keep-alive, If-Range with the image's validator).
 * Requests queued back to back are coalesced into one GET; a sequential
 * reader gets up to a quarter of the cache read ahead. The connection is
 * httpc.c's, as the fetch stage's: IPv4 or IPv6 (the addresses of each
 * mirror's name resolved once, before the handoff; Happy Eyeballs), and
 * netinit.proxy (absolute-form, kept alive to the proxy when it allows).
 *
 * Failures: a GET that fails (connect, drop, silence for idle_timeout, a
 * 5xx or 4xx, a malformed answer) is retried on the next mirror, a round
 * over all of them followed by a backoff of 0.25 s doubling to 5 s, for up
 * to netinit.stream.timeout seconds from the first failure; only then is
 * the read answered EIO. Chunks complete before a drop are kept, so a retry
 * resumes. One line to /dev/kmsg when a read stalls, one when it recovers.
 *
 * The image must not change under the kernel's feet: every GET carries
 * If-Range with the validator the start check learned (RFC 9110 13.1.5),
 * so a server whose copy changed answers 200 (or a 206 with another
 * ETag or total) and that mirror is dropped with "image changed on the
 * server"; a read no remaining mirror can answer is EIO, never new bytes
 * mixed with old ones. Reads the cache holds are still answered.
 *
 * Memory: the cache is allocated once by stream_open(); the read path
 * uses only it and static buffers.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "clock.h"
#include "http.h"
#include "httpc.h"
#include "log.h"
#include "nbd_wire.h"
#include "sha256.h"
#include "stream.h"
#include "tcp.h"
#include "url.h"

#ifndef PR_SET_IO_FLUSHER
#define PR_SET_IO_FLUSHER 57	/* Linux 5.6; klibc lacks the name */
#endif
#ifndef PR_SET_MM
#define PR_SET_MM 35
#endif
#ifndef PR_SET_MM_ARG_START
#define PR_SET_MM_ARG_START 8
#define PR_SET_MM_ARG_END   9
#endif
#ifndef MSG_DONTWAIT
#define MSG_DONTWAIT 0x40
#endif

#define QUEUE_MAX      16		/* NBD requests read ahead of serving */
#define BACKOFF_MIN_MS 250u
#define BACKOFF_MAX_MS 5000u
#define NO_CHUNK       UINT64_MAX
#define COPY_RUN       4u		/* chunks a step of the copy asks for: 512 KiB (a read waits for at most one step) */
#define HASH_STEP      32u		/* chunks hashed between two looks at the socket */
#define COPY_FLOOR     (64ULL << 20)	/* RAM the copy always leaves: max(this, RAM / 16) */
#define MiB(x)         ((unsigned long long)(x) >> 20)

struct mirror {
	const char *text;		/* as configured, for messages */
	struct url u;			/* after the redirects */
	struct httpc_peer peer;		/* resolved once: after the handoff there is no resolv.conf */
	int checked;			/* answered a Range request with our size */
	int dropped;			/* changed, or ignores Range: never asked again */
};

struct slot {
	uint64_t chunk;			/* meaningful when valid */
	uint64_t stamp;			/* LRU; == tick: pinned for the request served */
	int valid;
};

static struct {
	const struct netinit_config *cfg;
	struct httpc c;				/* keep-alive connection to m[cur] (or the proxy) */
	struct mirror m[CMDLINE_MAX_URLS];
	unsigned n, cur;
	uint64_t size, nchunks;
	char validator[HTTP_VALIDATOR_MAX];	/* "" if the server gave none */
	uint8_t *cache;
	struct slot *slots;
	unsigned nslots;
	uint64_t tick;
	uint64_t seq_end;			/* where the last read ended */
	unsigned long n_reads;			/* NBD reads answered */
	uint64_t bytes_http;			/* body bytes received */
	/* cache mode (netinit.stream=cache): cache/slots/nslots become a
	 * cache of one slot per chunk of the image (never evicting), the
	 * configured LRU cache waits in lru_* in case the copy gives way */
	uint8_t *lru_cache;
	struct slot *lru_slots;
	unsigned lru_n;
	uint64_t hashed;			/* chunks 0..hashed-1 are in (and hashed if pinned) */
	uint64_t t_copy;			/* when the copy started */
	int pause;				/* ms to wait before the next step (netinit.stream.rate) */
	struct sha256 hash;
	int meminfo;				/* /proc/meminfo, opened before the handoff */
	int copying;
} s;

static volatile sig_atomic_t stats_wanted;	/* SIGUSR1: log the counters */

unsigned long stream_http_requests(void)
{
	return s.c.requests;
}

static void drop_conn(void)
{
	httpc_close(&s.c);
}

/* No shutdown(): after the fork the resident process shares the socket. */
void stream_close(void)
{
	if (s.c.fd >= 0)
		close(s.c.fd);
	s.c.fd = -1;
}

/* ---- HTTP: one Range GET on the keep-alive connection ---- */

/*
 * A GET sent ahead of the kernel's reads (a sequential reader's next
 * window), its answer not read yet: the link fills the socket buffers
 * while the kernel works through the last window. Never more than one
 * request outstanding (no pipelining: a proxy or server sees an ordinary
 * keep-alive exchange, just earlier).
 */
static struct {
	struct mirror *m;		/* NULL: none */
	uint64_t c0, c1;
} ahead;

#define AHEAD_TAKE 1
#define AHEAD_SEND 2

/*
 * Sends "GET bytes=@first-@last" to @m (If-Range the validator when
 * @if_range) and, unless @send_only, reads the head into s.c.r. The status
 * (0 sent), or -errno.
 */
static int get(struct mirror *m, uint64_t first, uint64_t last, int if_range, int send_only)
{
	struct http_req q = { 0 };

	q.range_first = first;
	q.range_last = last;
	q.range_end = 1;
	q.keep_alive = 1;
	q.if_range = if_range && s.validator[0] ? s.validator : NULL;
	s.c.what = m->text;
	s.c.peer = &m->peer;
	return send_only ? httpc_send(&s.c, &m->u, &q) : httpc_get(&s.c, &m->u, &q);
}

/*
 * What the head of an answer to bytes=@first-@last means: 0 the bytes
 * follow; -ESTALE the image changed (or the mirror serves another copy);
 * -EOPNOTSUPP a 200 without a validator to blame (ignores Range); -EAGAIN
 * worth another try (5xx, 4xx, a malformed range).
 */
static int judge(const struct http_resp *r, uint64_t first, uint64_t last)
{
	if (r->status == 206 && r->has_range && !r->chunked && !r->coded &&
	    r->range_first == first && r->range_last == last &&
	    r->content_length == (int64_t)(last - first + 1)) {
		if (r->range_total != (int64_t)s.size || httpc_changed(s.validator, r))
			return -ESTALE;
		return 0;
	}
	if (r->status == 200 || r->status == 416)
		return s.validator[0] || r->status == 416 ? -ESTALE : -EOPNOTSUPP;
	return -EAGAIN;
}

/* The slot to fill next: an empty one, else the least recently used one not pinned. */
static struct slot *victim(void)
{
	struct slot *best = NULL;
	unsigned i;

	for (i = 0; i < s.nslots; i++) {
		struct slot *sl = &s.slots[i];

		if (!sl->valid)
			return sl;	/* empty, or left half-filled by a drop */
		if (sl->stamp != s.tick && (!best || sl->stamp < best->stamp))
			best = sl;
	}
	return best;
}

static struct slot *lookup(uint64_t chunk)
{
	unsigned i;

	for (i = 0; i < s.nslots; i++)
		if (s.slots[i].valid && s.slots[i].chunk == chunk)
			return &s.slots[i];
	return NULL;
}

static uint8_t *slot_data(const struct slot *sl)
{
	return s.cache + (size_t)(sl - s.slots) * STREAM_CHUNK;
}

static uint64_t chunk_len(uint64_t chunk)
{
	uint64_t start = chunk * STREAM_CHUNK;

	return s.size - start < STREAM_CHUNK ? s.size - start : STREAM_CHUNK;
}

/*
 * Receives the body of bytes [c0 * CHUNK, last] into cache slots, chunk
 * by chunk; a chunk becomes valid only whole, so a drop keeps what came
 * before it. @stamp: s.tick pins them, an older one makes them only recent.
 */
static int get_body(uint64_t c0, uint64_t last, uint64_t stamp)
{
	uint64_t pos = c0 * STREAM_CHUNK;

	while (pos <= last) {
		uint64_t chunk = pos / STREAM_CHUNK, len = chunk_len(chunk), got = 0;
		struct slot *sl = victim();
		uint8_t *d;

		if (!sl)
			return -ENOBUFS;	/* cannot happen: runs are capped at half the cache */
		sl->valid = 0;
		sl->chunk = chunk;
		sl->stamp = stamp;
		d = slot_data(sl);
		while (got < len) {
			ssize_t n = httpc_read(&s.c, d + got, (size_t)(len - got));

			if (n < 0)
				return (int)n;
			got += (uint64_t)n;
		}
		s.bytes_http += got;
		sl->valid = 1;
		pos += len;
	}
	return s.c.have ? -EPROTO : 0;	/* more than Content-Length: a broken server */
}

static void learn(const struct http_resp *r)
{
	s.size = (uint64_t)r->range_total;
	s.nchunks = (s.size + STREAM_CHUNK - 1) / STREAM_CHUNK;
	snprintf(s.validator, sizeof(s.validator), "%s", httpc_validator(r));
}

static int take_ahead(void);

/*
 * One GET of chunks @c0..@c1 from @m; @how AHEAD_SEND: only sent (as the
 * GET ahead), AHEAD_TAKE: the answer to the GET sent ahead (its chunks
 * recent, not pinned: ensure() pins what its read needs). The start check (s.size 0) asks
 * for chunk 0 without If-Range and learns the size and the validator from
 * the 206 that answers it.
 */
static int get_run(struct mirror *m, uint64_t c0, uint64_t c1, int how)
{
	const struct http_resp *r = &s.c.r;
	uint64_t first = c0 * STREAM_CHUNK, last = STREAM_CHUNK - 1;
	int rc;

	if (s.size)
		last = c1 * STREAM_CHUNK + chunk_len(c1) - 1;
	if (how != AHEAD_TAKE && ahead.m)
		take_ahead();	/* its answer comes first: into the cache */
	if (how == AHEAD_SEND) {
		rc = get(m, first, last, 1, 1);
		if (rc == 0) {
			ahead.m = m;
			ahead.c0 = c0;
			ahead.c1 = c1;
		}
		return rc;
	}
	rc = how ? httpc_head(&s.c) : get(m, first, last, s.size != 0, 0);
	if (rc < 0)
		return rc;
	if (!s.size && r->has_range && r->range_total > 0) {
		learn(r);
		last = chunk_len(0) - 1;
	}
	rc = judge(r, first, last);
	if (rc == 0) {
		m->checked = 1;
		rc = get_body(c0, last, s.tick - (how == AHEAD_TAKE));
	}
	if (rc < 0 || r->conn_close)
		drop_conn();
	if (rc == -EAGAIN || (rc < 0 && !s.c.quiet && rc != -EOPNOTSUPP))
		log_err("%s: %s to bytes=%llu-%llu from %s (HTTP %d)", m->text,
			rc == -EAGAIN || rc == -ESTALE ? "not an answer stream mode can use" :
			strerror(-rc),
			(unsigned long long)first, (unsigned long long)last, s.c.host, r->status);
	return rc;
}

/*
 * Reads the answer to the GET sent ahead into the cache. A failure drops
 * the connection (chunks complete before it are kept).
 */
static int take_ahead(void)
{
	struct mirror *m = ahead.m;

	ahead.m = NULL;
	return get_run(m, ahead.c0, ahead.c1, AHEAD_TAKE);
}

/* Sends the GET for the @ra chunks from @c on (those missing), not waiting for it. */
static void send_ahead(uint64_t c, unsigned ra)
{
	uint64_t e = c;

	while (e < s.nchunks && e < c + ra && !lookup(e))
		e++;
	if (e > c)
		get_run(&s.m[s.cur], c, e - 1, AHEAD_SEND);
}

/* ---- the start check ---- */

/*
 * Asks @m for the first chunk (nothing is known yet), following
 * redirects. 0 with the size and validator learned and chunk 0 cached;
 * -EOPNOTSUPP for a 200; another -errno. Logged.
 */
static int first_contact(struct mirror *m)
{
	int rc;

	s.size = 0;
	s.validator[0] = '\0';
	s.tick++;
	ahead.m = NULL;
	rc = get_run(m, 0, 0, 0);
	if (rc == -EOPNOTSUPP)
		log_err("%s: the server answered a Range request with the whole file (HTTP "
			"200): stream mode needs a server that answers Range with 206 (nginx, "
			"Apache, lighttpd do; python3 -m http.server does not)", m->text);
	return rc == -EAGAIN || rc == -ESTALE ? -EPROTO : rc;
}

static int cache_alloc(void)
{
	unsigned n = s.cfg->stream_cache_mib * (1024 * 1024 / STREAM_CHUNK);

	if (n < STREAM_MIN_SLOTS)
		n = STREAM_MIN_SLOTS;
	if (s.slots && n == s.nslots)
		return 0;
	free(s.cache);
	free(s.slots);
	s.cache = malloc((size_t)n * STREAM_CHUNK);
	s.slots = malloc(n * sizeof(*s.slots));
	if (!s.cache || !s.slots) {
		log_err("cannot allocate the %u MiB stream cache: lower netinit.stream.cache",
			n / (1024 * 1024 / STREAM_CHUNK));
		return -ENOMEM;
	}
	s.nslots = s.lru_n = n;
	memset(s.slots, 0, n * sizeof(*s.slots));
	return 0;
}

static void backoff(unsigned *ms)
{
	clock_sleep_ms(*ms / 2 + clock_random() % *ms);
	*ms = *ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : *ms * 2;
}

int stream_open(const struct netinit_config *cfg, uint32_t next_server, uint64_t *size)
{
	unsigned i, round, wait = 1000, refused = 0;
	int rc = -ENOENT;

	if (s.cfg)
		drop_conn();
	memset(s.m, 0, sizeof(s.m));
	s.cfg = cfg;
	s.c.cfg = cfg;
	s.c.fd = -1;
	s.c.next_server = next_server;
	s.c.quiet = 0;
	s.size = 0;
	s.validator[0] = '\0';
	s.n = 0;
	for (i = 0; i < cfg->n_urls; i++) {
		s.m[s.n].text = cfg->urls[i];
		if (httpc_parse(cfg->urls[i], &s.m[s.n].u) == 0)
			s.n++;
	}
	rc = cache_alloc();
	if (rc < 0)
		return rc;
	/* for cache mode's RAM check: after the handoff /proc is not ours to open */
	s.meminfo = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);	/* once: PID 1 calls this once */
	for (round = 0; round <= cfg->retries; round++) {
		if (round) {
			log_info("no mirror answered a Range request, round %u of %u", round + 1,
				 cfg->retries + 1);
			backoff(&wait);
		}
		refused = 0;
		for (i = 0; i < s.n; i++) {
			rc = first_contact(&s.m[i]);
			if (rc == 0) {
				s.cur = i;
				*size = s.size;
				log_info("streaming %s (%llu MiB) from %s: Range answered, %s%s",
					 s.m[i].text, MiB(s.size), s.c.host,
					 s.validator[0] ? (s.validator[0] == '"' ? "ETag " :
					 "Last-Modified ") : "no validator (only its size is "
					 "checked)", s.validator);
				return 0;
			}
			if (rc == -EOPNOTSUPP) {
				s.m[i].dropped = 1;
				refused++;
			}
		}
		if (refused == s.n)
			return -EOPNOTSUPP;	/* no round will change that */
	}
	return rc;
}

/* ---- serving reads ---- */

static unsigned live_mirrors(void)
{
	unsigned i, n = 0;

	for (i = 0; i < s.n; i++)
		n += !s.m[i].dropped;
	return n;
}

/* The first chunk in [c0, c1] the cache lacks, or NO_CHUNK; pins the ones it has. */
static uint64_t first_missing(uint64_t c0, uint64_t c1)
{
	uint64_t c, miss = NO_CHUNK;

	for (c = c0; c <= c1; c++) {
		struct slot *sl = lookup(c);

		if (sl)
			sl->stamp = s.tick;
		else if (miss == NO_CHUNK)
			miss = c;
	}
	return miss;
}

/*
 * Fetches missing chunk @c and the missing ones after it up to @span
 * (the end of the queued reads), plus @ra more when reading sequentially,
 * in one GET; retried as the header comment says. A sequential reader's
 * next @ra chunks are then asked for at once (send_ahead), and the next
 * call reads that answer first: from the cache, @c may be there now. 0 or
 * -EIO.
 */
static int fetch(uint64_t c, uint64_t span, unsigned ra)
{
	uint64_t t_fail = 0, end = c, max = c + s.nslots / 2 - 1, now;
	unsigned wait = BACKOFF_MIN_MS, tried = 0, left;
	int rc;

	if (max > s.nchunks - 1)
		max = s.nchunks - 1;	/* a run never needs more than half the cache */
	if (span > max)
		span = max;
	while (end < span && !lookup(end + 1))
		end++;
	if (end == span)
		while (end < span + ra && end < max && !lookup(end + 1))
			end++;
	for (;;) {
		struct mirror *m = &s.m[s.cur];

		if (!m->dropped) {
			if (ahead.m && c >= ahead.c0 && c <= ahead.c1) {
				end = ahead.c1;
				rc = take_ahead();
			} else {
				rc = get_run(m, c, end, 0);
			}
			if (rc == 0) {
				if (t_fail)
					log_notice("recovered: %s answered after %llu s", m->text,
						   (unsigned long long)(clock_ms() - t_fail) / 1000);
				send_ahead(end + 1, ra);
				return 0;
			}
			if (rc == -ESTALE || rc == -EOPNOTSUPP) {
				m->dropped = 1;
				log_err("%s: %s: its bytes are never mixed into the image "
					"being read; %u other mirror(s) left", m->text,
					rc == -ESTALE ? "image changed on the server" :
					"the server ignores Range now", live_mirrors());
			} else if (!t_fail) {
				log_err("read of %llu KiB at %llu stalled: %s: %s; retrying for up "
					"to %u s", (unsigned long long)(end - c + 1) * STREAM_CHUNK >> 10,
					(unsigned long long)c * STREAM_CHUNK, m->text,
					rc == -EBADMSG ? "malformed HTTP response" : strerror(-rc),
					s.cfg->stream_timeout);
			}
			/* chunks that arrived before the drop are kept: resume after them */
			while (c <= end && lookup(c))
				c++;
			if (c > end)
				return 0;
		}
		if (!live_mirrors()) {
			log_err("no mirror holds the image netinit started with: answering EIO");
			return -EIO;
		}
		now = clock_ms();
		if (!t_fail)
			t_fail = now;
		if (now - t_fail >= (uint64_t)s.cfg->stream_timeout * 1000) {
			log_err("no mirror answered for %u s (netinit.stream.timeout): answering "
				"EIO", s.cfg->stream_timeout);
			return -EIO;
		}
		s.cur = (s.cur + 1) % s.n;
		if (++tried % s.n == 0) {
			left = (unsigned)(s.cfg->stream_timeout * 1000 - (now - t_fail));
			if (wait > left)
				wait = left;
			backoff(&wait);
		}
	}
}

/* Makes every chunk of [@off, @off + @len) present and pinned. */
static int ensure(uint64_t off, uint32_t len, uint64_t span_end)
{
	uint64_t c0 = off / STREAM_CHUNK, c1 = (off + len - 1) / STREAM_CHUNK;
	uint64_t span = (span_end - 1) / STREAM_CHUNK, c;
	/* sequential: this read continues the last one, or the chunk before it
	 * is cached (the kernel's readahead may send the next pieces first) */
	unsigned ra = off == s.seq_end || (c0 && lookup(c0 - 1)) ? s.lru_n / 4 : 0;
	int rc;

	s.tick++;
	if (span < c1)
		span = c1;
	while ((c = first_missing(c0, c1)) != NO_CHUNK) {
		rc = fetch(c, span, ra);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int reply(int sock, uint32_t err, uint64_t handle)
{
	uint8_t b[NBD_WIRE_REPLY_LEN];

	nbd_wire_reply(b, err, handle);
	return tcp_send_all(sock, b, sizeof(b), 0);
}

static int serve_read(int sock, const struct nbd_wire_req *q, uint64_t span_end)
{
	uint64_t off = q->offset, end = q->offset + q->length;
	int rc;

	if (ensure(off, q->length, span_end) < 0)
		return reply(sock, NBD_WIRE_EIO, q->handle);
	s.seq_end = end;
	s.n_reads++;
	rc = reply(sock, 0, q->handle);
	while (rc == 0 && off < end) {
		struct slot *sl = lookup(off / STREAM_CHUNK);
		uint64_t in = off % STREAM_CHUNK, n = STREAM_CHUNK - in;

		if (n > end - off)
			n = end - off;
		rc = tcp_send_all(sock, slot_data(sl) + in, (size_t)n, 0);
		off += n;
	}
	return rc;
}

/* Requests in from the kernel: a byte buffer, parsed as they come. */
static struct {
	uint8_t buf[4096];
	size_t off, len;
	struct nbd_wire_rx rx;
} in;

/* Bytes from the kernel into in.buf: 1, 0 if none are there and !@block, or -errno. */
static int refill(int sock, int block)
{
	for (;;) {
		ssize_t got = recv(sock, in.buf, sizeof(in.buf), block ? 0 : MSG_DONTWAIT);

		if (stats_wanted) {
			stats_wanted = 0;
			log_notice("%lu HTTP requests, %llu MiB received, %lu reads answered",
				   s.c.requests, MiB(s.bytes_http), s.n_reads);
		}
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && !block && errno == EAGAIN)
			return 0;
		if (got <= 0)
			return got < 0 ? -errno : -EPIPE;
		in.off = 0;
		in.len = (size_t)got;
		return 1;
	}
}

/* The next request: 1, 0 if none is there yet and !@block, or -errno. */
static int next_request(int sock, struct nbd_wire_req *q, int block)
{
	int done, n;

	for (;;) {
		while (in.off < in.len) {
			n = nbd_wire_rx_feed(&in.rx, in.buf + in.off, in.len - in.off, q, &done);
			if (n < 0) {
				log_err("bad NBD request magic from the kernel: closing the device");
				return n;
			}
			in.off += (size_t)n;
			if (done)
				return 1;
		}
		n = refill(sock, block);
		if (n <= 0)
			return n;
	}
}

/* A WRITE's payload follows it: read and dropped (the reply is EPERM). */
static int skip_payload(int sock, uint32_t len)
{
	while (len) {
		size_t n;
		int rc;

		if (in.off == in.len && (rc = refill(sock, 1)) < 0)
			return rc;
		n = in.len - in.off < len ? in.len - in.off : len;
		in.off += n;
		len -= (uint32_t)n;
	}
	return 0;
}

/* ---- cache mode: the whole image into RAM behind the reads ---- */

static const char dropped[] = "copy dropped, the root streams";

/*
 * Whether the rest of the copy fits: MemAvailable (read from the fd
 * opened before the handoff) must cover it plus max(64 MiB, RAM / 16)
 * left to the live system; unknown counts as 0. Else one line, no copy.
 */
static int copy_fits(void)
{
	char b[512], *p;
	ssize_t n = pread(s.meminfo, b, sizeof(b) - 1, 0);
	uint64_t floor, avail = 0, left = (s.nchunks - s.hashed) * STREAM_CHUNK;

	b[n > 0 ? n : 0] = '\0';
	floor = strtoull(b + 9, NULL, 10) << 6;		/* MemTotal kB / 16, in bytes */
	if (floor < COPY_FLOOR)
		floor = COPY_FLOOR;
	if ((p = strstr(b, "MemAvailable:")))
		avail = strtoull(p + 13, NULL, 10) << 10;
	if (avail >= left + floor)
		return 1;
	log_err("cache: %llu MiB RAM available, %llu to copy, %llu spare: %s", MiB(avail),
		MiB(left), MiB(floor), dropped);
	return 0;
}

#define REGION_LEN ((size_t)s.nchunks * (STREAM_CHUNK + sizeof(struct slot)))

/* Back to plain stream mode: the region's pages go back to the kernel. */
static void copy_drop(void)
{
	munmap(s.cache, REGION_LEN);
	s.cache = s.lru_cache;
	s.slots = s.lru_slots;
	s.nslots = s.lru_n;
	s.copying = 0;
}

/*
 * Maps the region: the image's chunks, then their slots (zero: empty).
 * Pages are committed (and locked, MCL_ONFAULT) as chunks arrive.
 */
static void copy_start(void)
{
	uint8_t *r;

	if (s.cfg->stream != STREAM_CACHE || !copy_fits())
		return;
	r = mmap(NULL, REGION_LEN, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		return;		/* cannot happen with MAP_NORESERVE: no line for it */
	s.lru_cache = s.cache;
	s.lru_slots = s.slots;
	s.cache = r;
	s.slots = (struct slot *)(r + s.nchunks * STREAM_CHUNK);
	s.nslots = (unsigned)s.nchunks;
	sha256_init(&s.hash);
	s.t_copy = clock_ms();
	s.copying = 1;
}

/*
 * The whole image is in: check the pin (-EBADMSG, logged loudly: the
 * caller drops the copy), then off the network for good.
 */
static int copy_done(void)
{
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX];

	s.copying = 0;
	if (s.cfg->sha256[0]) {
		sha256_final(&s.hash, d);
		sha256_hex(d, hex);
		if (strcmp(hex, s.cfg->sha256)) {
			log_err("!!! cache: sha256 %s is not netinit.sha256: %s !!!", hex, dropped);
			return -EBADMSG;
		}
	}
	drop_conn();
	log_notice("image in RAM after %llu s: the network is no longer needed",
		   (unsigned long long)(clock_ms() - s.t_copy) / 1000);
	return 0;
}

/*
 * One step while no request waits: hash (when pinned) the chunks present
 * in order from s.hashed, at most HASH_STEP of them; at the first missing
 * one, check the RAM and fetch the run that starts there.
 */
static void copy_step(void)
{
	struct slot *sl;
	uint64_t rx = s.bytes_http;
	unsigned n = 0;

	s.pause = 0;
	while ((sl = lookup(s.hashed))) {	/* none is chunk nchunks */
		if (n++ == HASH_STEP)
			return;
		if (s.cfg->sha256[0])
			sha256_update(&s.hash, slot_data(sl), (size_t)chunk_len(s.hashed));
		s.hashed++;
	}
	if (s.hashed == s.nchunks) {
		if (copy_done() == 0)
			return;
	} else if (copy_fits()) {
		s.tick++;
		if (fetch(s.hashed, s.hashed + COPY_RUN - 1, 0) == 0) {
			/* wait what the bytes that came take at the cap */
			if (s.cfg->stream_rate)
				s.pause = (int)((s.bytes_http - rx) * 1000 / 1024 /
						s.cfg->stream_rate);
			return;
		}
		log_err("cache: no mirror: %s", dropped);
	}
	copy_drop();
}

int stream_serve(int sock)
{
	static struct nbd_wire_req q[QUEUE_MAX];
	uint32_t max_len = (s.nslots / 2 - 1) * STREAM_CHUNK;
	unsigned n, i, j;
	int rc;

	nbd_wire_rx_init(&in.rx);
	in.off = in.len = 0;
	s.c.quiet = 1;		/* a stall is one line, not one per attempt */
	copy_start();
	for (;;) {
		/* the kernel's reads first: the copy steps in when none is waiting */
		if (s.copying && in.off == in.len) {
			struct pollfd p = { sock, POLLIN, 0 };

			n = (unsigned)poll(&p, 1, s.pause);
			if (n == 0)
				copy_step();
			if (n + 1 < 2)
				continue;	/* stepped, or EINTR */
		}
		for (n = 0; n < QUEUE_MAX; n++) {
			rc = next_request(sock, &q[n], n == 0);
			if (rc < 0)
				return rc;
			if (rc == 0)
				break;
			if (q[n].type == NBD_WIRE_WRITE && (rc = skip_payload(sock, q[n].length)) < 0)
				return rc;
			if (q[n].type == NBD_WIRE_DISC) {
				n++;
				break;
			}
		}
		for (i = 0; i < n; i++) {
			uint32_t err;
			uint64_t span_end = q[i].offset + q[i].length;

			if (q[i].type == NBD_WIRE_DISC) {
				log_notice("disconnected by the kernel after %lu HTTP requests",
					   s.c.requests);
				drop_conn();
				return 0;
			}
			err = nbd_wire_check(&q[i], s.size, max_len);
			if (err || q[i].type != NBD_WIRE_READ) {
				if (err == NBD_WIRE_EINVAL && q[i].length > max_len)
					log_err("a %u KiB read is more than half the cache: raise "
						"netinit.stream.cache", q[i].length >> 10);
				rc = reply(sock, err, q[i].handle);
			} else {
				/* the queued reads that follow this one back to back */
				for (j = i + 1; j < n && q[j].type == NBD_WIRE_READ &&
				     q[j].offset == span_end && q[j].offset + q[j].length <= s.size; j++)
					span_end += q[j].length;
				rc = serve_read(sock, &q[i], span_end);
			}
			if (rc < 0)
				return rc;
		}
	}
}

/* ---- the resident process ---- */

static char proc_name[] = "@netinit-stream";

static void want_stats(int sig)
{
	(void)sig;
	stats_wanted = 1;
}

void stream_resident(char *argv0)
{
	static const int ignore[] = { SIGTERM, SIGHUP, SIGINT, SIGPIPE, SIGUSR2 };
	struct sigaction sa;
	size_t i;
	char *name;
	int fd;

	setsid();
	if (chdir("/") < 0)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	for (i = 0; i < sizeof(ignore) / sizeof(ignore[0]); i++)
		sigaction(ignore[i], &sa, NULL);
	sa.sa_handler = want_stats;	/* no SA_RESTART: the blocked recv() returns */
	sigaction(SIGUSR1, &sa, NULL);
	/* argv[0] "@...": rewritten in place (as long as it is), then pointed at
	 * the whole name when the kernel lets us (CAP_SYS_RESOURCE) */
	if (argv0 && argv0[0]) {
		size_t len = strlen(argv0);

		memcpy(argv0, proc_name, len < sizeof(proc_name) - 1 ? len : sizeof(proc_name) - 1);
		argv0[0] = '@';
	}
	/* /proc/PID/cmdline reads anonymous memory only (FOLL_ANON): the heap, not .data */
	name = malloc(sizeof(proc_name));
	if (name) {
		memcpy(name, proc_name, sizeof(proc_name));
		if (prctl(PR_SET_MM, PR_SET_MM_ARG_START, (unsigned long)name, 0, 0) == 0)
			prctl(PR_SET_MM, PR_SET_MM_ARG_END, (unsigned long)name + sizeof(proc_name),
			      0, 0);
	}
	prctl(PR_SET_NAME, (unsigned long)"netinit-stream", 0, 0, 0);
	log_resident("netinit-stream");
	/* before mlockall: locking copies the pages shared with PID 1, the
	 * moment memory is tightest, and the OOM killer must not pick us then */
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "-1000", 5) != 5)
		log_err("oom_score_adj: the OOM killer may pick this backend");
	if (fd >= 0)
		close(fd);
	if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		log_err("mlockall: %s: the backend may be paged out", strerror(errno));
	/* what is mapped from now on (cache mode's copy of the image) is locked
	 * page by page as it is filled (Linux < 4.4 refuses MCL_ONFAULT: then
	 * all at once, once copy_fits() said the image fits) */
	mlockall(MCL_FUTURE | MCL_ONFAULT);
	if (prctl(PR_SET_IO_FLUSHER, 1, 0, 0, 0) < 0)
		log_err("PR_SET_IO_FLUSHER: %s: writeback may wait on this backend",
			strerror(errno));
	for (fd = 0; fd < 3; fd++)
		if (fd != s.meminfo)
			close(fd);
	log_notice("resident: pid %d, %u MiB cache, %lu HTTP requests so far", (int)getpid(),
		   s.nslots / (1024 * 1024 / STREAM_CHUNK), s.c.requests);
}
