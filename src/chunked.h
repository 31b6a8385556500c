/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HTTP/1.1 chunked transfer coding decoder (RFC 9112 section 7.1),
 * incremental: feed the body bytes as they arrive, split anywhere; the
 * data comes back as spans of the caller's buffer (no copy). Pure: no
 * syscalls, no allocation.
 */
#ifndef NETINIT_CHUNKED_H
#define NETINIT_CHUNKED_H

#include <stddef.h>
#include <stdint.h>

#define CHUNKED_LINE_MAX     1024	/* chunk-size line, extensions included */
#define CHUNKED_TRAILER_MAX  4096	/* one trailer line */
#define CHUNKED_TRAILERS_MAX 32		/* trailer lines */
#define CHUNKED_SIZE_MAX     ((uint64_t)1 << 60)	/* largest chunk accepted */

struct chunked {
	int done;		/* the last chunk and the trailer section were seen */
	/* private */
	unsigned state;
	unsigned line_len;	/* bytes of the current size or trailer line */
	unsigned n_trailers;
	unsigned digits;	/* hex digits of the size so far */
	uint64_t left;		/* data bytes left in the current chunk */
};

void chunked_init(struct chunked *c);

/*
 * Decodes from @buf (@len bytes). Returns how many bytes were consumed
 * (> 0 unless @len is 0 or done is set) and sets *@data_off / *@data_len
 * to at most one span of data inside the consumed bytes (*@data_len = 0 if
 * none): call again with the rest. Stops right after the final CRLF (done
 * set; the rest is not consumed). Errors, sticky: -EBADMSG for malformed
 * framing (no hex digit, a byte that cannot be in a size line, data not
 * followed by CRLF, a control byte in a trailer), -E2BIG when a size line,
 * a trailer line, the trailer count or a chunk size exceeds its cap. Lines
 * end in CRLF or a bare LF, as in http.c.
 */
int chunked_feed(struct chunked *c, const char *buf, size_t len,
		 size_t *data_off, size_t *data_len);

#endif
