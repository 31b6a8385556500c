#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bench image: the lab's live root (tests/lab/liveroot.sh) with /pad.bin
# replaced by deterministic incompressible bytes, so that the whole
# squashfs is SIZE MiB (exactly: the tail is zero-filled to the MiB, at
# most a few KiB). Data blocks are stored uncompressed (-noD): random
# bytes do not compress anyway, and xz on them would only cost time.
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
	[ -z "$(find "$self" "$base" -newer "$out" 2>/dev/null)" ]; then
	exit 0
fi
sh "$top/tests/lab/liveroot.sh" >/dev/null
tree="$out.tree"
rm -rf "$tree" "$out.tmp"
trap 'rm -rf "$tree" "$out.tmp"' EXIT
unsquashfs -q -n -d "$tree" "$base" >/dev/null
rm -f "$tree/pad.bin"
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
