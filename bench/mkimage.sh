#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bench image: the lab's live root (tests/lab/liveroot.sh) with /pad.bin
# replaced by deterministic incompressible bytes, so that the whole
# squashfs is SIZE MiB (exactly: the tail is zero-filled to the MiB, at
# most a few KiB). Data blocks are stored uncompressed (-noD): random
# bytes do not compress anyway, and xz on them would only cost time.
# /sbin/init is the lab's behind a wrapper: with nibench.live on the kernel
# command line it first prints figures from the live root (MemAvailable,
# the root's device, random 4 KiB and sequential reads of /pad.bin by
# /bin/liveread, bench/liveread.c built static), then execs the lab's init
# (/sbin/init.lab: marker, power off). Without it, only the exec.
# Usage: bench/mkimage.sh SIZE_MIB OUT   (skipped when OUT is up to date)
set -eu
PATH="$PATH:/usr/sbin:/sbin"

if [ $# -ne 2 ]; then
	echo "usage: $0 SIZE_MIB OUT" >&2
	exit 2
fi
size=$1
out=$2
case "$size" in
'' | *[!0-9]*)
	echo "mkimage.sh: SIZE_MIB '$size' is not a whole number" >&2
	exit 2
	;;
esac
[ "$size" -ge 16 ] || { echo "mkimage.sh: SIZE_MIB must be >= 16" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
base="$top/build/lab/image.squashfs"
self="$top/bench/mkimage.sh"
if [ -s "$out" ] && [ "$(wc -c <"$out")" = $((size * 1048576)) ] &&
	[ -z "$(find "$self" "$base" "$top/bench/liveread.c" -newer "$out" 2>/dev/null)" ]; then
	exit 0
fi
sh "$top/tests/lab/liveroot.sh" >/dev/null
tree="$out.tree"
rm -rf "$tree" "$out.tmp"
trap 'rm -rf "$tree" "$out.tmp"' EXIT
unsquashfs -q -n -d "$tree" "$base" >/dev/null
rm -f "$tree/pad.bin"
cc -static -O2 -Wall -Werror -s -o "$tree/bin/liveread" "$top/bench/liveread.c" ||
	{ echo "mkimage.sh: cannot build bench/liveread.c static (libc6-dev?)" >&2; exit 1; }
mv "$tree/sbin/init" "$tree/sbin/init.lab"
cat >"$tree/sbin/init" <<'EOS'
#!/bin/sh
# bench image (bench/mkimage.sh): with nibench.live on the kernel command
# line, figures from the live root first; then the lab's init as PID 1
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
[ -r /proc/self/stat ] || mount -t proc proc /proc
case " $(cat /proc/cmdline) " in
*" nibench.live "*)
	[ -c /dev/console ] || mount -t devtmpfs devtmpfs /dev 2>/dev/null
	{
		echo "NIBENCH-MEM $(grep -E '^(MemTotal|MemAvailable|Shmem):' /proc/meminfo | tr -s ' \n' '  ')"
		echo "NIBENCH-ROOT $(awk '$2 == "/run/netinit/ro" { print $1 }' /proc/mounts)"
		echo 3 >/proc/sys/vm/drop_caches
		liveread rand /pad.bin 256
		echo 3 >/proc/sys/vm/drop_caches
		liveread seq /pad.bin
		echo "NIBENCH-DONE"
	} >/dev/console 2>&1
	;;
esac
case " $(cat /proc/cmdline) " in
*" netinit.stream=cache "*)
	# the bench's cache rows: stay until the copy is in RAM or has given
	# way to the RAM the live system needs (at most 10 min)
	i=0
	until dmesg | grep -qE 'the network is no longer needed|cache: [0-9]+ MiB RAM available' ||
		[ $i -ge 1200 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	;;
esac
exec /sbin/init.lab
EOS
chmod 0755 "$tree/sbin/init"
# The image without the pad tells the overhead; the pad fills the rest.
mksquashfs "$tree" "$out.tmp" -noappend -noD -all-root -mkfs-time 0 \
	-all-time 0 -no-progress -quiet >/dev/null
over=$(wc -c <"$out.tmp")
pad=$((size * 1048576 - over - 65536))
[ "$pad" -gt 0 ] || { echo "mkimage.sh: $size MiB is too small" >&2; exit 1; }
python3 - "$tree/pad.bin" "$pad" "$size" <<'PY'
import random, sys
path, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(20240601 + seed)
with open(path, "wb") as f:
    while n > 0:
        k = min(n, 1 << 20)
        f.write(rng.getrandbits(8 * k).to_bytes(k, "little"))
        n -= k
PY
chmod 0644 "$tree/pad.bin"
mksquashfs "$tree" "$out.tmp" -noappend -noD -all-root -mkfs-time 0 \
	-all-time 0 -no-progress -quiet >/dev/null
have=$(wc -c <"$out.tmp")
if [ "$have" -gt $((size * 1048576)) ]; then
	echo "mkimage.sh: image came out at $have bytes, over $size MiB" >&2
	exit 1
fi
truncate -s "${size}M" "$out.tmp"
mv "$out.tmp" "$out"
echo "mkimage.sh: $out ($size MiB, $pad bytes of random pad)"
