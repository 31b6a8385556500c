/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tests for src/modalias.c: the glob matcher against real modules.alias
 * patterns (Debian 6.1 cloud kernel) and real device modaliases read from
 * QEMU's sysfs, a differential run against glibc fnmatch(3), and the
 * modules.alias / modules.dep line parsers including malformed lines.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "modalias.h"

/* Real device modaliases from QEMU (pc machine, virtio-net-pci, qemu64 CPU). */
#define PCI_VIRTIO_NET "pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00"
#define PCI_PIIX_IDE "pci:v00008086d00007010sv00001AF4sd00001100bc01sc01i80"
#define VIRTIO_NET "virtio:d00000001v00001AF4"
#define CPU_QEMU64 "cpu:type:x86,ven0000fam000Fmod006B:feature:,0000,0001,0002,0003,0004," \
	"0005,0006,0007,0008,0009,000B,000C,000D,000F,0010,0011,0013,0017,0018,0019,001A," \
	"002B,0034,003B,003D,0068,006F,0070,0072,0074,0075,0076,0080,0081,0089,008C,0095,00C0"

static const struct {
	const char *pat, *str;
	int match;
} globs[] = {
	/* real patterns from modules.alias */
	{ "pci:v00001AF4d00001000sv*sd*bc*sc*i*", PCI_VIRTIO_NET, 1 },
	{ "pci:v00001AF4d*sv*sd*bc*sc*i*", PCI_VIRTIO_NET, 1 },
	{ "pci:v00001AF4d*sv*sd*bc*sc*i*", PCI_PIIX_IDE, 0 },
	{ "pci:v00008086d00007010sv*sd*bc*sc*i*", PCI_PIIX_IDE, 1 },
	{ "pci:v00008086d00008C81sv*sd*bc*sc*i*", PCI_PIIX_IDE, 0 },
	{ "pci:v*d*sv*sd*bc02sc00i*", PCI_VIRTIO_NET, 1 },	/* class match */
	{ "pci:v*d*sv*sd*bc01sc06i01*", PCI_PIIX_IDE, 0 },
	{ "virtio:d00000001v*", VIRTIO_NET, 1 },
	{ "virtio:d00000002v*", VIRTIO_NET, 0 },
	{ "virtio:d00000001v*", "virtio:d00000001", 0 },	/* 'v' missing */
	{ "virtio:d00000001v*", "virtio:d00000001v", 1 },	/* '*' matches empty */
	{ "cpu:type:x86,ven*fam*mod*:feature:*0099*", CPU_QEMU64, 0 },	/* aesni_intel */
	{ "cpu:type:x86,ven*fam*mod*:feature:*0081*", CPU_QEMU64, 1 },
	{ "cpu:type:x86,ven*fam*mod*:feature:*00C0*", CPU_QEMU64, 1 },	/* last one */
	{ "input:b*v*p*e*-e*1,*3,*k*110,*r*a*0,*1,*m*l*s*f*w*",
	  "input:b0011v0002p0001e0000-e0,1,2,k110,111,112,r0,1,8,amlsfw", 0 },
	{ "input:b*v*p*e*-e*1,*2,*k*110,*r*0,*1,*a*m*l*s*f*w*",
	  "input:b0011v0002p0001e0000-e0,1,2,k110,111,112,r0,1,8,amlsfw", 1 },
	/* bracket classes, as file2alias writes bcdDevice ranges for usb */
	{ "usb:v0BDAp8179d[0-1]*dc*dsc*dp*ic*isc*ip*in*",
	  "usb:v0BDAp8179d0100dcFFdsc00dpFFicFFiscFFipFFin00", 1 },
	{ "usb:v0BDAp8179d[0-1]*dc*dsc*dp*ic*isc*ip*in*",
	  "usb:v0BDAp8179d2200dcFFdsc00dpFFicFFiscFFipFFin00", 0 },
	{ "usb:v04B4p6560d0[0-8]*dc*", "usb:v04B4p6560d0812dc09", 1 },
	{ "usb:v04B4p6560d0[0-8]*dc*", "usb:v04B4p6560d0912dc09", 0 },
	{ "a[!0-9]c", "abc", 1 },
	{ "a[!0-9]c", "a5c", 0 },
	{ "a[^b]c", "abc", 0 },
	{ "a[]]c", "a]c", 1 },			/* ']' first is literal */
	{ "a[!]]c", "a]c", 0 },
	{ "a[x-]c", "a-c", 1 },			/* '-' last is literal */
	{ "a[A-FX]c", "aXc", 1 },
	{ "a[A-FX]c", "aGc", 0 },
	{ "a[bc", "a[bc", 1 },			/* unclosed: literal '[' */
	{ "a[bc", "abc", 0 },
	/* '*' and '?' */
	{ "*", "", 1 },
	{ "*", "anything/with/slashes", 1 },
	{ "", "", 1 },
	{ "", "x", 0 },
	{ "x", "", 0 },
	{ "abc*", "abc", 1 },
	{ "abc*", "ab", 0 },
	{ "*abc", "xxabcabc", 1 },
	{ "*abc", "xxabcab", 0 },
	{ "a*b*c", "aXbYbZc", 1 },
	{ "a*b*c", "aXbYbZ", 0 },
	{ "a?c", "abc", 1 },
	{ "a?c", "ac", 0 },
	{ "**a**", "bab", 1 },
	{ "a\\*b", "a*b", 1 },			/* escaped star */
	{ "a\\*b", "axb", 0 },
	{ "a*", "A", 0 },			/* case matters */
};

