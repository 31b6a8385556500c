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
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "handoff.h"
#include "log.h"
#include "modules.h"
#include "netif.h"
#include "rootclean.h"

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
#define STREAM_CONF "/etc/cmdline.d/90-netinit-stream.conf"	/* dracut reads it */

static const char *const mode_names[] = { "auto", "genkernel", "dracut", "standalone" };

/* What the initrd holds: genkernel's and dracut's own files. */
static const char *const gk_marks[] = { "/etc/initrd.defaults", "/etc/initrd.scripts",
					"/linuxrc", NULL };
static const char *const dr_marks[] = { "/usr/lib/dracut", "/lib/dracut",
					"/usr/lib/dracut-lib.sh", "/lib/dracut-lib.sh", NULL };

static const char *first_present(const char *const *p)
{
	for (; *p; p++)
		if (access(*p, F_OK) == 0)
			return *p;
	return NULL;
}

/*
 * auto: no original init means standalone; else the initrd's own files
 * decide (they are what will run), the command line when the initrd has no
 * marker (or both kinds), dracut when neither says anything.
 */
enum cmdline_mode handoff_mode(const struct netinit_config *cfg, const char **init)
{
	const char *gk = first_present(gk_marks), *dr = first_present(dr_marks);
	enum cmdline_mode cmd = MODE_AUTO, ird = MODE_AUTO, m;

	*init = cfg->init[0] ? cfg->init : HANDOFF_DEFAULT_INIT;
	if (cfg->mode != MODE_AUTO)
		return cfg->mode;
	if (access(*init, X_OK) != 0) {
		log_info("mode auto: standalone (no %s to hand off to)", *init);
		return MODE_STANDALONE;
	}
	if (cfg->root_live[0])
		cmd = MODE_DRACUT;
	else if (cfg->cdroot && cfg->loop[0])
		cmd = MODE_GENKERNEL;
	if (gk && !dr)
		ird = MODE_GENKERNEL;
	else if (dr && !gk)
		ird = MODE_DRACUT;
	m = ird ? ird : cmd ? cmd : MODE_DRACUT;
	log_info("mode auto: %s (command line: %s; initrd: %s)", mode_names[m],
		 cmd == MODE_DRACUT ? "root=live:" : cmd ? "cdroot loop=" : "no hint",
		 ird == MODE_GENKERNEL ? gk : ird ? dr : "no marker");
	if (cmd && ird && cmd != ird)
		log_err("the command line is for %s but the initrd is %s's: the next stage "
			"may not find the image; fix the kernel command line",
			mode_names[cmd], mode_names[ird]);
	return m;
}

/* Which interfaces were up / addressed before netinit touched them (ifindex < 64). */
static uint64_t net_up, net_addr;
static int net_noted;

static int if_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
	int rc, fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
	rc = ioctl(fd, req, ifr) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

void handoff_net_snapshot(void)
{
	struct netif all[NETIF_MAX];
	struct ifreq ifr;
	int i, n = netif_list(all, NETIF_MAX);

	for (i = 0; i < n; i++) {
		if (all[i].index >= 64)
			continue;
		memset(&ifr, 0, sizeof(ifr));
		if (if_ioctl(all[i].name, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP))
			net_up |= 1ULL << all[i].index;
		if (netif_has_ipv4(all[i].name) == 1)
			net_addr |= 1ULL << all[i].index;
	}
	net_noted = 1;
}

/*
 * netinit.keepnet=0: what netinit configured goes: the address (its routes
 * go with it) and the link, so the next stage finds the NIC as firmware
 * left it and no lease is held that nobody renews.
 */
static void net_restore(const struct netinit_config *cfg)
{
	struct netif all[NETIF_MAX];
	struct ifreq ifr;
	int i, n;

	if (!net_noted || cfg->keepnet)
		return;
	n = netif_list(all, NETIF_MAX);
	for (i = 0; i < n; i++) {
		uint64_t bit = all[i].index < 64 ? 1ULL << all[i].index : 0;

		int ours;

		if (!bit || (net_up & net_addr & bit))
			continue;
		ours = !(net_addr & bit) && netif_has_ipv4(all[i].name) == 1;
		if (ours) {
			memset(&ifr, 0, sizeof(ifr));
			ifr.ifr_addr.sa_family = AF_INET;	/* 0.0.0.0 deletes it */
			if_ioctl(all[i].name, SIOCSIFADDR, &ifr);
		}
		if (!(net_up & bit))
			netif_set_up(all[i].name, 0);
		if (ours)	/* the NICs netinit only tried are down already: no line */
			log_info("%s: put back as found: no address, link %s (netinit.keepnet=1 "
				 "keeps the lease)", all[i].name, net_up & bit ? "up" : "down");
	}
}

