/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for src/ipconf.c: the input is an ip= value as a user
 * (or a boot menu) typed it. Invariants: 0 or -EINVAL with a terminated
 * message; strings terminated inside their arrays; a static result has an
 * address and a contiguous netmask, a static IPv6 one a prefix length
 * 1..128 (and only it has one); the parse reads no byte past @size
 * (ASan catches that: the input is passed without a terminator).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipconf c;
	char err[128];
	uint32_t m;
	int rc;

	memset(err, 'x', sizeof(err));
	rc = ipconf_parse((const char *)data, size, &c, err, sizeof(err));
	if (rc != 0 && rc != -EINVAL)
		abort();
	if (rc) {
		if (!memchr(err, '\0', sizeof(err)) || !err[0])
			abort();
		return 0;
	}
	if (!memchr(c.host, '\0', sizeof(c.host)) || !memchr(c.dev, '\0', sizeof(c.dev)))
		abort();
	if (c.mode == IPCONF_STATIC) {
		const uint8_t *b = (const uint8_t *)&c.mask;

		m = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
		if (!c.client || !m || (~m & (~m + 1)) != 0)
			abort();
	} else if (c.mode == IPCONF_STATIC6) {
		if (!c.prefix6 || c.prefix6 > 128)
			abort();
	} else if (c.mode > IPCONF_EITHER6 || c.prefix6) {
		abort();
	}
	return 0;
}
