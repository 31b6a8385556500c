/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Handoff. genkernel's linuxrc and dracut's init both refuse to run unless
 * they are PID 1, so the next stage is exec()ed in place with the argv and
 * environment the kernel gave us. Standalone mode mounts the image itself:
 * a loop device (LOOP_CTL_GET_FREE + LOOP_CONFIGURE, falling back to
 * LOOP_SET_FD + LOOP_SET_STATUS64 before Linux 5.8), squashfs read-only, an
 * overlay with a tmpfs upper layer, then the switch_root dance of klibc's
 * run-init: chdir, MS_MOVE onto /, chroot, exec. See
 * Documentation/filesystems/ramfs-rootfs-initramfs.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "handoff.h"
#include "log.h"
#include "modules.h"

#ifndef LOOP_CONFIGURE
#define LOOP_CONFIGURE 0x4C0A
struct loop_config {
	uint32_t fd;
	uint32_t block_size;
	struct loop_info64 info;
	uint64_t __reserved[8];
};
#endif

#define NEWROOT "/newroot"

enum cmdline_mode handoff_mode(const struct netinit_config *cfg, const char **init)
{
	*init = cfg->init[0] ? cfg->init : HANDOFF_DEFAULT_INIT;
	if (cfg->mode != MODE_AUTO)
		return cfg->mode;
	if (access(*init, X_OK) != 0)
		return MODE_STANDALONE;
	if (cfg->root_live[0])
		return MODE_DRACUT;
	if (cfg->cdroot || cfg->loop[0])
		return MODE_GENKERNEL;
	return MODE_DRACUT;	/* an original init with no genkernel hints */
}

static void console_stdio(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

static int exec_next(const char *init, char **argv, char **envp)
{
	console_stdio();
	log_restore();
	execve(init, argv, envp);
	log_err("cannot run the next stage %s: %s: check netinit.init and that the "
		"initrd holds it", init, strerror(errno));
	return -errno;
}

/*
 * Attaches @image read-only to a free loop device and writes its path to
 * @dev. Returns the open loop device fd: the caller closes it only once
 * the filesystem is mounted, or autoclear would detach it right away.
 */
static int loop_attach(const char *image, char *dev, size_t size)
{
	struct loop_config lc;
	int ctl, nr, fd = -1, lfd = -1, rc;

	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return -errno;
	nr = ioctl(ctl, LOOP_CTL_GET_FREE, NULL);
	rc = nr < 0 ? -errno : 0;
	close(ctl);
	if (rc)
		return rc;
	snprintf(dev, size, "/dev/loop%d", nr);
	fd = open(image, O_RDONLY | O_CLOEXEC);
	lfd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || lfd < 0) {
		rc = -errno;
		goto out;
	}
	memset(&lc, 0, sizeof(lc));
	lc.fd = (uint32_t)fd;
	lc.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
	strncpy((char *)lc.info.lo_file_name, image, LO_NAME_SIZE - 1);	/* informational */
	if (ioctl(lfd, LOOP_CONFIGURE, &lc) == 0)
		goto out;	/* Linux >= 5.8 */
	if (errno != EINVAL && errno != ENOTTY) {
		rc = -errno;
		goto out;
	}
	if (ioctl(lfd, LOOP_SET_FD, (void *)(long)fd) < 0 ||
	    ioctl(lfd, LOOP_SET_STATUS64, &lc.info) < 0)
		rc = -errno;
out:
	if (fd >= 0)
		close(fd);
	if (rc == 0)
		return lfd;
	if (lfd >= 0)
		close(lfd);
	return rc;
}

static int do_mount(const char *src, const char *dst, const char *type,
		    unsigned long flags, const char *data)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, flags, data) < 0) {
		int rc = -errno;

		log_err("mount %s on %s (%s) failed: %s", src, dst, type ? type : "move",
			strerror(errno));
		return rc;
	}
	return 0;
}

/* loop + squashfs + overlay on NEWROOT. */
static int standalone_mount(const struct netinit_config *cfg)
{
	char dev[32];
	int rc, lfd;

	modules_load("loop");
	modules_load("squashfs");
	modules_load("overlay");
	lfd = loop_attach(cfg->dest, dev, sizeof(dev));
	if (lfd < 0) {
		log_err("cannot attach %s to a loop device: %s (is the loop module in the "
			"initrd?)", cfg->dest, strerror(-lfd));
		return lfd;
	}
	mkdir("/run/netinit", 0755);
	rc = do_mount(dev, "/run/netinit/ro", "squashfs", MS_RDONLY, NULL);
	close(lfd);
	if (!rc)
		rc = do_mount("tmpfs", "/run/netinit/rw", "tmpfs", 0, "mode=0755");
	if (rc)
		return rc;
	mkdir("/run/netinit/rw/upper", 0755);
	mkdir("/run/netinit/rw/work", 0755);
	return do_mount("overlay", NEWROOT, "overlay", 0,
			"lowerdir=/run/netinit/ro,upperdir=/run/netinit/rw/upper,"
			"workdir=/run/netinit/rw/work");
}

static int standalone(const struct netinit_config *cfg, char **envp)
{
	static char *const init_argv[] = { "/sbin/init", NULL };
	static const char *const moves[] = { "/dev", "/proc", "/sys", "/run" };
	char target[64];
	unsigned i;
	int rc;

	mkdir("/run", 0755);
	rc = do_mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	if (!rc)
		rc = standalone_mount(cfg);
	if (rc)
		return rc;
	if (access(NEWROOT "/sbin/init", X_OK) != 0) {
		log_err("%s holds no /sbin/init: is it a root filesystem image?", cfg->dest);
		return -ENOENT;
	}
	for (i = 0; i < sizeof(moves) / sizeof(moves[0]); i++) {
		snprintf(target, sizeof(target), NEWROOT "%s", moves[i]);
		rc = do_mount(moves[i], target, NULL, MS_MOVE, NULL);
		if (rc)
			return rc;
	}
	if (chdir(NEWROOT) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 ||
	    chroot(".") < 0 || chdir("/") < 0) {
		log_err("switch to the new root failed: %s", strerror(errno));
		return -errno;
	}
	log_info("switching root to %s, running /sbin/init", cfg->dest);
	return exec_next("/sbin/init", (char **)init_argv, envp);
}

int handoff(const struct netinit_config *cfg, char **argv, char **envp)
{
	static const char *const names[] = { "auto", "genkernel", "dracut", "standalone" };
	const char *init;
	enum cmdline_mode mode = handoff_mode(cfg, &init);

	log_info("handing off: mode %s%s%s", names[mode],
		 mode == MODE_STANDALONE ? "" : ", exec ",
		 mode == MODE_STANDALONE ? "" : init);
	if (mode == MODE_STANDALONE)
		return standalone(cfg, envp);
	return exec_next(init, argv, envp);
}
