/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel module loading for PID 1, without modprobe or udev. modules.dep
 * lists each module's whole dependency closure, every entry depending only
 * on entries to its right (depmod's order; modprobe loads right to left),
 * so one lookup gives the full load order. Coldplug reads every device's
 * sysfs "modalias" and loads what modules.alias maps it to, pass after pass,
 * because loaded bus drivers create new devices. The index files are mapped
 * read-only (a full modules.alias is ~1 MB) and scanned line by line, one
 * scan of modules.alias for a batch of devices: no heap, no tables. Modules
 * are inserted with finit_module(2); compressed ones with
 * MODULE_INIT_COMPRESSED_FILE (Linux 5.17+, CONFIG_MODULE_DECOMPRESS).
 * See Documentation/ABI/stable/sysfs-module and depmod(8), modules.dep(5).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "modalias.h"
#include "modules.h"

/* klibc has the system call but no prototype. */
extern int finit_module(int fd, const char *params, int flags);
#define MODULE_INIT_COMPRESSED_FILE 4

#define MOD_DEPS_MAX	64	/* dependencies of one module; real kernels need < 40 */
#define MOD_FAILED_MAX	16	/* coldplug skips this many failed modules after one try */
#define MOD_PASSES_MAX	16
#define MOD_PATH_MAX	256
#define MOD_ALIAS_MAX	4096	/* a sysfs attribute is one page at most */
#define MOD_BATCH_BYTES	(4 * MOD_ALIAS_MAX)
#define MOD_BATCH_DEVS	128

struct mapped {
	const char *p;
	size_t len;
};

/*
 * Device modaliases are batched so that one scan of modules.alias serves
 * many devices: parsing the alias lines costs more than matching them.
 */
struct coldplug {
	struct mapped alias, dep;
	char batch[MOD_BATCH_BYTES];	/* modaliases, each NUL-terminated */
	struct {
		unsigned short off, len;
	} dev[MOD_BATCH_DEVS];
	int ndev;
	int devices;		/* modalias files seen in the current pass */
	int nfailed;
	char failed[MOD_FAILED_MAX][MODALIAS_NAME_MAX + 1];
};

static char mod_dir[128];	/* "/lib/modules/<release>" */

static int mod_dir_init(void)
{
	struct utsname u;

	if (mod_dir[0])
		return 0;
	if (uname(&u) < 0)
		return -errno;
	snprintf(mod_dir, sizeof(mod_dir), "/lib/modules/%s", u.release);
	return 0;
}

/* Maps @file of the modules directory read-only; an empty file maps as length 0. */
static int map_file(const char *file, struct mapped *m)
{
	char path[MOD_PATH_MAX];
	struct stat st;
	void *p;
	int fd, rc;

	m->p = NULL;
	m->len = 0;
	rc = mod_dir_init();
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%s", mod_dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = fstat(fd, &st) < 0 ? -errno : 0;
	if (rc == 0 && st.st_size > 0) {
		p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			rc = -errno;
		} else {
			m->p = p;
			m->len = st.st_size;
		}
	}
	close(fd);
	return rc;
}

static void unmap_file(struct mapped *m)
{
	if (m->len)
		munmap((void *)m->p, m->len);
	m->p = NULL;
	m->len = 0;
}

/* Copies @name (@len bytes) into @out in the kernel's spelling ('-' -> '_'). */
static int kernel_name(const char *name, size_t len, char out[MODALIAS_NAME_MAX + 1])
{
	size_t i;

	if (len == 0 || len > MODALIAS_NAME_MAX || memchr(name, '/', len))
		return -EINVAL;
	for (i = 0; i < len; i++)
		out[i] = name[i] == '-' ? '_' : name[i];
	out[len] = '\0';
	return 0;
}

static int is_loaded(const char *kname)
{
	char path[MODALIAS_NAME_MAX + 16];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/module/%s", kname);
	return stat(path, &st) == 0;
}

