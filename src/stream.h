/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stream mode's HTTP backend (DESIGN.md step 6, "stream"): an NBD server
 * for the kernel on one end of a socketpair that answers each block read
 * with HTTP/1.1 keep-alive Range GETs against the mirror list, through a
 * bounded read cache with readahead. The protocol loop runs the same on
 * the host (tests/host/stream_harness.c plays the kernel's side).
 */
#ifndef NETINIT_STREAM_H
#define NETINIT_STREAM_H

#include <stdint.h>

#include "cmdline.h"

#define STREAM_CHUNK     (128u * 1024)	/* cache unit and smallest HTTP read */
#define STREAM_MIN_SLOTS 32u		/* 4 MiB: the cache is never smaller */

/*
 * The start check, before anything depends on the device: finds the
 * first mirror (in order, cfg->retries more rounds with backoff) that
 * answers "Range: bytes=0-" with a 206 naming the image's size, learns
 * the size and the validator (strong ETag, else Last-Modified) that every
 * later read must match, and allocates the cache (cfg->stream_cache_mib,
 * at least STREAM_MIN_SLOTS chunks). @next_server stands in for an empty
 * host (http:///path). Returns 0 and the size in *@size; -EOPNOTSUPP when
 * the only answers were 200 (the server ignores Range); another negative
 * errno otherwise. Every failure is logged in one line.
 */
int stream_open(const struct netinit_config *cfg, uint32_t next_server, uint64_t *size);

/* Drops the start check's connection (auto chose to fetch after all). */
void stream_close(void);

/*
 * The resident process's setup (DESIGN.md "Stream mode's resident
 * process"): its own session, cwd /, argv[0] "@netinit-stream" (systemd's
 * mark for root-storage daemons), all memory locked, PR_SET_IO_FLUSHER,
 * oom_score_adj -1000, SIGTERM/SIGHUP/SIGINT ignored, stdio closed, logs
 * to /dev/kmsg only; SIGUSR1 logs the counters (HTTP requests, MiB
 * received, reads answered) when the next request comes in. @argv0 is the process's argv[0] (rewritten in place).
 */
void stream_resident(char *argv0);

/*
 * Serves NBD requests on @sock until NBD_CMD_DISC (returns 0) or the
 * socket fails (-errno). A transient HTTP failure stalls the read (next
 * mirror, backoff) for up to cfg->stream_timeout seconds and only then
 * answers EIO; an image changed on a mirror is never mixed into a read.
 */
int stream_serve(int sock);

/* HTTP requests sent so far (start check included), for the log and tests. */
unsigned long stream_http_requests(void);

#endif
