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
 *
 * strntoumax() is what klibc's atoi(), strtoul() and strtoull() call; its
 * own tests isspace() with the 257-byte __ctypes table, used for nothing
 * else. This one reads the same: klibc's spaces (8..13, ' ', 0xa0), an
 * optional sign, base 0 and 16 take 0x, base 0 takes a leading 0 as
 * octal, digits and letters up to @base, no overflow check (the value
 * wraps), *@endptr past any sign and 0x even when no digit follows.
 */
#ifdef __KLIBC__
#include <inttypes.h>
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

uintmax_t strntoumax(const char *s, char **endptr, int base, size_t n)
{
	uintmax_t v = 0;
	int minus = 0, d;

	for (; n && (*s == ' ' || (*s >= 8 && *s <= 13) || (unsigned char)*s == 0xa0); n--)
		s++;
	if (n && (*s == '-' || *s == '+')) {
		minus = *s++ == '-';
		n--;
	}
	if ((!base || base == 16) && n >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x') {
		s += 2;
		n -= 2;
		base = 16;
	} else if (!base) {
		base = n && *s == '0' ? 8 : 10;
	}
	for (; n; n--, s++) {
		d = *s;
		if (d >= '0' && d <= '9')
			d -= '0';
		else if ((d | 0x20) >= 'a' && (d | 0x20) <= 'z')
			d = (d | 0x20) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		v = v * base + d;
	}
	if (endptr)
		*endptr = (char *)s;
	return minus ? -v : v;
}
#endif
