#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end boots through Debian's own network boot loaders, set up the way
# docs/recipes.md ("Set up the server") says, with the boot files
# gen_initramfs.sh wrote and no key pressed. The loaders come from Debian's
# packages unpacked into build/lab/loaders (tests/lab/unpack-debs.sh), never
# installed on the host. One directory is the TFTP root (QEMU's slirp TFTP)
# and is served over HTTP at http://10.0.2.100/ld-CONTRACT/:
#   gentoo, netinit.igz, image.squashfs, pxelinux.cfg/default,
#   boot/grub/grub.cfg       from gen_initramfs.sh --iso (a fixture ISO)
#   pxelinux.0 lpxelinux.0 ldlinux.c32            copied from the packages
#   boot/grub/{i386-pc/core.0,x86_64-efi/core.efi} grub-mknetdir
# Cases (LOADER_CASES narrows them):
#   pxelinux   BIOS: the iPXE ROM's PXE stack runs pxelinux.0 as the NBP
#   lpxelinux  BIOS: iPXE chains lpxelinux.0 over HTTP, which reads the same
#              pxelinux.cfg/default and the kernel over HTTP
#   grub-bios  BIOS: core.0 as the NBP, $prefix/grub.cfg over TFTP
#   grub-efi   EFI (OVMF + iPXE's EFI ROM): core.efi, the same grub.cfg
# Each must reach the live root: "NETINIT-LIVE-OK pid=1" as a whole token;
# a boot that hits QEMU_TIMEOUT (default 240 s; a loader waiting for a key
# waits forever) fails.
set -eu

# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"

ovmf_code=/usr/share/OVMF/OVMF_CODE.fd
ovmf_vars=/usr/share/OVMF/OVMF_VARS.fd
ld="$lab/loaders/root"
append="console=ttyS0 no_timer_check panic=-1 netinit.onerror=halt"

# live NAME: the live root's init ran as PID 1 (pid=1, not pid=137), no panic
live() {
	grep -aqE -- 'NETINIT-LIVE-OK pid=1([^0-9]|$)' "$logs/$1.log" && ! log_has "$1" "Kernel panic"
}

# loader_boot NAME FIRMWARE TFTPDIR BOOTFILE: QEMU on slirp (restrict=on)
# with DHCP's boot file BOOTFILE from TFTPDIR; FIRMWARE bios (SeaBIOS, the
# iPXE ROM, -boot n) or efi (OVMF, efi-virtio.rom). Sets secs and
# timed_out (1: QEMU was still running at QEMU_TIMEOUT).
loader_boot() {
	set -- "$1" "$2" "$3" "$4" -accel tcg -m 512 -nographic -no-reboot \
		-nic "user,model=virtio-net-pci,restrict=on,tftp=$3,bootfile=$4,guestfwd=tcp:10.0.2.100:80-cmd:socat - TCP:127.0.0.1:$HTTP_PORT"
	n=$1
	if [ "$2" = efi ]; then
		cp "$ovmf_vars" "$lab/nild-vars-$n.fd"
		set -- "$@" -drive "if=pflash,format=raw,readonly=on,file=$ovmf_code" \
			-drive "if=pflash,format=raw,file=$lab/nild-vars-$n.fd"
	else
		set -- "$@" -boot n
	fi
	shift 4
	start=$(date +%s)
	rc=0
	timeout "${QEMU_TIMEOUT:-240}" qemu-system-x86_64 "$@" </dev/null >"$logs/$n.log" 2>&1 || rc=$?
	boot_ended "$n" "$rc"
	secs=$(($(date +%s) - start))
	timed_out=0
	[ "$rc" != 124 ] || timed_out=1
	rm -f "$lab/nild-vars-$n.fd"
}

# make_tree CONTRACT: the fixture ISO, gen_initramfs.sh --iso into
# $www/ld-CONTRACT, the loaders copied in, grub-mknetdir for both platforms.
make_tree() {
	t="$lab/nild-isotree"
	rm -rf "$t"
	mkdir -p "$t/boot"
	cp "$lab/kernel/vmlinuz" "$t/boot/gentoo"
	cp "$lab/$1.igz" "$t/boot/gentoo.igz"
	cp "$lab/image.squashfs" "$t/image.squashfs"
	xorriso -as mkisofs -quiet -R -V ISOIMAGE -o "$lab/nild-$1.iso" "$t" 2>/dev/null
	rm -rf "$t"
	d="$www/ld-$1"
	rm -rf "$d"
	mkdir -p "$d"
	"$top/gen_initramfs.sh" --iso "$lab/nild-$1.iso" --netinit "$top/build/netinit" \
		--modules "$mods" --boot-url "http://10.0.2.100/ld-$1/" --append "$append" \
		--output "$d/netinit.igz" >/dev/null
	rm -f "$lab/nild-$1.iso"
	cp "$ld/usr/lib/PXELINUX/pxelinux.0" "$ld/usr/lib/PXELINUX/lpxelinux.0" \
		"$ld/usr/lib/syslinux/modules/bios/ldlinux.c32" "$d/"
	for p in i386-pc x86_64-efi; do
		LD_LIBRARY_PATH="$ld/usr/lib/x86_64-linux-gnu" PATH="$ld/usr/bin:$PATH" \
			"$ld/usr/bin/grub-mknetdir" --net-directory="$d" --subdir=boot/grub \
			--directory="$ld/usr/lib/grub/$p" >"$logs/nild-mknetdir-$p.log" 2>&1 ||
			die "grub-mknetdir for $p failed: $(tail -n 1 "$logs/nild-mknetdir-$p.log")"
	done
}

