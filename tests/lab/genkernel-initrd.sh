#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Builds build/lab/genkernel.igz (gzip newc cpio): a stand-in for a Gentoo
# genkernel initrd, made from busybox-static because genkernel is not
# packaged in Debian. Its /init (and /linuxrc, a symlink to it) honours the
# part of genkernel linuxrc's contract that netinit relies on:
#   - it refuses to run unless it is PID 1;
#   - it mounts /proc, /sys, /dev (devtmpfs) only if they are not mounted
#     yet (netinit, the stage before, may have mounted them);
#   - with "cdroot loop=/image.squashfs" on the kernel command line it
#     uses that file at the initramfs root (netinit put it there), loads
#     loop, squashfs and overlay with modprobe, loop-mounts the image
#     read-only, puts an overlay with a tmpfs upper layer on top, checks
#     that etc root home var and the init exist, moves /proc /sys /dev
#     over and exec's switch_root into it running init= (/sbin/init);
#   - on any error it prints "genkernel: ..." and powers off (or runs a
#     shell with "dosshell" on the command line).
# Needs tests/lab/kernel.sh to have run (modules come from its tree).
set -eu
PATH="$PATH:/usr/sbin:/sbin"

usage() {
	cat <<EOF
usage: $0 [-f]
  Writes build/lab/genkernel.igz (skipped when it is up to date).
  -f   rebuild even if up to date
Boot it combined with the live root (tests/lab/combine.sh) and
  append "cdroot loop=/image.squashfs".
EOF
}

force=0
case "${1-}" in
"") ;;
-f) force=1 ;;
-h | --help) usage; exit 0 ;;
*) usage >&2; exit 2 ;;
esac

top=$(cd "$(dirname "$0")/../.." && pwd)
self="$top/tests/lab/genkernel-initrd.sh"
lab="$top/build/lab"
kroot="$lab/kernel"
out="$lab/genkernel.igz"
busybox=/bin/busybox
mods="loop squashfs overlay"

if ! [ -s "$kroot/version" ]; then
	echo "genkernel-initrd.sh: no lab kernel; run 'sh tests/lab/kernel.sh' first" >&2
	exit 1
fi
ver=$(cat "$kroot/version")
for tool in cpio gzip depmod modprobe; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "genkernel-initrd.sh: '$tool' not found; run 'make deps'" >&2
		exit 1
	fi
done
if ! [ -x "$busybox" ] || ! "$busybox" --list >/dev/null 2>&1; then
	echo "genkernel-initrd.sh: $busybox missing; run 'make deps' (busybox-static)" >&2
	exit 1
fi

# Up to date: the output exists and no input is newer (find -newer, as
# test -nt is not POSIX).
up_to_date() {
	[ -s "$1" ] || return 1
	o=$1
	shift
	[ -z "$(find "$@" -newer "$o" 2>/dev/null)" ]
}
if [ "$force" = 0 ] &&
	up_to_date "$out" "$self" "$busybox" "$kroot/version" \
		"$kroot/lib/modules/$ver/modules.dep"; then
	exit 0
fi

tree="$lab/genkernel.tmp"
rm -rf "$tree"
mkdir -p "$tree"
umask 022
for d in bin sbin usr/bin usr/sbin etc proc sys dev run tmp \
	mnt/livecd mnt/overlay newroot lib/modules/"$ver"; do
	mkdir -p "$tree/$d"
done

cp "$busybox" "$tree/bin/busybox"
chmod 0755 "$tree/bin/busybox"
"$busybox" --list-full | while read -r path; do
	case "$path" in
	sbin/init | linuxrc | bin/busybox) continue ;;
	esac
	[ -e "$tree/$path" ] && continue
	ln -s /bin/busybox "$tree/$path"
done
# The kernel opens /dev/console before running /init; Debian's built-in
# initramfs has one, but do not rely on that.
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$tree/dev/console" c 5 1
	mknod -m 666 "$tree/dev/null" c 1 3
fi

