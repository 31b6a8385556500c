#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A variant of the lab's live root (tests/lab/liveroot.sh, built first and
# left alone) for stream mode's boots: the same busybox tree, a /pad.bin of
# PAD_MB MiB of incompressible bytes, and an /sbin/init that prints facts
# before the usual marker:
#   NETINIT-STREAM-PROC pid=N cmdline=@...    a process whose argv[0] starts with '@'
#   NETINIT-STREAM-ROOT <device> <mount point> (what /run/netinit/ro is mounted from)
#   NETINIT-LIVE-MEM Shmem: ... MemAvailable: ...
#   NETINIT-STREAM-STATS <the resident's counters at the live root> (SIGUSR1)
#   NETINIT-STREAM-PAD <md5sum of /pad.bin>    (every byte read through the root)
# Usage: sh tests/lab/liveroot-stream.sh OUT PAD_MB
# The squashfs data is stored uncompressed (-noD): the pad is random anyway.
set -eu
PATH="$PATH:/usr/sbin:/sbin"

[ $# = 2 ] || { echo "usage: sh tests/lab/liveroot-stream.sh OUT PAD_MB" >&2; exit 2; }
out=$1
pad_mb=$2
case "$pad_mb" in
'' | *[!0-9]*) echo "liveroot-stream.sh: PAD_MB '$pad_mb' is not a number" >&2; exit 2 ;;
esac
top=$(cd "$(dirname "$0")/../.." && pwd)
lab="$top/build/lab"
sh "$top/tests/lab/liveroot.sh" >/dev/null
if [ -s "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "pad_mb=$pad_mb" ] &&
	[ -z "$(find "$lab/image.squashfs" "$0" -newer "$out" 2>/dev/null)" ]; then
	exit 0
fi
tree="$out.tree"
rm -rf "$tree"
unsquashfs -no-progress -quiet -d "$tree" "$lab/image.squashfs" >/dev/null
rm -f "$tree/pad.bin" "$tree/sbin/init"
cat >"$tree/sbin/init" <<'EOS'
#!/bin/sh
# stream-mode facts, then the lab's marker, then power off
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
[ -r /proc/self/stat ] || mount -t proc proc /proc
[ -c /dev/console ] || mount -t devtmpfs devtmpfs /dev 2>/dev/null
[ -d /sys/class/net ] || mount -t sysfs sysfs /sys 2>/dev/null
for c in /proc/[0-9]*/cmdline; do
	a=$(tr '\0' ' ' 2>/dev/null <"$c")
	p=${c#/proc/}
	p=${p%/cmdline}
	case "$a" in
	@*)
		echo "NETINIT-STREAM-PROC pid=$p comm=$(cat "/proc/$p/comm") cmdline=$a" >/dev/console
		kill -USR1 "$p"
		# the backend logs at its next request: make one (no cached pages left)
		echo 3 >/proc/sys/vm/drop_caches
		cat /etc/hostname >/dev/null
		i=0
		while [ $i -lt 50 ] && ! dmesg | grep -q 'netinit-stream: .*HTTP requests,'; do
			sleep 0.1
			i=$((i + 1))
		done
		echo "NETINIT-STREAM-STATS $(dmesg | grep 'netinit-stream: .*HTTP requests,' | tail -n 1 | sed 's/.*netinit-stream: //') (after $i waits)" >/dev/console
		;;
	esac
	case "$(cat "/proc/$p/comm" 2>/dev/null)" in
	netinit*) echo "NETINIT-STREAM-PS pid=$p comm=$(cat "/proc/$p/comm") cmdline=$a" >/dev/console ;;
	esac
done
awk '$2 == "/run/netinit/ro" { print "NETINIT-STREAM-ROOT " $1 " " $2 " " $3 }' /proc/mounts >/dev/console
echo "NETINIT-LIVE-MEM $(grep -E '^(Shmem|MemAvailable|MemTotal):' /proc/meminfo | tr -s ' \n' '  ')" >/dev/console
echo "NETINIT-STREAM-PAD $(md5sum /pad.bin | cut -d' ' -f1)" >/dev/console
echo "NETINIT-LIVE-MEM-AFTER $(grep -E '^(Shmem|MemAvailable):' /proc/meminfo | tr -s ' \n' '  ')" >/dev/console
echo "NETINIT-LIVE-OK pid=$$" >/dev/console
sync
poweroff -f
EOS
chmod 0755 "$tree/sbin/init"
python3 - "$tree/pad.bin" "$pad_mb" <<'EOS'
import random, sys
path, mib = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261127)
with open(path, "wb") as f:
    for _ in range(mib):
        f.write(rng.getrandbits(8 * 1024 * 1024).to_bytes(1024 * 1024, "little"))
EOS
rm -f "$out.tmp"
mksquashfs "$tree" "$out.tmp" -noappend -noD -all-root -mkfs-time 0 -all-time 0 \
	-no-progress -quiet >/dev/null
md5sum "$tree/pad.bin" | cut -d' ' -f1 >"$out.padmd5"
mv "$out.tmp" "$out"
echo "pad_mb=$pad_mb" >"$out.stamp"
rm -rf "$tree"
echo "liveroot-stream.sh: $out ($(wc -c <"$out") bytes, pad $pad_mb MiB)"
