/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for src/cmdline.c. A parsed config is compared through dump():
 * one line listing every field that differs from cmdline_init()'s defaults,
 * so each table row states the whole expected result.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cmdline.h"

#define SHA_UP "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
#define SHA_LO "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void add(char *out, size_t size, const char *name, const char *val)
{
	size_t n = strlen(out);

	snprintf(out + n, size - n, "%s%s%s%s", n ? " " : "", name, val ? "=" : "",
		 val ? val : "");
}

static void add_str(char *out, size_t size, const char *name, const char *val)
{
	if (val[0])
		add(out, size, name, val);
}

static void add_num(char *out, size_t size, const char *name, unsigned long long v, int show)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", v);
	if (show)
		add(out, size, name, num);
}

static void dump(const struct netinit_config *c, char *out, size_t size)
{
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < c->n_urls; i++)
		add(out, size, "url", c->urls[i]);
	add_str(out, size, "loop", c->loop);
	add_str(out, size, "root_live", c->root_live);
	add_str(out, size, "dest_override", c->dest_override);
	add_str(out, size, "dest", c->dest);
	add_str(out, size, "init", c->init);
	add_str(out, size, "ip", c->ip);
	add_str(out, size, "iface", c->iface);
	add_str(out, size, "bootif", c->bootif);
	add_str(out, size, "sha256", c->sha256);
	add_num(out, size, "size", c->size, c->size != 0);
	add_num(out, size, "timeout", c->timeout, c->timeout != 60);
	add_num(out, size, "retries", c->retries, c->retries != 3);
	add_num(out, size, "connect_timeout", c->connect_timeout, c->connect_timeout != 10);
	add_num(out, size, "idle_timeout", c->idle_timeout, c->idle_timeout != 20);
	add_num(out, size, "speed_limit", c->speed_limit, c->speed_limit != 1024);
	add_num(out, size, "speed_time", c->speed_time, c->speed_time != 30);
	add_num(out, size, "spread", (unsigned)c->spread, c->spread != 1);
	add_num(out, size, "jitter", c->jitter, c->jitter != 0);
	add_num(out, size, "onerror", c->onerror, c->onerror != ONERROR_DEFAULT);
	add_num(out, size, "mode", c->mode, c->mode != MODE_AUTO);
	add_str(out, size, "rootinit", c->rootinit);
	add_str(out, size, "overlay_size", c->overlay_size);
	add_num(out, size, "stream", c->stream, c->stream != STREAM_OFF);
	add_num(out, size, "stream_cache", c->stream_cache_mib, c->stream_cache_mib != 4);
	add_num(out, size, "stream_timeout", c->stream_timeout, c->stream_timeout != 300);
	add_num(out, size, "stream_rate", c->stream_rate, c->stream_rate != 0);
	add_str(out, size, "verity", c->verity);
	if (c->nbd)
		add(out, size, "nbd", NULL);
	if (c->keepnet)
		add(out, size, "keepnet", NULL);
	if (c->docache)
		add(out, size, "docache", NULL);
	if (c->live_ram)
		add(out, size, "live_ram", NULL);
	if (c->cdroot)
		add(out, size, "cdroot", NULL);
	if (c->has_root)
		add(out, size, "has_root", NULL);
	if (c->debug)
		add(out, size, "debug", NULL);
	if (c->quiet)
		add(out, size, "quiet", NULL);
}

static struct netinit_config cfg;
static char got[16384], err[512];

/* Fresh config, then each non-NULL text in turn (conf first, as main does). */
static int parse(const char *conf, const char *kernel)
{
	int rc = 0;

	cmdline_init(&cfg);
	err[0] = 'X';
	if (conf)
		rc = cmdline_parse(&cfg, conf, strlen(conf), 1, err, sizeof(err));
	if (rc == 0 && kernel)
		rc = cmdline_parse(&cfg, kernel, strlen(kernel), 0, err, sizeof(err));
	if (rc == 0)
		CHECK_EQ_STR(err, "");
	dump(&cfg, got, sizeof(got));
	return rc;
}

