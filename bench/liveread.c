// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench/liveread.c: read figures from inside the live root, for bench/run.sh's
 * stream rows (built static by bench/mkimage.sh into the bench image as
 * /bin/liveread; run by its /sbin/init when the kernel command line says
 * nibench.live). One line on stdout each:
 *   liveread seq FILE      FILE start to end in 1 MiB read()s:
 *                          "NIBENCH-SEQ bytes=B secs=S mib_s=R"
 *   liveread rand FILE N   N pread()s of 4 KiB, each in a different 128 KiB
 *                          region of FILE (a squashfs block: no read is
 *                          answered by another's block), at a 4 KiB-aligned
 *                          offset, order and offsets from a fixed seed;
 *                          readahead off (POSIX_FADV_RANDOM):
 *                          "NIBENCH-RAND n=N med_us=.. p90_us=.. max_us=.. mean_us=.."
 * The caller drops the page cache first (echo 3 >/proc/sys/vm/drop_caches);
 * the file's own cached pages are also dropped (POSIX_FADV_DONTNEED).
 * Times are CLOCK_MONOTONIC: under QEMU TCG the guest clock follows the host's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REGION (128 * 1024)
#define MAXN 4096

static char buf[1 << 20] __attribute__((aligned(4096)));
static double lat[MAXN];
static uint64_t used[MAXN];

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rng(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int seq(int fd)
{
	double t0 = now(), secs;
	uint64_t total = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += (uint64_t)n;
	if (n < 0) {
		fprintf(stderr, "liveread: read at %llu: %s\n", (unsigned long long)total,
			strerror(errno));
		return 1;
	}
	secs = now() - t0;
	printf("NIBENCH-SEQ bytes=%llu secs=%.3f mib_s=%.1f\n", (unsigned long long)total, secs,
	       secs > 0 ? (double)total / 1048576.0 / secs : 0.0);
	return 0;
}

static int rnd(int fd, off_t size, int n)
{
	uint64_t regions = (uint64_t)size / REGION, s = 20261127, r;
	double sum = 0, t0;
	int i, j;

	if (n < 1 || n > MAXN || regions < (uint64_t)n * 2) {
		fprintf(stderr, "liveread: N must be 1..%d and at most half the file's %llu regions\n",
			MAXN, (unsigned long long)regions);
		return 2;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
	for (i = 0; i < n; i++) {
		do {
			r = rng(&s) % regions;
			for (j = 0; j < i && used[j] != r; j++)
				;
		} while (j < i);
		used[i] = r;
		r = r * REGION + (rng(&s) % (REGION / 4096)) * 4096;
		t0 = now();
		if (pread(fd, buf, 4096, (off_t)r) != 4096) {
			fprintf(stderr, "liveread: pread at %llu: %s\n", (unsigned long long)r,
				strerror(errno));
			return 1;
		}
		lat[i] = (now() - t0) * 1e6;
		sum += lat[i];
	}
	qsort(lat, (size_t)n, sizeof(lat[0]), cmp);
	printf("NIBENCH-RAND n=%d med_us=%.0f p90_us=%.0f max_us=%.0f mean_us=%.0f\n", n,
	       lat[n / 2], lat[(n * 9) / 10], lat[n - 1], sum / n);
	return 0;
}

int main(int argc, char **argv)
{
	struct stat st;
	int fd, rc;

	if (argc < 3 || (strcmp(argv[1], "seq") && strcmp(argv[1], "rand")) ||
	    (!strcmp(argv[1], "rand") && argc != 4)) {
		fprintf(stderr, "usage: liveread seq FILE | liveread rand FILE N\n");
		return 2;
	}
	fd = open(argv[2], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "liveread: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (!strcmp(argv[1], "seq"))
		rc = seq(fd);
	else
		rc = rnd(fd, st.st_size, atoi(argv[3]));
	close(fd);
	return rc;
}
