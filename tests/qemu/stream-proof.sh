#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Proof of src/nbd.c in QEMU (TCG): boots the lab kernel with an initrd
# whose /init is tests/qemu/stream_proof.c. The program serves /image (4 MiB
# of pseudo-random data) over a socketpair with its own NBD loop, connects
# the kernel's NBD driver to it over generic netlink and reads every block
# of /dev/nbdN back against the sums made here.
# Usage: sh tests/qemu/stream-proof.sh     (exit 0 = proven; log in build/qemu/)
# Env: QEMU_TIMEOUT (seconds, default 600)
set -eu
PATH="$PATH:/usr/sbin:/sbin"

if [ $# -gt 0 ]; then
	echo "usage: sh tests/qemu/stream-proof.sh (no arguments)" >&2
	exit 2
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
for tool in klcc qemu-system-x86_64 cpio gzip depmod python3; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "stream-proof: $tool missing; run 'make deps'" >&2
		exit 1
	}
done
sh tests/lab/kernel.sh
kdir="$top/build/lab/kernel"
ver=$(cat "$kdir/version")
msrc="$kdir/lib/modules/$ver"
work="$top/build/qemu/stream-proof"
root="$work/root"
rm -rf "$work"
mkdir -p "$root/proc" "$root/sys" "$root/dev" "$root/lib/modules/$ver"

# /init: the proof program with the product's nbd code, static klibc.
klcc -Os -static -Wall -Wextra -Isrc -o "$root/init" \
	tests/qemu/stream_proof.c src/nbd.c src/modules.c src/modalias.c \
	src/log.c src/clock.c src/file.c src/sha256.c
strip "$root/init"

# The modules and their dependency closure from the kernel's modules.dep.
printf '%s\n' kernel/drivers/block/nbd.ko >"$work/roots"
awk -F'[: ]+' 'NR == FNR { want[$0] = 1; next }
	($1 in want) { for (i = 1; i <= NF; i++) if ($i != "") print $i }' \
	"$work/roots" "$msrc/modules.dep" | sort -u >"$work/list"
(cd "$msrc" && cpio -pdm --quiet "$root/lib/modules/$ver") <"$work/list"
cp "$msrc/modules.builtin" "$msrc/modules.builtin.modinfo" "$msrc/modules.order" \
	"$root/lib/modules/$ver/"
depmod -b "$root" "$ver"

# The image (fixed pseudo-random bytes) and the sha256 of each 4 KiB block.
python3 - "$root/image" "$root/blocks.sha256" <<'PY'
import hashlib, random, sys
data = random.Random(11).randbytes(4 << 20)
open(sys.argv[1], "wb").write(data)
with open(sys.argv[2], "wb") as f:
    for i in range(0, len(data), 4096):
        f.write(hashlib.sha256(data[i:i + 4096]).digest())
PY

(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$work/initrd.gz"

log="$work/console.log"
start=$(date +%s)
timeout "${QEMU_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -m 256 -nographic -no-reboot \
	-kernel "$kdir/vmlinuz" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 no_timer_check panic=-1 printk.devkmsg=on" \
	-nic none </dev/null >"$log" 2>&1 || true
echo "stream-proof: QEMU ran $(($(date +%s) - start)) s; console in $log"

fail=0
need() {
	if grep -q -- "$1" "$log"; then
		echo "ok:   $2"
	else
		echo "FAIL: $2 (no '$1' in $log)" >&2
		fail=1
	fi
}
need "PROOF before load nbd_connect rc=-2\b" "nbd_connect without the driver = -ENOENT"
need "nbd: the kernel has no nbd driver; load the nbd module first" "its message"
need "PROOF load nbd rc=0\\b" "modules_load(nbd)"
need "PROOF nbd_connect rc=[0-9]" "nbd_connect over generic netlink"
need "PROOF nbd_wait /dev/nbd[0-9]* rc=0 " "nbd_wait: /dev/nbdN with its size"
need "PROOF nbd read 1024/1024 blocks match eio=0 " "every block of /dev/nbdN read back"
need "PROOF nbd write rc=-1\\b" "NBD_CONNECT_RO: a write is refused with EPERM"
need "PROOF nbd_disconnect rc=0 server exited=1" "nbd_disconnect; the server saw NBD_CMD_DISC"
need "PROOF nbd_connect bad block size rc=-22" "a bad block size is refused"
need "PROOF done" "proof program finished"
if [ "$fail" -ne 0 ]; then
	echo "stream-proof: FAILED; see $log" >&2
	exit 1
fi
echo "stream-proof: all proven"