static void test_glob_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(globs) / sizeof(globs[0]); i++) {
		int got = modalias_match(globs[i].pat, strlen(globs[i].pat),
					 globs[i].str, strlen(globs[i].str));
		if (got != globs[i].match)
			fprintf(stderr, "glob %zu: \"%s\" vs \"%s\"\n", i, globs[i].pat, globs[i].str);
		CHECK_EQ_INT(got, globs[i].match);
		/* glibc agrees on every row */
		CHECK_EQ_INT(fnmatch(globs[i].pat, globs[i].str, 0) == 0, globs[i].match);
	}
}

/* Pattern spans need no NUL: the matcher must stop at plen. */
static void test_glob_lengths(void)
{
	const char *line = "pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci";

	CHECK_EQ_INT(modalias_match(line, 29, PCI_VIRTIO_NET, strlen(PCI_VIRTIO_NET)), 1);
	CHECK_EQ_INT(modalias_match(line, strlen(line), PCI_VIRTIO_NET,
				    strlen(PCI_VIRTIO_NET)), 0);
	CHECK_EQ_INT(modalias_match("ab[", 2, "ab", 2), 1);	/* '[' beyond plen */
	CHECK_EQ_INT(modalias_match("a[b-", 4, "a[b-", 4), 1);
	CHECK_EQ_INT(modalias_match("a\\", 2, "a\\", 2), 1);	/* trailing backslash */
}

/* Random patterns over a small alphabet, compared with glibc fnmatch(3). */
static void test_glob_fnmatch(void)
{
	static const char pa[] = "ab*?[]!-\\";
	static const char sa[] = "ab-]!";
	char pat[12], str[12];
	int i, j, pl, sl, bad = 0;

	srand(1);
	for (i = 0; i < 200000; i++) {
		pl = rand() % 10;
		sl = rand() % 10;
		for (j = 0; j < pl; j++)
			pat[j] = pa[rand() % (sizeof(pa) - 1)];
		for (j = 0; j < sl; j++)
			str[j] = sa[rand() % (sizeof(sa) - 1)];
		pat[pl] = str[sl] = '\0';
		if (pat[pl ? pl - 1 : 0] == '\\')	/* glibc: trailing '\' never matches */
			continue;
		if (modalias_match(pat, pl, str, sl) != (fnmatch(pat, str, 0) == 0)) {
			if (bad++ < 5)
				fprintf(stderr, "fnmatch differs: \"%s\" vs \"%s\"\n", pat, str);
		}
	}
	CHECK_EQ_INT(bad, 0);
}

