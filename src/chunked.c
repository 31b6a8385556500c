/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Chunked transfer coding decoder (RFC 9112 7.1: chunk = chunk-size
 * [chunk-ext] CRLF chunk-data CRLF; last-chunk = 1*"0" [chunk-ext] CRLF;
 * then trailer-section CRLF). Every byte comes from the server and is
 * distrusted: the size is hex digits only, overflow-checked and capped;
 * a size line (extensions included), each trailer line and the trailer
 * count have hard caps, as curl's http_chunks.c does; extensions and
 * trailers are checked for forbidden bytes and otherwise ignored. State is
 * kept per byte, so any split of the input decodes the same. Pure.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "chunked.h"

enum {
	ST_SIZE,	/* hex digits of chunk-size */
	ST_BWS,		/* after the digits: blanks, then ';' or the line end */
	ST_EXT,		/* ";ext..." up to the line end */
	ST_SIZE_LF,	/* CR seen ending the size line */
	ST_DATA,	/* chunk-data, left bytes to go */
	ST_DATA_CR,	/* CRLF after the data */
	ST_DATA_LF,
	ST_TRAILER,	/* a trailer line (or the final empty line) */
	ST_TRAILER_LF,
	ST_DONE,
	ST_BADMSG,
	ST_E2BIG,
};

void chunked_init(struct chunked *c)
{
	c->done = 0;
	c->state = ST_SIZE;
	c->line_len = 0;
	c->n_trailers = 0;
	c->digits = 0;
	c->left = 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* A byte that may appear in an extension or a trailer field line. */
static int field_byte(unsigned char b)
{
	return b == '\t' || (b >= 0x20 && b != 0x7f);
}

/* The size line ended (at LF): a chunk of data, or the trailer section. */
static int end_size_line(struct chunked *c)
{
	if (!c->digits)
		return -EBADMSG;
	c->line_len = 0;
	c->state = c->left ? ST_DATA : ST_TRAILER;
	return 0;
}

/* The trailer line ended (at LF): an empty one ends the message. */
static int end_trailer_line(struct chunked *c)
{
	if (c->line_len == 0) {
		c->state = ST_DONE;
		c->done = 1;
		return 0;
	}
	if (++c->n_trailers > CHUNKED_TRAILERS_MAX)
		return -E2BIG;
	c->line_len = 0;
	c->state = ST_TRAILER;
	return 0;
}

/* One framing byte (every state but ST_DATA). */
static int frame_byte(struct chunked *c, char ch)
{
	unsigned char b = (unsigned char)ch;
	int v;

	switch (c->state) {
	case ST_SIZE:
		v = hexval(ch);
		if (v >= 0) {
			if (c->left > (CHUNKED_SIZE_MAX - (uint64_t)v) / 16)
				return -E2BIG;
			c->left = c->left * 16 + (uint64_t)v;
			c->digits++;
			break;
		}
		if (!c->digits)
			return -EBADMSG;
		c->state = ST_BWS;	/* this byte is the first after the digits */
		/* fall through */
	case ST_BWS:
		if (ch == ';')
			c->state = ST_EXT;
		else if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
			return -EBADMSG;
		/* fall through */
	case ST_EXT:
		if (ch == '\r') {
			c->state = ST_SIZE_LF;
			return 0;
		}
		if (ch == '\n')
			return end_size_line(c);
		if (!field_byte(b))	/* no control bytes in extensions */
			return -EBADMSG;
		break;
	case ST_SIZE_LF:
		if (ch != '\n')
			return -EBADMSG;
		return end_size_line(c);
	case ST_DATA_CR:
		if (ch == '\n') {
			c->state = ST_SIZE;
			return 0;
		}
		if (ch != '\r')
			return -EBADMSG;
		c->state = ST_DATA_LF;
		return 0;
	case ST_DATA_LF:
		if (ch != '\n')
			return -EBADMSG;
		c->state = ST_SIZE;
		c->digits = 0;
		return 0;
	case ST_TRAILER:
		if (ch == '\r') {
			c->state = ST_TRAILER_LF;
			return 0;
		}
		if (ch == '\n')
			return end_trailer_line(c);
		if (!field_byte(b))
			return -EBADMSG;
		if (++c->line_len >= CHUNKED_TRAILER_MAX)
			return -E2BIG;
		return 0;
	case ST_TRAILER_LF:
		if (ch != '\n')
			return -EBADMSG;
		return end_trailer_line(c);
	default:
		return -EBADMSG;
	}
	/* ST_SIZE and ST_EXT count towards the size line's cap */
	if (++c->line_len >= CHUNKED_LINE_MAX)
		return -E2BIG;
	return 0;
}

int chunked_feed(struct chunked *c, const char *buf, size_t len,
		 size_t *data_off, size_t *data_len)
{
	size_t i;
	int rc;

	*data_off = 0;
	*data_len = 0;
	if (c->state >= ST_DONE)
		return c->state == ST_DONE ? 0 : c->state == ST_E2BIG ? -E2BIG : -EBADMSG;
	if (len > INT_MAX)
		len = INT_MAX;
	for (i = 0; i < len; i++) {
		if (c->state == ST_DATA) {
			size_t n = len - i;

			if (n > c->left)
				n = (size_t)c->left;
			c->left -= n;
			if (!c->left) {
				c->state = ST_DATA_CR;
				c->digits = 0;
			}
			*data_off = i;
			*data_len = n;
			return (int)(i + n);
		}
		rc = frame_byte(c, buf[i]);
		if (rc < 0) {
			c->state = rc == -E2BIG ? ST_E2BIG : ST_BADMSG;
			return rc;
		}
		if (c->state == ST_DONE)
			return (int)(i + 1);
	}
	return (int)len;
}
