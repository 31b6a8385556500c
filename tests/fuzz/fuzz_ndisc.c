// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for src/ndisc_pkt.c. The input is an ICMPv6 message as
 * a raw socket delivers it (anyone on the link can send an RA).
 * Invariants: counts within their caps, prefix bits past the length clear,
 * search NUL-terminated; every address formats to at most 39 characters.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ndisc_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ndisc_ra ra;
	char s[48];
	unsigned i, b;
	int rc;

	memset(&ra, 0xa5, sizeof(ra));
	rc = ndisc_parse_ra(data, size, &ra);
	if (rc != 0 && rc != -EBADMSG && rc != -ENOMSG)
		abort();
	if (ra.n_dns > NDISC_MAX_DNS || ra.n_prefix > NDISC_MAX_PREFIX ||
	    !memchr(ra.search, '\0', sizeof(ra.search)))
		abort();
	for (i = 0; i < ra.n_prefix; i++) {
		if (ra.prefix[i].len > 128)
			abort();
		for (b = ra.prefix[i].len; b < 128; b++)
			if (ra.prefix[i].addr[b / 8] & (0x80 >> (b % 8)))
				abort();
	}
	if (size >= 16) {
		memset(s, 0x5a, sizeof(s));
		ndisc_fmt_addr(data, s);
		if (strlen(s) > 39 || s[40] != 0x5a)
			abort();
	}
	return 0;
}