static const struct {
	const char *line;
	int rc;
	const char *pat, *mod;
} aliases[] = {
	{ "alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci", 0, "pci:v00001AF4d*sv*sd*bc*sc*i*",
	  "virtio_pci" },
	{ "alias virtio:d00000001v* virtio_net", 0, "virtio:d00000001v*", "virtio_net" },
	{ "alias\tfs-squashfs  squashfs\r", 0, "fs-squashfs", "squashfs" },
	{ "  alias devname:loop-control loop", 0, "devname:loop-control", "loop" },
	{ "# Aliases extracted from modules themselves.", -ENODATA, NULL, NULL },
	{ "", -ENODATA, NULL, NULL },
	{ "   \t", -ENODATA, NULL, NULL },
	{ "alias onlypattern", -EBADMSG, NULL, NULL },
	{ "alias", -EBADMSG, NULL, NULL },
	{ "alias a b c", -EBADMSG, NULL, NULL },
	{ "aliasx a b", -EBADMSG, NULL, NULL },
	{ "softdep a pre: b", -EBADMSG, NULL, NULL },
	{ "alias a 123456789012345678901234567890123456789012345678901234567", -EBADMSG,
	  NULL, NULL },	/* 57-byte module name */
};

static void test_parse_alias(void)
{
	char pat[128], mod[128];
	size_t i;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		struct modalias_span p = { 0 }, m = { 0 };
		int rc = modalias_parse_alias(aliases[i].line, strlen(aliases[i].line), &p, &m);

		CHECK_EQ_INT(rc, aliases[i].rc);
		if (rc != 0 || !aliases[i].pat)
			continue;
		snprintf(pat, sizeof(pat), "%.*s", (int)p.len, p.p);
		snprintf(mod, sizeof(mod), "%.*s", (int)m.len, m.p);
		CHECK_EQ_STR(pat, aliases[i].pat);
		CHECK_EQ_STR(mod, aliases[i].mod);
	}
}

static const struct {
	const char *line;
	int rc;
	const char *path;
	const char *deps[6];
} deplines[] = {
	{ "kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko "
	  "kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko "
	  "kernel/drivers/virtio/virtio_ring.ko", 0, "kernel/drivers/virtio/virtio_pci.ko",
	  { "kernel/drivers/virtio/virtio_pci_legacy_dev.ko",
	    "kernel/drivers/virtio/virtio_pci_modern_dev.ko",
	    "kernel/drivers/virtio/virtio.ko", "kernel/drivers/virtio/virtio_ring.ko" } },
	{ "kernel/fs/squashfs/squashfs.ko:", 0, "kernel/fs/squashfs/squashfs.ko", { NULL } },
	{ "kernel/fs/overlayfs/overlay.ko:   \r", 0, "kernel/fs/overlayfs/overlay.ko", { NULL } },
	{ "kernel/net/core/failover.ko.xz:\tkernel/a.ko.zst", 0, "kernel/net/core/failover.ko.xz",
	  { "kernel/a.ko.zst" } },
	{ "", -ENODATA, NULL, { NULL } },
	{ "# comment", -ENODATA, NULL, { NULL } },
	{ "kernel/fs/squashfs/squashfs.ko", -EBADMSG, NULL, { NULL } },	/* no colon */
	{ "kernel/a.ko : kernel/b.ko", -EBADMSG, NULL, { NULL } },		/* space before ':' */
	{ ":", -EBADMSG, NULL, { NULL } },
	{ "a:b.ko: c.ko", -EBADMSG, NULL, { NULL } },
};

static void test_parse_dep(void)
{
	char buf[128];
	size_t i;
	int j;

	for (i = 0; i < sizeof(deplines) / sizeof(deplines[0]); i++) {
		struct modalias_span path = { 0 }, rest = { 0 }, w;
		int rc = modalias_parse_dep(deplines[i].line, strlen(deplines[i].line), &path, &rest);

		CHECK_EQ_INT(rc, deplines[i].rc);
		if (rc != 0)
			continue;
		snprintf(buf, sizeof(buf), "%.*s", (int)path.len, path.p);
		CHECK_EQ_STR(buf, deplines[i].path);
		for (j = 0; deplines[i].deps[j]; j++) {
			CHECK_EQ_INT(modalias_next_dep(&rest, &w), 0);
			snprintf(buf, sizeof(buf), "%.*s", (int)w.len, w.p);
			CHECK_EQ_STR(buf, deplines[i].deps[j]);
		}
		CHECK_EQ_INT(modalias_next_dep(&rest, &w), -ENODATA);
		CHECK_EQ_INT(modalias_next_dep(&rest, &w), -ENODATA);
	}
}

