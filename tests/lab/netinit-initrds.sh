#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Builds the lab (kernel, live root, the genkernel and dracut next-stage
# initrds) and the three netinit initrds every boot test uses, from
# build/netinit and the lab kernel's modules, into OUTDIR:
#   netinit-genkernel.igz  netinit-dracut.igz  netinit-standalone.igz
# Shared by tests/qemu/lib.sh (prepare) and bench/run.sh.
# Usage: sh tests/lab/netinit-initrds.sh OUTDIR
set -eu

[ $# = 1 ] || { echo "usage: sh tests/lab/netinit-initrds.sh OUTDIR" >&2; exit 2; }
out=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
lab="$top/build/lab"
[ -x "$top/build/netinit" ] || { echo "$0: build/netinit missing: run 'make' first" >&2; exit 1; }

sh "$top/tests/lab/kernel.sh"
sh "$top/tests/lab/liveroot.sh" >/dev/null
sh "$top/tests/lab/genkernel-initrd.sh" >/dev/null
sh "$top/tests/lab/dracut-initrd.sh" >/dev/null
mods="$lab/kernel/lib/modules/$(cat "$lab/kernel/version")"
mkdir -p "$out"
for c in genkernel dracut; do
	"$top/gen_initramfs.sh" --base "$lab/$c.igz" --netinit "$top/build/netinit" \
		--modules "$mods" --output "$out/netinit-$c.igz" >/dev/null
done
"$top/gen_initramfs.sh" --standalone --netinit "$top/build/netinit" \
	--modules "$mods" --output "$out/netinit-standalone.igz" >/dev/null
