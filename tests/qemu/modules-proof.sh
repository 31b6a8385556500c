#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Proof of src/modules.c in QEMU (TCG): boots the lab kernel with an initrd
# whose /init is tests/qemu/modules_proof.c and checks that coldplug loads
# virtio_pci, then virtio_net, that a NIC appears, and that modules_load()
# handles squashfs, loop, overlay, a '-' name, a built-in, an unknown name and
# an xz-compressed module (this kernel cannot decompress: a clear error).
# Usage: sh tests/qemu/modules-proof.sh     (exit 0 = proven; log in build/qemu/)
set -eu
PATH="$PATH:/usr/sbin:/sbin"

if [ $# -gt 0 ]; then
	echo "usage: sh tests/qemu/modules-proof.sh (no arguments)" >&2
	exit 2
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
for tool in klcc qemu-system-x86_64 cpio gzip xz depmod; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "modules-proof: $tool missing; run 'make deps'" >&2
		exit 1
	}
done
sh tests/lab/kernel.sh
kdir="$top/build/lab/kernel"
ver=$(cat "$kdir/version")
msrc="$kdir/lib/modules/$ver"
work="$top/build/qemu/modules-proof"
root="$work/root"
rm -rf "$work"
mkdir -p "$root/proc" "$root/sys" "$root/dev" "$root/lib/modules/$ver"

# /init: the proof program with the product's modules code, static klibc.
klcc -Os -static -Wall -Wextra -Isrc -o "$root/init" \
	tests/qemu/modules_proof.c src/modules.c src/modalias.c src/log.c \
	src/clock.c
strip "$root/init"

# Modules: every driver, arch, crypto and lib module (so coldplug meets the
# real aliases of QEMU's devices), squashfs and overlay, plus the dependency
# closure from the kernel's modules.dep; then depmod on the subset.
(cd "$msrc" && find kernel/drivers kernel/arch kernel/crypto kernel/lib \
	kernel/fs/squashfs kernel/fs/overlayfs -name '*.ko*') >"$work/roots"
awk -F'[: ]+' 'NR == FNR { want[$0] = 1; next }
	($1 in want) { for (i = 1; i <= NF; i++) if ($i != "") print $i }' \
	"$work/roots" "$msrc/modules.dep" | sort -u >"$work/list"
(cd "$msrc" && cpio -pdm --quiet "$root/lib/modules/$ver") <"$work/list"
cp "$msrc/modules.builtin" "$msrc/modules.builtin.modinfo" "$msrc/modules.order" \
	"$root/lib/modules/$ver/"
xz -C crc32 "$root/lib/modules/$ver/kernel/drivers/net/dummy.ko"
depmod -b "$root" "$ver"
echo "modules-proof: $(wc -l <"$work/list") modules, $(du -sm "$root" | cut -f1) MB in the initrd root"

(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$work/initrd.gz"

log="$work/console.log"
start=$(date +%s)
rc=0
timeout "${QEMU_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -m 256 -nographic -no-reboot \
	-kernel "$kdir/vmlinuz" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 no_timer_check panic=-1 printk.devkmsg=on" \
	-nic user,model=virtio-net-pci,restrict=on </dev/null >"$log" 2>&1 || rc=$?
echo "modules-proof: QEMU ran $(($(date +%s) - start)) s; console in $log"

fail=0
# the proof program powers off when done: the time limit is a hang
if [ "$rc" = 124 ]; then
	echo "FAIL: QEMU ran into the time limit (${QEMU_TIMEOUT:-600} s): the guest hung" >&2
	fail=1
fi
need() {
	if grep -q -- "$1" "$log"; then
		echo "ok:   $2"
	else
		echo "FAIL: $2 (no '$1' in $log)" >&2
		fail=1
	fi
}
line_of() {
	grep -n -- "$1" "$log" | head -n 1 | cut -d: -f1
}
need "module virtio_pci loaded" "coldplug loaded virtio_pci"
need "module virtio_net loaded" "coldplug loaded virtio_net"
pci=$(line_of "module virtio_pci loaded")
net=$(line_of "module virtio_net loaded")
if [ -n "$pci" ] && [ -n "$net" ] && [ "$pci" -lt "$net" ]; then
	echo "ok:   virtio_pci before virtio_net"
else
	echo "FAIL: virtio_pci was not loaded before virtio_net" >&2
	fail=1
fi
need "PROOF netif \(eth\|ens\)" "a NIC in /sys/class/net"
need "PROOF load squashfs rc=0 " "modules_load(squashfs)"
need "PROOF load loop rc=0 " "modules_load(loop)"
need "PROOF load overlay rc=0 " "modules_load(overlay)"
need "PROOF load crc-itu-t rc=0 " "modules_load(crc-itu-t)"
need "PROOF load binfmt_script rc=0 " "modules_load(binfmt_script), built in"
need "PROOF load no_such_module rc=-2 " "modules_load(no_such_module) = -ENOENT"
need "PROOF load dummy rc=-95 " "modules_load(dummy.ko.xz) = -EOPNOTSUPP"
need "module dummy: this kernel cannot load compressed" "compressed module error message"
need "PROOF sysmodule squashfs=1 loop=1 overlay=1" "/sys/module entries"
need "PROOF done" "proof program finished"
grep -E "PROOF coldplug|netinit: coldplug:" "$log" | tr -d '\r' | sed 's/^/info: /'
if [ "$fail" -ne 0 ]; then
	echo "modules-proof: FAILED; see $log" >&2
	exit 1
fi
echo "modules-proof: all proven"
