/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Time for timeouts. klibc offers no clock_gettime(), so the monotonic
 * clock is times(2): the kernel's jiffies in USER_HZ ticks (10 ms at the
 * usual 100 Hz), which is fine for network patience measured in seconds.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

uint64_t clock_ms(void)
{
	static long hz;
	struct tms t;
	unsigned long ticks;

	if (!hz) {
#ifdef _SC_CLK_TCK
		hz = sysconf(_SC_CLK_TCK);
#endif
		if (hz <= 0)
			hz = 100;	/* USER_HZ: part of the kernel ABI, 100 on x86 */
	}
	ticks = (unsigned long)times(&t);
	return (uint64_t)ticks * 1000 / (uint64_t)hz;
}

void clock_sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0)
		;
}

uint32_t clock_random(void)
{
	uint32_t v = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &v, sizeof(v)) != sizeof(v))
			v = 0;
		close(fd);
	}
	return v ^ (uint32_t)clock_ms() ^ ((uint32_t)getpid() << 16);
}
