/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Replay main for the libFuzzer targets: linked with one fuzz_<target>.c
 * instead of libFuzzer, it runs every regular file in the directories given
 * (the committed corpus, tests/fuzz/crashes/<target>/) through
 * LLVMFuzzerTestOneInput once. Built with the host compiler and
 * -fsanitize=address,undefined -fno-sanitize-recover=all, so a crash,
 * sanitizer report or harness abort() ends the run non-zero. The first
 * directory is the corpus: missing or empty, the run fails (a replay of
 * nothing proves nothing); the others (crashes/) may be absent. Prints
 * "<target>: N inputs replayed".
 * Usage: replay_<target> CORPUS [DIR...]
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sanitizer/common_interface_defs.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char current[4096];	/* the input being replayed, for a crash report */

/* On a sanitizer report or a harness abort(): name the input. */
static void say_current(void)
{
	static const char pre[] = "replay: crashed on ";

	if (write(2, pre, sizeof(pre) - 1) < 0 || write(2, current, strlen(current)) < 0 ||
	    write(2, "\n", 1) < 0)
		return;
}

static void on_abort(int sig)
{
	__sanitizer_print_stack_trace();
	say_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Runs one file; the buffer is exactly its size so ASan sees overreads. */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto err;
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		goto err;
	fclose(f);
	snprintf(current, sizeof(current), "%s", path);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
err:
	fprintf(stderr, "replay: %s: %s\n", path, strerror(errno ? errno : EIO));
	if (f)
		fclose(f);
	free(buf);
	return -1;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays the regular files of @dir in name order; returns the count or -1. */
static long replay_dir(const char *dir)
{
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	struct stat st;
	long count = 0;
	DIR *d = opendir(dir);

	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **bigger = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));

			if (!bigger)
				abort();
			names = bigger;
		}
		if (!(names[n++] = strdup(de->d_name)))
			abort();
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path) < 0)
				count = -1;
			else if (count >= 0)
				count++;
		}
		free(names[i]);
	}
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	long total = 0, n;
	int i;

	if (strncmp(name, "replay_", 7) == 0)
		name += 7;
	__sanitizer_set_death_callback(say_current);
	signal(SIGABRT, on_abort);
	signal(SIGSEGV, on_abort);
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS [DIR...]  (replays each file through the %s "
			"target)\n", argv[0], name);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		n = replay_dir(argv[i]);
		if (n < 0) {
			fprintf(stderr, "%s: cannot read %s\n", name, argv[i]);
			return 1;
		}
		if (i == 1 && n == 0) {
			fprintf(stderr, "%s: corpus %s is missing or holds no inputs: commit seeds "
				"there (tests/fuzz/README.md)\n", name, argv[i]);
			return 1;
		}
		total += n;
	}
	printf("%s: %ld inputs replayed\n", name, total);
	return 0;
}
