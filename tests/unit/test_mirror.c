/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rendezvous mirror order: the weight against sha256sum of the same bytes
 * (computed apart with printf | sha256sum), the order a permutation that
 * is the same on every call, equal URLs kept in written order, an even
 * split of 20000 MACs (sequential, as a lab's NICs, and scattered) over 2,
 * 3 and 4 mirrors within 2 points of 1/M, and that taking a mirror off the
 * list moves only the clients that had it first.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "mirror.h"

static const char *const urls[] = {
	"http://10.0.0.1/image.squashfs",
	"http://10.0.0.2/image.squashfs",
	"http://mirror-c.example/live/image.squashfs",
	"http://10.0.0.4:8080/image.squashfs",
};

#define CLIENTS 20000

/* MAC @i of a lab: 52:54:00 then i (sequential) or i scrambled. */
static void mac_of(unsigned i, int scattered, uint8_t mac[6])
{
	uint32_t v = scattered ? i * 2654435761u : i;

	mac[0] = 0x52, mac[1] = 0x54, mac[2] = 0x00;
	mac[3] = (uint8_t)(v >> 16), mac[4] = (uint8_t)(v >> 8), mac[5] = (uint8_t)v;
}

static void test_score(void)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	/* printf '\x52\x54\x00\x12\x34\x56http://10.0.0.1/image.squashfs' | sha256sum */
	CHECK(mirror_score(mac, urls[0]) == 0xf089a582a1255ed3ull);
	CHECK(mirror_score(mac, urls[1]) == 0x80d83d8f7239211eull);
}

static void test_order(void)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	const char *const same[] = { "http://a/x", "http://b/x", "http://a/x" };
	unsigned o[4], p[4], seen = 0, i;

	mirror_order(mac, urls, 2, o);
	CHECK_EQ_INT(o[0], 0);	/* 0xf089... > 0x80d8... */
	CHECK_EQ_INT(o[1], 1);
	mirror_order(mac, urls, 4, o);
	mirror_order(mac, urls, 4, p);
	CHECK(memcmp(o, p, sizeof(o)) == 0);
	for (i = 0; i < 4; i++) {
		CHECK(o[i] < 4);
		seen |= 1u << o[i];
		if (i)
			CHECK(mirror_score(mac, urls[o[i - 1]]) >= mirror_score(mac, urls[o[i]]));
	}
	CHECK_EQ_INT(seen, 15);
	mirror_order(mac, same, 3, o);	/* the two "a" are equal: 0 before 2 */
	for (i = 0; i < 3 && o[i] != 0; i++)
		CHECK(o[i] != 2);
	mirror_order(mac, urls, 1, o);
	CHECK_EQ_INT(o[0], 0);
}

static void test_split(unsigned m, int scattered)
{
	unsigned count[4] = { 0 }, o[4], i;

	for (i = 0; i < CLIENTS; i++) {
		uint8_t mac[6];

		mac_of(i, scattered, mac);
		mirror_order(mac, urls, m, o);
		count[o[0]]++;
	}
	for (i = 0; i < m; i++) {
		double share = (double)count[i] / CLIENTS, even = 1.0 / m;

		if (share < even - 0.02 || share > even + 0.02) {
			check_fail++;
			fprintf(stderr, "%s:%d: %u mirrors (%s MACs): mirror %u first for %u of "
				"%u clients (%.3f), not %.3f +- 0.02\n", __FILE__, __LINE__, m,
				scattered ? "scattered" : "sequential", i, count[i], CLIENTS,
				share, even);
		} else {
			check_pass++;
		}
	}
}

/* Mirror 2 leaves a list of 4: only its clients move, to their second choice. */
static void test_removal(void)
{
	const char *const three[] = { urls[0], urls[1], urls[3] };
	const unsigned idx[] = { 0, 1, 3 };
	unsigned moved = 0, kept = 0, wrong = 0, i, o4[4], o3[3];

	for (i = 0; i < CLIENTS; i++) {
		uint8_t mac[6];
		unsigned before, after;

		mac_of(i, 1, mac);
		mirror_order(mac, urls, 4, o4);
		mirror_order(mac, three, 3, o3);
		before = o4[0];
		after = idx[o3[0]];
		if (before == 2) {
			moved++;
			wrong += after != o4[1];
		} else {
			kept++;
			wrong += after != before;
		}
	}
	CHECK_EQ_INT(wrong, 0);
	CHECK(moved > CLIENTS / 5 && kept > CLIENTS / 2);
}

int main(void)
{
	unsigned m;

	test_score();
	test_order();
	for (m = 2; m <= 4; m++) {
		test_split(m, 0);
		test_split(m, 1);
	}
	test_removal();
	return check_report("test_mirror");
}
