/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for src/verity_sb.c: the input is a verity superblock
 * as it comes with the image from the server (distrusted). Checks
 * verity_sb.h's promises: only documented errors; a parsed superblock has
 * power-of-two block sizes in 512..512 KiB, data blocks whose sectors do
 * not overflow, a salt of at most 256 bytes and a terminated [a-z0-9-]
 * algorithm name; its table line, with a root digest of the right length
 * and a data-derived output size, is terminated, never written past that
 * size, has exactly 10 fields and the salt as 2 * salt_size hex digits.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verity_sb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char table[1200], root[2 * VERITY_DIGEST_MAX + 1];
	struct verity_sb sb;
	size_t out_size, i, fields = 1, dlen;
	int rc = verity_sb_parse(data, size, &sb);
	uint32_t d;

	if (rc == -EBADMSG || rc == -EPROTONOSUPPORT)
		return 0;
	if (rc != 0)
		abort();
	for (d = sb.data_block_size, i = 0; i < 2; i++, d = sb.hash_block_size)
		if (d < 512 || d > 512 * 1024 || (d & (d - 1)))
			abort();
	if (!sb.data_blocks || verity_sb_sectors(&sb) / sb.data_blocks != sb.data_block_size / 512 ||
	    sb.salt_size > VERITY_SALT_MAX || sb.hash_type > 1 ||
	    !memchr(sb.algorithm, '\0', sizeof(sb.algorithm)) || !sb.algorithm[0] ||
	    strspn(sb.algorithm, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(sb.algorithm))
		abort();
	dlen = verity_digest_len(sb.algorithm);
	memset(root, 'a', sizeof(root));
	root[dlen ? 2 * dlen : 2 * (1 + (size_t)data[size - 1] % VERITY_DIGEST_MAX)] = '\0';
	out_size = size > 600 ? data[600] * 5u % sizeof(table) : sizeof(table);
	memset(table, 'X', sizeof(table));
	rc = verity_sb_table(&sb, "/dev/nbd0", "/dev/nbd0", (uint64_t)data[size - 1] << 9, root,
			     table, out_size);
	for (i = out_size + 1; i < sizeof(table); i++)
		if (table[i] != 'X')
			abort();
	if (rc == -ENAMETOOLONG)
		return 0;
	if (rc < 0 || (size_t)rc >= out_size || table[rc] != '\0' || strlen(table) != (size_t)rc)
		abort();
	for (i = 0; table[i]; i++)
		fields += table[i] == ' ';
	if (fields != 10)
		abort();
	if (sb.salt_size ? strlen(strrchr(table, ' ') + 1) != 2u * sb.salt_size
			 : strcmp(strrchr(table, ' ') + 1, "-") != 0)
		abort();
	return 0;
}
