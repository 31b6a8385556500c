#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Builds a real dracut dmsquash-live initrd (no systemd in it: dracut's shell
# /init) for the lab kernel:
#   059  build/lab/dracut.igz, Debian 12's dracut 059 (the default)
#   106  build/lab/dracut106.igz, dracut-ng 106 from Debian 13 (trixie), the
#        dracut line Gentoo's ISOs use since 2024-08 (tests/lab/dracut106-initrd.sh)
# dracut is never installed on the host (it would take over the host's
# initramfs tooling): Debian's dracut-core and dracut-live packages are
# downloaded and unpacked into build/lab/dracut (059: the host's apt
# sources) or build/lab/dracut106 (106: trixie from the host's own Debian
# mirror, through a private sources list, lists and cache under
# build/lab/apt-trixie, the .debs kept in build/lab/debs-trixie; the host's
# apt setup is not touched), and that copy runs with dracutbasedir pointing
# at its own usr/lib/dracut and no host config. trixie's dracut-install
# needs glibc 2.38 and libkmod 33 (Debian 12 has 2.36 and 30): it runs
# through trixie's own ld.so and libraries, unpacked beside it.
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
usage: $0 [-f] [059|106]
  Writes build/lab/dracut.igz (059, the default) or build/lab/dracut106.igz
  (106), skipped when it is up to date.
  -f   rebuild even if up to date (the dracut download is kept)
  106 takes its mirror from the host's apt sources (the one serving the
  host's own suite); DRACUT_TRIXIE_MIRROR=URL overrides it.
Boot: tests/lab/combine.sh build/lab/dracut.igz build/lab/image.squashfs \\
        /image.squashfs.img OUT, append
      "root=live:/image.squashfs.img rd.live.overlay.overlayfs=1"
EOF
}

force=0
dv=059
for a in "$@"; do
	case "$a" in
	-f) force=1 ;;
	059 | 106) dv=$a ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

top=$(cd "$(dirname "$0")/../.." && pwd)
self="$top/tests/lab/dracut-initrd.sh"
lab="$top/build/lab"
kroot="$lab/kernel"
if [ "$dv" = 059 ]; then
	name=dracut
else
	name=dracut$dv
fi
droot="$lab/$name"
dbase="$droot/usr/lib/dracut"
out="$lab/$name.igz"
buildlog="$lab/logs/$name-build.log"
me="dracut-initrd.sh $dv"
drivers="loop squashfs overlay virtio_pci virtio_net"
omit="systemd systemd-initrd systemd-udevd dracut-systemd systemd-journald
systemd-modules-load systemd-sysctl systemd-tmpfiles systemd-sysusers
plymouth i18n drm network network-legacy nfs iscsi multipath lvm mdraid
crypt btrfs resume"

if ! [ -s "$kroot/version" ]; then
	echo "$me: no lab kernel; run 'sh tests/lab/kernel.sh' first" >&2
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
	echo "$me: missing host tools from:$missing;" \
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

# apt_fail LOG WHAT [HINT]: one line from apt's log saying why WHAT failed.
apt_fail() {
	echo "$me: $2 failed: $(grep -m 1 -E '^(E|W):' "$1" || grep -m 1 -E '^Err:' "$1" || grep -m 1 . "$1" || echo 'no message')${3:+; $3}" >&2
}

# fetch_host DIR: dracut 059's .debs from the host's own apt sources.
fetch_host() {
	if ! (cd "$1" && apt-get download dracut-core dracut-live) >"$buildlog" 2>&1; then
		apt_fail "$buildlog" "'apt-get download dracut-core dracut-live'"
		echo "$me: run 'apt-get update' and retry" >&2
		exit 1
	fi
}

# The host's Debian mirror: the URI apt serves the host's own suite from.
host_mirror() {
	# shellcheck disable=SC1091 # the host's
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME-}")
	apt-cache policy 2>/dev/null |
		sed -n -E "s|^ *[0-9]+ (https?://[^ ]+) $codename/main .*|\\1|p" | head -n 1
}

