/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging for PID 1. Each record is formatted into one buffer and written
 * with a single write(), so /dev/kmsg keeps it as one record and lines from
 * the kernel do not split it on the console.
 * See Documentation/ABI/testing/dev-kmsg for the "<prio>text" format.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX 512

static int kmsg_fd = -1;
static int console_fd = 2;
static int log_debug_on;
static int log_quiet;
static int console_level = 4;	/* kernel prints kmsg records below this */
static int devkmsg_lifted;	/* we turned printk_devkmsg from ratelimit to on */
static const char *log_name = "netinit";

#define DEVKMSG_SYSCTL "/proc/sys/kernel/printk_devkmsg"

/*
 * The kernel echoes kmsg records whose priority is below console_loglevel
 * (first field of /proc/sys/kernel/printk) to the console itself; we write
 * to the console only the records it would not show, so none appears twice.
 * Call once /proc is mounted.
 */
void log_open(void)
{
	char buf[16];
	int fd, n;

	if (kmsg_fd < 0)
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		if (console_fd > 2)
			close(console_fd);
		console_fd = fd;
	}
	fd = open("/proc/sys/kernel/printk", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0 && buf[0] >= '0' && buf[0] <= '9')
		console_level = buf[0] - '0';
}

void log_set(int debug, int quiet)
{
	char buf[16];
	int fd, n;

	log_debug_on = debug;
	log_quiet = quiet;
	/*
	 * /dev/kmsg writers are rate-limited (10 records per 5 s) by default,
	 * and the console shows our records through the kernel's echo: lift
	 * the limit while netinit runs; log_restore() puts it back.
	 */
	if (getpid() != 1)	/* a host tool (netinit-fetch) leaves the kernel alone */
		return;
	fd = open(DEVKMSG_SYSCTL, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n >= 9 && memcmp(buf, "ratelimit", 9) == 0 && pwrite(fd, "on\n", 3, 0) == 3)
		devkmsg_lifted = 1;
	close(fd);
}

void log_restore(void)
{
	int fd;

	if (!devkmsg_lifted)
		return;
	fd = open(DEVKMSG_SYSCTL, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, "ratelimit\n", 10);
		close(fd);
	}
	devkmsg_lifted = 0;
}

static void log_emit(int prio, int to_console, const char *fmt, va_list ap)
{
	char buf[LOG_LINE_MAX];
	int hdr, n;

	hdr = snprintf(buf, sizeof(buf), "<%d>%s: ", prio, log_name);
	n = vsnprintf(buf + hdr, sizeof(buf) - hdr - 1, fmt, ap);
	if (n < 0)
		return;
	n += hdr;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (kmsg_fd >= 0)
		(void)!write(kmsg_fd, buf, n);
	/* the console gets the record without the "<N>" priority prefix */
	if (to_console && console_fd >= 0 && (kmsg_fd < 0 || prio >= console_level))
		(void)!write(console_fd, buf + 3, n - 3);
}

void log_resident(const char *name)
{
	if (kmsg_fd < 0)
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (console_fd > 2)
		close(console_fd);
	console_fd = -1;
	log_name = name;
}

void log_verr(const char *fmt, va_list ap)
{
	log_emit(3, 1, fmt, ap);
}

void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(3, 1, fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(6, !log_quiet, fmt, ap);
	va_end(ap);
}

void log_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(5, 1, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug_on)
		return;
	va_start(ap, fmt);
	log_emit(7, 1, fmt, ap);
	va_end(ap);
}

void log_console(const char *fmt, ...)
{
	char buf[LOG_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (n > 0 && console_fd >= 0)
		(void)!write(console_fd, buf, n);
}