/* Finds the line of @map (modules.dep or .builtin) whose module is @kname. */
static int index_find(const struct mapped *map, const char *kname, int dep_format,
		      struct modalias_span *path, struct modalias_span *deps)
{
	char got[MODALIAS_NAME_MAX + 1];
	struct modalias_span line;
	size_t off = 0;

	while (modalias_next_line(map->p, map->len, &off, &line) == 0) {
		if (dep_format) {
			if (modalias_parse_dep(line.p, line.len, path, deps) < 0)
				continue;
		} else {
			*path = line;
		}
		if (modalias_modname(path->p, path->len, got, sizeof(got)) > 0 &&
		    strcmp(got, kname) == 0)
			return 0;
	}
	return -ENOENT;
}

static int is_builtin(const char *kname)
{
	struct modalias_span path, deps;
	struct mapped b;
	int rc;

	if (map_file("modules.builtin", &b) < 0)
		return 0;
	rc = index_find(&b, kname, 0, &path, &deps) == 0;
	unmap_file(&b);
	return rc;
}

/* Logs why finit_module() refused @kname and returns the errno we report. */
static int insmod_error(const char *kname, const char *path, int flags, int rc,
			const char *for_name)
{
	char need[MODALIAS_NAME_MAX + 16] = "";

	if (for_name)
		snprintf(need, sizeof(need), " (needed by %s)", for_name);
	if (flags && (rc == -EOPNOTSUPP || rc == -EINVAL)) {
		log_err("module %s%s: this kernel cannot load compressed %s; put uncompressed "
			".ko files into the initramfs or enable CONFIG_MODULE_DECOMPRESS",
			kname, need, path);
		return -EOPNOTSUPP;
	}
	if (rc == -ENOEXEC || rc == -ENOENT) {
		log_err("module %s%s: kernel refused %s (%s); copy the modules of the booted "
			"kernel (uname -r) with their modules.dep", kname, need, path,
			rc == -ENOENT ? "unresolved symbols" : "bad format");
		return -ENOEXEC;
	}
	log_err("module %s%s: loading %s failed: error %d (see dmesg)", kname, need, path, -rc);
	return rc;
}

/*
 * Inserts module @kname from @rel (a modules.dep path). Returns 1 if it was
 * loaded now, 0 if it was already there, or a negative errno (logged).
 */
static int insmod(const char *kname, struct modalias_span rel, const char *for_name)
{
	char path[MOD_PATH_MAX];
	int fd, flags, rc;

	if (is_loaded(kname))
		return 0;
	rc = snprintf(path, sizeof(path), "%s/%.*s", rel.p[0] == '/' ? "" : mod_dir,
		      (int)rel.len, rel.p);
	if (rc < 0 || rc >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = errno;
		log_err("module %s: cannot open %s: error %d; the initramfs modules tree is "
			"incomplete, copy the files modules.dep names", kname, path, rc);
		return rc == ENOENT ? -ENOPKG : -rc;
	}
	flags = modalias_compressed(rel.p, rel.len) ? MODULE_INIT_COMPRESSED_FILE : 0;
	rc = finit_module(fd, "", flags) < 0 ? -errno : 1;
	close(fd);
	if (rc == -EEXIST)
		return 0;
	if (rc == -ENODEV)	/* init found no hardware: the caller decides */
		return rc;
	if (rc < 0)
		return insmod_error(kname, path, flags, rc, for_name);
	log_debug("module %s loaded", kname);
	return 1;
}

/*
 * Loads @kname after its dependencies, right to left as modules.dep orders
 * them. Returns the number of modules loaded now, -ENOENT if modules.dep
 * does not know @kname, or another negative errno.
 */
