/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure helpers for kernel module lookup: the fnmatch(3)-style glob matcher
 * used for modules.alias patterns, and parsers for the text lines of
 * modules.alias ("alias PATTERN MODNAME") and modules.dep
 * ("kernel/x/y.ko: kernel/a.ko kernel/b.ko"). No syscalls, no allocation:
 * results are spans pointing into the caller's (read-only) buffer.
 * Formats: kmod's depmod(8), modules.dep(5); the device side is the
 * "modalias" sysfs attribute (Documentation/ABI/testing/sysfs-bus-*).
 */
#ifndef NETINIT_MODALIAS_H
#define NETINIT_MODALIAS_H

#include <stddef.h>

/* Longest module name the kernel accepts (MODULE_NAME_LEN is 64 - 8). */
#define MODALIAS_NAME_MAX 56

struct modalias_span {
	const char *p;
	size_t len;
};

/*
 * Matches @str (@slen bytes) against glob @pat (@plen bytes) like
 * fnmatch(pat, str, 0): '*' any run (also '/'), '?' one byte, "[...]" a
 * class with ranges and '!' or '^' negation, '\' escapes the next byte.
 * A '[' without its ']' matches itself. Returns 1 on match, 0 otherwise.
 */
int modalias_match(const char *pat, size_t plen, const char *str, size_t slen);

/*
 * Cuts the next line from @buf (@len bytes) at *@off: sets @line (without
 * the '\n') and advances *@off. Returns 0, or -ENODATA at the end.
 */
int modalias_next_line(const char *buf, size_t len, size_t *off, struct modalias_span *line);

/*
 * Parses one modules.alias line "alias PATTERN MODNAME". Returns 0 with
 * @pattern and @module set, -ENODATA for a blank or '#' comment line, or
 * -EBADMSG for anything else (wrong keyword, missing or extra fields).
 */
int modalias_parse_alias(const char *line, size_t len,
			 struct modalias_span *pattern, struct modalias_span *module);

/*
 * Parses one modules.dep line "PATH: DEP DEP ...". Returns 0 with @path
 * (the module's .ko path) and @deps (the unparsed rest, for
 * modalias_next_dep), -ENODATA for a blank or comment line, or -EBADMSG.
 */
int modalias_parse_dep(const char *line, size_t len,
		       struct modalias_span *path, struct modalias_span *deps);

/*
 * Takes the next whitespace-separated word from @rest into @word and
 * shortens @rest. Returns 0, or -ENODATA when no word is left.
 */
int modalias_next_dep(struct modalias_span *rest, struct modalias_span *word);

/*
 * Writes the kernel's name for the module at @path ("kernel/a/intel-uncore.ko.xz"
 * -> "intel_uncore") into @out (@outsz bytes, NUL-terminated). Returns the
 * name length, or -EBADMSG if @path does not end in .ko, .ko.xz, .ko.zst or
 * .ko.gz, or -ENAMETOOLONG.
 */
int modalias_modname(const char *path, size_t len, char *out, size_t outsz);

/* Returns 1 if the .ko path is compressed (.ko.xz/.ko.zst/.ko.gz), else 0. */
int modalias_compressed(const char *path, size_t len);

/* Returns 1 if module names @a and @b are equal with '-' and '_' the same. */
int modalias_name_eq(const char *a, size_t alen, const char *b, size_t blen);

#endif
