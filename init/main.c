/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netinit: /init of a netboot initramfs. Sequences the stages of DESIGN.md
 * (early mounts, config, image present?, modules, network, fetch, check,
 * handoff) and decides what failure means. As PID 1 it never returns: a
 * fatal error prints one line and follows netinit.onerror.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "cmdline.h"
#include "fetch.h"
#include "file.h"
#include "handoff.h"
#include "image.h"
#include "log.h"
#include "net.h"
#include "netif.h"
#include "stream_boot.h"

#define CONF_PATH     "/etc/netinit.conf"
#define CONF_MAX      8192
#define REBOOT_COUNTDOWN_S 10

static struct netinit_config cfg;

/* Mounted already if netinit runs again (after the shell) or after another /init. */
static int mounted(const char *dir)
{
	struct stat d, r;

	return stat(dir, &d) == 0 && stat("/", &r) == 0 && d.st_dev != r.st_dev;
}

static void early_mounts(void)
{
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	if (!mounted("/proc"))
		mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (!mounted("/sys"))
		mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (!mounted("/dev"))
		mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
}

/*
 * The conf file, then the kernel command line over it. A bad value in
 * either is fatal, but both are parsed first, so netinit.onerror and
 * netinit.debug from the command line apply to the error itself.
 */
static int load_config(void)
{
	static char text[CONF_MAX];
	char err[256], err2[256];
	int len, rc = 0, rc2;

	cmdline_init(&cfg);
	len = file_read(CONF_PATH, text, sizeof(text));
	if (len >= 0)
		rc = cmdline_parse(&cfg, text, (size_t)len, 1, err, sizeof(err));
	len = file_read("/proc/cmdline", text, sizeof(text));
	if (len < 0) {
		log_err("cannot read /proc/cmdline: %s", strerror(-len));
		return len;
	}
	rc2 = cmdline_parse(&cfg, text, (size_t)len, 0, err2, sizeof(err2));
	if (rc2 == 0)
		rc2 = cmdline_finish(&cfg, err2, sizeof(err2));
	log_set(cfg.debug, cfg.quiet);
	if (rc < 0)
		log_err("%s: %s", CONF_PATH, err);
	if (rc2 < 0)
		log_err("kernel command line: %s", err2);
	return rc < 0 ? rc : rc2;
}

/* 1 if the image is already where the next stage looks (combined.igz, iPXE initrd). */
static int image_present(void)
{
	struct stat st;

	if (stat(cfg.dest, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	log_info("%s already in the initramfs (%llu MiB): no network needed", cfg.dest,
		 (unsigned long long)st.st_size >> 20);
	return 1;
}

static char **main_argv, **main_envp;

/* The initrd's shell; when it exits, netinit runs again from the start. */
static void run_shell(void)
{
	static char *const sh_argv[] = { "/bin/sh", NULL };
	pid_t pid;
	int status;

	log_err("starting /bin/sh: fix the problem (netinit reads /etc/netinit.conf "
		"again), then 'exit' to retry the boot, or 'reboot -f'");
	pid = fork();
	if (pid == 0) {
		setsid();
		execv(sh_argv[0], sh_argv);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	log_info("shell exited: retrying the boot");
	execve("/init", main_argv, main_envp);
	log_err("cannot run /init again: %s", strerror(errno));
}

/*
 * Every NIC's link down before a halt or reboot: a server still pushing a
 * refused body (slirp under TCG) otherwise floods the one CPU with receive
 * softirqs and the power-off never completes (seen: soft lockups after
 * "halting", QEMU killed by its time limit).
 */
static void links_down(void)
{
	static struct netif nifs[NETIF_MAX];
	int i, n = netif_list(nifs, NETIF_MAX);

	for (i = 0; i < n; i++)
		netif_set_up(nifs[i].name, 0);
}

/* After a fatal error: what netinit.onerror says. Never returns. */
static void __attribute__((noreturn)) fatal(void)
{
	enum cmdline_onerror what = cfg.onerror;
	int i;

	if (what == ONERROR_DEFAULT)
		what = access("/bin/sh", X_OK) == 0 ? ONERROR_SHELL : ONERROR_REBOOT;
	for (;;) {
		if (what == ONERROR_SHELL && access("/bin/sh", X_OK) == 0) {
			run_shell();
			continue;
		}
		if (what == ONERROR_HALT) {
			log_err("boot failed: halting (netinit.onerror=halt)");
			links_down();
			sync();
			reboot(RB_POWER_OFF, NULL);
		} else {
			log_err("boot failed: rebooting in %d s (netinit.onerror=%s)",
				REBOOT_COUNTDOWN_S,
				what == ONERROR_SHELL ? "shell, but no /bin/sh" : "reboot");
			for (i = REBOOT_COUNTDOWN_S; i > 0; i--) {
				log_console("\rnetinit: rebooting in %2d s ", i);
				clock_sleep_ms(1000);
			}
			log_console("\n");
			links_down();
			sync();
			reboot(RB_AUTOBOOT, NULL);
		}
		clock_sleep_ms(1000);
	}
}

/*
 * The MAC of the NIC net_up() brought up (the Ethernet interface with an
 * IPv4 address; the others are down), for netinit.spread's mirror order.
 */
static void boot_nic_mac(void)
{
	struct netif nifs[NETIF_MAX];
	int n = netif_list(nifs, NETIF_MAX), i;

	for (i = 0; i < n; i++)
		if (netif_has_ipv4(nifs[i].name) == 1) {
			memcpy(cfg.mac, nifs[i].mac, sizeof(cfg.mac));
			cfg.has_mac = 1;
			return;
		}
}

int main(int argc, char **argv, char **envp)
{
	uint32_t next_server = 0;
	uint64_t t0 = clock_ms();

	(void)argc;
	main_argv = argv;
	main_envp = envp;
	early_mounts();
	log_open();
	log_info("netinit " NETINIT_VERSION " starting");
	if (getpid() != 1)
		log_err("running as PID %d, not as the initramfs /init: the handoff will "
			"fail", (int)getpid());
	if (load_config() < 0)
		fatal();
	if (image_present()) {
		if (cfg.sha256[0] && image_verify_sha256(cfg.dest, cfg.sha256) < 0)
			fatal();
	} else {
		if (!cfg.n_urls) {
			log_err("no image at %s and no netinit.url: add netinit.url=http://SERVER/"
				"image.squashfs to the kernel command line", cfg.dest);
			fatal();
		}
		int streamed = 0;

		handoff_net_snapshot();
		if (net_up(&cfg, &next_server) < 0)
			fatal();
		if (cfg.stream != STREAM_OFF) {
			streamed = stream_boot(&cfg, next_server, argv[0]);
			if (streamed < 0)
				fatal();
		}
		boot_nic_mac();
		if (!streamed && fetch_image(&cfg, next_server) < 0)
			fatal();
	}
	if (image_check(cfg.dest) < 0)
		fatal();
	log_info("image ready after %llu ms", (unsigned long long)(clock_ms() - t0));
	handoff(&cfg, argv, envp);
	fatal();
}
