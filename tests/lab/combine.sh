#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Lab tool: makes a combined initrd, BASE followed by an uncompressed newc
# cpio segment that holds IMAGE at path DEST, so a next-stage initrd can be
# validated with its image already in place (no network).
# The kernel finds a following newc segment only at a 4-byte boundary, so
# BASE is padded with zero bytes to a multiple of 4 first.
# (The product's gen_initramfs.sh has its own 'combined' subcommand; this
# one is only for the lab.)
set -eu

usage() {
	cat <<EOF
usage: $0 BASE IMAGE DEST OUT
  BASE   an initrd (any compression the kernel reads)
  IMAGE  the file to append, e.g. build/lab/image.squashfs
  DEST   its path inside the initramfs, e.g. image.squashfs or
         image.squashfs.img (leading '/' optional)
  OUT    the combined initrd to write
example:
  $0 build/lab/genkernel.igz build/lab/image.squashfs \\
      /image.squashfs build/lab/genkernel-combined.igz
EOF
}

case "${1-}" in
-h | --help) usage; exit 0 ;;
esac
if [ $# -ne 4 ]; then
	usage >&2
	exit 2
fi
base=$1
image=$2
dest=${3#/}
out=$4

for f in "$base" "$image"; do
	if ! [ -f "$f" ] || ! [ -r "$f" ]; then
		echo "combine.sh: '$f' is not a readable file; build it first" \
			"(tests/lab/*.sh)" >&2
		exit 1
	fi
done
case "$dest" in
'' | */ | *..*)
	echo "combine.sh: DEST '$3' must name a file, e.g. /image.squashfs" >&2
	exit 2
	;;
esac
if ! command -v cpio >/dev/null 2>&1; then
	echo "combine.sh: 'cpio' not found; run 'make deps' (tests/lab/deps.sh)" >&2
	exit 1
fi

image_abs=$(cd "$(dirname "$image")" && pwd)/$(basename "$image")
stage="$out.stage"
tmp="$out.tmp"
rm -rf "$stage" "$tmp"
trap 'rm -rf "$stage" "$tmp"' EXIT
mkdir -p "$stage/$(dirname "$dest")"
# A symlink in the stage, dereferenced by cpio: the image is read once.
ln -s "$image_abs" "$stage/$dest"

cp "$base" "$tmp"
size=$(wc -c <"$tmp")
pad=$(((4 - size % 4) % 4))
if [ "$pad" -gt 0 ]; then
	head -c "$pad" /dev/zero >>"$tmp"
fi
(
	cd "$stage"
	find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -L -R 0:0 --reproducible --quiet
) >>"$tmp"
mv "$tmp" "$out"
echo "combine.sh: $out = $base (+$pad pad) + /$dest ($(wc -c <"$image") bytes)"
