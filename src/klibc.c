/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Smaller stand-ins for klibc pieces the static binary would otherwise
 * link (errstr.c and vsnprintf.c are two more). Host builds keep libc's.
 *
 * klibc's startup sets up stdin/stdout/stderr and its exit() flushes them:
 * that pulls in fdopen, fflush and fseek (about 500 bytes) for streams
 * netinit never uses (every line is one write(), log.c), and PID 1 never
 * returns from main(). Should anything start using stdio, fdopen.o comes
 * back and the link fails on a second __libc_init_stdio: then delete both.
 *
 * klibc's strstr() is a front end to memmem() (250 bytes); netinit looks
 * for a word in a /proc or /etc file of at most a few KiB.
 */
#ifdef __KLIBC__
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void __libc_init_stdio(void);
void __libc_init_stdio(void)
{
}

void exit(int status)
{
	_exit(status);
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack || !n; haystack++)
		if (!strncmp(haystack, needle, n))
			return (char *)haystack;
	return NULL;
}
#endif
