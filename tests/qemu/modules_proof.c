/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /init of the modules proof initrd (tests/qemu/modules-proof.sh): mounts
 * /proc, /sys and /dev, runs modules_coldplug() and modules_load() on real
 * modules of the lab kernel, prints "PROOF ..." lines the script checks,
 * then powers off. Never exits: PID 1 exiting panics the kernel.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "log.h"
#include "modules.h"

static int console = 2;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	(void)!write(console, buf, n);
}

static long now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec * 1000L + tv.tv_usec / 1000;
}

static void early_mounts(void)
{
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	console = open("/dev/console", O_WRONLY | O_NOCTTY);
	if (console < 0)
		console = 2;
}

/* Prints every network interface but lo; returns how many are eth* or ens*. */
static int list_netifs(void)
{
	struct dirent *de;
	int found = 0;
	DIR *d;

	d = opendir("/sys/class/net");
	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "lo") == 0)
			continue;
		say("PROOF netif %s", de->d_name);
		if (!strncmp(de->d_name, "eth", 3) || !strncmp(de->d_name, "ens", 3))
			found++;
	}
	closedir(d);
	return found;
}

static void load(const char *name)
{
	long t = now_ms();
	int rc = modules_load(name);

	say("PROOF load %s rc=%d ms=%ld", name, rc, now_ms() - t);
}

int main(void)
{
	long t;
	int n;

	early_mounts();
	log_open();
	log_set(1, 0);
	say("PROOF start");
	t = now_ms();
	n = modules_coldplug();
	say("PROOF coldplug rc=%d ms=%ld", n, now_ms() - t);
	say("PROOF netifs %d", list_netifs());
	load("squashfs");
	load("loop");
	load("overlay");
	load("loop");		/* loaded already */
	load("crc-itu-t");	/* '-' in the name, '_' in /sys/module */
	load("binfmt_script");	/* built in, no /sys/module entry */
	load("no_such_module");
	load("dummy");		/* the script compressed it with xz */
	say("PROOF sysmodule squashfs=%d loop=%d overlay=%d",
	    access("/sys/module/squashfs", F_OK) == 0, access("/sys/module/loop", F_OK) == 0,
	    access("/sys/module/overlay", F_OK) == 0);
	say("PROOF done");
	sync();
	reboot(RB_POWER_OFF, NULL);
	for (;;)
		pause();
}
