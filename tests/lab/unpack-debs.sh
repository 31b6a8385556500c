#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# unpack-debs.sh SET: downloads Debian packages with apt-get download and
# unpacks them with dpkg -x into build/lab/SET/root (never installed on the
# host: no boot tooling or daemon of the host is replaced or started).
# Prints nothing on success; a second run with the same list does nothing.
#   loaders  pxelinux.0, lpxelinux.0, ldlinux.c32; grub-mknetdir with the
#            i386-pc and x86_64-efi module trees (tests/qemu/loaders.sh)
#   servers  ISC dhcpd, atftpd, kea-dhcp4 and their libraries, iPXE's own
#            boot/ipxe.efi, usr/lib/ipxe/undionly.kpxe (tests/netlab/servers.sh)
# Run programs from it with LD_LIBRARY_PATH=build/lab/SET/root/usr/lib/x86_64-linux-gnu.
set -eu
PATH="$PATH:/usr/sbin:/sbin"

set_name=${1-}
case $set_name in
loaders)
	# grub-mknetdir links libefivar/libefiboot (not in a base system)
	pkgs="pxelinux syslinux-common grub-common grub-pc-bin grub-efi-amd64-bin libefivar1 libefiboot1"
	need="usr/lib/PXELINUX/pxelinux.0 usr/lib/syslinux/modules/bios/ldlinux.c32 usr/bin/grub-mknetdir
		usr/lib/grub/i386-pc/moddep.lst usr/lib/grub/x86_64-efi/moddep.lst"
	probe=usr/bin/grub-mknetdir
	;;
servers)
	pkgs="isc-dhcp-server atftpd kea-dhcp4-server kea-common libmariadb3 liblog4cplus-2.0.5 ipxe"
	need="usr/sbin/dhcpd usr/sbin/atftpd usr/sbin/kea-dhcp4 boot/ipxe.efi usr/lib/ipxe/undionly.kpxe"
	probe="usr/sbin/dhcpd usr/sbin/atftpd usr/sbin/kea-dhcp4"
	;;
*)
	echo "unpack-debs.sh: usage: unpack-debs.sh loaders|servers" >&2
	exit 2
	;;
esac

top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/build/lab/$set_name"
[ "$(cat "$out/packages" 2>/dev/null || true)" = "$pkgs" ] && exit 0

tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
# A run that stops half way leaves no SET.tmp behind.
trap 'cd / && rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
cd "$tmp"
# shellcheck disable=SC2086 # a list of package names
if ! apt-get download $pkgs >apt.log 2>&1; then
	echo "unpack-debs.sh: apt-get download $pkgs failed: $(grep -m 1 -E '^(E|W|Err):' apt.log || grep -m 1 . apt.log || echo 'no message'); check the network and the apt sources, then run 'apt-get update'" >&2
	exit 1
fi
for d in ./*.deb; do
	dpkg -x "$d" root
done
for f in $need; do
	[ -e "root/$f" ] || {
		echo "unpack-debs.sh: $set_name: no $f in the packages ($pkgs); has Debian moved it?" >&2
		exit 1
	}
done
for b in $probe; do
	miss=$(LD_LIBRARY_PATH="$tmp/root/usr/lib/x86_64-linux-gnu" ldd "root/$b" | sed -n 's/^[[:space:]]*\([^ ]*\) => not found$/\1/p' | sort -u | tr '\n' ' ')
	[ -z "$miss" ] || {
		echo "unpack-debs.sh: $b needs ${miss% }, which neither the host nor the packages have; install them (apt-get install) or add their packages here" >&2
		exit 1
	}
done
rm -f ./*.deb apt.log
echo "$pkgs" >packages
cd "$top"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
