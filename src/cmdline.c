/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Configuration from /etc/netinit.conf and the kernel command line. Both
 * reduce to key[=value] settings applied in order through one key table;
 * the command line is split into words exactly as the kernel's own
 * next_arg() does, quotes included, so netinit reads what the kernel read.
 * Values are distrusted: lengths are checked against their buffers, numbers
 * are digits only and bounded, and every bad value yields one line naming
 * the key, what is wrong and what to do. Parsing goes on past a bad value so
 * that netinit.onerror and netinit.debug still apply; the first error is
 * returned. Pure: no syscalls, no allocation.
 * Implements the command-line syntax of the kernel's
 * Documentation/admin-guide/kernel-parameters.rst (lib/cmdline.c next_arg),
 * the keys of DESIGN.md, genkernel's loop=/cdroot, dracut's root=live:,
 * live-boot's fetch= and pxelinux's BOOTIF=.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cmdline.h"
#include "nbd_proto.h"
#include "url.h"

#define TIMEOUT_MAX 86400	/* a day: longer is a typo */
#define RETRIES_MAX 100
#define SPEED_LIMIT_MAX 1000000000	/* 1 GB/s: more is a typo */
#define STREAM_CACHE_MAX 1024	/* MiB of stream read cache: more is a typo */
#define JITTER_MAX 600		/* seconds: ten minutes of spreading is plenty */
#define MSG_VALUE_MAX 60	/* longest value quoted in an error message */

/* One setting: key, optional value, where its error message goes. */
struct arg {
	const char *key, *val;
	size_t klen, vlen;
	int has_val;
	int from_kernel;	/* from /proc/cmdline, not netinit.conf */
	char *err;		/* NULL once an earlier setting failed */
	size_t errlen;
	unsigned off, rule;	/* set_num()'s field and rule, from the key table */
};

/* ---- error messages ---- */