# loader_case NAME CONTRACT
loader_case() {
	c=$2
	d="$www/ld-$c"
	name=ld-$1-$c
	before=$(grep -c "GET /ld-$c/image.squashfs" "$logs/http.log" || true)
	case $1 in
	pxelinux) loader_boot "$name" bios "$d" pxelinux.0 ;;
	lpxelinux)
		# iPXE hands lpxelinux its path prefix as DHCP option 210
		# (syslinux's PXELINUX-PATHPREFIX): the directory over HTTP.
		mkdir -p "$lab/nild-tftp-$name"
		printf '#!ipxe\ndhcp\nset 210:string http://10.0.2.100/ld-%s/\nchain http://10.0.2.100/ld-%s/lpxelinux.0\n' \
			"$c" "$c" >"$lab/nild-tftp-$name/boot.ipxe"
		loader_boot "$name" bios "$lab/nild-tftp-$name" boot.ipxe
		;;
	grub-bios) loader_boot "$name" bios "$d" boot/grub/i386-pc/core.0 ;;
	grub-efi) loader_boot "$name" efi "$d" boot/grub/x86_64-efi/core.efi ;;
	esac
	after=$(grep -c "GET /ld-$c/image.squashfs" "$logs/http.log" || true)
	ok=1
	if [ "$timed_out" = 1 ]; then
		echo "$name: still running after ${QEMU_TIMEOUT:-240} s (a loader waiting for a key?)" >&2
		ok=0
	fi
	live "$name" || { echo "$name: no live root (NETINIT-LIVE-OK pid=1)" >&2; ok=0; }
	check "$name" "netinit: fetched 8 MiB"
	check "$name" "netinit: handing off: mode $c"
	check "$name" "sha256 verified"
	# the kernel got the written file's command line
	check "$name" "netinit.url=http://10.0.2.100/ld-$c/image.squashfs $append"
	case $1 in
	*pxelinux) check "$name" "BOOTIF=01-52-54-00-12-34-56" ;; # IPAPPEND 2
	esac
	if [ "$1" = lpxelinux ]; then
		for f in ldlinux.c32 pxelinux.cfg/default gentoo netinit.igz; do
			grep -q "GET /ld-$c/$f " "$logs/http.log" || { echo "$name: lpxelinux did not GET $f over HTTP" >&2; ok=0; }
		done
	fi
	[ "$after" = $((before + 1)) ] || { echo "$name: $((after - before)) GETs of the image" >&2; ok=0; }
	tally "$name" "$ok" "$(printf '%-10s %-10s' "$1" "$c")" "$secs"
}

[ -r "$ovmf_code" ] || die "$ovmf_code missing; run 'make deps' (ovmf)"
command -v xorriso >/dev/null 2>&1 || die "xorriso missing; run 'make deps'"
[ -x "$top/build/netinit" ] || die "build/netinit missing: run 'make' first"
sh "$top/tests/lab/unpack-debs.sh" loaders
sh "$top/tests/lab/kernel.sh"
sh "$top/tests/lab/liveroot.sh" >/dev/null
sh "$top/tests/lab/genkernel-initrd.sh" >/dev/null
sh "$top/tests/lab/dracut-initrd.sh" >/dev/null
mods="$lab/kernel/lib/modules/$(cat "$lab/kernel/version")"
mkdir -p "$www" "$logs"
contracts=${LOADER_CONTRACTS:-genkernel}
for c in $contracts; do
	make_tree "$c"
done
http_start "$www"
trap 'http_stop; rm -rf "$lab"/nild-tftp-*' EXIT
trap 'exit 130' INT TERM
for c in $contracts; do
	for k in ${LOADER_CASES:-pxelinux lpxelinux grub-bios grub-efi}; do
		loader_case "$k" "$c"
	done
done
printf 'loader     contract   result time\n%s' "$table"
echo "loaders e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]
