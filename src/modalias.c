/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure helpers for kernel module lookup: a glob matcher with fnmatch(3)
 * semantics (no flags) for the patterns in modules.alias, and parsers for
 * the lines of modules.alias and modules.dep as depmod(8) writes them.
 * Input is distrusted: lines come from files in the initramfs, device
 * modaliases from sysfs; nothing here trusts a length it did not measure,
 * nothing allocates, nothing writes to the input. The matcher is iterative
 * (one backtrack point for the last '*'), so a hostile pattern costs at
 * most O(pattern * string) and no stack.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>

#include "modalias.h"

/*
 * Matches byte @c against the class starting at pat[*pi] == '['. Returns 1
 * or 0 and moves *pi past the closing ']', or -1 if the class is not closed
 * (then '[' is an ordinary byte, as in fnmatch).
 */
static int class_match(const char *pat, size_t plen, size_t *pi, unsigned char c)
{
	size_t i = *pi + 1, first;
	int neg = 0, hit = 0;

	if (i < plen && (pat[i] == '!' || pat[i] == '^')) {
		neg = 1;
		i++;
	}
	for (first = i; i < plen;) {
		unsigned char lo, hi;

		if (pat[i] == ']' && i > first) {	/* "[]..." has a literal ']' */
			*pi = i + 1;
			return hit != neg;
		}
		if (pat[i] == '\\' && i + 1 < plen)
			i++;
		lo = hi = (unsigned char)pat[i++];
		if (i + 1 < plen && pat[i] == '-' && pat[i + 1] != ']') {
			i++;
			if (pat[i] == '\\' && i + 1 < plen)
				i++;
			hi = (unsigned char)pat[i++];
		}
		if (c >= lo && c <= hi)
			hit = 1;
	}
	return -1;
}

int modalias_match(const char *pat, size_t plen, const char *str, size_t slen)
{
	size_t p = 0, s = 0, star_p = SIZE_MAX, star_s = 0;

	while (s < slen) {
		if (p < plen) {
			char c = pat[p];
			size_t np = p;
			int r;

			if (c == '*') {
				star_p = ++p;
				star_s = s;
				continue;
			}
			if (c == '?') {
				p++, s++;
				continue;
			}
			r = c == '[' ? class_match(pat, plen, &np, (unsigned char)str[s]) : -1;
			if (r == 1) {
				p = np, s++;
				continue;
			}
			if (r < 0) {
				if (c == '\\' && p + 1 < plen)
					c = pat[++p];
				if (c == str[s]) {
					p++, s++;
					continue;
				}
			}
		}
		/* mismatch: let the last '*' swallow one more byte */
		if (star_p == SIZE_MAX)
			return 0;
		p = star_p;
		s = ++star_s;
	}
	while (p < plen && pat[p] == '*')
		p++;
	return p == plen;
}

int modalias_next_line(const char *buf, size_t len, size_t *off, struct modalias_span *line)
{
	const char *nl;
	size_t i = *off;

	if (i >= len)
		return -ENODATA;
	nl = memchr(buf + i, '\n', len - i);
	line->p = buf + i;
	line->len = (nl ? (size_t)(nl - buf) : len) - i;
	*off = i + line->len + (nl != NULL);
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int modalias_next_dep(struct modalias_span *rest, struct modalias_span *word)
{
	const char *p = rest->p, *end = rest->p + rest->len;

	while (p < end && is_space(*p))
		p++;
	if (p == end) {
		rest->p = end, rest->len = 0;
		return -ENODATA;
	}
	word->p = p;
	while (p < end && !is_space(*p))
		p++;
	word->len = (size_t)(p - word->p);
	rest->p = p;
	rest->len = (size_t)(end - p);
	return 0;
}

int modalias_parse_alias(const char *line, size_t len,
			 struct modalias_span *pattern, struct modalias_span *module)
{
	struct modalias_span rest = { line, len }, w;

	if (modalias_next_dep(&rest, &w) < 0 || w.p[0] == '#')
		return -ENODATA;
	if (w.len != 5 || memcmp(w.p, "alias", 5) != 0)
		return -EBADMSG;
	if (modalias_next_dep(&rest, pattern) < 0 || modalias_next_dep(&rest, module) < 0)
		return -EBADMSG;
	if (modalias_next_dep(&rest, &w) == 0 || module->len > MODALIAS_NAME_MAX)
		return -EBADMSG;
	return 0;
}

int modalias_parse_dep(const char *line, size_t len,
		       struct modalias_span *path, struct modalias_span *deps)
{
	struct modalias_span rest = { line, len }, w;

	if (modalias_next_dep(&rest, &w) < 0 || w.p[0] == '#')
		return -ENODATA;
	/* depmod writes "path:" with the colon glued on */
	if (w.len < 2 || w.p[w.len - 1] != ':' || memchr(w.p, ':', w.len - 1))
		return -EBADMSG;
	path->p = w.p;
	path->len = w.len - 1;
	*deps = rest;
	return 0;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* Length of the ".ko[.xz|.zst|.gz]" suffix of @path, or 0 if none. */
static size_t ko_suffix(const char *path, size_t len)
{
	static const char *const suffixes[] = { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" };
	size_t i;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (ends_with(path, len, suffixes[i]))
			return strlen(suffixes[i]);
	return 0;
}

int modalias_compressed(const char *path, size_t len)
{
	return ko_suffix(path, len) > 3;
}

int modalias_modname(const char *path, size_t len, char *out, size_t outsz)
{
	size_t suf = ko_suffix(path, len), start = len, i, n;

	if (!suf)
		return -EBADMSG;
	while (start > 0 && path[start - 1] != '/')
		start--;
	n = len - suf - start;
	if (n == 0 || len - suf < start)
		return -EBADMSG;
	if (n >= outsz || n > MODALIAS_NAME_MAX)
		return -ENAMETOOLONG;
	for (i = 0; i < n; i++)
		out[i] = path[start + i] == '-' ? '_' : path[start + i];
	out[n] = '\0';
	return (int)n;
}

int modalias_name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return 0;
	}
	return 1;
}