/* genkernel's docache and dracut's rd.live.ram copy the image once more. */
static void warn_second_copy(const struct netinit_config *cfg)
{
	struct stat st;
	unsigned long long mib = stat(cfg->dest, &st) == 0 ? (unsigned long long)st.st_size >> 20 : 0;

	if (cfg->docache || cfg->live_ram)
		log_err("warning: %s copies the image a second time into RAM (%llu MiB more); "
			"netinit already holds it in RAM: drop %s from the command line",
			cfg->docache ? "docache" : "rd.live.ram", mib,
			cfg->docache ? "docache" : "rd.live.ram");
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
int handoff_loop_attach(const char *image, char *dev, size_t size)
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

/* 1 if @path is a block device (stream mode's /dev/nbdN: no loop needed). */
static int is_blockdev(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISBLK(st.st_mode);
}

/* loop (or stream mode's block device) + squashfs + overlay on NEWROOT. */
static int standalone_mount(const struct netinit_config *cfg)
{
	char dev[CMDLINE_PATH_MAX], opts[48];
	int rc, lfd = -1;

	if (is_blockdev(cfg->dest))
		snprintf(dev, sizeof(dev), "%s", cfg->dest);
	else
		modules_load("loop");
	modules_load("squashfs");
	modules_load("overlay");
	if (!is_blockdev(cfg->dest))
		lfd = handoff_loop_attach(cfg->dest, dev, sizeof(dev));
	if (!is_blockdev(cfg->dest) && lfd < 0) {
		log_err("cannot attach %s to a loop device: %s (is the loop module in the "
			"initrd?)", cfg->dest, strerror(-lfd));
		return lfd;
	}
	mkdir("/run/netinit", 0755);
	rc = do_mount(dev, "/run/netinit/ro", "squashfs", MS_RDONLY, NULL);
	if (lfd >= 0)
		close(lfd);
	snprintf(opts, sizeof(opts), "mode=0755%s%s", cfg->overlay_size[0] ? ",size=" : "",
		 cfg->overlay_size);
	if (!rc)
		rc = do_mount("tmpfs", "/run/netinit/rw", "tmpfs", 0, opts);
	if (rc)
		return rc;
	mkdir("/run/netinit/rw/upper", 0755);
	mkdir("/run/netinit/rw/work", 0755);
	return do_mount("overlay", NEWROOT, "overlay", 0,
			"lowerdir=/run/netinit/ro,upperdir=/run/netinit/rw/upper,"
			"workdir=/run/netinit/rw/work");
}

/*
 * Empties the initramfs (run-init's checks: ramfs/tmpfs only, never across
 * a mount point: NEWROOT is one). The image goes too: the loop device holds
 * its inode, so its pages stay, once, until the squashfs is unmounted.
 */
static void empty_initramfs(void)
{
	struct rootclean rc;

	if (rootclean_empty("/", &rc) == 0)
		log_info("initramfs emptied: %lu entries, %llu KiB freed, %lu mount points "
			 "kept", rc.removed, rc.bytes >> 10, rc.skipped);
}

/*
 * Whether @path names a regular executable file inside NEWROOT, resolved
 * there: an absolute symlink (systemd's /sbin/init -> /lib/systemd/systemd,
 * merged /usr's /sbin -> usr/sbin) means the new root's /lib, not the
 * initramfs's. A child chroots and asks the kernel, which then resolves
 * exactly as the exec after the switch will. Returns 0 or -errno.
 */
static int root_has_exec(const char *path)
{
	struct stat st;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (chroot(NEWROOT) < 0 || chdir("/") < 0 || stat(path, &st) < 0)
			_exit(errno);
		if (!S_ISREG(st.st_mode))
			_exit(S_ISDIR(st.st_mode) ? EISDIR : EACCES);
		_exit(access(path, X_OK) < 0 ? errno : 0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? -WEXITSTATUS(status) : -ECHILD;
}

static int standalone(const struct netinit_config *cfg, char **argv, char **envp)
{
	static const char *const moves[] = { "/dev", "/proc", "/sys", "/run" };
	static char *init_argv[16];
	const char *rootinit = cfg->rootinit[0] ? cfg->rootinit : "/sbin/init";
	char target[CMDLINE_PATH_MAX + 16];
	unsigned i;
	int rc;

	mkdir("/run", 0755);
	rc = do_mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	if (!rc)
		rc = standalone_mount(cfg);
	if (rc)
		return rc;
	rc = root_has_exec(rootinit);
	if (rc) {
		log_err("%s holds no executable %s (%s, symlinks followed inside the image): "
			"is it a root filesystem image? (or set netinit.rootinit=)", cfg->dest,
			rootinit, strerror(-rc));
		return rc;
	}
	net_restore(cfg);
	for (i = 0; i < sizeof(moves) / sizeof(moves[0]); i++) {
		snprintf(target, sizeof(target), NEWROOT "%s", moves[i]);
		rc = do_mount(moves[i], target, NULL, MS_MOVE, NULL);
		if (rc)
			return rc;
	}
	empty_initramfs();
	if (chdir(NEWROOT) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 ||
	    chroot(".") < 0 || chdir("/") < 0) {
		log_err("switch to the new root failed: %s", strerror(errno));
		return -errno;
	}
	/* the kernel's leftover arguments (single, emergency) go to the new init */
	init_argv[0] = (char *)rootinit;
	for (i = 1; argv[i] && i < sizeof(init_argv) / sizeof(init_argv[0]) - 1; i++)
		init_argv[i] = argv[i];
	log_info("switched root to %s, running %s", cfg->dest, rootinit);
	return exec_next(rootinit, init_argv, envp);
}

/*
 * Stream mode hands a block device on: dracut's dmsquash-live takes one as
 * root=live:/dev/nbdN (told through /etc/cmdline.d, which the kernel's own
 * root= overrides, hence the check); genkernel's linuxrc loop-mounts a file
 * from its cdroot and cannot. The verity device goes by its kernel name,
 * /dev/dm-N: dracut's udev rules skip a dm device libdevmapper did not
 * announce, so the /dev/mapper link dmsquash-live would wait for never
 * appears, while its own rule also matches KERNEL=="dm-N".
 */
static int stream_next_stage(const struct netinit_config *cfg, enum cmdline_mode mode)
{
	char line[CMDLINE_PATH_MAX + 16], dm[24];
	const char *dev = cfg->dest;
	struct stat st;
	int fd, n;

	if (strncmp(dev, "/dev/mapper/", 12) == 0 && stat(dev, &st) == 0) {
		snprintf(dm, sizeof(dm), "/dev/dm-%d", minor(st.st_rdev));
		dev = dm;
	}

	if (mode == MODE_GENKERNEL) {
		log_err("stream mode hands %s to standalone or dracut only: genkernel's linuxrc "
			"loop-mounts an image file; use netinit.mode=standalone, or "
			"netinit.stream=off", cfg->dest);
		return -EINVAL;
	}
	if (cfg->root_live[0] && strcmp(cfg->root_live, dev) != 0) {
		log_err("the kernel command line says root=live:%s but the image streams on %s: "
			"leave root= off (netinit tells dracut) or put root=live:%s there",
			cfg->root_live, dev, dev);
		return -EINVAL;
	}
	mkdir("/etc/cmdline.d", 0755);
	n = snprintf(line, sizeof(line), "root=live:%s\n", dev);
	fd = open(STREAM_CONF, O_WRONLY | O_CREAT | O_TRUNC |
		  O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, line, (size_t)n) != n) {
		log_err("cannot write %s: %s", STREAM_CONF, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	close(fd);
	log_info("dracut: root=live:%s (%s)", dev, STREAM_CONF);
	return 0;
}

int handoff(const struct netinit_config *cfg, char **argv, char **envp)
{
	const char *init;
	enum cmdline_mode mode = handoff_mode(cfg, &init);

	warn_second_copy(cfg);
	log_info("handing off: mode %s%s%s", mode_names[mode],
		 mode == MODE_STANDALONE ? "" : ", exec ",
		 mode == MODE_STANDALONE ? "" : init);
	if (mode == MODE_STANDALONE)
		return standalone(cfg, argv, envp);
	if (is_blockdev(cfg->dest) && stream_next_stage(cfg, mode) < 0)
		return -EINVAL;
	net_restore(cfg);
	return exec_next(init, argv, envp);
}
