/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netinit-fetch: the fetch stage (src/fetch.c, unchanged) as a host
 * program, for tests against tests/fault/faultd.py and benchmarks against
 * curl and wget. The options become netinit.* settings through
 * cmdline_parse(), so they are checked exactly as on a kernel command line.
 *
 *   netinit-fetch URL... -o FILE [--sha256 HEX] [--size N] [--retries N]
 *                 [--timeout S] [--connect-timeout S] [--idle-timeout S]
 *                 [--speed-limit BYTES_PER_S] [--speed-time S]
 *                 [--proxy http://HOST:PORT] [--resolv FILE]
 *                 [--mac MAC] [--spread 0|1] [--jitter S]
 *                 [--squashfs] [--quiet] [--debug] [--portable-sha256]
 * --portable-sha256 hashes with the portable rounds even on a CPU with the
 * SHA extensions (the benchmark's "before" row).
 *
 * Exit status: 0 fetched (and verified when --sha256 is given), 1 the
 * fetch failed (the reason is on stderr), 2 bad usage.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "dns.h"
#include "fetch.h"
#include "log.h"
#include "sha256.h"

static const char usage[] =
	"usage: netinit-fetch URL... -o FILE [--sha256 HEX] [--size N] [--retries N]\n"
	"       [--timeout S] [--connect-timeout S] [--idle-timeout S]\n"
	"       [--speed-limit BYTES_PER_S] [--speed-time S] [--proxy http://HOST:PORT]\n"
	"       [--mac MAC] [--spread 0|1] [--jitter S] [--resolv FILE] [--squashfs]\n"
	"       [--quiet] [--debug] [--portable-sha256]\n"
	"  URLs are mirrors tried in order (http:// only; names, IPv4 and [IPv6] literals);\n"
	"  --resolv reads the DNS servers from FILE instead of /etc/resolv.conf. FILE gets the\n"
	"  image only when complete (FILE.part meanwhile). --timeout sets both timeouts;\n"
	"  --squashfs also checks the squashfs superblock, as netinit does before handoff.\n"
	"  A mirror slower than --speed-limit (default 1024, 0: off) for --speed-time\n"
	"  (default 30) is left for the next, as curl's options of the same names.\n"
	"  --mac aa:bb:cc:dd:ee:ff orders the mirrors by rendezvous hashing as netinit\n"
	"  does with its NIC's address (netinit.spread, default 1; without --mac the\n"
	"  written order); --jitter S delays the first request by up to S (whole) seconds.\n";

static const struct opt {
	const char *name;
	const char *key;	/* netinit.* key it sets */
} opts[] = {
	{ "--sha256", "netinit.sha256" },
	{ "--size", "netinit.size" },
	{ "--retries", "netinit.retries" },
	{ "--connect-timeout", "netinit.connect_timeout" },
	{ "--idle-timeout", "netinit.idle_timeout" },
	{ "--speed-limit", "netinit.speed_limit" },
	{ "--speed-time", "netinit.speed_time" },
	{ "--proxy", "netinit.proxy" },
	{ "--spread", "netinit.spread" },
	{ "--jitter", "netinit.jitter" },
};

/* "aa:bb:cc:dd:ee:ff" (or '-' between): 0, or -1. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char sep[5], end;
	int i;

	if (sscanf(s, "%2x%c%2x%c%2x%c%2x%c%2x%c%2x%c", &v[0], &sep[0], &v[1], &sep[1], &v[2],
		   &sep[2], &v[3], &sep[3], &v[4], &sep[4], &v[5], &end) != 11 || strlen(s) != 17)
		return -1;
	for (i = 0; i < 5; i++)
		if (sep[i] != ':' && sep[i] != '-')
			return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static int set(struct netinit_config *cfg, const char *key, const char *val)
{
	char line[CMDLINE_URL_MAX * CMDLINE_MAX_URLS + 64], err[512];
	int n = snprintf(line, sizeof(line), "%s=%s\n", key, val);

	if (n < 0 || (size_t)n >= sizeof(line)) {
		fprintf(stderr, "netinit-fetch: %s: value too long\n", key);
		return -1;
	}
	if (cmdline_parse(cfg, line, (size_t)n, 1, err, sizeof(err)) < 0) {
		fprintf(stderr, "netinit-fetch: %s\n", err);
		return -1;
	}
	return 0;
}

static int url_append(char *list, size_t size, const char *url)
{
	size_t n = strlen(list);
	int w = snprintf(list + n, size - n, "%s%s", n ? "," : "", url);

	return w < 0 || (size_t)w >= size - n ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct netinit_config cfg;
	static char urls[CMDLINE_URL_MAX * CMDLINE_MAX_URLS];
	const char *out = NULL;
	unsigned flags = 0;
	int i, debug = 0;
	size_t k;

	/* as for PID 1, whose default-action signals the kernel drops: a write to a
	 * dead hashing child's pipe fails with EPIPE instead of ending the program */
	signal(SIGPIPE, SIG_IGN);
	cmdline_init(&cfg);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
			if (strcmp(a, opts[k].name) == 0)
				break;
		if (k < sizeof(opts) / sizeof(opts[0]) || !strcmp(a, "-o") ||
		    !strcmp(a, "--timeout") || !strcmp(a, "--resolv") ||
		    !strcmp(a, "--mac")) {
			if (++i == argc) {
				fprintf(stderr, "netinit-fetch: %s needs a value\n%s", a, usage);
				return 2;
			}
		}
		if (k < sizeof(opts) / sizeof(opts[0])) {
			if (set(&cfg, opts[k].key, argv[i]) < 0)
				return 2;
		} else if (!strcmp(a, "--timeout")) {
			if (set(&cfg, "netinit.connect_timeout", argv[i]) < 0 ||
			    set(&cfg, "netinit.idle_timeout", argv[i]) < 0)
				return 2;
		} else if (!strcmp(a, "--resolv")) {
			dns_set_resolv(argv[i]);
		} else if (!strcmp(a, "--mac")) {
			if (parse_mac(argv[i], cfg.mac) < 0) {
				fprintf(stderr, "netinit-fetch: --mac %s: not aa:bb:cc:dd:ee:ff\n",
					argv[i]);
				return 2;
			}
			cfg.has_mac = 1;
		} else if (!strcmp(a, "-o")) {
			out = argv[i];
		} else if (!strcmp(a, "--squashfs")) {
			flags |= FETCH_CHECK_IMAGE;
		} else if (!strcmp(a, "--quiet")) {
			cfg.quiet = 1;
		} else if (!strcmp(a, "--debug")) {
			debug = 1;
		} else if (!strcmp(a, "--portable-sha256")) {
			sha256_select(0);
		} else if (a[0] == '-') {
			fprintf(stderr, "netinit-fetch: unknown option %s\n%s", a, usage);
			return 2;
		} else if (url_append(urls, sizeof(urls), a) < 0) {
			fprintf(stderr, "netinit-fetch: too many or too long URLs\n");
			return 2;
		}
	}
	if (!urls[0] || !out) {
		fprintf(stderr, "netinit-fetch: %s\n%s", urls[0] ? "no -o FILE" : "no URL", usage);
		return 2;
	}
	if (set(&cfg, "netinit.url", urls) < 0)
		return 2;
	if (strlen(out) >= sizeof(cfg.dest) - 8) {
		fprintf(stderr, "netinit-fetch: %s: path too long\n", out);
		return 2;
	}
	strcpy(cfg.dest, out);
	log_set(debug, cfg.quiet);
	return fetch_run(&cfg, 0, flags) < 0 ? 1 : 0;
}
