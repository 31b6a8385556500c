/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Configuration: /etc/netinit.conf and /proc/cmdline share one key=value
 * grammar (see DESIGN.md, command-line contract). Pure: no syscalls.
 */
#ifndef NETINIT_CMDLINE_H
#define NETINIT_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX_URLS  8
#define CMDLINE_URL_MAX   512
#define CMDLINE_PATH_MAX  256
#define CMDLINE_VALUE_MAX 256

enum cmdline_onerror {
	ONERROR_DEFAULT = 0,	/* shell if /bin/sh exists, else reboot after a countdown */
	ONERROR_SHELL,
	ONERROR_REBOOT,
	ONERROR_HALT,
};

enum cmdline_stream {
	STREAM_OFF = 0,		/* fetch the image into RAM (the default) */
	STREAM_ON,		/* never copy it: a network block device (/dev/nbdN) */
	STREAM_AUTO,		/* fetch, cache or stream: whichever fits (stream_boot.c) */
	STREAM_CACHE,		/* stream at once, copy the whole image into RAM behind it */
};

enum cmdline_mode {
	MODE_AUTO = 0,
	MODE_GENKERNEL,
	MODE_DRACUT,
	MODE_STANDALONE,
};

struct netinit_config {
	char urls[CMDLINE_MAX_URLS][CMDLINE_URL_MAX];	/* netinit.url= / fetch= */
	unsigned n_urls;
	int nbd;				/* the URLs are nbd:// (stream through the kernel) */
	char loop[CMDLINE_PATH_MAX];		/* genkernel loop=PATH, "" if absent */
	char root_live[CMDLINE_PATH_MAX];	/* dracut root=live:PATH, "" if absent */
	char dest_override[CMDLINE_PATH_MAX];	/* netinit.dest= */
	char dest[CMDLINE_PATH_MAX];		/* resolved by cmdline_finish() */
	char init[CMDLINE_PATH_MAX];		/* netinit.init= ("" = default) */
	char ip[CMDLINE_VALUE_MAX];		/* ip= raw value */
	char iface[CMDLINE_VALUE_MAX];		/* netinit.iface= */
	char bootif[CMDLINE_VALUE_MAX];		/* BOOTIF= raw value */
	char sha256[65];			/* netinit.sha256= lower-case hex, "" if absent */
	uint64_t size;				/* netinit.size=, 0 if absent */
	unsigned timeout;			/* netinit.timeout= seconds (default 60) */
	unsigned retries;			/* netinit.retries= (default 3) */
	unsigned connect_timeout;		/* netinit.connect_timeout= seconds (default 10) */
	unsigned idle_timeout;			/* netinit.idle_timeout= seconds (default 20) */
	unsigned speed_limit;			/* netinit.speed_limit= bytes/s (default 1024, 0 off) */
	unsigned speed_time;			/* netinit.speed_time= seconds (default 30) */
	int spread;				/* netinit.spread= 0|1 (default 1): mirror order by MAC */
	unsigned jitter;			/* netinit.jitter= seconds: first request delay, 0-600 */
	uint8_t mac[6];				/* the boot NIC's, for spread (not a key) */
	int has_mac;				/* mac is set */
	enum cmdline_onerror onerror;
	enum cmdline_mode mode;
	char rootinit[CMDLINE_PATH_MAX];	/* netinit.rootinit= ("" = /sbin/init) */
	char overlay_size[16];			/* netinit.overlay.size= tmpfs size= value */
	int keepnet;				/* netinit.keepnet=1: NIC keeps its lease */
	enum cmdline_stream stream;		/* netinit.stream= */
	unsigned stream_cache_mib;		/* netinit.stream.cache= MiB (default 4) */
	unsigned stream_timeout;		/* netinit.stream.timeout= seconds (default 300) */
	unsigned stream_rate;			/* netinit.stream.rate= KiB/s of the cache copy (0: no cap) */
	char verity[129];			/* netinit.verity= root hash, lower-case hex, "" if absent */
	int docache;				/* genkernel "docache" (a second copy) */
	int live_ram;				/* dracut rd.live.ram (a second copy) */
	int cdroot;				/* genkernel "cdroot" flag present */
	int has_root;				/* any root= present (rootfs is ramfs, not tmpfs) */
	int debug;				/* netinit.debug */
	int quiet;				/* quiet */
	char proxy[CMDLINE_URL_MAX];		/* netinit.proxy= / proxy=: http://HOST[:PORT], "" if none */
};

/*
 * Defaults: everything empty, timeout 60, retries 3, connect_timeout 10,
 * idle_timeout 20, speed_limit 1024, speed_time 30, stream off, stream
 * cache 4 MiB, stream timeout 300 s, spread 1, jitter 0.
 */
void cmdline_init(struct netinit_config *cfg);

/*
 * Applies the settings in @text (length @len, need not be NUL-terminated)
 * to @cfg; later settings override earlier ones, except that netinit.url=
 * and fetch= replace the whole URL list each time they appear.
 *
 * @is_file = 0: kernel command line: words separated by blanks/newlines,
 *   double quotes group ("netinit.url=a b" or netinit.url="a b").
 * @is_file = 1: /etc/netinit.conf: one key=value per line, '#' starts a
 *   comment line, blank lines ignored, surrounding blanks trimmed, value
 *   may be double-quoted.
 *
 * Unknown keys are ignored (the command line belongs to the kernel and the
 * next stage too), except unknown netinit.* keys: those are typos, an
 * error. A known key with a bad value is an error. Parsing goes on past an
 * error (so a later netinit.onerror/netinit.debug still applies) and the
 * first error is returned: 0, or -EINVAL / -ENAMETOOLONG / -E2BIG with a
 * one-line message in @err (size @errlen; may be NULL/0) naming the key,
 * what was wrong and what to do. netinit.url entries are checked with
 * url_parse() here. has_root is set only from the kernel command line
 * (@is_file = 0): only the kernel's root= shapes its rootfs. A NUL byte in
 * @text counts as a blank. netinit.size=0 means "no size check".
 */
int cmdline_parse(struct netinit_config *cfg, const char *text, size_t len,
		  int is_file, char *err, size_t errlen);

/*
 * nbd:// URLs stream whatever netinit.stream says (cfg->stream = STREAM_ON).
 * Resolves cfg->dest: netinit.dest, else root=live:PATH, else loop=PATH
 * (made absolute with a leading '/'), else "/image.squashfs". A root=live:
 * value that is not a path (CDLABEL=..., a URL) is skipped. The result must
 * be a plain absolute path (no "", "." or ".." component, no trailing '/').
 * Returns 0, or -EINVAL / -ENAMETOOLONG with a message in @err.
 */
int cmdline_finish(struct netinit_config *cfg, char *err, size_t errlen);

#endif
