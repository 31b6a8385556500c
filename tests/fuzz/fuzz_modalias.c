/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for src/modalias.c. The input is split at its first NUL
 * byte (else at a data-derived offset) into a glob pattern and a string for
 * modalias_match(); where both are printable ASCII without named classes
 * ("[:", "[=", "[."), an unclosed '[', a trailing '\' or more than four
 * '*', the result must equal glibc fnmatch(3), as the unit test checks on
 * a small alphabet. Then the whole input is walked as a modules.alias and
 * as a modules.dep file (modalias_next_line, _parse_alias, _parse_dep,
 * _next_dep, _modname, _compressed, _name_eq). Invariants: spans lie inside their line and hold
 * no blank, names are terminated at the length returned, name_eq is
 * reflexive and symmetric, and a pattern matches its escaped self.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modalias.h"

static int inside(const struct modalias_span *s, const char *p, size_t len)
{
	return s->p >= p && s->len <= len && s->p + s->len <= p + len;
}

static int has_blank(const struct modalias_span *s)
{
	return memchr(s->p, ' ', s->len) || memchr(s->p, '\t', s->len) ||
	       memchr(s->p, '\n', s->len);
}

static int plain_ascii(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	return 1;
}

static size_t stars(const char *p)
{
	size_t n = 0;

	while ((p = strchr(p, '*')))
		n++, p++;
	return n;
}

static void check_fnmatch(const char *pat, size_t plen, const char *str, size_t slen)
{
	static char p[4096], s[4096];
	int got = modalias_match(pat, plen, str, slen);

	if (got != 0 && got != 1)
		abort();
	if (plen >= sizeof(p) || slen >= sizeof(s) || !plain_ascii(pat, plen) ||
	    !plain_ascii(str, slen))
		return;
	memcpy(p, pat, plen);
	memcpy(s, str, slen);
	p[plen] = s[slen] = '\0';
	if (strstr(p, "[:") || strstr(p, "[=") || strstr(p, "[."))
		return;
	if (plen && p[plen - 1] == '\\')	/* glibc: trailing '\' never matches */
		return;
	if (stars(p) > 4)	/* glibc backtracks: exponential in the '*' count */
		return;
	/* unclosed "[x-" at the end: ours matches it literally (modalias.h), glibc never */
	if (strrchr(p, '[') && (!strrchr(p, ']') || strrchr(p, '[') > strrchr(p, ']')))
		return;
	if (got != (fnmatch(p, s, 0) == 0))
		abort();
}

/* Every byte escaped matches only the string itself. */
static void check_escaped(const char *str, size_t slen)
{
	static char p[8192];
	size_t i;

	if (slen * 2 > sizeof(p))
		return;
	for (i = 0; i < slen; i++) {
		p[2 * i] = '\\';
		p[2 * i + 1] = str[i];
	}
	if (modalias_match(p, slen * 2, str, slen) != 1)
		abort();
}

static void check_name(const struct modalias_span *path)
{
	char out[MODALIAS_NAME_MAX + 1];
	int n = modalias_modname(path->p, path->len, out, sizeof(out));
	int z = modalias_compressed(path->p, path->len);

	if (z != 0 && z != 1)
		abort();
	if (n < 0) {
		if (n != -EBADMSG && n != -ENAMETOOLONG)
			abort();
		return;
	}
	/* by length: a NUL inside a word is copied like any other byte */
	if ((size_t)n >= sizeof(out) || out[n] != '\0' || memchr(out, '-', (size_t)n))
		abort();
	if (!modalias_name_eq(out, (size_t)n, out, (size_t)n))
		abort();
}

static void check_line(const struct modalias_span *line)
{
	struct modalias_span pat, mod, path, deps, w;
	int rc, n = 0;

	rc = modalias_parse_alias(line->p, line->len, &pat, &mod);
	if (rc == 0) {
		if (!inside(&pat, line->p, line->len) || !inside(&mod, line->p, line->len) ||
		    !pat.len || !mod.len || has_blank(&pat) || has_blank(&mod) ||
		    mod.len > MODALIAS_NAME_MAX)
			abort();
		if (modalias_name_eq(pat.p, pat.len, mod.p, mod.len) !=
		    modalias_name_eq(mod.p, mod.len, pat.p, pat.len))
			abort();
		if (!modalias_name_eq(mod.p, mod.len, mod.p, mod.len))
			abort();
		check_fnmatch(pat.p, pat.len, mod.p, mod.len);
	} else if (rc != -ENODATA && rc != -EBADMSG) {
		abort();
	}

	rc = modalias_parse_dep(line->p, line->len, &path, &deps);
	if (rc == 0) {
		if (!inside(&path, line->p, line->len) || !inside(&deps, line->p, line->len) ||
		    !path.len || has_blank(&path) || memchr(path.p, ':', path.len))
			abort();
		check_name(&path);
		while (modalias_next_dep(&deps, &w) == 0) {
			if (!inside(&w, line->p, line->len) || !w.len || has_blank(&w) ||
			    ++n > (int)line->len)
				abort();
			check_name(&w);
		}
	} else if (rc != -ENODATA && rc != -EBADMSG) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	const char *nul = memchr(buf, '\0', size);
	size_t cut = nul ? (size_t)(nul - buf) : size ? (size_t)data[0] * 7 % (size + 1) : 0;
	size_t rest = nul ? cut + 1 : cut;
	struct modalias_span line;
	size_t off = 0, lines = 0;

	check_fnmatch(buf, cut, buf + rest, size - rest);
	check_escaped(buf + rest, size - rest);

	while (modalias_next_line(buf, size, &off, &line) == 0) {
		if (!inside(&line, buf, size) || memchr(line.p, '\n', line.len) ||
		    off > size || ++lines > size + 1)
			abort();
		check_line(&line);
	}
	return 0;
}
