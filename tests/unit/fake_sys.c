/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * In place of src/clock.c and src/log.c for the state-machine tests: time
 * moves only when the code under test waits (fake_dhcp_net.c and
 * fake_dns_net.c advance fake_now), so retransmission and timeout times
 * are exact and nothing sleeps; log lines go to fake_log.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fake.h"
#include "log.h"

uint64_t fake_now;
unsigned fake_waits;
char fake_log[8192];
static uint32_t rnd;
static size_t log_len;

void fake_reset(uint64_t start_ms, uint32_t seed)
{
	fake_now = start_ms;
	fake_waits = 0;
	rnd = seed;
	log_len = 0;
	fake_log[0] = '\0';
}

size_t fake_load(const char *path, uint8_t *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: missing fixture (run from tests/)\n", path);
		abort();
	}
	n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

uint64_t clock_ms(void)
{
	return fake_now;
}

void clock_sleep_ms(unsigned ms)
{
	fake_now += ms;
}

/* Numerical Recipes' LCG, top bits mixed down: deterministic per seed. */
uint32_t clock_random(void)
{
	rnd = rnd * 1664525u + 1013904223u;
	return rnd ^ (rnd >> 16);
}

static void add(const char *fmt, va_list ap)
{
	size_t at = log_len;
	int n;

	if (log_len >= sizeof(fake_log) - 2)
		return;
	n = vsnprintf(fake_log + log_len, sizeof(fake_log) - 1 - log_len, fmt, ap);
	if (n < 0)
		return;
	log_len += (size_t)n;
	if (log_len > sizeof(fake_log) - 2)
		log_len = sizeof(fake_log) - 2;
	fake_log[log_len++] = '\n';
	fake_log[log_len] = '\0';
	if (getenv("FAKE_LOG"))
		fprintf(stderr, "  [%llu ms] %s", (unsigned long long)fake_now, fake_log + at);
}

#define LOGGER(fn) \
	void fn(const char *fmt, ...) { va_list ap; va_start(ap, fmt); add(fmt, ap); va_end(ap); }
LOGGER(log_err)
LOGGER(log_info)
LOGGER(log_notice)
LOGGER(log_debug)
LOGGER(log_console)
