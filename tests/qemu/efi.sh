#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end boots with the boot files gen_initramfs.sh writes, from a
# Gentoo-style ISO: for each next stage (genkernel stand-in, real dracut
# 059) a fixture install-amd64-minimal ISO is made with xorriso (boot/gentoo,
# boot/gentoo.igz, image.squashfs) and turned into netinit.igz plus the boot
# files with `gen_initramfs.sh --iso ... --boot-url`; QEMU's TFTP boot.ipxe
# only chains to the generated script over HTTP, so what is tested is what
# a user serves.
#   EFI (OVMF + iPXE's EFI ROM efi-virtio.rom, Debian 12's 2019 iPXE):
#     fetch     boot.ipxe (initrd=netinit.igz)
#     appended  altcombine-efi.ipxe (initrd=netinit.igz initrd=image.cpio)
#     (and standalone: fetch, from a --standalone --image --boot-url build)
#     magic     altcombine.ipxe must fail on this old ROM the known way
#               ("Failed to open file: initrd.magic"): newer iPXE only
#   BIOS (iPXE ROM):
#     appended  altcombine.ipxe (initrd=initrd.magic; BIOS iPXE ignores it)
#     combined  combined.ipxe
# EFI_CASES / EFI_CONTRACTS narrow the run. Prints a table and a count.
set -eu

# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"

ovmf_code=/usr/share/OVMF/OVMF_CODE.fd
ovmf_vars=/usr/share/OVMF/OVMF_VARS.fd

record() { # NAME FIRMWARE MODE CONTRACT SECONDS OK
	tally "$1" "$6" "$(printf '%-5s %-10s %-10s' "$2" "$3" "$4")" "$5"
}

# efi_boot NAME MEM IPXE_SCRIPT [STOP_TEXT]: as lib.sh's ipxe_boot, under
# OVMF; QEMU's virtio-net-pci carries efi-virtio.rom, which OVMF runs as the
# NIC's driver. OVMF goes on to its other boot options after a failed boot
# and never powers off: with STOP_TEXT, QEMU is stopped once the log has it.
efi_boot() {
	name=$1
	tftp="$lab/tftp-$name"
	log="$logs/$name.log"
	mkdir -p "$tftp" "$logs"
	printf '%s\n' "$3" >"$tftp/boot.ipxe"
	cp "$ovmf_vars" "$lab/nihand-vars-$name.fd"
	rm -f "$logs/$name.status"
	start=$(date +%s)
	timeout "${QEMU_TIMEOUT:-240}" qemu-system-x86_64 -accel tcg -m "$2" \
		-nographic -no-reboot \
		-drive "if=pflash,format=raw,readonly=on,file=$ovmf_code" \
		-drive "if=pflash,format=raw,file=$lab/nihand-vars-$name.fd" \
		-nic "user,model=virtio-net-pci,restrict=on,tftp=$tftp,bootfile=boot.ipxe,guestfwd=tcp:10.0.2.100:80-cmd:socat - TCP:127.0.0.1:$HTTP_PORT" \
		</dev/null >"$log" 2>&1 &
	qpid=$!
	if [ -n "${4-}" ]; then
		while kill -0 "$qpid" 2>/dev/null && ! grep -aqF -- "$4" "$log" 2>/dev/null; do
			sleep 1
		done
		sleep 2
		kill "$qpid" 2>/dev/null || true
	fi
	# killed here at STOP_TEXT: 143; the limit reached first: 124
	rc=0
	wait "$qpid" || rc=$?
	boot_ended "$name" "$rc"
	rm -f "$lab/nihand-vars-$name.fd"
	echo $(($(date +%s) - start))
}

