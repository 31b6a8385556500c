/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel module loading for PID 1 without modprobe: modules.dep for the
 * dependency order, modules.alias for coldplug, finit_module(2) to insert.
 * Reads /lib/modules/<uname -r>/ (modules.dep, modules.alias, modules.builtin).
 */
#ifndef NETINIT_MODULES_H
#define NETINIT_MODULES_H

/*
 * Loads module @name (as named in modules.dep, '-' and '_' equivalent) and
 * its dependencies (dependencies first), from /lib/modules/<uname -r>/ using
 * modules.dep, via finit_module(). Already loaded or built in
 * (/sys/module/NAME exists, EEXIST, or listed in modules.builtin) counts as
 * success. Returns 0, or a negative errno after logging one line naming the
 * module:
 *   -ENOENT      unknown: not in modules.dep (or no modules.dep) and not built in
 *   -ENOPKG      modules.dep names a .ko file the initramfs lacks
 *   -ENOEXEC     the kernel refused it as foreign (bad format, unresolved symbols)
 *   -EOPNOTSUPP  compressed, and the kernel cannot decompress modules
 *   -ENODEV      its init found no hardware
 *   other        as finit_module(2) returned it (see dmesg)
 */
int modules_load(const char *name);

/*
 * Coldplug: for every /sys/bus/<bus>/devices/<dev>/modalias, finds the
 * matching modules via modules.alias and loads them (with dependencies),
 * pass after pass, because a bus driver (virtio_pci) creates new devices
 * (virtio0 -> virtio_net). Waits 20 ms after a pass that loaded modules;
 * stops after a pass that loads nothing when the pass before loaded nothing
 * either (a confirming pass 100 ms later) and the device count held, or
 * once MODULES_COLDPLUG_MS have passed and the last pass loaded nothing
 * (devices churning). A pass that loaded modules always earns another (up
 * to 16 passes): on a loaded host one pass can take seconds. A module that fails is logged and not retried
 * (ENODEV, a driver without its hardware, only in debug). Returns the number
 * of modules loaded, -ENOENT if this kernel has no modules.alias/modules.dep
 * in the initramfs (logged as info: a monolithic kernel needs none), or
 * another negative errno.
 */
int modules_coldplug(void);

#define MODULES_COLDPLUG_MS 3000

#endif
