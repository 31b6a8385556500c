/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench/memcpy.c: the machine's single-core memory copy rate, the ceiling
 * for any client that moves the bytes from a socket buffer into a tmpfs
 * page once. Copies 1 GiB in 256 KiB pieces (netinit's receive buffer)
 * from a 64 MiB source into a 64 MiB destination, both touched first, and
 * prints "SECONDS" for the copy alone. Built and run by bench/run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AREA  (64u << 20)
#define PIECE (256u << 10)
#define TOTAL (1ull << 30)

int main(void)
{
	char *src = malloc(AREA), *dst = malloc(AREA);
	struct timespec a, b;
	unsigned long long done;
	size_t off = 0;

	if (!src || !dst) {
		fprintf(stderr, "memcpy: out of memory\n");
		return 1;
	}
	memset(src, 0x5a, AREA);
	memset(dst, 0, AREA);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (done = 0; done < TOTAL; done += PIECE) {
		memcpy(dst + off, src + off, PIECE);
		off = (off + PIECE) % AREA;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	/* keep the copies observable */
	if (dst[12345] != 0x5a)
		return 1;
	printf("%.3f\n", (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
