#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Builds build/lab/dracut.igz: a real dracut 059 dmsquash-live initrd
# (no systemd in it: dracut's shell /init) for the lab kernel.
# dracut is never installed on the host (it would take over the host's
# initramfs tooling): Debian's dracut-core and dracut-live packages are
# downloaded and unpacked into build/lab/dracut, and that copy runs with
# dracutbasedir pointing at its own usr/lib/dracut and no host config.
# dracut copies host tools into the image (udevadm, systemd-udevd,
# dmsetup, blkid, losetup, ...): tests/lab/deps.sh installs them.
# Boot it combined with the live root at /image.squashfs.img
# (tests/lab/combine.sh) and append
#   root=live:/image.squashfs.img rd.live.overlay.overlayfs=1
# (the image also carries rd.live.overlay.overlayfs=1 in /etc/cmdline.d).
set -eu
PATH="$PATH:/usr/sbin:/sbin"

usage() {
	cat <<EOF
usage: $0 [-f]
  Writes build/lab/dracut.igz (skipped when it is up to date).
  -f   rebuild even if up to date (the dracut download is kept)
Boot: tests/lab/combine.sh build/lab/dracut.igz build/lab/image.squashfs \\
        /image.squashfs.img OUT, append
      "root=live:/image.squashfs.img rd.live.overlay.overlayfs=1"
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
self="$top/tests/lab/dracut-initrd.sh"
lab="$top/build/lab"
kroot="$lab/kernel"
droot="$lab/dracut"
dbase="$droot/usr/lib/dracut"
out="$lab/dracut.igz"
buildlog="$lab/logs/dracut-build.log"
drivers="loop squashfs overlay virtio_pci virtio_net"
omit="systemd systemd-initrd systemd-udevd dracut-systemd systemd-journald
systemd-modules-load systemd-sysctl systemd-tmpfiles systemd-sysusers
plymouth i18n drm network network-legacy nfs iscsi multipath lvm mdraid
crypt btrfs resume"

if ! [ -s "$kroot/version" ]; then
	echo "dracut-initrd.sh: no lab kernel; run 'sh tests/lab/kernel.sh' first" >&2
	exit 1
fi
ver=$(cat "$kroot/version")

# Host tools dracut needs to build this image, with their Debian package.
missing=""
for tp in bash:bash cpio:cpio gzip:gzip kmod:kmod depmod:kmod \
	udevadm:udev dmsetup:dmsetup blkid:util-linux losetup:mount \
	blockdev:util-linux switch_root:util-linux findmnt:util-linux \
	setsid:util-linux flock:util-linux dpkg-deb:dpkg apt-get:apt; do
	command -v "${tp%%:*}" >/dev/null 2>&1 || missing="$missing ${tp#*:}"
done
[ -x /lib/systemd/systemd-udevd ] || [ -x /usr/lib/systemd/systemd-udevd ] ||
	missing="$missing udev"
if [ -n "$missing" ]; then
	echo "dracut-initrd.sh: missing host tools from:$missing;" \
		"run 'make deps' (tests/lab/deps.sh) as root" >&2
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
if [ "$force" = 0 ] && [ -f "$dbase/dracut-init.sh" ] &&
	up_to_date "$out" "$self" "$kroot/version" "$dbase/dracut-init.sh"; then
	exit 0
fi

mkdir -p "$lab/logs"

# 1. dracut itself, unpacked (never installed).
if ! [ -f "$dbase/dracut-init.sh" ] || ! [ -x "$dbase/dracut-install" ] ||
	! [ -d "$dbase/modules.d/90dmsquash-live" ]; then
	dl="$lab/dracut-dl"
	rm -rf "$dl" "$droot.tmp"
	mkdir -p "$dl" "$droot.tmp"
	# _apt cannot write into a root-owned build tree; let it.
	chmod 0777 "$dl"
	if ! (cd "$dl" && apt-get download dracut-core dracut-live) \
		>"$buildlog" 2>&1; then
		cat "$buildlog" >&2
		echo "dracut-initrd.sh: 'apt-get download dracut-core dracut-live'" \
			"failed; run 'apt-get update' and retry" >&2
		exit 1
	fi
	for deb in "$dl"/*.deb; do
		dpkg-deb -x "$deb" "$droot.tmp"
	done
	rm -rf "$droot" "$dl"
	mv "$droot.tmp" "$droot"
fi
dver=$(sed -n 's/^DRACUT_VERSION=//p' "$dbase/dracut-version.sh")
case "$dver" in
059*) ;;
*) echo "dracut-initrd.sh: note: dracut $dver, tested with 059" >&2 ;;
esac

# 2. The image. No host config: --conf /dev/null and an empty confdir.
conf="$lab/dracut.conf.d"
work="$lab/dracut.work"
rm -rf "$conf" "$work"
mkdir -p "$conf" "$work"
tmp="$out.tmp"
rm -f "$tmp"
echo "dracut-initrd.sh: building $out with dracut $dver (log $buildlog)"
if ! dracutbasedir="$dbase" bash "$droot/usr/bin/dracut" \
	--conf /dev/null --confdir "$conf" --tmpdir "$work" \
	--no-hostonly --no-hostonly-cmdline --no-early-microcode \
	--reproducible --gzip --force \
	--modules "base dmsquash-live" --omit "$omit" \
	--add-drivers "$drivers" \
	--kernel-cmdline "rd.live.overlay.overlayfs=1" \
	--kver "$ver" --kmoddir "$kroot/lib/modules/$ver" \
	"$tmp" "$ver" >"$buildlog" 2>&1; then
	tail -n 30 "$buildlog" >&2
	echo "dracut-initrd.sh: dracut failed (full log $buildlog); a missing" \
		"host tool usually means 'make deps' was not run" >&2
	exit 1
fi
# dracut only warns about some missing pieces; these must be there.
for want in "usr/sbin/dmsquash-live-root" "etc/cmdline.d/01-default.conf" \
	"kernel/fs/squashfs/squashfs.ko" "kernel/fs/overlayfs/overlay.ko" \
	"kernel/drivers/block/loop.ko"; do
	if ! gzip -dc "$tmp" | cpio -it --quiet 2>/dev/null | grep -q "$want\$"; then
		echo "dracut-initrd.sh: $tmp lacks $want; see $buildlog" >&2
		exit 1
	fi
done
chmod 0644 "$tmp"
mv "$tmp" "$out"
rm -rf "$work"
echo "dracut-initrd.sh: $out ($(wc -c <"$out") bytes, kernel $ver)"
