/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rendezvous hashing (Thaler and Ravishankar, "Using Name-Based Mappings to
 * Increase Hit Rates", IEEE/ACM ToN 6(1), 1998): each (client, mirror) pair
 * gets a pseudo-random weight and a client tries mirrors by falling
 * weight. Over many clients each mirror comes first for 1/M of them; a
 * mirror taken off the list only hands its own clients to their second
 * choice, the others keep theirs. The weight is SHA-256 of the MAC address
 * followed by the URL text as written (sha256.c, already in the binary, so
 * no second hash to trust): a well-mixed 64-bit value from bytes that are
 * the same on every boot. Pure: no syscalls, no allocation.
 */
#include <stdint.h>
#include <string.h>

#include "mirror.h"
#include "sha256.h"

uint64_t mirror_score(const uint8_t mac[6], const char *url)
{
	uint8_t d[SHA256_LEN];
	struct sha256 s;
	uint64_t v = 0;
	int i;

	sha256_init(&s);
	sha256_update(&s, mac, 6);
	sha256_update(&s, url, strlen(url));
	sha256_final(&s, d);
	for (i = 0; i < 8; i++)
		v = v << 8 | d[i];
	return v;
}

/* Insertion sort by falling score: a stable order for at most 64 mirrors. */
void mirror_order(const uint8_t mac[6], const char *const urls[], unsigned n,
		  unsigned order[])
{
	uint64_t score[64];
	unsigned i, j;

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		score[i] = mirror_score(mac, urls[i]);
		for (j = i; j > 0 && score[order[j - 1]] < score[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
}