static int load_with_deps(const struct mapped *dep, const char *kname)
{
	struct modalias_span path, rest, deps[MOD_DEPS_MAX];
	char dname[MODALIAS_NAME_MAX + 1];
	int n = 0, count = 0, rc;

	if (is_loaded(kname))
		return 0;
	if (index_find(dep, kname, 1, &path, &rest) < 0)
		return -ENOENT;
	while (modalias_next_dep(&rest, &deps[n]) == 0) {
		if (++n == MOD_DEPS_MAX) {
			log_err("module %s: over %d dependencies in modules.dep", kname, n);
			return -E2BIG;
		}
	}
	while (n-- > 0) {
		if (modalias_modname(deps[n].p, deps[n].len, dname, sizeof(dname)) < 0) {
			log_err("module %s: bad dependency %.*s in modules.dep; rerun depmod",
				kname, (int)deps[n].len, deps[n].p);
			return -EBADMSG;
		}
		rc = insmod(dname, deps[n], kname);
		if (rc < 0)
			return rc;
		count += rc;
	}
	rc = insmod(kname, path, NULL);
	return rc < 0 ? rc : count + rc;
}

int modules_load(const char *name)
{
	char kname[MODALIAS_NAME_MAX + 1];
	struct mapped dep;
	int rc, nodep;

	if (kernel_name(name, strlen(name), kname) < 0) {
		log_err("module %s: not a module name", name);
		return -EINVAL;
	}
	if (is_loaded(kname))
		return 0;
	rc = map_file("modules.dep", &dep);
	if (rc < 0 && rc != -ENOENT) {
		log_err("module %s: cannot read %s/modules.dep: error %d", kname, mod_dir, -rc);
		return rc;
	}
	nodep = rc == -ENOENT;
	if (!nodep) {
		rc = load_with_deps(&dep, kname);
		unmap_file(&dep);
	}
	if (rc == -ENOENT && is_builtin(kname))
		return 0;
	if (rc == -ENOENT)
		log_err("module %s: unknown: %s %s/modules.dep, not in modules.builtin; put the "
			"kernel's modules into the initramfs and run depmod", kname,
			nodep ? "no file" : "no entry in", mod_dir);
	else if (rc == -ENODEV)
		log_err("module %s: found no device to drive (error 19, see dmesg)", kname);
	return rc < 0 ? rc : 0;
}

static int failed_has(const struct coldplug *c, const char *kname)
{
	int i;

	for (i = 0; i < c->nfailed; i++)
		if (strcmp(c->failed[i], kname) == 0)
			return 1;
	return 0;
}

/* Returns the index of a batched device matching @pat, or -1. */
static int batch_match(const struct coldplug *c, const struct modalias_span *pat)
{
	int i;

	for (i = 0; i < c->ndev; i++)
		if (modalias_match(pat->p, pat->len, c->batch + c->dev[i].off, c->dev[i].len))
			return i;
	return -1;
}

/* Loads every module whose alias matches a batched device; empties the batch. */
static int coldplug_flush(struct coldplug *c)
{
	struct modalias_span line, pat, mod;
	char kname[MODALIAS_NAME_MAX + 1];
	size_t off = 0;
	int count = 0, rc, i;

	while (c->ndev && modalias_next_line(c->alias.p, c->alias.len, &off, &line) == 0) {
		if (modalias_parse_alias(line.p, line.len, &pat, &mod) < 0 ||
		    (i = batch_match(c, &pat)) < 0 ||
		    kernel_name(mod.p, mod.len, kname) < 0 || failed_has(c, kname))
			continue;
		rc = load_with_deps(&c->dep, kname);
		if (rc >= 0) {
			count += rc;
			continue;
		}
		if (rc == -ENOENT || rc == -ENODEV)
			log_debug("module %s for %s: %s", kname, c->batch + c->dev[i].off,
				  rc == -ENOENT ? "not in modules.dep" : "no such device");
		if (c->nfailed < MOD_FAILED_MAX)
			memcpy(c->failed[c->nfailed++], kname, sizeof(kname));
	}
	c->ndev = 0;
	return count;
}