static const struct {
	const char *conf, *kernel, *want;
} ok_cases[] = {
	/* real command lines */
	{ NULL, "BOOT_IMAGE=/vmlinuz initrd=gentoo.igz root=live:/image.squashfs.img "
	  "rd.live.overlay.overlayfs=1 netinit.url=http://10.0.2.100/image.squashfs,"
	  "http://10.0.2.101/x quiet\n",
	  "url=http://10.0.2.100/image.squashfs url=http://10.0.2.101/x "
	  "root_live=/image.squashfs.img has_root quiet" },
	{ NULL, "BOOT_IMAGE=/boot/vmlinuz-6.1.0 root=/dev/ram0 init=/linuxrc dokeymap "
	  "looptype=squashfs loop=/image.squashfs cdroot console=tty0 console=ttyS0,115200n8 "
	  "netinit.url=http:///image.squashfs netinit.sha256=" SHA_UP " netinit.size=1073741824\n",
	  "url=http:///image.squashfs loop=/image.squashfs sha256=" SHA_LO " size=1073741824 "
	  "cdroot has_root" },
	{ NULL, "BOOT_IMAGE=/live/vmlinuz boot=live components "
	  "fetch=http://192.168.1.1/live/filesystem.squashfs ip=dhcp BOOTIF=01-52-54-00-12-34-56",
	  "url=http://192.168.1.1/live/filesystem.squashfs ip=dhcp bootif=01-52-54-00-12-34-56" },
	{ NULL, "initrd=initrd.magic netinit.iface=52:54:00:12:34:56 netinit.mode=standalone "
	  "netinit.onerror=halt netinit.debug netinit.timeout=120 netinit.retries=0 "
	  "netinit.init=/sbin/init netinit.dest=/run/netinit/root.sqfs",
	  "dest_override=/run/netinit/root.sqfs init=/sbin/init iface=52:54:00:12:34:56 "
	  "timeout=120 retries=0 onerror=3 mode=3 debug" },
	{ NULL, "ip=10.0.2.15::10.0.2.2:255.255.255.0:box:eth0:off:10.0.2.3 netinit.mode=genkernel "
	  "netinit.onerror=shell netinit.timeout=86400 netinit.retries=100",
	  "ip=10.0.2.15::10.0.2.2:255.255.255.0:box:eth0:off:10.0.2.3 timeout=86400 retries=100 "
	  "onerror=1 mode=1" },
	{ NULL, "netinit.connect_timeout=3 netinit.idle_timeout=86400 netinit.retries=2",
	  "retries=2 connect_timeout=3 idle_timeout=86400" },
	{ "netinit.idle_timeout=5\nnetinit.connect_timeout=1\n", "netinit.idle_timeout=7",
	  "connect_timeout=1 idle_timeout=7" },
	{ NULL, "netinit.speed_limit=0 netinit.speed_time=86400", "speed_limit=0 speed_time=86400" },
	{ "netinit.speed_limit=1000000000\n", "netinit.speed_time=1",
	  "speed_limit=1000000000 speed_time=1" },
	/* the storm keys: mirror order by MAC, first-request jitter (whole seconds) */
	{ NULL, "netinit.spread=0 netinit.jitter=2", "spread=0 jitter=2" },
	{ "netinit.spread=0\n", "netinit.spread netinit.jitter=600", "jitter=600" },
	{ NULL, "netinit.jitter=1 netinit.spread=1", "jitter=1" },
	{ NULL, "netinit.jitter=5 netinit.jitter=0", "" },
	{ NULL, "netinit.mode=dracut netinit.onerror=reboot netinit.mode=auto",
	  "onerror=2" },
	/* handoff: keepnet, standalone's root init and overlay size, second copies */
	{ NULL, "netinit.keepnet=1 netinit.rootinit=/lib/systemd/systemd netinit.overlay.size=512m",
	  "rootinit=/lib/systemd/systemd overlay_size=512m keepnet" },
	{ NULL, "netinit.keepnet netinit.keepnet=0 netinit.overlay.size=50% "
	  "netinit.overlay.size=1048576", "overlay_size=1048576" },
	/* stream mode */
	{ NULL, "netinit.stream=on netinit.stream.cache=16 netinit.stream.timeout=600",
	  "stream=1 stream_cache=16 stream_timeout=600" },
	{ NULL, "netinit.stream=on netinit.stream=auto", "stream=2" },
	{ NULL, "netinit.stream=cache netinit.stream.rate=2048", "stream=3 stream_rate=2048" },
	{ NULL, "netinit.stream.rate=5 netinit.stream.rate=0", "" },
	/* keys are matched whole: ".url" is not netinit.url */
	{ NULL, ".url=http://a/x .stream.cache=8 netinit.stream.cache=16", "stream_cache=16" },
	/* nbd:// servers: a list of one kind; http:// again resets the kind */
	{ NULL, "netinit.url=nbd://10.0.2.100/live,NBD://[2001:db8::1]:10810/a%20b",
	  "url=nbd://10.0.2.100/live url=NBD://[2001:db8::1]:10810/a%20b nbd" },
	{ NULL, "netinit.url=nbd:///live fetch=http://a/x", "url=http://a/x" },
	{ NULL, "netinit.verity=" SHA_UP, "verity=" SHA_LO },
	{ NULL, "netinit.stream=auto netinit.stream=off netinit.stream.cache=4", "" },
	{ NULL, "cdroot docache loop=/image.squashfs", "loop=/image.squashfs docache cdroot" },
	{ NULL, "rd.live.ram", "live_ram" },
	{ NULL, "rd.live.ram=1 rd.live.ram=0", "" },
	{ NULL, "rd.live.ram=yes", "live_ram" },
	{ NULL, "rd.live.ram rd.live.ram=off", "" },
	/* quoting, as the kernel's next_arg() */
	{ NULL, "\"netinit.url=http://a/x\" netinit.dest=\"/run/my image.img\" ip=\"dhcp\"",
	  "url=http://a/x dest_override=/run/my image.img ip=dhcp" },
	{ NULL, "\"quiet\" BOOTIF=a\"b c\" netinit.iface=\"\"", "bootif=a\"b c\" quiet" },
	{ NULL, "netinit.init=\"/sbin/my init\"x", "init=/sbin/my init\"x" },
	{ NULL, "  \t quiet\tnetinit.debug=1\n\n", "debug quiet" },
	{ NULL, "", "" },
	{ NULL, "\n", "" },
	/* later settings win; URL lists are replaced, not appended */
	{ NULL, "fetch=http://a/1 netinit.url=http://b/2,http://c/3 netinit.debug netinit.debug=0 "
	  "root=live:/x root=/dev/sda1 netinit.size=5 netinit.size=0",
	  "url=http://b/2 url=http://c/3 has_root" },
	{ NULL, "netinit.url=http://b/2,http://c/3 fetch=http://a/1", "url=http://a/1" },
	{ NULL, "root=live:/x root=", "" },
	{ NULL, "root=live:CDLABEL=Fedora-39 rd.live.image", "root_live=CDLABEL=Fedora-39 has_root" },
	{ NULL, "root=live:", "has_root" },
	{ NULL, "cdroot=/dev/sr0 quiet=1", "cdroot quiet" },
	{ NULL, "netinit.url=http://h/1,http://h/2,http://h/3,http://h/4,http://h/5,http://h/6,"
	  "http://h/7,http://h/8",
	  "url=http://h/1 url=http://h/2 url=http://h/3 url=http://h/4 url=http://h/5 "
	  "url=http://h/6 url=http://h/7 url=http://h/8" },
	{ NULL, "netinit.sha256=" SHA_LO " netinit.size=9223372036854775807 netinit.timeout=1 "
	  "netinit.retries=007",
	  "sha256=" SHA_LO " size=9223372036854775807 timeout=1 retries=7" },
	/* the kernel's and the next stage's own keys pass by */
	{ NULL, "rd.live.image foo=bar =x netinit nfsroot=1.2.3.4:/x init=/bin/sh url=x.", "" },
	/* netinit.conf */
	{ "# /etc/netinit.conf written by gen_initramfs.sh\n"
	  "netinit.url=http://10.0.2.100/image.squashfs\n"
	  "\n"
	  "  netinit.sha256 = \"" SHA_UP "\"  \n"
	  "\t# an indented comment\n"
	  "netinit.mode=dracut\n"
	  "quiet\n"
	  "root=live:/image.squashfs\n"
	  "netinit.dest=\"/run/my image\"\n"
	  "netinit.iface = eth0 # not a comment",
	  NULL,
	  "url=http://10.0.2.100/image.squashfs root_live=/image.squashfs "
	  "dest_override=/run/my image iface=eth0 # not a comment sha256=" SHA_LO " mode=2 quiet" },
	{ "netinit.url=http://a/x#frag\r\nnetinit.debug\r\nnetinit.timeout=5\r\n", NULL,
	  "url=http://a/x#frag timeout=5 debug" },
	{ "netinit.init=\"\"\nip=\"\nBOOTIF=\"a\" \"b\"\n#netinit.timeout=x\n", NULL,
	  "ip=\" bootif=a\" \"b" },
	{ "", NULL, "" },
	{ "\n\n# only comments\n   \n", NULL, "" },
	/* conf first, then the kernel command line overrides */
	{ "netinit.url=http://conf/a,http://conf/b\nnetinit.timeout=30\nnetinit.mode=dracut\n"
	  "netinit.debug\nroot=/dev/conf\n",
	  "quiet netinit.url=http://kernel/c netinit.debug=0",
	  "url=http://kernel/c timeout=30 mode=2 quiet" },
	{ "netinit.url=http://conf/a\n", "netinit.timeout=9", "url=http://conf/a timeout=9" },
};