# make_art CONTRACT: the fixture ISO and, from it, www/art-CONTRACT/;
# standalone: netinit's own initrd with the lab kernel and image.
make_art() {
	if [ "$1" = standalone ]; then
		rm -rf "$www/art-standalone"
		mkdir -p "$www/art-standalone"
		ln -s "$lab/kernel/vmlinuz" "$www/art-standalone/gentoo"
		ln -s "$lab/image.squashfs" "$www/art-standalone/image.squashfs"
		"$top/gen_initramfs.sh" --standalone --netinit "$top/build/netinit" \
			--modules "$mods" --image "$lab/image.squashfs" \
			--boot-url "http://10.0.2.100/art-standalone/" \
			--append "console=ttyS0 no_timer_check panic=-1 netinit.onerror=halt" \
			--output "$www/art-standalone/netinit.igz" >/dev/null
		return
	fi
	t="$lab/nihand-isotree-$1"
	rm -rf "$t"
	mkdir -p "$t/boot"
	cp "$lab/kernel/vmlinuz" "$t/boot/gentoo"
	cp "$lab/$1.igz" "$t/boot/gentoo.igz"
	cp "$lab/image.squashfs" "$t/image.squashfs"
	xorriso -as mkisofs -quiet -R -V ISOIMAGE -o "$lab/nihand-$1.iso" "$t" 2>/dev/null
	rm -rf "$t" "$www/art-$1"
	mkdir -p "$www/art-$1"
	"$top/gen_initramfs.sh" --iso "$lab/nihand-$1.iso" --netinit "$top/build/netinit" \
		--modules "$mods" --boot-url "http://10.0.2.100/art-$1/" \
		--append "console=ttyS0 no_timer_check panic=-1 netinit.onerror=halt" \
		--output "$www/art-$1/netinit.igz" >/dev/null
}

chain() { printf '#!ipxe\nchain http://10.0.2.100/art-%s/%s\n' "$1" "$2"; }

# art_case FIRMWARE CONTRACT MODE
art_case() {
	fw=$1
	c=$2
	m=$3
	name=art-$fw-$c-$m
	case $m in
	fetch) script=boot.ipxe ;;
	appended) script=altcombine-efi.ipxe ;;
	magic) script=altcombine.ipxe ;;
	combined) script=combined.ipxe ;;
	esac
	[ "$fw" = bios ] && [ "$m" = appended ] && script=altcombine.ipxe
	before=$(grep -c "GET /art-$c/image.squashfs" "$logs/http.log" || true)
	if [ "$fw" = efi ]; then
		# iPXE's last word after any failed boot: stop QEMU there
		secs=$(efi_boot "$name" 512 "$(chain "$c" "$script")" "Could not boot image")
	else
		secs=$(ipxe_boot "$name" 512 "$(chain "$c" "$script")")
	fi
	after=$(grep -c "GET /art-$c/image.squashfs" "$logs/http.log" || true)
	ok=1
	if [ "$m" = magic ]; then
		# Debian 12's iPXE (2019) predates initrd.magic: the EFI stub
		# finds no such file, the kernel gets no initrd.
		check "$name" "Failed to open file: initrd.magic"
		check_not "$name" "NETINIT-LIVE-OK"
		record "$name" "$fw" "magic" "$c" "$secs" "$ok"
		return
	fi
	[ "$fw" = bios ] || check "$name" "EFI stub: Loaded initrd from command line option"
	check "$name" "netinit: handing off: mode $c"
	check "$name" "sha256 verified"
	check_live "$name"
	check_not "$name" "Kernel panic"
	if [ "$m" = fetch ]; then
		check "$name" "netinit: fetched 8 MiB"
		[ "$after" = $((before + 1)) ] || { echo "$name: $((after - before)) GETs of the image" >&2; ok=0; }
	else
		check "$name" "already in the initramfs"
		check_not "$name" "link up"
		# altcombine.ipxe: iPXE itself GETs the image; image.cpio otherwise
		want=$before
		[ "$script" = altcombine.ipxe ] && want=$((before + 1))
		[ "$after" = "$want" ] || { echo "$name: netinit fetched the image" >&2; ok=0; }
	fi
	record "$name" "$fw" "$m" "$c" "$secs" "$ok"
}

[ -r "$ovmf_code" ] || die "$ovmf_code missing; run 'make deps' (ovmf)"
command -v xorriso >/dev/null 2>&1 || die "xorriso missing; run 'make deps'"
prepare
mods="$lab/kernel/lib/modules/$(cat "$lab/kernel/version")"
for c in ${EFI_CONTRACTS:-genkernel dracut standalone}; do
	make_art "$c"
done
http_start "$www"
trap http_stop EXIT INT TERM
for c in ${EFI_CONTRACTS:-genkernel dracut standalone}; do
	for k in ${EFI_CASES:-efi-fetch efi-appended bios-appended}; do
		# standalone's own initrd: fetch from EFI only
		[ "$c" = standalone ] && [ "$k" != efi-fetch ] && continue
		art_case "${k%%-*}" "$c" "${k#*-}"
	done
done
[ -n "${EFI_CASES:-}" ] || art_case efi genkernel magic
[ -n "${EFI_CASES:-}" ] || art_case bios dracut combined
printf 'fw    mode       contract   result time\n%s' "$table"
echo "efi/boot-files e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]
