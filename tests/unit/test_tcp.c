/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for tcp_send_all() (src/tcp.c): linked with -Wl,--wrap=send,
 * so each send() the code makes plays the next step of a script (a count
 * to accept, or an errno) and the bytes accepted are collected in order.
 * A signal (EINTR) before or between partial sends must neither end the
 * send early nor report bytes as sent that were not (issue 10, item 7).
 * The fd is one end of a socketpair, so the poll() after EAGAIN is real.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "check.h"
#include "tcp.h"

#define STEPS_MAX 8
#define ALL       (-1)	/* a step that accepts everything offered */

struct step {
	int accept;		/* bytes to accept (ALL: all), or 0 with err */
	int err;		/* errno to fail with, or 0 */
};

static struct {
	const struct step *steps;
	unsigned n, at;
	char got[256];
	size_t got_len;
} script;

ssize_t __real_send(int fd, const void *buf, size_t len, int flags);
ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags);

ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags)
{
	const struct step *s;
	size_t n;

	(void)fd;
	(void)flags;
	if (script.at == script.n) {	/* the script ran out: the code looped on */
		errno = EIO;
		return -1;
	}
	s = &script.steps[script.at++];
	if (s->err) {
		errno = s->err;
		return -1;
	}
	n = s->accept == ALL || (size_t)s->accept > len ? len : (size_t)s->accept;
	if (script.got_len + n > sizeof(script.got))
		n = sizeof(script.got) - script.got_len;
	memcpy(script.got + script.got_len, buf, n);
	script.got_len += n;
	return (ssize_t)n;
}

static const struct {
	const char *name;
	struct step steps[STEPS_MAX];
	unsigned n;
	int rc;
	unsigned calls;
	size_t sent;		/* bytes that reached send() and were accepted */
} cases[] = {
	{ "all at once", { { ALL, 0 } }, 1, 0, 1, 30 },
	{ "EINTR first, then a partial send, then the rest",
	  { { 0, EINTR }, { 3, 0 }, { ALL, 0 } }, 3, 0, 3, 30 },
	{ "partial, EINTR between, the rest",
	  { { 7, 0 }, { 0, EINTR }, { 0, EINTR }, { ALL, 0 } }, 4, 0, 4, 30 },
	{ "EAGAIN waits (poll) and goes on", { { 5, 0 }, { 0, EAGAIN }, { ALL, 0 } }, 3, 0, 3, 30 },
	{ "byte by byte", { { 1, 0 }, { 1, 0 }, { 1, 0 }, { ALL, 0 } }, 4, 0, 4, 30 },
	{ "partial then EPIPE", { { 10, 0 }, { 0, EPIPE } }, 2, -EPIPE, 2, 10 },
	{ "EINTR then ECONNRESET", { { 0, EINTR }, { 0, ECONNRESET } }, 2, -ECONNRESET, 2, 0 },
};

static void test_send_all(void)
{
	static const char msg[] = "GET /image HTTP/1.1\r\nHost: m\r\n";	/* 30 bytes */
	int sv[2];
	size_t i;

	CHECK_EQ_INT(sizeof(msg) - 1, 30);
	CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		memset(&script, 0, sizeof(script));
		script.steps = cases[i].steps;
		script.n = cases[i].n;
		rc = tcp_send_all(sv[0], msg, sizeof(msg) - 1, 1000);
		CHECK_EQ_INT(rc, cases[i].rc);
		CHECK_EQ_INT(script.at, cases[i].calls);
		CHECK_EQ_INT(script.got_len, cases[i].sent);
		CHECK(memcmp(script.got, msg, script.got_len) == 0);
		if (rc != cases[i].rc || script.at != cases[i].calls ||
		    script.got_len != cases[i].sent)
			fprintf(stderr, "  case \"%s\"\n", cases[i].name);
	}
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	test_send_all();
	return check_report("tcp");
}
