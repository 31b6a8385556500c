#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Proof of src/nbd.c, src/dm.c and src/verity.c in QEMU (TCG): boots the
# lab kernel with an initrd whose /init is tests/qemu/stream_proof.c. The
# program serves /image (4 MiB of pseudo-random data, then the hash tree
# `veritysetup format` made here) over a socketpair with its own NBD loop,
# connects the kernel's NBD driver to it over generic netlink and reads
# every block of /dev/nbdN back against the sums made here; then dm-verity
# on top with the root hash: every block matches, a wrong root hash is
# refused, a server that corrupts one block gives EIO for that block only;
# then nbd://: the guest negotiates with Debian's nbd-server on the host
# (exporting the same image; QEMU forwards 10.0.2.100:10809 to it) and the
# kernel reads the image through that TCP socket, under dm-verity.
# Usage: sh tests/qemu/stream-proof.sh     (exit 0 = proven; log in build/qemu/)
# Env: QEMU_TIMEOUT (seconds, default 600)
set -eu
PATH="$PATH:/usr/sbin:/sbin"

if [ $# -gt 0 ]; then
	echo "usage: sh tests/qemu/stream-proof.sh (no arguments)" >&2
	exit 2
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lab/ports.sh
. "$top/tests/lab/ports.sh"
cd "$top"
for tool in klcc qemu-system-x86_64 cpio gzip depmod python3 veritysetup nbd-server socat; do
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

# /init: the proof program with the product's code, static klibc.
klcc -Os -static -Wall -Wextra -Isrc -ffunction-sections -fdata-sections \
	-Wl,--gc-sections -Wl,-Map,"$work/init.map" -o "$root/init" \
	tests/qemu/stream_proof.c src/nbd.c src/dm.c src/verity.c src/verity_sb.c \
	src/nbd_client.c src/tcp.c src/nbd_proto.c src/netif.c src/url.c \
	src/modules.c src/modalias.c src/log.c src/clock.c src/file.c src/sha256.c
strip "$root/init"
# What the stream modules weigh as linked (sections kept by gc-sections).
awk 'function hex(s,  v, i) {
		v = 0
		s = tolower(substr(s, 3))
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	# after the discarded sections: " .text.name 0xADDR 0xSIZE file", or
	# the name alone on its line and the rest on the next
	/^Linker script and memory map/ { inmap = 1 }
	!inmap { next }
	/^ \.(text|data|rodata|bss)/ && NF == 1 { sec = $1; next }
	/^ \.(text|data|rodata|bss)/ && NF >= 4 { sec = $1; $1 = ""; $0 = $0 }
	sec != "" && NF >= 3 && $1 ~ /^0x/ {
		f = $3
		sub(/.*\//, "", f)
		if (f ~ /^(nbd|dm|verity|verity_sb|nbd_client|nbd_proto)\.o$/)
			sz[f, sec ~ /bss/] += hex($2)
	}
	{ sec = "" }
	END {
		n = split("nbd.o dm.o verity.o verity_sb.o nbd_client.o nbd_proto.o", fs, " ")
		for (i = 1; i <= n; i++)
			printf "stream-proof: %s %d bytes of code and data linked, %d of bss\n",
				fs[i], sz[fs[i], 0], sz[fs[i], 1]
	}' \
	"$work/init.map"

# The modules and their dependency closure from the kernel's modules.dep.
printf '%s\n' kernel/drivers/block/nbd.ko kernel/drivers/md/dm-verity.ko \
	kernel/drivers/net/virtio_net.ko kernel/drivers/virtio/virtio_pci.ko >"$work/roots"
awk -F'[: ]+' 'NR == FNR { want[$0] = 1; next }
	($1 in want) { for (i = 1; i <= NF; i++) if ($i != "") print $i }' \
	"$work/roots" "$msrc/modules.dep" | sort -u >"$work/list"
(cd "$msrc" && cpio -pdm --quiet "$root/lib/modules/$ver") <"$work/list"
cp "$msrc/modules.builtin" "$msrc/modules.builtin.modinfo" "$msrc/modules.order" \
	"$root/lib/modules/$ver/"
depmod -b "$root" "$ver"

# The data (fixed pseudo-random bytes), the sha256 of each 4 KiB block, and
# the image: data, then the hash tree with its superblock at 4 MiB.
python3 - "$work/data" "$root/blocks.sha256" <<'PY'
import hashlib, random, sys
data = random.Random(11).randbytes(4 << 20)
open(sys.argv[1], "wb").write(data)
with open(sys.argv[2], "wb") as f:
    for i in range(0, len(data), 4096):
        f.write(hashlib.sha256(data[i:i + 4096]).digest())
PY
veritysetup format "$work/data" "$work/hash" >"$work/format.txt"
sed -n 's/^Root hash:[[:space:]]*//p' "$work/format.txt" >"$root/root.hash"
cat "$work/data" "$work/hash" >"$root/image"
echo "stream-proof: root hash $(cat "$root/root.hash"), image $(stat -c %s "$root/image") bytes"

(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$work/initrd.gz"

# The host's nbd-server exports the same image as "img", read-only; it
# daemonizes, its pid file lets the exit trap end it.
nbd_port=$(free_port)
cp "$root/image" "$work/image"
printf '[generic]\n\tlistenaddr = 127.0.0.1\n\tport = %s\n[img]\n\texportname = %s\n\treadonly = true\n' \
	"$nbd_port" "$work/image" >"$work/nbd-server.conf"
trap '[ ! -s "$work/nbd-server.pid" ] || kill "$(cat "$work/nbd-server.pid")" 2>/dev/null || true' EXIT
nbd-server -C "$work/nbd-server.conf" -p "$work/nbd-server.pid" >"$work/nbd-server.log" 2>&1

log="$work/console.log"
start=$(date +%s)
timeout "${QEMU_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -m 256 -nographic -no-reboot \
	-kernel "$kdir/vmlinuz" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 no_timer_check panic=-1 printk.devkmsg=on" \
	-nic "user,model=virtio-net-pci,restrict=on,guestfwd=tcp:10.0.2.100:10809-cmd:socat - TCP:127.0.0.1:$nbd_port" \
	</dev/null >"$log" 2>&1 || true
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
need "nbd: no generic netlink family 'nbd' (No such file or directory): is the nbd module loaded?" "its message"
need "PROOF load nbd rc=0\b" "modules_load(nbd)"
need "PROOF nbd_connect rc=[0-9]" "nbd_connect over generic netlink"
need "PROOF nbd_wait /dev/nbd[0-9]* rc=0 " "nbd_wait: /dev/nbdN with its size"
need "PROOF nbd read 1024/1024 blocks match eio=0 " "every block of /dev/nbdN read back"
need "PROOF nbd write rc=-1\b" "NBD_CONNECT_RO: a write is refused with EPERM"
need "PROOF nbd_disconnect rc=0 server exited=1" "nbd_disconnect; the server saw NBD_CMD_DISC"
need "PROOF nbd two sockets rc=0 read 1024/1024 blocks match eio=0" "two sockets (NBD_FLAG_CAN_MULTI_CONN)"
need "PROOF nbd_connect bad block size rc=-22" "a bad block size is refused"
need "PROOF load dm-verity rc=0\b" "modules_load(dm-verity)"
need "PROOF verity_open good rc=0 /dev/mapper/vgood" "verity_open with the right root hash"
need "PROOF verity good read 1024/1024 blocks match eio=0 " "every block through dm-verity"
need "PROOF verity_open wrong root rc=-129 node=0" "a wrong root hash: -EKEYREJECTED, nothing left"
need "netinit: verity: the root hash does not match" "its message"
need "PROOF verity_open short root rc=-22\b" "a root hash of the wrong length: -EINVAL"
need "PROOF verity_open no superblock rc=-74\b" "no superblock at the offset: -EBADMSG"
need "PROOF verity nbd corrupting index=[0-9]* other=1" "a second device: the index from the reply"
need "PROOF verity_open corrupt rc=0\b" "verity_open over a server corrupting block 77"
need "PROOF verity corrupt read 1023/1024 blocks match eio=1 first=77\b" "EIO for the corrupt block only"
need "PROOF dm_remove vbad rc=0\b" "dm_remove"
need "PROOF dm_remove vgood rc=0\b" "dm_remove of the good device"
need "PROOF dm_remove again rc=-6\b" "dm_remove of a removed device: -ENXIO"
need "PROOF net [a-z0-9]* rc=0\\b" "guest network up (virtio-net, 10.0.2.15)"
need "PROOF nbd:// unknown export rc=-2\\b" "nbd:// unknown export: -ENOENT"
need "netinit: nbd://10.0.2.100:10809/nope: the server has no export of that name" "its message"
need "PROOF nbd:// open rc=0 size=4235264 flags=0x143 " "nbd_client_open: nbd-server's size and flags"
need "PROOF nbd:// connect rc=0 /dev/nbd[0-9]" "nbd_connect over the TCP socket"
need "PROOF nbd:// verity rc=0 read 1024/1024 blocks match" "every block from nbd-server through dm-verity"
need "PROOF nbd:// disconnect rc=0\\b" "nbd_disconnect"
need "PROOF done" "proof program finished"
if [ "$fail" -ne 0 ]; then
	echo "stream-proof: FAILED; see $log" >&2
	exit 1
fi
echo "stream-proof: all proven"
