/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for src/cmdline.c: the input is a kernel command line
 * (is_file = 0) and an /etc/netinit.conf (is_file = 1), each parsed into a
 * fresh config and finished with cmdline_finish(); then, as main() does,
 * the first part of the input as the file and the rest as the command line
 * into one config. The text is not NUL-terminated. The error buffer's size
 * is derived from the data, so short buffers are tried too. Invariants:
 * n_urls <= CMDLINE_MAX_URLS, every URL kept parses (all http://, or all
 * nbd:// with cfg->nbd set), every string
 * terminated within its array, sha256 empty or 64 lower-case hex digits,
 * enums in range, a finished dest a plain absolute path, and err always a
 * terminated string that never runs past its size.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "nbd_proto.h"
#include "url.h"

#define ERR_MAX 512

static char err[ERR_MAX + 16];

static void check_term(const char *s, size_t size)
{
	if (!memchr(s, '\0', size))
		abort();
}

static void check_cfg(const struct netinit_config *c)
{
	struct nbd_url n;
	struct url u;
	unsigned i;

	if (c->n_urls > CMDLINE_MAX_URLS)
		abort();
	for (i = 0; i < c->n_urls; i++) {
		check_term(c->urls[i], sizeof(c->urls[i]));
		if ((c->nbd ? nbd_url_parse(c->urls[i], &n) : url_parse(c->urls[i], &u)) != 0)
			abort();
	}
	check_term(c->loop, sizeof(c->loop));
	check_term(c->root_live, sizeof(c->root_live));
	check_term(c->dest_override, sizeof(c->dest_override));
	check_term(c->dest, sizeof(c->dest));
	check_term(c->init, sizeof(c->init));
	check_term(c->ip, sizeof(c->ip));
	check_term(c->iface, sizeof(c->iface));
	check_term(c->bootif, sizeof(c->bootif));
	check_term(c->sha256, sizeof(c->sha256));
	if (c->sha256[0] && (strlen(c->sha256) != 64 ||
			     strspn(c->sha256, "0123456789abcdef") != 64))
		abort();
	if ((unsigned)c->onerror > ONERROR_HALT || (unsigned)c->mode > MODE_STANDALONE)
		abort();
}

/*
 * err: untouched beyond @errlen; terminated within it after a parse (which
 * always sets it) or a failed finish (which is only promised to set it on
 * failure).
 */
static void check_err(int rc, size_t errlen, int always_set)
{
	size_t i;

	if (rc != 0 && rc != -EINVAL && rc != -ENAMETOOLONG && rc != -E2BIG)
		abort();
	for (i = errlen; i < sizeof(err); i++)
		if (err[i] != 'Z')
			abort();
	if (errlen == 0 || (rc == 0 && !always_set))
		return;
	check_term(err, errlen);
	if (rc == 0 && err[0] != '\0')
		abort();
	if (rc != 0 && errlen > 1 && err[0] == '\0')
		abort();	/* an error always says something */
}

/* An absolute path of plain names: no "", "." or ".." component. */
static void check_dest(const char *p)
{
	size_t n;

	if (*p != '/')
		abort();
	while (*p == '/') {
		n = strcspn(++p, "/");
		if (n == 0 || (p[0] == '.' && (n == 1 || (n == 2 && p[1] == '.'))))
			abort();
		p += n;
	}
	if (*p)
		abort();
}

static int parse(struct netinit_config *c, const uint8_t *text, size_t len, int is_file,
		 size_t errlen)
{
	int rc;

	memset(err, 'Z', sizeof(err));
	rc = cmdline_parse(c, (const char *)text, len, is_file, errlen ? err : NULL, errlen);
	check_err(rc, errlen, 1);
	check_cfg(c);
	return rc;
}

static void finish(struct netinit_config *c, size_t errlen)
{
	int rc;

	memset(err, 'Z', sizeof(err));
	rc = cmdline_finish(c, errlen ? err : NULL, errlen);
	check_err(rc, errlen, 0);
	if (rc == -E2BIG)
		abort();
	check_cfg(c);
	if (rc == 0)
		check_dest(c->dest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct netinit_config cfg;
	size_t errlen = size ? (size_t)data[size - 1] * 3 % (ERR_MAX + 1) : ERR_MAX;
	size_t cut = size ? (size_t)data[0] * 131 % (size + 1) : 0;
	int is_file;

	for (is_file = 0; is_file <= 1; is_file++) {
		cmdline_init(&cfg);
		parse(&cfg, data, size, is_file, ERR_MAX);
		finish(&cfg, ERR_MAX);
		cmdline_init(&cfg);
		parse(&cfg, data, size, is_file, errlen);
		finish(&cfg, errlen);
	}
	/* as main(): the file first, then the kernel's overrides */
	cmdline_init(&cfg);
	parse(&cfg, data, cut, 1, errlen);
	parse(&cfg, data + cut, size - cut, 0, errlen);
	finish(&cfg, errlen);
	return 0;
}
