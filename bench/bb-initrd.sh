#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Builds build/bench/bb-wget.igz, the benchmark's baseline: the lab's
# genkernel stand-in (tests/lab/genkernel-initrd.sh: busybox-static, its
# linuxrc contract) with a busybox /init in front of it that does what a
# shell-script netboot initrd does: modprobe virtio_pci + virtio_net,
# udhcpc, busybox wget of bbwget.url= into the loop= path at the
# initramfs root, then exec the genkernel stand-in (/init.orig) as PID 1.
# Every step is logged to /dev/kmsg ("bbwget: ..."), so the console shows
# kernel timestamps. Any failure prints "bbwget: failed: ..." and powers
# off. No RAM check; no checksum unless bbwget.sha256=HEX is given, then
# busybox sha256sum reads the file back after wget (the peer way of
# checking a download: "sha256 done" is logged when it matched).
# Usage: bench/bb-initrd.sh   (skipped when up to date)
set -eu
PATH="$PATH:/usr/sbin:/sbin"

top=$(cd "$(dirname "$0")/.." && pwd)
lab="$top/build/lab"
kroot="$lab/kernel"
out="${BENCH_BUILD:-$top/build/bench}/bb-wget.igz"
self="$top/bench/bb-initrd.sh"

sh "$top/tests/lab/kernel.sh"
sh "$top/tests/lab/genkernel-initrd.sh" >/dev/null
ver=$(cat "$kroot/version")
if [ -s "$out" ] && [ -z "$(find "$self" "$lab/genkernel.igz" -newer "$out")" ]; then
	exit 0
fi
mkdir -p "$(dirname "$out")"
tree="$out.tree"
rm -rf "$tree"
trap 'rm -rf "$tree" "$out.tmp"' EXIT
mkdir -p "$tree"
(cd "$tree" && gzip -dc "$lab/genkernel.igz" | cpio -id --quiet)
rm "$tree/linuxrc"
mv "$tree/init" "$tree/init.orig"
ln -s init.orig "$tree/linuxrc"

mdir="$kroot/lib/modules/$ver"
for m in virtio_pci virtio_net; do
	modprobe -d "$kroot" -S "$ver" --show-depends "$m" |
		while read -r kind path _; do
			[ "$kind" = insmod ] || continue
			rel=${path#"$mdir"/}
			mkdir -p "$tree/lib/modules/$ver/$(dirname "$rel")"
			cp "$path" "$tree/lib/modules/$ver/$rel"
		done
done
depmod -b "$tree" "$ver"

mkdir -p "$tree/usr/share/udhcpc"
cat >"$tree/usr/share/udhcpc/default.script" <<'SCRIPT'
#!/bin/sh
# udhcpc hook: apply the lease.
case "$1" in
deconfig) ifconfig "$interface" 0.0.0.0 up ;;
bound | renew)
	ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
	[ -z "$router" ] || route add default gw "${router%% *}" dev "$interface"
	;;
esac
exit 0
SCRIPT
chmod 0755 "$tree/usr/share/udhcpc/default.script"

cat >"$tree/init" <<'SCRIPT'
#!/bin/sh
# bench baseline: busybox udhcpc + wget into the initramfs, then the
# genkernel stand-in (see bench/bb-initrd.sh).
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
k() { echo "bbwget: $*" >/dev/kmsg; }
fail() {
	k "failed: $*"
	sync
	poweroff -f
	sleep 86400
}
k "starting"
URL=
LOOP=
SHA=
for x in $(cat /proc/cmdline); do
	case "$x" in
	bbwget.url=*) URL=${x#bbwget.url=} ;;
	bbwget.sha256=*) SHA=${x#bbwget.sha256=} ;;
	loop=*) LOOP=${x#loop=} ;;
	esac
done
[ -n "$URL" ] || fail "no bbwget.url= on the command line"
[ -n "$LOOP" ] || fail "no loop= on the command line"
DEST=/${LOOP#/}
modprobe virtio_pci || fail "modprobe virtio_pci"
modprobe virtio_net || fail "modprobe virtio_net"
ip link set eth0 up || fail "no eth0"
i=0
while [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" != 1 ]; do
	i=$((i + 1))
	[ $i -lt 300 ] || fail "no carrier on eth0"
	sleep 0.1
done
k "eth0: link up"
udhcpc -i eth0 -f -q -n -t 10 -T 1 -s /usr/share/udhcpc/default.script >/dev/null 2>&1 || fail "no DHCP lease"
k "eth0: bound to $(ip -4 -o addr show eth0 | awk '{print $4}')"
k "wget $URL into $DEST"
wget -q -O "$DEST" "$URL" || { rc=$?; rm -f "$DEST"; fail "wget $URL (status $rc)"; }
k "wget done: $(wc -c <"$DEST") bytes"
if [ -n "$SHA" ]; then
	echo "$SHA  $DEST" | sha256sum -c -s || fail "sha256 of $DEST does not match"
	k "sha256 done"
fi
exec /init.orig
SCRIPT
chmod 0755 "$tree/init"

find "$tree" -exec touch -h -d @0 {} +
(
	cd "$tree"
	find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet
) | gzip -n -9 >"$out.tmp"
mv "$out.tmp" "$out"
echo "bb-initrd.sh: $out ($(wc -c <"$out") bytes)"