# fetch_trixie DIR: dracut-ng from trixie through a private apt state
# (sources list, lists, cache under build/lab/apt-trixie), never the host's.
# The .debs are kept in build/lab/debs-trixie: a second run needs no network.
trixie_pkgs="dracut-core dracut-install dracut-live libc6 libkmod2"
fetch_trixie() {
	into=$1
	debs="$lab/debs-trixie"
	if [ "$(cat "$debs/packages" 2>/dev/null || true)" != "$trixie_pkgs" ]; then
		mirror=${DRACUT_TRIXIE_MIRROR:-$(host_mirror)}
		if [ -z "$mirror" ]; then
			echo "$me: no Debian mirror in the host's apt sources; set DRACUT_TRIXIE_MIRROR=URL" >&2
			exit 1
		fi
		st="$lab/apt-trixie"
		rm -rf "$st" "$debs.tmp"
		mkdir -p "$st/lists/partial" "$st/cache/archives/partial" "$debs.tmp"
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$st/sources.list"
		set -- -o Dir::Etc::SourceList="$st/sources.list" -o Dir::Etc::SourceParts=/dev/null \
			-o Dir::State::Lists="$st/lists" -o Dir::Cache="$st/cache" \
			-o Dir::State::status=/dev/null -o APT::Sandbox::User=root -q
		echo "$me: downloading $trixie_pkgs from $mirror trixie"
		if ! apt-get "$@" update >"$buildlog" 2>&1 ||
			grep -q -E '^(E|W|Err):' "$buildlog"; then
			apt_fail "$buildlog" "apt-get update of $mirror trixie" \
				"is the mirror reachable? DRACUT_TRIXIE_MIRROR=URL picks another"
			exit 1
		fi
		# shellcheck disable=SC2086 # a list of package names
		if ! (cd "$debs.tmp" && apt-get "$@" download $trixie_pkgs) >"$buildlog" 2>&1; then
			apt_fail "$buildlog" "apt-get download $trixie_pkgs from $mirror trixie"
			exit 1
		fi
		echo "$trixie_pkgs" >"$debs.tmp/packages"
		rm -rf "$debs" "$st"
		mv "$debs.tmp" "$debs"
	fi
	cp "$debs"/*.deb "$into"
}

# 1. dracut itself, unpacked (never installed).
if ! [ -f "$dbase/dracut-init.sh" ] || ! [ -x "$dbase/dracut-install" ] ||
	! [ -d "$dbase/modules.d/90dmsquash-live" ]; then
	dl="$lab/$name-dl"
	rm -rf "$dl" "$droot.tmp"
	# a run that stops half way leaves no partial tree behind
	trap 'rm -rf "$dl" "$droot.tmp" "$lab/debs-trixie.tmp" "$lab/apt-trixie"' EXIT
	trap 'exit 130' INT TERM
	mkdir -p "$dl" "$droot.tmp"
	# _apt cannot write into a root-owned build tree; let it.
	chmod 0777 "$dl"
	if [ "$dv" = 059 ]; then
		fetch_host "$dl"
	else
		fetch_trixie "$dl"
	fi
	for deb in "$dl"/*.deb; do
		dpkg-deb -x "$deb" "$droot.tmp"
	done
	if [ "$dv" != 059 ]; then
		# dracut-install through trixie's ld.so and libraries (glibc
		# 2.38, libkmod 33); nothing else of trixie's libc is used: the
		# initrd gets the host's (dracut-util, the one trixie binary
		# that goes into it, needs glibc 2.34).
		mv "$droot.tmp/usr/lib/dracut/dracut-install" "$droot.tmp/usr/lib/dracut/dracut-install.trixie"
		cat >"$droot.tmp/usr/lib/dracut/dracut-install" <<'EOF'
#!/bin/sh
# trixie's dracut-install on Debian 12: trixie's ld.so and libraries
l=${0%/*}/../x86_64-linux-gnu
exec "$l/ld-linux-x86-64.so.2" --library-path "$l" "$0.trixie" "$@"
EOF
		chmod 0755 "$droot.tmp/usr/lib/dracut/dracut-install"
		if ! "$droot.tmp/usr/lib/dracut/dracut-install" --help >/dev/null 2>&1; then
			echo "$me: trixie's dracut-install does not run through its own ld.so: $("$droot.tmp/usr/lib/dracut/dracut-install" --help 2>&1 | head -n 1)" >&2
			exit 1
		fi
	fi
	rm -rf "$droot" "$dl"
	mv "$droot.tmp" "$droot"
	trap - EXIT
fi
dver=$(sed -n 's/^DRACUT_VERSION=//p' "$dbase/dracut-version.sh")
case "$dver" in
"$dv"*) ;;
*) echo "$me: note: dracut $dver in $droot, tested with $dv" >&2 ;;
esac

# 2. The image. No host config: --conf /dev/null and an empty confdir.
conf="$lab/$name.conf.d"
work="$lab/$name.work"
rm -rf "$conf" "$work"
mkdir -p "$conf" "$work"
tmp="$out.tmp"
rm -f "$tmp"
echo "$me: building $out with dracut $dver (log $buildlog)"
if ! dracutbasedir="$dbase" DRACUT_INSTALL="$dbase/dracut-install" bash "$droot/usr/bin/dracut" \
	--conf /dev/null --confdir "$conf" --tmpdir "$work" \
	--no-hostonly --no-hostonly-cmdline --no-early-microcode \
	--reproducible --gzip --force \
	--modules "base dmsquash-live" --omit "$omit" \
	--add-drivers "$drivers" \
	--kernel-cmdline "rd.live.overlay.overlayfs=1" \
	--kver "$ver" --kmoddir "$kroot/lib/modules/$ver" \
	"$tmp" "$ver" >"$buildlog" 2>&1; then
	tail -n 30 "$buildlog" >&2
	echo "$me: dracut failed (full log $buildlog); a missing" \
		"host tool usually means 'make deps' was not run" >&2
	exit 1
fi
# dracut only warns about some missing pieces; these must be there.
for want in "usr/sbin/dmsquash-live-root" "etc/cmdline.d/01-default.conf" \
	"kernel/fs/squashfs/squashfs.ko" "kernel/fs/overlayfs/overlay.ko" \
	"kernel/drivers/block/loop.ko"; do
	if ! gzip -dc "$tmp" | cpio -it --quiet 2>/dev/null | grep -q "$want\$"; then
		echo "$me: $tmp lacks $want; see $buildlog" >&2
		exit 1
	fi
done
chmod 0644 "$tmp"
mv "$tmp" "$out"
rm -rf "$work"
echo "$me: $out ($(wc -c <"$out") bytes, kernel $ver)"
