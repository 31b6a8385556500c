#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Unpacks Debian's linux-image-cloud-amd64 into build/lab/kernel (never /boot)
# and prints nothing on success. Result:
#   build/lab/kernel/vmlinuz             the kernel
#   build/lab/kernel/lib/modules/<ver>/  its modules (depmod run)
#   build/lab/kernel/version             <ver>
set -eu
PATH="$PATH:/usr/sbin:/sbin"

top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/build/lab/kernel"
[ -s "$out/version" ] && [ -s "$out/vmlinuz" ] && exit 0

tmp="$top/build/lab/kernel.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
cd "$tmp"
# The meta package names the current ABI; download that image package.
pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' | head -n 1)
if [ -z "$pkg" ]; then
	echo "kernel.sh: cannot resolve linux-image-cloud-amd64; run 'apt-get update' first" >&2
	exit 1
fi
apt-get download "$pkg" >/dev/null 2>&1
dpkg -x ./"$pkg"_*.deb root
ver=$(ls root/lib/modules)
cp root/boot/vmlinuz-"$ver" vmlinuz
cp root/boot/config-"$ver" config
mkdir -p lib/modules
mv root/lib/modules/"$ver" lib/modules/
depmod -b "$tmp" "$ver"
rm -rf root ./*.deb
echo "$ver" > version
cd "$top"
rm -rf "$out"
mv "$tmp" "$out"
