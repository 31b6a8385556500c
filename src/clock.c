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

/*
 * Not /dev/urandom: before the kernel's CRNG is initialised (early boot,
 * exactly when DHCP runs) a read there spends about a second generating
 * jitter entropy. /proc/sys/kernel/random/uuid never waits, and xids and
 * retransmission jitter need uniqueness, not secrecy.
 */
uint32_t clock_random(void)
{
	char buf[40];
	uint32_t h = 2166136261u ^ (uint32_t)clock_ms();
	int fd = open("/proc/sys/kernel/random/uuid", O_RDONLY | O_CLOEXEC), n = 0, i;

	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf));
		close(fd);
	}
	for (i = 0; i < n; i++)
		h = (h ^ (uint8_t)buf[i]) * 16777619u;	/* FNV-1a */
	return h ^ ((uint32_t)getpid() << 16);
}
