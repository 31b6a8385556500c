/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Network interface control for the initramfs: which interfaces exist
 * (sysfs, Documentation/ABI/testing/sysfs-class-net), bringing links up,
 * and IPv4 configuration with the SIOCSIF* and SIOCADDRT ioctls.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "file.h"
#include "netif.h"

#define ARPHRD_ETHER_TYPE 1

/* Reads a small sysfs attribute of @ifname into @buf, newline stripped. */
static int sysfs_read(const char *ifname, const char *attr, char *buf, size_t size)
{
	char path[96];
	int n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, attr);
	n = file_read(path, buf, size);
	if (n < 0)
		return n;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int netif_parse_mac(const char *s, uint8_t mac[6])
{
	int i;

	/* BOOTIF=01-aa-bb-cc-dd-ee-ff: "01" is the ARP hardware type */
	if (strlen(s) == 20 && s[0] == '0' && s[1] == '1' && s[2] == '-')
		s += 3;
	if (strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);
		char sep = s[i * 3 + 2];

		if (hi < 0 || lo < 0 || (i < 5 && sep != ':' && sep != '-'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int netif_fill(const char *name, struct netif *nif)
{
	char buf[64];

	if (sysfs_read(name, "type", buf, sizeof(buf)) < 0 ||
	    atoi(buf) != ARPHRD_ETHER_TYPE)
		return -ENODEV;
	if (sysfs_read(name, "ifindex", buf, sizeof(buf)) < 0)
		return -ENODEV;
	nif->index = atoi(buf);
	if (sysfs_read(name, "address", buf, sizeof(buf)) < 0 ||
	    netif_parse_mac(buf, nif->mac) < 0)
		return -ENODEV;
	memcpy(nif->name, name, strlen(name) + 1);	/* length checked by caller */
	return 0;
}

int netif_list(struct netif *out, int max)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *de;
	int n = 0, i, j;

	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "lo") == 0 ||
		    strlen(de->d_name) >= sizeof(out->name))
			continue;
		if (netif_fill(de->d_name, &out[n]) == 0)
			n++;
	}
	closedir(d);
	for (i = 1; i < n; i++) {		/* insertion sort by ifindex */
		struct netif t = out[i];

		for (j = i; j > 0 && out[j - 1].index > t.index; j--)
			out[j] = out[j - 1];
		out[j] = t;
	}
	return n;
}

static int ioctl_sock(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

static int ifreq_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
	int fd = ioctl_sock(), rc = 0;

	if (fd < 0)
		return fd;
	strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, req, ifr) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

int netif_set_up(const char *name, int up)
{
	struct ifreq ifr;
	int rc;

	memset(&ifr, 0, sizeof(ifr));
	rc = ifreq_ioctl(name, SIOCGIFFLAGS, &ifr);
	if (rc)
		return rc;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return ifreq_ioctl(name, SIOCSIFFLAGS, &ifr);
}

/*
 * Carrier alone is not enough: until the kernel's linkwatch has run (up to
 * a second after carrier), the device has no queue discipline and frames
 * sent are silently dropped. operstate turns "up" only after that.
 */
int netif_carrier(const char *name)
{
	char buf[16];
	int rc = sysfs_read(name, "carrier", buf, sizeof(buf));

	if (rc < 0)
		return rc;
	if (buf[0] != '1')
		return 0;
	rc = sysfs_read(name, "operstate", buf, sizeof(buf));
	return rc < 0 || strcmp(buf, "up") == 0 || strcmp(buf, "unknown") == 0;
}

int netif_has_ipv4(const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	return ifreq_ioctl(name, SIOCGIFADDR, &ifr) == 0;
}

static void set_sin(struct sockaddr *sa, uint32_t addr)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = addr;
	memcpy(sa, &sin, sizeof(sin));
}

int netif_set_ipv4(const char *name, uint32_t addr, uint32_t mask, uint32_t bcast)
{
	struct ifreq ifr;
	int rc;

	memset(&ifr, 0, sizeof(ifr));
	set_sin(&ifr.ifr_addr, addr);
	rc = ifreq_ioctl(name, SIOCSIFADDR, &ifr);
	if (rc)
		return rc;
	set_sin(&ifr.ifr_netmask, mask);
	rc = ifreq_ioctl(name, SIOCSIFNETMASK, &ifr);
	if (rc)
		return rc;
	set_sin(&ifr.ifr_broadaddr, bcast ? bcast : (addr | ~mask));
	return ifreq_ioctl(name, SIOCSIFBRDADDR, &ifr);
}

int netif_set_mtu(const char *name, unsigned mtu)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_mtu = (int)mtu;
	return ifreq_ioctl(name, SIOCSIFMTU, &ifr);
}

int netif_add_route(const char *name, uint32_t dst, uint32_t mask, uint32_t gw)
{
	struct rtentry rt;
	char dev[IFNAMSIZ];
	int fd = ioctl_sock(), rc = 0;

	if (fd < 0)
		return fd;
	memset(&rt, 0, sizeof(rt));
	snprintf(dev, sizeof(dev), "%s", name);
	set_sin(&rt.rt_dst, dst);
	set_sin(&rt.rt_genmask, mask);
	set_sin(&rt.rt_gateway, gw);
	rt.rt_flags = RTF_UP | (gw ? RTF_GATEWAY : 0);
	rt.rt_dev = dev;
	if (ioctl(fd, SIOCADDRT, &rt) < 0 && errno != EEXIST)
		rc = -errno;
	close(fd);
	return rc;
}