static void test_ok(void)
{
	size_t i;

	for (i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		int rc = parse(ok_cases[i].conf, ok_cases[i].kernel);

		CHECK_EQ_INT(rc, 0);
		CHECK_EQ_STR(got, ok_cases[i].want);
		if (rc || strcmp(got, ok_cases[i].want))
			fprintf(stderr, "  case %zu: %s\n", i, err);
	}
}

static const struct {
	int is_file;
	const char *text;
	int rc;
	const char *msg;
} err_cases[] = {
	{ 0, "netinit.sha256=abc", -EINVAL,
	  "netinit.sha256: \"abc\" is not 64 hex digits; give the image's sha256sum" },
	{ 0, "netinit.sha256=" SHA_LO "0", -EINVAL,
	  "netinit.sha256: \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852...\" "
	  "is not 64 hex digits; give the image's sha256sum" },
	{ 0, "netinit.sha256=g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	  -EINVAL, NULL },
	{ 0, "netinit.sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
	  -EINVAL, NULL },
	{ 0, "netinit.sha256", -EINVAL,
	  "netinit.sha256: \"\" is not 64 hex digits; give the image's sha256sum" },
	{ 0, "netinit.size=12G", -EINVAL, "netinit.size: \"12G\" is not a decimal byte count; "
	  "give the image's size in bytes (stat -c %s)" },
	{ 0, "netinit.size=-1", -EINVAL, NULL },
	{ 0, "netinit.size=", -EINVAL, NULL },
	{ 0, "netinit.size=+5", -EINVAL, NULL },
	{ 0, "netinit.size=0x10", -EINVAL, NULL },
	{ 0, "netinit.size=9223372036854775808", -EINVAL, NULL },
	{ 0, "netinit.size=18446744073709551616", -EINVAL, NULL },
	{ 0, "netinit.size=99999999999999999999999999", -EINVAL, NULL },
	{ 0, "netinit.timeout=0", -EINVAL,
	  "netinit.timeout: \"0\" is not 1..86400; give the network wait in seconds" },
	{ 0, "netinit.timeout=86401", -EINVAL, NULL },
	{ 0, "netinit.connect_timeout=0", -EINVAL,
	  "netinit.connect_timeout: \"0\" is not 1..86400; give the HTTP connect wait in seconds" },
	{ 0, "netinit.idle_timeout=5s", -EINVAL,
	  "netinit.idle_timeout: \"5s\" is not 1..86400; give how many seconds without a byte "
	  "end a download attempt" },
	{ 0, "netinit.idle_timeout=86401", -EINVAL, NULL },
	{ 0, "netinit.speed_limit=1k", -EINVAL,
	  "netinit.speed_limit: \"1k\" is not 0..1000000000; give the bytes per second below "
	  "which a mirror is left (0: never)" },
	{ 0, "netinit.speed_limit=1000000001", -EINVAL, NULL },
	{ 0, "netinit.speed_time=0", -EINVAL,
	  "netinit.speed_time: \"0\" is not 1..86400; give how many seconds below "
	  "netinit.speed_limit leave a mirror" },
	{ 0, "netinit.speed_time=", -EINVAL, NULL },
	{ 0, "netinit.spread=yes", -EINVAL,
	  "netinit.spread: \"yes\" is not 0 or 1; give 0 or 1" },
	{ 0, "netinit.jitter=601", -EINVAL,
	  "netinit.jitter: \"601\" is not 0..600; give the longest random wait before "
	  "the first request in seconds" },
	{ 0, "netinit.jitter=0.5", -EINVAL, NULL },
	{ 0, "netinit.jitter=1.", -EINVAL, NULL },
	{ 0, "netinit.jitter=.5", -EINVAL, NULL },
	{ 0, "netinit.jitter=2s", -EINVAL, NULL },
	{ 0, "netinit.jitter=", -EINVAL, NULL },
	{ 0, "netinit.jitter=99999999999999999999", -EINVAL, NULL },
	{ 0, "netinit.timeout=4294967297", -EINVAL, NULL },
	{ 0, "netinit.timeout=10s", -EINVAL, NULL },
	{ 0, "netinit.timeout", -EINVAL,
	  "netinit.timeout: \"\" is not 1..86400; give the network wait in seconds" },
	{ 0, "netinit.retries=101", -EINVAL, "netinit.retries: \"101\" is not 0..100; "
	  "give how many more rounds over the mirrors to try" },
	{ 0, "netinit.retries=-1", -EINVAL, NULL },
	{ 0, "netinit.retries= 3", -EINVAL, NULL },
	{ 0, "netinit.onerror=panic", -EINVAL,
	  "netinit.onerror: \"panic\" is not shell, reboot or halt; pick one of them" },
	{ 0, "netinit.onerror=Shell", -EINVAL, NULL },
	{ 0, "netinit.onerror", -EINVAL,
	  "netinit.onerror: \"\" is not shell, reboot or halt; pick one of them" },
	{ 0, "netinit.mode=systemd", -EINVAL, "netinit.mode: \"systemd\" is not auto, genkernel, "
	  "dracut or standalone; pick one of them" },
	{ 0, "netinit.debug=yes", -EINVAL,
	  "netinit.debug: \"yes\" is not 0 or 1; give 0 or 1" },
	{ 0, "netinit.debug=", -EINVAL, NULL },
	{ 0, "netinit.keepnet=yes", -EINVAL,
	  "netinit.keepnet: \"yes\" is not 0 or 1; give 0 or 1" },
	{ 0, "netinit.rootinit=sbin/init", -EINVAL, "netinit.rootinit: \"sbin/init\" is not an "
	  "absolute path; give the live root's init as /PATH" },
	{ 0, "netinit.overlay.size=1T", -EINVAL, "netinit.overlay.size: \"1T\" is not a tmpfs "
	  "size; give bytes with an optional k, m, g or % suffix (512m, 50%)" },
	{ 0, "netinit.overlay.size=", -EINVAL, NULL },
	{ 0, "netinit.stream=yes", -EINVAL, "netinit.stream: \"yes\" is not off, on, auto or "
	  "cache; pick one of them" },
	{ 0, "netinit.stream.rate=1k", -EINVAL, "netinit.stream.rate: \"1k\" is not 0..1000000000"
	  "; give KiB/s (0: no cap)" },
	{ 0, "netinit.stream.cache=0", -EINVAL, NULL },
	{ 0, "netinit.stream.cache=1025", -EINVAL, NULL },
	{ 0, "netinit.stream.cache=4m", -EINVAL, NULL },
	{ 0, "netinit.stream.timeout=0", -EINVAL, NULL },
	{ 0, "netinit.verity=abc", -EINVAL, "netinit.verity: \"abc\" is not a root hash in hex; "
	  "give the 'Root hash' veritysetup format printed" },
	{ 0, "netinit.verity=" SHA_LO "0", -EINVAL, NULL },
	{ 0, "netinit.verity=" SHA_LO SHA_LO "00", -EINVAL, NULL },
	{ 0, "netinit.verity=" SHA_LO "x0", -EINVAL, NULL },
	{ 0, "netinit.overlay.size=m", -EINVAL, NULL },
	{ 0, "netinit.overlay.size=5,nr_inodes=1", -EINVAL, NULL },
	{ 0, "netinit.overlay.size=1234567890123", -EINVAL, NULL },
	{ 0, "netinit.init=sbin/init", -EINVAL, "netinit.init: \"sbin/init\" is not an absolute "
	  "path; give the next stage's init as /PATH" },
	{ 0, "netinit.url=https://mirror/image.squashfs", -EINVAL,
	  "netinit.url: \"https://mirror/image.squashfs\" is neither http:// nor nbd://; give an "
	  "http:// mirror or an nbd:// server" },
	{ 0, "fetch=http://ok/x,tftp://10.0.2.2/x", -EINVAL,
	  "fetch: \"tftp://10.0.2.2/x\" is neither http:// nor nbd://; give an http:// mirror "
	  "or an nbd:// server" },
	{ 0, "netinit.url=nbds://h/x", -EINVAL, NULL },
	{ 0, "netinit.url=10.0.2.100/image.squashfs", -EINVAL, "netinit.url: "
	  "\"10.0.2.100/image.squashfs\" is not an http://HOST[:PORT]/PATH or "
	  "nbd://HOST[:PORT]/EXPORT URL; fix it" },
	{ 0, "netinit.url=nbd://h/a?tls=on", -EINVAL, "netinit.url: \"nbd://h/a?tls=on\" is not "
	  "an http://HOST[:PORT]/PATH or nbd://HOST[:PORT]/EXPORT URL; fix it" },
	{ 0, "netinit.url=nbd://[fe80::1%25eth0]/a", -EINVAL, "netinit.url: "
	  "\"nbd://[fe80::1%25eth0]/a\" has an IPv6 zone id (%25...), which netinit does not "
	  "support; give a global address or a name" },
	{ 0, "netinit.url=nbd://a/live,http://b/live.squashfs", -EINVAL, "netinit.url: "
	  "\"nbd://a/live,http://b/live.squashfs\" mixes http:// and nbd:// URLs; give one kind" },
	{ 0, "netinit.url=http://b/live.squashfs,nbd://a/live", -EINVAL, NULL },
	{ 0, "netinit.url=http://h:99999/x", -EINVAL, NULL },
	{ 0, "netinit.url=\"http://a/x quiet", -EINVAL,
	  "netinit.url: \"http://a/x quiet\" is not an http://HOST[:PORT]/PATH or "
	  "nbd://HOST[:PORT]/EXPORT URL; fix it" },
	{ 0, "netinit.url=http://a/1,,http://b/2", -EINVAL,
	  "netinit.url: \"http://a/1,,http://b/2\" has an empty URL; give URL[,URL...]" },
	{ 0, "netinit.url=http://a/1,", -EINVAL, NULL },
	{ 0, "netinit.url=", -EINVAL, "netinit.url: \"\" has an empty URL; give URL[,URL...]" },
	{ 0, "netinit.url", -EINVAL, NULL },
	{ 0, "netinit.url=http://h/1,http://h/2,http://h/3,http://h/4,http://h/5,http://h/6,"
	  "http://h/7,http://h/8,http://h/9", -E2BIG, "netinit.url: \"http://h/1,http://h/2,"
	  "http://h/3,http://h/4,http://h/5,http:...\" lists more than 8 URLs; drop some "
	  "mirrors" },
	{ 0, "netinit.sha265=" SHA_LO, -EINVAL, "netinit.sha265: unknown key; check its spelling "
	  "against the command-line keys in DESIGN.md" },
	{ 0, "netinit.URL=http://a/x", -EINVAL, NULL },
	{ 1, "netinit.timeout=abc\n", -EINVAL,
	  "netinit.timeout: \"abc\" is not 1..86400; give the network wait in seconds" },
	{ 1, "ip=dhcp\x01\n", -EINVAL, "ip: \"dhcp?\" holds a control character; remove it" },
	{ 1, "netinit.url=http://a/x\nnetinit.url=http://a/\x1b[2J\n", -EINVAL,
	  "netinit.url: \"http://a/?[2J\" holds a control character; remove it" },
	{ 1, "  netinit.mode = \"standalone \"  \n", -EINVAL, "netinit.mode: \"standalone \" is "
	  "not auto, genkernel, dracut or standalone; pick one of them" },
};

static void test_errors(void)
{
	size_t i;

	for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const char *t = err_cases[i].text;
		int rc;

		cmdline_init(&cfg);
		err[0] = 'X';
		rc = cmdline_parse(&cfg, t, strlen(t), err_cases[i].is_file, err, sizeof(err));
		CHECK_EQ_INT(rc, err_cases[i].rc);
		CHECK(strchr(err, '\n') == NULL && strlen(err) > 20);
		if (err_cases[i].msg)
			CHECK_EQ_STR(err, err_cases[i].msg);
		else if (strncmp(err, t, strcspn(t, "=")) != 0)
			CHECK_EQ_STR(err, "(a message naming the key)");
	}
}

