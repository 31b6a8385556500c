/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging for PID 1: one write() per record to /dev/kmsg ("<N>netinit: ...")
 * and, for what a person must see, one write() to the console.
 */
#ifndef NETINIT_LOG_H
#define NETINIT_LOG_H

#include <stdarg.h>

/* Opens /dev/kmsg and /dev/console (either may be missing: then stderr). */
void log_open(void);
/* Applies netinit.debug / quiet and lifts the /dev/kmsg rate limit. */
void log_set(int debug, int quiet);
/* Puts the kernel's /dev/kmsg rate limit back, before the handoff. */
void log_restore(void);

/*
 * The stream backend's resident process: records go to /dev/kmsg only,
 * as "<N>name: ...", never to the console.
 */
void log_resident(const char *name);

/* Errors: always on the console. */
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_verr(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Progress a person follows: console unless quiet, kmsg always. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* What a person must see even with quiet: start and end of the download. */
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only with netinit.debug (kmsg and console). */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Console only, no newline added, for a progress line rewritten with '\r'. */
void log_console(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
