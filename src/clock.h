/* SPDX-License-Identifier: GPL-2.0-only */
/* Monotonic milliseconds and sleeping, for timeouts (klibc has no clock_gettime). */
#ifndef NETINIT_CLOCK_H
#define NETINIT_CLOCK_H

#include <stdint.h>

/* Milliseconds since an arbitrary point; never goes backwards. */
uint64_t clock_ms(void);
void clock_sleep_ms(unsigned ms);
/* A 32-bit value unpredictable enough for DHCP xids and jitter; never blocks. */
uint32_t clock_random(void);

#endif
