#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make demo: one real netboot, shown live. QEMU boots through its iPXE ROM,
# slirp DHCP hands iPXE boot.ipxe, iPXE loads the kernel and the netinit
# initrd (dracut contract) from a real HTTP server on 127.0.0.1, netinit
# brings up the NIC, runs DHCP, fetches image.squashfs over HTTP into RAM
# and hands off to dracut, which boots the live root. Exit 0 only when the
# live root's marker came from PID 1 after netinit fetched the image.
set -eu

# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"

echo "demo: preparing the lab (first run downloads the test kernel and dracut)"
prepare
http_start "$www"
trap http_stop EXIT INT TERM
mkdir -p "$lab/tftp-demo"
cat >"$lab/tftp-demo/boot.ipxe" <<IPXE
#!ipxe
echo netinit demo: loading kernel and initrd over HTTP
kernel http://10.0.2.100/vmlinuz console=ttyS0 no_timer_check panic=-1 netinit.onerror=halt root=live:/image.squashfs.img rd.live.overlay.overlayfs=1 netinit.url=http://10.0.2.100/image.squashfs
initrd http://10.0.2.100/netinit-dracut.igz
boot
IPXE
log="$logs/demo.log"
echo "demo: booting QEMU (TCG) through the iPXE ROM; console follows"
start=$(date +%s)
rm -f "$logs/demo.status"
# the pipeline's status is tee's: QEMU's goes through a file
{
	rc=0
	timeout "${QEMU_TIMEOUT:-180}" qemu-system-x86_64 -accel tcg -m 512 \
		-nographic -no-reboot -boot n \
		-nic "user,model=virtio-net-pci,restrict=on,tftp=$lab/tftp-demo,bootfile=boot.ipxe,guestfwd=tcp:10.0.2.100:80-cmd:socat - TCP:127.0.0.1:$HTTP_PORT" \
		</dev/null 2>&1 || rc=$?
	boot_ended demo "$rc"
} | tee "$log" || true
secs=$(($(date +%s) - start))
if boot_finished demo && grep -aqF "netinit: fetched" "$log" && log_live demo; then
	echo "demo: SUCCESS in ${secs}s: netinit fetched the image and the live root ran as PID 1"
	exit 0
fi
echo "demo: FAILED after ${secs}s: see $log" >&2
exit 1