/* Reads @path (a modalias attribute) into the batch, flushing it first if full. */
static int coldplug_add(struct coldplug *c, const char *path)
{
	int fd, n, count = 0;
	size_t used = c->ndev ? c->dev[c->ndev - 1].off + c->dev[c->ndev - 1].len + 1 : 0;
	char *buf;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (c->ndev == MOD_BATCH_DEVS || sizeof(c->batch) - used < MOD_ALIAS_MAX + 1) {
		count = coldplug_flush(c);
		used = 0;
	}
	buf = c->batch + used;
	n = read(fd, buf, MOD_ALIAS_MAX);
	close(fd);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
		n--;
	if (n > 0) {
		buf[n] = '\0';
		c->dev[c->ndev].off = (unsigned short)used;
		c->dev[c->ndev++].len = (unsigned short)n;
		c->devices++;
	}
	return count;
}

/* Batches the modalias of each device of /sys/bus/@bus/devices. */
static int coldplug_bus(struct coldplug *c, const char *bus)
{
	char path[MOD_PATH_MAX];
	struct dirent *de;
	int n, count = 0;
	DIR *d;

	n = snprintf(path, sizeof(path), "/sys/bus/%s/devices", bus);
	d = n < (int)sizeof(path) ? opendir(path) : NULL;
	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		n = snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/modalias", bus,
			     de->d_name);
		if (n < (int)sizeof(path))
			count += coldplug_add(c, path);
	}
	closedir(d);
	return count;
}

static int coldplug_pass(struct coldplug *c)
{
	struct dirent *de;
	int count = 0, rc;
	DIR *d;

	c->devices = 0;
	d = opendir("/sys/bus");
	if (!d) {
		rc = errno;
		log_err("coldplug: cannot read /sys/bus: error %d; is sysfs mounted?", rc);
		return -rc;
	}
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			count += coldplug_bus(c, de->d_name);
	closedir(d);
	return count + coldplug_flush(c);
}

/*
 * Passes until one loads nothing, the pass before it loaded nothing too and
 * the device count held: after a pass that loaded modules wait 20 ms (bus
 * drivers probe, new devices appear), then confirm quiet after 100 ms.
 */
static int coldplug_run(struct coldplug *c, uint64_t start, int *passes)
{
	int n, total = 0, prev_n = 0, prev_devices = -1;

	for (*passes = 1;; ++*passes) {
		uint64_t t = clock_ms();

		n = coldplug_pass(c);
		if (n < 0)
			return n;
		log_debug("coldplug pass %d: %d devices, %d modules loaded, %ld ms", *passes,
			  c->devices, n, (long)(clock_ms() - t));
		total += n;
		if (n == 0 && prev_n == 0 && (*passes == 1 || c->devices == prev_devices))
			break;
		if (*passes == MOD_PASSES_MAX ||
		    (n == 0 && clock_ms() - start > MODULES_COLDPLUG_MS)) {
			log_info("coldplug: devices still changing after %d passes, going on",
				 *passes);
			break;
		}
		prev_n = n;
		prev_devices = c->devices;
		clock_sleep_ms(n > 0 ? 20 : 100);
	}
	return total;
}

int modules_coldplug(void)
{
	static struct coldplug cp;	/* 17 KiB: keep it off PID 1's stack */
	struct coldplug *c = &cp;
	uint64_t start = clock_ms();
	int rc, passes = 0;

	c->ndev = 0;
	c->nfailed = 0;

	rc = map_file("modules.alias", &c->alias);
	if (rc == 0)
		rc = map_file("modules.dep", &c->dep);
	if (rc == -ENOENT) {	/* a kernel without modules is no error by itself */
		log_info("coldplug: no %s/modules.alias or modules.dep, built-in drivers only",
			 mod_dir);
	} else if (rc < 0) {
		log_err("coldplug: cannot read %s/modules.alias or modules.dep: error %d",
			mod_dir, -rc);
	}
	if (rc < 0) {
		unmap_file(&c->alias);
		return rc;
	}
	rc = coldplug_run(c, start, &passes);
	unmap_file(&c->alias);
	unmap_file(&c->dep);
	if (rc >= 0)
		log_info("coldplug: %d modules loaded, %d devices, %d passes, %ld ms",
			 rc, c->devices, passes, (long)(clock_ms() - start));
	return rc;
}
