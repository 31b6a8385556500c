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
# A run that stops half way leaves no kernel.tmp behind.
trap 'cd / && rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
cd "$tmp"
# The meta package names the current ABI; download that image package.
pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' | head -n 1)
if [ -z "$pkg" ]; then
	echo "kernel.sh: cannot resolve linux-image-cloud-amd64; run 'apt-get update' first" >&2
	exit 1
fi
if ! apt-get download "$pkg" >apt.log 2>&1; then
	echo "kernel.sh: apt-get download $pkg failed: $(grep -m 1 -E '^(E|W|Err):' apt.log || grep -m 1 . apt.log || echo 'no message'); check the network and the apt sources, then run 'apt-get update'" >&2
	exit 1
fi
dpkg -x ./"$pkg"_*.deb root
ver=$(ls root/lib/modules)
cp root/boot/vmlinuz-"$ver" vmlinuz
cp root/boot/config-"$ver" config
mkdir -p lib/modules
mv root/lib/modules/"$ver" lib/modules/
depmod -b "$tmp" "$ver"
rm -rf root ./*.deb apt.log
echo "$ver" > version
cd "$top"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