static void msg_put(struct arg *a, size_t *pos, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && *pos + 1 < a->errlen; i++) {
		unsigned char c = (unsigned char)s[i];

		a->err[(*pos)++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	a->err[*pos] = '\0';
}

/*
 * "key: "value" @what@num@what2" on one line; @num < 0 leaves it out, and
 * so does a NULL value its quotes. Bytes a console would act on print as '?'.
 */
static int fail_n(struct arg *a, int rc, const char *what, long num, const char *what2)
{
	int cut = a->vlen > MSG_VALUE_MAX;
	char d[24];
	size_t pos = 0, i = sizeof(d) - 1;

	if (!a->err || !a->errlen)
		return rc;
	msg_put(a, &pos, a->key, a->klen);
	msg_put(a, &pos, ": ", 2);
	if (a->val) {
		msg_put(a, &pos, "\"", 1);
		msg_put(a, &pos, a->val, cut ? MSG_VALUE_MAX : a->vlen);
		msg_put(a, &pos, cut ? "...\" " : "\" ", cut ? 5 : 2);
	}
	msg_put(a, &pos, what, strlen(what));
	d[i] = '\0';
	while (num >= 0) {
		d[--i] = (char)('0' + num % 10);
		num = num >= 10 ? num / 10 : -1;
	}
	msg_put(a, &pos, d + i, strlen(d + i));
	msg_put(a, &pos, what2, strlen(what2));
	return rc;
}

static int fail(struct arg *a, int rc, const char *what)
{
	return fail_n(a, rc, what, -1, "");
}

/* ---- value setters ---- */

static int has_ctl(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

static int copy_value(struct arg *a, char *dst, size_t size)
{
	if (a->vlen >= size)
		return fail_n(a, -ENAMETOOLONG, "is longer than ", (long)size - 1,
			      " bytes; shorten it");
	if (has_ctl(a->val, a->vlen))
		return fail(a, -EINVAL, "holds a control character; remove it");
	memcpy(dst, a->val, a->vlen);
	dst[a->vlen] = '\0';
	return 0;
}

/* Decimal digits only, at most @max. */
static int parse_dec(const struct arg *a, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (a->vlen == 0)
		return -EINVAL;
	for (i = 0; i < a->vlen; i++) {
		unsigned d = (unsigned)(a->val[i] - '0');

		if (d > 9 || v > (max - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* Picks a->val out of @names (NULL-terminated); the index goes to @out. */
static int parse_choice(struct arg *a, const char *const *names, unsigned *out)
{
	unsigned i;

	for (i = 0; names[i]; i++)
		if (strlen(names[i]) == a->vlen && !memcmp(names[i], a->val, a->vlen)) {
			*out = i;
			return 0;
		}
	return -EINVAL;
}

/*
 * http:// mirrors, or nbd:// servers (cfg->nbd): one kind in a list, as
 * the one streams through netinit and the other through the kernel.
 */
static int set_url_list(struct netinit_config *cfg, struct arg *a)
{
	const char *p = a->val, *end = a->val + a->vlen;
	struct arg one = *a;
	union { struct url h; struct nbd_url n; } u;
	int rc, nbd;

	cfg->n_urls = 0;
	for (;; p++) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		char *url = cfg->urls[cfg->n_urls];

		one.val = p;
		p = comma ? comma : end;
		one.vlen = (size_t)(p - one.val);
		if (one.vlen == 0)
			return fail(a, -EINVAL, "has an empty URL; give URL[,URL...]");
		if (cfg->n_urls == CMDLINE_MAX_URLS)
			return fail_n(a, -E2BIG, "lists more than ", CMDLINE_MAX_URLS,
				      " URLs; drop some mirrors");
		rc = copy_value(&one, url, CMDLINE_URL_MAX);
		if (rc < 0)
			return rc;
		rc = url_parse(url, &u.h);
		nbd = rc == -EPROTONOSUPPORT;
		if (nbd)
			rc = nbd_url_parse(url, &u.n);
		if (rc == -EPROTONOSUPPORT)
			return fail(&one, -EINVAL, "is neither http:// nor nbd://; give an "
				    "http:// mirror or an nbd:// server");
		if (rc == -EADDRNOTAVAIL)
			return fail(&one, -EINVAL, "has an IPv6 zone id (%25...), which netinit "
				    "does not support; give a global address or a name");
		if (rc < 0)
			return fail(&one, rc == -ENAMETOOLONG ? rc : -EINVAL,
				    "is not an http://HOST[:PORT]/PATH or nbd://HOST[:PORT]/EXPORT "
				    "URL; fix it");
		if (cfg->n_urls && nbd != cfg->nbd)
			return fail(a, -EINVAL, "mixes http:// and nbd:// URLs; give one kind");
		cfg->nbd = nbd;
		cfg->n_urls++;
		if (p == end)
			return 0;
	}
}

/*
 * An HTTP proxy for the downloads: "http://HOST[:PORT][/]" or "HOST[:PORT]"
 * (http:// assumed; HOST a name, an IPv4 or a [v6] literal). Empty: none.
 */
static int set_proxy(struct netinit_config *cfg, struct arg *a)
{
	static const char http[] = "http://";
	size_t skip = 0, i;
	struct url u;
	int rc;

	for (i = 0; i + 2 < a->vlen && memcmp(a->val + i, "://", 3); i++)
		;
	if (i + 2 >= a->vlen) {
		memcpy(cfg->proxy, http, sizeof(http) - 1);
		skip = sizeof(http) - 1;
	}
	if (a->vlen == 0) {
		cfg->proxy[0] = '\0';
		return 0;
	}
	rc = copy_value(a, cfg->proxy + skip, sizeof(cfg->proxy) - skip);
	if (rc == 0)
		rc = url_parse(cfg->proxy, &u);
	if (rc == 0 && (!u.host[0] || strcmp(u.path, "/")))
		rc = -EINVAL;
	if (rc < 0) {
		cfg->proxy[0] = '\0';
		return fail(a, rc == -ENAMETOOLONG ? rc : -EINVAL, "is not an http://HOST[:PORT] "
			    "proxy (no user:password@, no path, no https://); fix it");
	}
	return 0;
}

/* Only the kernel's root= decides whether its rootfs is ramfs. */
static int set_root(struct netinit_config *cfg, struct arg *a)
{
	if (a->from_kernel)
		cfg->has_root = a->vlen > 0;
	cfg->root_live[0] = '\0';
	if (a->vlen < 5 || memcmp(a->val, "live:", 5) != 0)
		return 0;
	a->val += 5;
	a->vlen -= 5;
	return copy_value(a, cfg->root_live, sizeof(cfg->root_live));
}

/* 0|1 flags at a->off; a bare key means 1 (netinit.keepnet, netinit.debug). */
static int set_flag(struct netinit_config *cfg, struct arg *a)
{
	int *out = (int *)((char *)cfg + a->off);

	if (!a->has_val || (a->vlen == 1 && a->val[0] == '1'))
		*out = 1;
	else if (a->vlen == 1 && a->val[0] == '0')
		*out = 0;
	else
		return fail(a, -EINVAL, "is not 0 or 1; give 0 or 1");
	return 0;
}

/* Bare flags at a->off, any value (genkernel's "cdroot" or "cdroot=DEVICE", docache, quiet). */
static int set_one(struct netinit_config *cfg, struct arg *a)
{
	*(int *)((char *)cfg + a->off) = 1;
	return 0;
}

/* dracut's getargbool: anything but 0, no, off counts as set; never an error. */
static int set_live_ram(struct netinit_config *cfg, struct arg *a)
{
	static const char *const off[] = { "0", "no", "off", NULL };
	unsigned i;

	cfg->live_ram = !a->has_val || parse_choice(a, off, &i) < 0;
	return 0;
}

/* tmpfs size=: digits with an optional k, m, g or % suffix, nothing else. */
static int set_overlay_size(struct netinit_config *cfg, struct arg *a)
{
	size_t i, n = a->vlen;

	if (n && memchr("kKmMgG%", a->val[n - 1], 7))
		n--;
	for (i = 0; i < n && a->val[i] >= '0' && a->val[i] <= '9'; i++)
		;
	if (n == 0 || i < n || n > 12)
		return fail(a, -EINVAL, "is not a tmpfs size; give bytes with an optional "
			    "k, m, g or % suffix (512m, 50%)");
	return copy_value(a, cfg->overlay_size, sizeof(cfg->overlay_size));
}

/* Absolute paths: the string field at a->off (a->rule: 0 next stage's init, 1 live root's). */
static int set_abs(struct netinit_config *cfg, struct arg *a)
{
	if (a->vlen && a->val[0] != '/')
		return fail(a, -EINVAL, a->rule ? "is not an absolute path; give the live root's "
			    "init as /PATH" : "is not an absolute path; give the next stage's "
			    "init as /PATH");
	return copy_value(a, (char *)cfg + a->off, CMDLINE_PATH_MAX);
}

/* One of a few words: its index + first into the enum at a->off, rule from choices[a->rule]. */
static const struct choice {
	const char *const *names;
	int first;
	const char *what;
} choices[] = {
	{ (const char *const[]){ "off", "on", "auto", "cache", NULL }, STREAM_OFF,
	  "is not off, on, auto or cache; pick one of them" },
	{ (const char *const[]){ "shell", "reboot", "halt", NULL }, ONERROR_SHELL,
	  "is not shell, reboot or halt; pick one of them" },
	{ (const char *const[]){ "auto", "genkernel", "dracut", "standalone", NULL }, MODE_AUTO,
	  "is not auto, genkernel, dracut or standalone; pick one of them" },
};

static int set_choice(struct netinit_config *cfg, struct arg *a)
{
	const struct choice *c = &choices[a->rule];
	unsigned i;

	if (parse_choice(a, c->names, &i) < 0)
		return fail(a, -EINVAL, c->what);
	*(int *)((char *)cfg + a->off) = c->first + (int)i;
	return 0;
}

/*
 * Hex digests, lower-cased into the field at a->off: rule 0 netinit.sha256
 * (exactly 64 digits), rule 1 a dm-verity root hash (32 to 128, an even
 * count: sha256 to sha512). The value is not NUL-terminated: vlen bytes.
 */
static int set_hex(struct netinit_config *cfg, struct arg *a)
{
	char *out = (char *)cfg + a->off;
	size_t i, min = a->rule ? 32 : 64, max = a->rule ? 128 : 64;

	for (i = 0; i < a->vlen && i < max; i++) {
		char c = a->val[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			break;
		out[i] = c;
	}
	if (i != a->vlen || i < min || i % 2) {
		out[0] = '\0';
		return fail(a, -EINVAL, a->rule ? "is not a root hash in hex; give the 'Root hash' "
			    "veritysetup format printed" : "is not 64 hex digits; give the image's "
			    "sha256sum");
	}
	out[i] = '\0';
	return 0;
}

static int set_size(struct netinit_config *cfg, struct arg *a)
{
	if (parse_dec(a, INT64_MAX, &cfg->size) < 0)
		return fail(a, -EINVAL, "is not a decimal byte count; give the image's size "
			    "in bytes (stat -c %s)");
	return 0;
}

/*
 * The unsigned numbers: cfg field at a->off, bounds and advice from
 * num_rules[a->rule].
 */
static const struct num_rule {
	uint32_t min, max;
	const char *what;
} num_rules[] = {
	{ 1, TIMEOUT_MAX, "; give the network wait in seconds" },
	{ 0, RETRIES_MAX, "; give how many more rounds over the mirrors to try" },
	{ 1, TIMEOUT_MAX, "; give the HTTP connect wait in seconds" },
	{ 1, TIMEOUT_MAX, "; give how many seconds without a byte end a download attempt" },
	{ 0, SPEED_LIMIT_MAX, "; give the bytes per second below which a mirror is left "
	  "(0: never)" },
	{ 1, TIMEOUT_MAX, "; give how many seconds below netinit.speed_limit leave a mirror" },
	{ 1, STREAM_CACHE_MAX, "; give the stream read cache in MiB" },
	{ 1, TIMEOUT_MAX, "; give how many seconds a stalled stream read may wait" },
	{ 0, SPEED_LIMIT_MAX, "; give KiB/s (0: no cap)" },
	{ 0, JITTER_MAX, "; give the longest random wait before the first request in seconds" },
};

static int set_num(struct netinit_config *cfg, struct arg *a)
{
	const struct num_rule *r = &num_rules[a->rule];
	uint64_t v;

	if (parse_dec(a, r->max, &v) < 0 || v < r->min)
		return fail_n(a, -EINVAL, r->min ? "is not 1.." : "is not 0..", (long)r->max,
			      r->what);
	*(unsigned *)((char *)cfg + a->off) = (unsigned)v;
	return 0;
}

#define FIELD(f) offsetof(struct netinit_config, f), sizeof(((struct netinit_config *)0)->f)
/* set_flag, set_one: the int at FIELD()'s offset */
#define NUM(f, rule) set_num, offsetof(struct netinit_config, f), rule

static const struct cmdline_key {
	const char *name;	/* ".url" stands for "netinit.url" */
	int (*set)(struct netinit_config *cfg, struct arg *a);
	uint16_t off, size;	/* a plain string field when set is NULL; set_num: field, rule */
} cmdline_keys[] = {
	{ ".url", set_url_list, 0, 0 },
	{ "fetch", set_url_list, 0, 0 },
	{ ".proxy", set_proxy, 0, 0 },
	{ "proxy", set_proxy, 0, 0 },
	{ ".sha256", set_hex, offsetof(struct netinit_config, sha256), 0 },
	{ ".size", set_size, 0, 0 },
	{ ".dest", NULL, FIELD(dest_override) },
	{ ".init", set_abs, offsetof(struct netinit_config, init), 0 },
	{ ".iface", NULL, FIELD(iface) },
	{ ".mode", set_choice, offsetof(struct netinit_config, mode), 2 },
	{ ".onerror", set_choice, offsetof(struct netinit_config, onerror), 1 },
	{ ".timeout", NUM(timeout, 0) },
	{ ".retries", NUM(retries, 1) },
	{ ".connect_timeout", NUM(connect_timeout, 2) },
	{ ".idle_timeout", NUM(idle_timeout, 3) },
	{ ".speed_limit", NUM(speed_limit, 4) },
	{ ".speed_time", NUM(speed_time, 5) },
	{ ".spread", set_flag, FIELD(spread) },
	{ ".jitter", NUM(jitter, 9) },
	{ ".debug", set_flag, FIELD(debug) },
	{ ".keepnet", set_flag, FIELD(keepnet) },
	{ ".rootinit", set_abs, offsetof(struct netinit_config, rootinit), 1 },
	{ ".overlay.size", set_overlay_size, 0, 0 },
	{ ".stream", set_choice, offsetof(struct netinit_config, stream), 0 },
	{ ".stream.cache", NUM(stream_cache_mib, 6) },
	{ ".stream.timeout", NUM(stream_timeout, 7) },
	{ ".stream.rate", NUM(stream_rate, 8) },
	{ ".verity", set_hex, offsetof(struct netinit_config, verity), 1 },
	{ "docache", set_one, FIELD(docache) },
	{ "rd.live.ram", set_live_ram, 0, 0 },
	{ "loop", NULL, FIELD(loop) },
	{ "root", set_root, 0, 0 },
	{ "cdroot", set_one, FIELD(cdroot) },
	{ "quiet", set_one, FIELD(quiet) },
	{ "ip", NULL, FIELD(ip) },
	{ "BOOTIF", NULL, FIELD(bootif) },
};

static int apply(struct netinit_config *cfg, struct arg *a)
{
	const struct cmdline_key *k;
	size_t n = sizeof(cmdline_keys) / sizeof(cmdline_keys[0]);
	int ours = a->klen > 8 && !memcmp(a->key, "netinit.", 8);
	size_t skip = ours ? 7 : 0;	/* "netinit.url" is looked up as ".url" */

	for (k = cmdline_keys; k < cmdline_keys + n && (ours || !a->klen || a->key[0] != '.'); k++)
		if (strlen(k->name) == a->klen - skip && !memcmp(k->name, a->key + skip, a->klen - skip))
		{
			a->off = k->off;
			a->rule = k->size;
			return k->set ? k->set(cfg, a) : copy_value(a, (char *)cfg + k->off, k->size);
		}
	if (ours) {
		a->val = NULL;
		return fail(a, -EINVAL, "unknown key; check its spelling against the "
			    "command-line keys in DESIGN.md");
	}
	return 0;	/* the kernel's or the next stage's */
}

/* ---- splitting ---- */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
	       c == '\0';
}

/* Splits "key=value" in [s, e) into @a. */
static void split_kv(struct arg *a, const char *s, const char *e)
{
	const char *eq = memchr(s, '=', (size_t)(e - s));

	a->key = s;
	a->klen = (size_t)((eq ? eq : e) - s);
	a->has_val = eq != NULL;
	a->val = eq ? eq + 1 : e;
	a->vlen = (size_t)(e - a->val);
}

/*
 * The next word of a kernel command line, as lib/cmdline.c next_arg():
 * blanks end a word outside double quotes; a quote opening the word or the
 * value is dropped together with a quote closing the word.
 */
static int next_word(const char *t, size_t len, size_t *pos, struct arg *a)
{
	size_t i = *pos, start;
	int in_quote = 0, quoted = 0;
	const char *end;

	while (i < len && is_space(t[i]))
		i++;
	if (i == len)
		return 0;
	if (t[i] == '"') {
		in_quote = quoted = 1;
		i++;
	}
	for (start = i; i < len && (in_quote || !is_space(t[i])); i++)
		if (t[i] == '"')
			in_quote = !in_quote;
	*pos = i;
	end = t + i;
	split_kv(a, t + start, end);
	if (a->vlen && a->val[0] == '"') {
		a->val++;
		a->vlen--;
		quoted = 1;
	}
	if (quoted && end > t + start && end[-1] == '"') {
		if (a->has_val && a->vlen)
			a->vlen--;
		else if (!a->has_val && a->klen)
			a->klen--;
	}
	return 1;
}

/* The next setting of netinit.conf: trimmed "key = value" lines, '#' comments. */
static int next_line(const char *t, size_t len, size_t *pos, struct arg *a)
{
	const char *s, *e, *nl, *end = t + len;

	while (*pos < len) {
		s = t + *pos;
		nl = memchr(s, '\n', (size_t)(end - s));
		e = nl ? nl : end;
		*pos = (size_t)(e - t) + (nl != NULL);
		while (s < e && is_space(*s))
			s++;
		while (e > s && is_space(e[-1]))
			e--;
		if (s == e || *s == '#')
			continue;
		split_kv(a, s, e);
		while (a->klen && is_space(a->key[a->klen - 1]))
			a->klen--;
		while (a->vlen && is_space(*a->val))
			a->val++, a->vlen--;
		if (a->vlen >= 2 && a->val[0] == '"' && a->val[a->vlen - 1] == '"')
			a->val++, a->vlen -= 2;
		return 1;
	}
	return 0;
}

void cmdline_init(struct netinit_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->timeout = 60;
	cfg->retries = 3;
	cfg->connect_timeout = 10;
	cfg->idle_timeout = 20;
	cfg->speed_limit = 1024;
	cfg->speed_time = 30;
	cfg->stream_cache_mib = 4;
	cfg->stream_timeout = 300;
	cfg->spread = 1;
}

int cmdline_parse(struct netinit_config *cfg, const char *text, size_t len,
		  int is_file, char *err, size_t errlen)
{
	struct arg a;
	size_t pos = 0;
	int rc, first = 0;

	if (err && errlen)
		err[0] = '\0';
	for (;;) {
		memset(&a, 0, sizeof(a));
		if (!(is_file ? next_line(text, len, &pos, &a) : next_word(text, len, &pos, &a)))
			return first;
		a.from_kernel = !is_file;
		a.err = first ? NULL : err;
		a.errlen = errlen;
		rc = apply(cfg, &a);
		if (rc < 0 && !first)
			first = rc;
	}
}

/* An absolute path of plain names: no "", "." or ".." component. */
static int plain_path(const char *p)
{
	size_t n;

	if (*p != '/')
		return 0;
	while (*p == '/') {
		n = strcspn(++p, "/");
		if (n == 0 || (p[0] == '.' && (n == 1 || (n == 2 && p[1] == '.'))))
			return 0;
		p += n;
	}
	return 1;
}

int cmdline_finish(struct netinit_config *cfg, char *err, size_t errlen)
{
	struct arg a = { "netinit.dest", cfg->dest_override, 12, 0, 1, 0, err, errlen, 0, 0 };
	size_t pre = 0;

	if (cfg->nbd)
		cfg->stream = STREAM_ON;	/* an NBD export can only stream */
	if (!cfg->dest_override[0] && cfg->root_live[0] == '/')
		a.key = "root", a.klen = 4, a.val = cfg->root_live;
	else if (!cfg->dest_override[0] && cfg->loop[0])
		a.key = "loop", a.klen = 4, a.val = cfg->loop, pre = cfg->loop[0] != '/';
	else if (!cfg->dest_override[0])
		a.val = "/image.squashfs";
	a.vlen = strlen(a.val);
	if (pre + a.vlen >= sizeof(cfg->dest))
		return fail_n(&a, -ENAMETOOLONG, "is longer than ",
			      (long)sizeof(cfg->dest) - 2, " bytes; shorten it");
	cfg->dest[0] = '/';
	memcpy(cfg->dest + pre, a.val, a.vlen + 1);
	if (!plain_path(cfg->dest)) {
		cfg->dest[0] = '\0';
		return fail(&a, -EINVAL, "is not a plain absolute file path; give "
			    "/DIR/NAME.squashfs");
	}
	return 0;
}