# Modules and their dependencies, at their paths in the kernel's tree.
mdir="$kroot/lib/modules/$ver"
for m in $mods; do
	if ! modprobe -d "$kroot" -S "$ver" --show-depends "$m" >"$tree/deps"; then
		echo "genkernel-initrd.sh: module $m not in $mdir;" \
			"rerun 'sh tests/lab/kernel.sh'" >&2
		exit 1
	fi
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		rel=${path#"$mdir"/}
		mkdir -p "$tree/lib/modules/$ver/$(dirname "$rel")"
		cp "$path" "$tree/lib/modules/$ver/$rel"
	done <"$tree/deps"
done
rm -f "$tree/deps"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$mdir/$f" ] && cp "$mdir/$f" "$tree/lib/modules/$ver/"
done
depmod -b "$tree" "$ver"

cat >"$tree/init" <<'EOF'
#!/bin/sh
# netinit lab: genkernel linuxrc stand-in (see tests/lab/genkernel-initrd.sh).
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

if [ "$$" != 1 ]; then
	echo "genkernel: $0 must be the init process (PID 1), not PID $$;" \
		"boot it as rdinit=/init or exec it from PID 1" >&2
	exit 1
fi

say() { echo "genkernel-test: $*"; }
CMDLINE=
die() {
	echo "genkernel: $*"
	case " $CMDLINE " in
	*" dosshell "*)
		echo "genkernel: dropping to a shell (exit it to power off)"
		sh
		;;
	*) echo "genkernel: powering off (add 'dosshell' for a shell)" ;;
	esac
	sync
	poweroff -f
	sleep 86400
}

# Is DIR a mount point? (busybox-static in Debian has no mountpoint.)
mounted() {
	if [ "$1" = /proc ]; then
		[ -e /proc/self/stat ]
		return
	fi
	while read -r _ mp _; do
		[ "$mp" = "$1" ] && return 0
	done </proc/mounts
	return 1
}

for m in proc:proc sys:sysfs dev:devtmpfs; do
	dir=/${m%%:*}
	fs=${m#*:}
	if mounted "$dir"; then
		say "$dir already mounted, kept"
	else
		mount -t "$fs" "$fs" "$dir" || die "cannot mount $fs on $dir"
	fi
done
CMDLINE=$(cat /proc/cmdline)

CDROOT=0
LOOP=
REAL_INIT=/sbin/init
for x in $CMDLINE; do
	case "$x" in
	cdroot | cdroot=*) CDROOT=1 ;;
	loop=*) LOOP=${x#loop=} ;;
	init=* | real_init=*) REAL_INIT=${x#*init=} ;;
	esac
done
say "cmdline: $CMDLINE"
[ "$CDROOT" = 1 ] || die "only 'cdroot' boots are supported by this test initrd"
[ -n "$LOOP" ] || die "'cdroot' needs 'loop=/path/image.squashfs'"
IMAGE=/${LOOP#/}
[ -f "$IMAGE" ] || die "loop file $IMAGE not found in the initramfs (loop=$LOOP)"
say "loop file $IMAGE ($(wc -c <"$IMAGE") bytes)"

for m in loop squashfs overlay; do
	if [ -d "/sys/module/$m" ]; then
		say "module $m already loaded"
	else
		modprobe "$m" || die "modprobe $m failed"
		say "module $m loaded"
	fi
done

mount -t squashfs -o loop,ro "$IMAGE" /mnt/livecd ||
	die "cannot loop-mount $IMAGE (squashfs, ro)"
mount -t tmpfs -o mode=0755 tmpfs /mnt/overlay || die "cannot mount tmpfs"
mkdir -p /mnt/overlay/upper /mnt/overlay/work
mount -t overlay overlay \
	-o lowerdir=/mnt/livecd,upperdir=/mnt/overlay/upper,workdir=/mnt/overlay/work \
	/newroot || die "cannot mount the overlay on /newroot"
say "overlay: $IMAGE (ro) + tmpfs -> /newroot"

for d in etc root home var; do
	[ -d "/newroot/$d" ] || die "image lacks /$d; not a root filesystem"
done
[ -x "/newroot$REAL_INIT" ] || die "image lacks an executable $REAL_INIT"

for d in proc sys dev; do
	mkdir -p "/newroot/$d"
	mount -o move "/$d" "/newroot/$d" || die "cannot move /$d to /newroot/$d"
done
say "switch_root /newroot $REAL_INIT"
exec switch_root /newroot "$REAL_INIT"
EOF
chmod 0755 "$tree/init"
ln -s init "$tree/linuxrc"

find "$tree" -exec touch -h -d @0 {} +
tmp="$out.tmp"
(
	cd "$tree"
	find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet
) | gzip -n -9 >"$tmp"
mv "$tmp" "$out"
rm -rf "$tree"
echo "genkernel-initrd.sh: $out ($(wc -c <"$out") bytes, kernel $ver)"
