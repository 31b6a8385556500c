/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LD_PRELOAD shim for tests/host/fetch_test.sh: a disk that fails once.
 * The first write to a file whose name ends in ".part" that would cross
 * byte WRITE_FAULT_AT (environment, decimal) is cut short there, and the
 * next write to such a file fails with EIO; every other write goes through.
 * Covers write(), pwrite() and pwrite64(), whichever the program uses.
 * With READ_FAULT_ONCE=FILE instead, the first pread() of a ".part" in any
 * process (the hashing child) fails with EIO and creates FILE; later ones
 * (FILE exists) go through.
 * Build: cc -shared -fPIC -o write_fault.so write_fault.c -ldl
 * Only for the non-ASan build/host/netinit-fetch (ASan wants to be first).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int state;	/* 0 armed, 1 cut short (EIO next), 2 spent */

static int is_part(int fd)
{
	char link[64], name[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, name, sizeof(name) - 1);
	return n > 5 && memcmp(name + n - 5, ".part", 5) == 0;
}

/* The count to write at @pos, or -1 with errno set to fail. */
static ssize_t fault(int fd, size_t n, off_t pos)
{
	const char *at_env = getenv("WRITE_FAULT_AT");
	off_t at;

	if (state == 2 || !at_env || !is_part(fd))
		return (ssize_t)n;
	if (state == 1) {
		state = 2;
		errno = EIO;
		return -1;
	}
	at = (off_t)strtoull(at_env, NULL, 10);
	if (pos < at && pos + (off_t)n > at) {
		state = 1;
		return (ssize_t)(at - pos);
	}
	return (ssize_t)n;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	ssize_t (*real)(int, const void *, size_t) =
		(ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	ssize_t k = fault(fd, n, state == 0 && getenv("WRITE_FAULT_AT") ?
			  lseek(fd, 0, SEEK_CUR) : 0);

	return k < 0 ? k : real(fd, buf, (size_t)k);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	ssize_t (*real)(int, const void *, size_t, off_t) =
		(ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
	ssize_t k = fault(fd, n, off);

	return k < 0 ? k : real(fd, buf, (size_t)k, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return pwrite(fd, buf, n, off);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	ssize_t (*real)(int, void *, size_t, off_t) =
		(ssize_t (*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread");
	const char *once = getenv("READ_FAULT_ONCE");
	int m;

	if (once && is_part(fd)) {
		m = open(once, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (m >= 0) {
			close(m);
			errno = EIO;
			return -1;
		}
	}
	return real(fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	return pread(fd, buf, n, off);
}