static void test_next_line(void)
{
	static const char buf[] = "one\n\nthree\nlast-no-newline";
	static const char *want[] = { "one", "", "three", "last-no-newline" };
	struct modalias_span line;
	size_t off = 0, i;
	char s[32];

	for (i = 0; i < 4; i++) {
		CHECK_EQ_INT(modalias_next_line(buf, sizeof(buf) - 1, &off, &line), 0);
		snprintf(s, sizeof(s), "%.*s", (int)line.len, line.p);
		CHECK_EQ_STR(s, want[i]);
	}
	CHECK_EQ_INT(modalias_next_line(buf, sizeof(buf) - 1, &off, &line), -ENODATA);
	off = 0;
	CHECK_EQ_INT(modalias_next_line("x\n", 2, &off, &line), 0);
	CHECK_EQ_INT((int)line.len, 1);
	CHECK_EQ_INT(modalias_next_line("x\n", 2, &off, &line), -ENODATA);	/* no phantom */
	off = 0;
	CHECK_EQ_INT(modalias_next_line("", 0, &off, &line), -ENODATA);
}

static const struct {
	const char *path;
	int rc;
	const char *name;
	int compressed;
} names[] = {
	{ "kernel/drivers/net/virtio_net.ko", 10, "virtio_net", 0 },
	{ "kernel/arch/x86/events/intel/intel-uncore.ko", 12, "intel_uncore", 0 },
	{ "kernel/lib/crc-itu-t.ko.xz", 9, "crc_itu_t", 1 },
	{ "kernel/fs/squashfs/squashfs.ko.zst", 8, "squashfs", 1 },
	{ "loop.ko.gz", 4, "loop", 1 },
	{ "/abs/path/overlay.ko", 7, "overlay", 0 },
	{ "kernel/x/y.o", -EBADMSG, NULL, 0 },
	{ "kernel/x/y.ko.bz2", -EBADMSG, NULL, 0 },
	{ "kernel/x/.ko", -EBADMSG, NULL, 0 },
	{ ".ko.xz", -EBADMSG, NULL, 1 },
	{ "", -EBADMSG, NULL, 0 },
	{ "k/a23456789012345678901234567890123456789012345678901234567.ko", -ENAMETOOLONG,
	  NULL, 0 },
};

static void test_modname(void)
{
	char out[MODALIAS_NAME_MAX + 1];
	char small[5];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *p = names[i].path;

		CHECK_EQ_INT(modalias_modname(p, strlen(p), out, sizeof(out)), names[i].rc);
		if (names[i].name)
			CHECK_EQ_STR(out, names[i].name);
		CHECK_EQ_INT(modalias_compressed(p, strlen(p)), names[i].compressed);
	}
	CHECK_EQ_INT(modalias_modname("a/loop.ko", 9, small, sizeof(small)), 4);
	CHECK_EQ_INT(modalias_modname("a/loops.ko", 10, small, sizeof(small)), -ENAMETOOLONG);
	CHECK_EQ_INT(modalias_name_eq("intel-uncore", 12, "intel_uncore", 12), 1);
	CHECK_EQ_INT(modalias_name_eq("virtio_net", 10, "virtio_net", 10), 1);
	CHECK_EQ_INT(modalias_name_eq("virtio_net", 10, "virtio_pci", 10), 0);
	CHECK_EQ_INT(modalias_name_eq("loop", 4, "loop0", 5), 0);
}

int main(void)
{
	test_glob_table();
	test_glob_lengths();
	test_glob_fnmatch();
	test_parse_alias();
	test_parse_dep();
	test_next_line();
	test_modname();
	return check_report("modalias");
}