/* netinit.proxy= and proxy=: http:// assumed, names and literals, no userinfo or path. */
static void test_proxy(void)
{
	static const struct {
		const char *text;
		int rc;
		const char *proxy;
	} t[] = {
		{ "netinit.proxy=http://10.0.2.2:3128", 0, "http://10.0.2.2:3128" },
		{ "proxy=proxy.lab:8080", 0, "http://proxy.lab:8080" },
		{ "proxy=http://[2001:db8::3]:3128/", 0, "http://[2001:db8::3]:3128/" },
		{ "netinit.proxy=[::1]:8888", 0, "http://[::1]:8888" },
		{ "netinit.proxy=http://p:1 netinit.proxy=", 0, "" },
		{ "netinit.proxy=http://user:pw@p:3128", -EINVAL, "" },
		{ "netinit.proxy=https://p:3128", -EINVAL, "" },
		{ "netinit.proxy=http://p:3128/path", -EINVAL, "" },
		{ "netinit.proxy=http://:3128", -EINVAL, "" },
		{ "proxy=p:99999", -EINVAL, "" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int rc;

		cmdline_init(&cfg);
		err[0] = '\0';
		rc = cmdline_parse(&cfg, t[i].text, strlen(t[i].text), 0, err, sizeof(err));
		CHECK_EQ_INT(rc, t[i].rc);
		CHECK_EQ_STR(cfg.proxy, t[i].proxy);
		if (rc)
			CHECK(strstr(err, "proxy") != NULL && strchr(err, '\n') == NULL);
	}
}

/* Values exactly at and one past their buffers. */
static void test_lengths(void)
{
	static char text[4096], want[4096];
	size_t n;

	/* URL: CMDLINE_URL_MAX - 1 fits */
	strcpy(text, "netinit.url=http://h/");
	n = strlen(text);
	memset(text + n, 'u', CMDLINE_URL_MAX - 1 - 9);
	text[n + CMDLINE_URL_MAX - 1 - 9] = '\0';
	CHECK_EQ_INT(parse(NULL, text), 0);
	CHECK_EQ_INT(strlen(cfg.urls[0]), CMDLINE_URL_MAX - 1);
	strcat(text, "u");
	CHECK_EQ_INT(parse(NULL, text), -ENAMETOOLONG);
	snprintf(want, sizeof(want), "netinit.url: \"http://h/%.51s...\" is longer than %d "
		 "bytes; shorten it", text + n, CMDLINE_URL_MAX - 1);
	CHECK_EQ_STR(err, want);

	/* paths */
	strcpy(text, "netinit.dest=/");
	n = strlen(text);
	memset(text + n, 'd', CMDLINE_PATH_MAX - 2);
	text[n + CMDLINE_PATH_MAX - 2] = '\0';
	CHECK_EQ_INT(parse(NULL, text), 0);
	CHECK_EQ_INT(strlen(cfg.dest_override), CMDLINE_PATH_MAX - 1);
	CHECK_EQ_INT(cmdline_finish(&cfg, err, sizeof(err)), 0);
	CHECK_EQ_INT(strlen(cfg.dest), CMDLINE_PATH_MAX - 1);
	strcat(text, "d");
	CHECK_EQ_INT(parse(NULL, text), -ENAMETOOLONG);
	memcpy(text + 8, "loop=", 5);	/* "loop=/ddd..." */
	CHECK_EQ_INT(parse(NULL, text + 8), -ENAMETOOLONG);
	CHECK(strncmp(err, "loop: \"/ddd", 11) == 0);

	/* a loop= path that fits only without the '/' netinit adds */
	strcpy(text, "loop=");
	memset(text + 5, 'l', CMDLINE_PATH_MAX - 1);
	text[5 + CMDLINE_PATH_MAX - 1] = '\0';
	CHECK_EQ_INT(parse(NULL, text), 0);
	CHECK_EQ_INT(cmdline_finish(&cfg, err, sizeof(err)), -ENAMETOOLONG);
	CHECK(strstr(err, "loop: \"lll") == err && strstr(err, "longer than 254 bytes"));
	text[5 + CMDLINE_PATH_MAX - 2] = '\0';
	CHECK_EQ_INT(parse(NULL, text), 0);
	CHECK_EQ_INT(cmdline_finish(&cfg, err, sizeof(err)), 0);
	CHECK_EQ_INT(strlen(cfg.dest), CMDLINE_PATH_MAX - 1);

	/* ip= / BOOTIF= / netinit.iface= share CMDLINE_VALUE_MAX */
	strcpy(text, "BOOTIF=");
	memset(text + 7, 'b', CMDLINE_VALUE_MAX);
	text[7 + CMDLINE_VALUE_MAX] = '\0';
	CHECK_EQ_INT(parse(NULL, text), -ENAMETOOLONG);
	text[7 + CMDLINE_VALUE_MAX - 1] = '\0';
	CHECK_EQ_INT(parse(NULL, text), 0);
}

/* Past a bad value parsing goes on: onerror and debug still apply. */
static void test_first_error_wins(void)
{
	const char *t = "netinit.size=x netinit.onerror=halt netinit.timeout=0 netinit.debug "
			"netinit.url=https://a/b quiet";
	char small[16];

	cmdline_init(&cfg);
	CHECK_EQ_INT(cmdline_parse(&cfg, t, strlen(t), 0, err, sizeof(err)), -EINVAL);
	CHECK(strncmp(err, "netinit.size: \"x\"", 17) == 0);
	CHECK_EQ_INT(cfg.onerror, ONERROR_HALT);
	CHECK_EQ_INT(cfg.debug, 1);
	CHECK_EQ_INT(cfg.quiet, 1);
	CHECK_EQ_INT(cfg.timeout, 60);

	/* the message is cut to the buffer, NUL-terminated; no buffer is fine */
	cmdline_init(&cfg);
	memset(small, 'Z', sizeof(small));
	CHECK_EQ_INT(cmdline_parse(&cfg, t, strlen(t), 0, small, sizeof(small)), -EINVAL);
	CHECK_EQ_STR(small, "netinit.size: \"");
	CHECK_EQ_INT(cmdline_parse(&cfg, t, strlen(t), 0, NULL, 0), -EINVAL);
	CHECK_EQ_INT(cmdline_parse(&cfg, t, strlen(t), 0, small, 0), -EINVAL);
	CHECK_EQ_INT(small[0], 'n');
}

/* @len bounds the text: nothing past it is read (no NUL needed). */
static void test_len(void)
{
	static const char t[] = "quiet netinit.debug";
	char buf[5];

	memcpy(buf, t, 5);	/* "quiet", no terminator */
	cmdline_init(&cfg);
	CHECK_EQ_INT(cmdline_parse(&cfg, buf, sizeof(buf), 0, err, sizeof(err)), 0);
	CHECK_EQ_INT(cfg.quiet, 1);
	CHECK_EQ_INT(cfg.debug, 0);
	cmdline_init(&cfg);
	CHECK_EQ_INT(cmdline_parse(&cfg, t, 11, 0, err, sizeof(err)), 0);	/* "quiet netin" */
	CHECK_EQ_INT(cfg.debug, 0);
	cmdline_init(&cfg);
	CHECK_EQ_INT(cmdline_parse(&cfg, "quiet\0netinit.debug", 19, 0, err, sizeof(err)), 0);
	CHECK_EQ_INT(cfg.debug, 1);	/* a NUL separates words like a blank */
}

static const struct {
	const char *kernel;
	int rc;
	const char *dest_or_msg;
} finish_cases[] = {
	{ "", 0, "/image.squashfs" },
	{ "loop=/image.squashfs cdroot", 0, "/image.squashfs" },
	{ "loop=image.squashfs", 0, "/image.squashfs" },
	{ "loop=/livecd/gentoo.sqfs root=live:CDLABEL=x", 0, "/livecd/gentoo.sqfs" },
	{ "root=live:/LiveOS/squashfs.img loop=/x", 0, "/LiveOS/squashfs.img" },
	{ "root=live:CDLABEL=Fedora", 0, "/image.squashfs" },
	{ "root=live:http://10.0.2.100/x.img", 0, "/image.squashfs" },
	{ "netinit.dest=/run/netinit/img root=live:/a loop=/b", 0, "/run/netinit/img" },
	{ "netinit.dest=/run/a.b/..c/.d", 0, "/run/a.b/..c/.d" },
	{ "netinit.dest=relative", -EINVAL,
	  "netinit.dest: \"relative\" is not a plain absolute file path; give /DIR/NAME.squashfs" },
	{ "netinit.dest=/", -EINVAL, NULL },
	{ "netinit.dest=/a/../b", -EINVAL, NULL },
	{ "netinit.dest=/a/./b", -EINVAL, NULL },
	{ "netinit.dest=/a/", -EINVAL, NULL },
	{ "netinit.dest=//a", -EINVAL, NULL },
	{ "netinit.dest=/a/..", -EINVAL, NULL },
	{ "loop=/x/../y", -EINVAL,
	  "loop: \"/x/../y\" is not a plain absolute file path; give /DIR/NAME.squashfs" },
	{ "loop=dir/", -EINVAL, "loop: \"dir/\" is not a plain absolute file path; give "
	  "/DIR/NAME.squashfs" },
	{ "root=live:/a//b", -EINVAL,
	  "root: \"/a//b\" is not a plain absolute file path; give /DIR/NAME.squashfs" },
};

static void test_finish(void)
{
	size_t i;

	for (i = 0; i < sizeof(finish_cases) / sizeof(finish_cases[0]); i++) {
		int rc;

		CHECK_EQ_INT(parse(NULL, finish_cases[i].kernel), 0);
		err[0] = 'X';
		rc = cmdline_finish(&cfg, err, sizeof(err));
		CHECK_EQ_INT(rc, finish_cases[i].rc);
		if (rc == 0)
			CHECK_EQ_STR(cfg.dest, finish_cases[i].dest_or_msg);
		else if (finish_cases[i].dest_or_msg)
			CHECK_EQ_STR(err, finish_cases[i].dest_or_msg);
		else
			CHECK(strstr(err, "is not a plain absolute file path") != NULL);
		if (rc != finish_cases[i].rc)
			fprintf(stderr, "  case %zu: %s\n", i, finish_cases[i].kernel);
	}
	/* an nbd:// export streams whatever netinit.stream says; http:// keeps the choice */
	CHECK_EQ_INT(parse(NULL, "netinit.stream=off netinit.url=nbd://h/x"), 0);
	CHECK_EQ_INT(cmdline_finish(&cfg, err, sizeof(err)), 0);
	CHECK_EQ_INT(cfg.stream, STREAM_ON);
	CHECK_EQ_INT(parse(NULL, "netinit.url=nbd://h/x netinit.stream=auto"), 0);
	CHECK_EQ_INT(cmdline_finish(&cfg, err, sizeof(err)), 0);
	CHECK_EQ_INT(cfg.stream, STREAM_ON);
	CHECK_EQ_INT(parse(NULL, "netinit.url=http://h/x netinit.stream=auto"), 0);
	CHECK_EQ_INT(cmdline_finish(&cfg, err, sizeof(err)), 0);
	CHECK_EQ_INT(cfg.stream, STREAM_AUTO);
}

int main(void)
{
	test_proxy();
	test_ok();
	test_errors();
	test_lengths();
	test_first_error_wins();
	test_len();
	test_finish();
	return check_report("cmdline");
}
