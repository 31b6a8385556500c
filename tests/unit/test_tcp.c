/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for tcp_send_all() (src/tcp.c): linked with -Wl,--wrap=send,
 * so each send() the code makes plays the next step of a script (a count
 * to accept, or an errno) and the bytes accepted are collected in order.
 * A signal (EINTR) before or between partial sends must neither end the
 * send early nor report bytes as sent that were not (issue 10, item 7).
 * The fd is one end of a socketpair, so the poll() after EAGAIN is real.
 *
 * tcp_connect_he() (RFC 8305) against real loopback sockets: a silent
 * address (a listener whose accept queue is full drops SYNs, as a broken
 * IPv6 path does) costs the 250 ms Connection Attempt Delay, a refused
 * one nothing; all refused or silent: the error, within the timeout.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "check.h"
#include "clock.h"
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

/* A listener on @addr:@port (IPv4 or IPv6 text), accept queue of @backlog. */
static int listener(const char *addr, uint16_t port, int backlog)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct sockaddr_in s4 = { .sin_family = AF_INET, .sin_port = htons(port) };
	int v6 = strchr(addr, ':') != NULL, one = 1;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (v6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		inet_pton(AF_INET6, addr, &s6.sin6_addr);
	} else {
		inet_pton(AF_INET, addr, &s4.sin_addr);
	}
	if (bind(fd, v6 ? (struct sockaddr *)&s6 : (struct sockaddr *)&s4,
		 v6 ? sizeof(s6) : sizeof(s4)) < 0 || listen(fd, backlog) < 0) {
		perror("listener");
		close(fd);
		return -1;
	}
	return fd;
}

static struct net_addr na(const char *text)
{
	struct net_addr a = { .family = strchr(text, ':') ? NET_AF6 : NET_AF4 };

	inet_pton(a.family == NET_AF6 ? AF_INET6 : AF_INET, text, a.a);
	return a;
}

/* Which local address @fd is connected to: 4 or 6 (its peer's family). */
static int peer_family(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	return ss.ss_family == AF_INET6 ? 6 : 4;
}

static void test_happy_eyeballs(void)
{
	struct net_addr both[2] = { na("::1"), na("127.0.0.1") };
	struct sockaddr_in bound;
	socklen_t blen = sizeof(bound);
	int good, silent, fill[4], fd, i;
	uint16_t port;
	uint64_t t;

	good = listener("127.0.0.1", 0, 8);	/* a free port, then the same on ::1 */
	if (good < 0 || getsockname(good, (struct sockaddr *)&bound, &blen) < 0) {
		check_fail++;
		return;
	}
	port = ntohs(bound.sin_port);
	/* ::1 refuses (nobody listens there on @port): IPv4 at once */
	t = clock_ms();
	fd = tcp_connect_he(both, 2, port, 5000);
	t = clock_ms() - t;
	CHECK(fd >= 0);
	CHECK_EQ_INT(peer_family(fd), 4);
	CHECK(t < 200);
	printf("tcp_connect_he: IPv6 refused, IPv4 connected in %llu ms\n", (unsigned long long)t);
	close(fd);

	/* ::1 silent (accept queue full: SYNs dropped): IPv4 after ~250 ms */
	silent = listener("::1", port, 0);
	for (i = 0; i < 4; i++) {	/* fill its queue: later SYNs go unanswered */
		struct net_addr one = na("::1");

		fill[i] = tcp_connect_he(&one, 1, port, 300);
	}
	t = clock_ms();
	fd = tcp_connect_he(both, 2, port, 5000);
	t = clock_ms() - t;
	CHECK(fd >= 0);
	CHECK_EQ_INT(peer_family(fd), 4);
	CHECK(t >= 240 && t < 2000);
	printf("tcp_connect_he: IPv6 silent, IPv4 connected in %llu ms\n", (unsigned long long)t);
	if (fd >= 0)
		close(fd);

	/* only the silent one: -ETIMEDOUT at the timeout, not later */
	t = clock_ms();
	fd = tcp_connect_he(both, 1, port, 600);
	t = clock_ms() - t;
	CHECK_EQ_INT(fd, -ETIMEDOUT);
	CHECK(t >= 590 && t < 1500);
	for (i = 0; i < 4; i++)
		if (fill[i] >= 0)
			close(fill[i]);
	close(silent);
	close(good);

	/* all refused: the error, at once */
	fd = tcp_connect_he(both, 2, port, 5000);
	CHECK_EQ_INT(fd, -ECONNREFUSED);
}

int main(void)
{
	test_send_all();
	test_happy_eyeballs();
	return check_report("tcp");
}
