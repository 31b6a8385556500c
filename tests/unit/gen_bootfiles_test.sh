#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Tests gen_initramfs.sh's Gentoo inputs and boot files (gen_bootfiles.sh),
# as root, on fixtures built here:
#   --iso          install-amd64-minimal-style ISOs made with xorriso from the
#                  lab kernel, the genkernel stand-in or the real dracut
#                  initrd, and the lab image: extraction, the pinned image,
#                  the next stage detected, every boot file with its command
#                  line, image.cpio and combined.igz read back, 4-byte sizes,
#                  reproducibility, an ISO lacking /image.squashfs refused
#   --fetch-release  a mirror laid out like Gentoo's (clear-signed
#                  latest-install-amd64-minimal.txt, DIGESTS with BLAKE2B and
#                  SHA512 sections) served by python http.server on
#                  127.0.0.1: good, tampered DIGESTS, no DIGESTS, bad pointer
# The e2e boots (tests/qemu/efi.sh) use the boot files themselves.
# Last line: "N passed, N failed"; exit status 1 on failure.
set -eu
PATH="$PATH:/usr/sbin:/sbin"

top=$(cd "$(dirname "$0")/../.." && pwd)
gen="$top/gen_initramfs.sh"
lab="$top/build/lab"
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*" >&2
}
# has FILE TEXT: FILE holds the fixed string TEXT.
has() {
	if grep -qF -- "$2" "$1"; then ok; else bad "$1: no '$2'"; fi
}
# runs_ok DESC CMD...: succeeds; runs_bad DESC MSG CMD...: fails saying MSG.
runs_ok() {
	d=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then ok; else bad "$d: $(tail -n 3 "$tmp/out")"; fi
}
runs_bad() {
	d=$1
	m=$2
	shift 2
	if "$@" >"$tmp/out" 2>&1; then
		bad "$d: succeeded"
	elif grep -qF -- "$m" "$tmp/out"; then
		ok
	else
		bad "$d: message '$(cat "$tmp/out")' lacks '$m'"
	fi
}

[ "$(id -u)" = 0 ] || { echo "gen_bootfiles_test.sh: run as root" >&2; echo "0 passed, 1 failed"; exit 1; }
for t in xorriso python3 cpio sha512sum b2sum; do
	command -v "$t" >/dev/null 2>&1 || { echo "gen_bootfiles_test.sh: '$t' missing; run 'make deps'" >&2; echo "0 passed, 1 failed"; exit 1; }
done
sh "$top/tests/lab/kernel.sh"
sh "$top/tests/lab/liveroot.sh" >/dev/null
sh "$top/tests/lab/genkernel-initrd.sh" >/dev/null
sh "$top/tests/lab/dracut-initrd.sh" >/dev/null
[ -x "$top/build/netinit" ] || make -C "$top" all >/dev/null

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nihand-bootfiles.XXXXXX")
HTTP_PID=
cleanup() {
	[ -z "$HTTP_PID" ] || kill "$HTTP_PID" 2>/dev/null || true
	rm -rf -- "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# mkiso NAME INITRD [no-image]: an ISO laid out like install-amd64-minimal.
mkiso() {
	t=$tmp/isotree-$1
	rm -rf "$t"
	mkdir -p "$t/boot"
	cp "$lab/kernel/vmlinuz" "$t/boot/gentoo"
	cp "$2" "$t/boot/gentoo.igz"
	[ "${3-}" = no-image ] || cp "$lab/image.squashfs" "$t/image.squashfs"
	xorriso -as mkisofs -quiet -R -V ISOIMAGE -o "$tmp/$1.iso" "$t" 2>/dev/null
}

url=http://10.0.2.100/art/
net="$top/build/netinit"

# ---- --iso, genkernel
mkiso gk "$lab/genkernel.igz"
mkdir -p "$tmp/gk"
runs_ok "--iso genkernel" "$gen" --iso "$tmp/gk.iso" --netinit "$net" --boot-url "$url" \
	--append "console=ttyS0" --output "$tmp/gk/netinit.igz"
has "$tmp/out" "boot files for a genkernel next stage"
for f in gentoo gentoo.igz image.squashfs; do
	src=$lab/genkernel.igz
	[ "$f" = gentoo ] && src=$lab/kernel/vmlinuz
	[ "$f" = image.squashfs ] && src=$lab/image.squashfs
	if cmp -s "$src" "$tmp/gk/$f"; then ok; else bad "--iso: $f not extracted intact"; fi
done
if [ $(($(wc -c <"$tmp/gk/netinit.igz") % 4)) = 0 ]; then ok; else bad "netinit.igz not a multiple of 4 bytes"; fi
mkdir -p "$tmp/gk/root"
(cd "$tmp/gk/root" && gzip -dc ../netinit.igz | cpio -i -d --quiet 2>/dev/null) || true
sha=$(sha256sum <"$lab/image.squashfs" | cut -d' ' -f1)
has "$tmp/gk/root/etc/netinit.conf" "netinit.mode=genkernel"
has "$tmp/gk/root/etc/netinit.conf" "netinit.sha256=$sha"
has "$tmp/gk/root/etc/netinit.conf" "netinit.size=$(wc -c <"$lab/image.squashfs")"
args="cdroot looptype=squashfs loop=/image.squashfs BOOTIF=01-\${netX/mac:hexhyp} console=ttyS0"
has "$tmp/gk/boot.ipxe" "kernel ${url}gentoo initrd=netinit.igz $args netinit.url=${url}image.squashfs"
has "$tmp/gk/boot.ipxe" "initrd ${url}netinit.igz"
has "$tmp/gk/combined.ipxe" "kernel ${url}gentoo initrd=combined.igz $args"
has "$tmp/gk/altcombine.ipxe" "kernel ${url}gentoo initrd=initrd.magic $args"
has "$tmp/gk/altcombine.ipxe" "initrd ${url}image.squashfs /image.squashfs"
has "$tmp/gk/altcombine-efi.ipxe" "kernel ${url}gentoo initrd=netinit.igz initrd=image.cpio $args"
has "$tmp/gk/pxelinux.cfg/default" "APPEND cdroot looptype=squashfs loop=/image.squashfs netinit.url=${url}image.squashfs console=ttyS0"
has "$tmp/gk/pxelinux.cfg/default" "IPAPPEND 2"
has "$tmp/gk/grub.cfg" "linux /gentoo cdroot looptype=squashfs loop=/image.squashfs netinit.url=${url}image.squashfs console=ttyS0"
has "$tmp/gk/grub.cfg" "initrd /netinit.igz"
# image.cpio: one file, the image, at /image.squashfs
mkdir -p "$tmp/gk/cpio"
(cd "$tmp/gk/cpio" && cpio -i -d --quiet <../image.cpio)
if cmp -s "$lab/image.squashfs" "$tmp/gk/cpio/image.squashfs" &&
	[ "$(cd "$tmp/gk/cpio" && find . -type f | wc -l)" = 1 ]; then ok; else bad "image.cpio does not hold the image alone"; fi
# combined.igz = netinit.igz + image.cpio
if cat "$tmp/gk/netinit.igz" "$tmp/gk/image.cpio" | cmp -s - "$tmp/gk/combined.igz"; then ok; else bad "combined.igz is not netinit.igz + image.cpio"; fi
# reproducible: a second run gives the same bytes
mkdir -p "$tmp/gk2"
runs_ok "--iso again" "$gen" --iso "$tmp/gk.iso" --netinit "$net" --boot-url "$url" \
	--append "console=ttyS0" --output "$tmp/gk2/netinit.igz"
for f in netinit.igz boot.ipxe altcombine-efi.ipxe combined.igz pxelinux.cfg/default grub.cfg; do
	if cmp -s "$tmp/gk/$f" "$tmp/gk2/$f"; then ok; else bad "--iso not reproducible: $f differs"; fi
done

# ---- --iso, dracut (the real dracut 059 initrd)
mkiso dr "$lab/dracut.igz"
mkdir -p "$tmp/dr"
runs_ok "--iso dracut" "$gen" --iso "$tmp/dr.iso" --netinit "$net" \
	--url http://10.0.0.1/live/image.squashfs --output "$tmp/dr/netinit.igz"
has "$tmp/out" "boot files for a dracut next stage, to serve at http://10.0.0.1/live/"
has "$tmp/dr/boot.ipxe" "kernel http://10.0.0.1/live/gentoo initrd=netinit.igz root=live:/image.squashfs.img BOOTIF="
has "$tmp/dr/altcombine.ipxe" "initrd http://10.0.0.1/live/image.squashfs /image.squashfs.img"
if gzip -dc "$tmp/dr/netinit.igz" | cpio -i --quiet --to-stdout etc/cmdline.d/90-netinit.conf 2>/dev/null |
	grep -qx "rd.live.overlay.overlayfs=1"; then ok; else bad "dracut initrd lacks etc/cmdline.d/90-netinit.conf"; fi

# ---- bad ISOs and arguments
mkiso noimg "$lab/genkernel.igz" no-image
mkdir -p "$tmp/bad"
runs_bad "ISO without image" "no /image.squashfs in it" \
	"$gen" --iso "$tmp/noimg.iso" --netinit "$net" --boot-url "$url" --output "$tmp/bad/netinit.igz"
runs_bad "--iso without a URL" "give --boot-url" \
	"$gen" --iso "$tmp/gk.iso" --netinit "$net" --output "$tmp/bad/netinit.igz"
runs_bad "--iso with --base" "bring their own base initrd" \
	"$gen" --iso "$tmp/gk.iso" --base "$lab/genkernel.igz" --netinit "$net" --boot-url "$url" --output "$tmp/bad/n.igz"
runs_bad "--output gentoo.igz" "that name is taken" \
	"$gen" --iso "$tmp/gk.iso" --netinit "$net" --boot-url "$url" --output "$tmp/bad/gentoo.igz"

# ---- --fetch-release against a mirror fixture on 127.0.0.1
m=$tmp/mirror
ts=20240107T170309Z
rel=$m/releases/amd64/autobuilds
mkdir -p "$rel/$ts"
cp "$tmp/gk.iso" "$rel/$ts/install-amd64-minimal-$ts.iso"
isof=$rel/$ts/install-amd64-minimal-$ts.iso
echo contents | gzip -n >"$isof.CONTENTS.gz"
{
	printf -- '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n'
	printf '# Latest as of Mon, 08 Jan 2024 02:00:02 +0000\n# ts=1704679202\n'
	printf '%s/install-amd64-minimal-%s.iso %s\n' "$ts" "$ts" "$(wc -c <"$isof")"
	printf -- '-----BEGIN PGP SIGNATURE-----\n\niHUEARYKAB0WIQ==\n-----END PGP SIGNATURE-----\n'
} >"$rel/latest-install-amd64-minimal.txt"
digests() { # ISO-HASH-MANGLE
	for f in "$isof" "$isof.CONTENTS.gz"; do
		n=${f##*/}
		printf '# BLAKE2B HASH\n%s  %s\n' "$(b2sum <"$f" | cut -d' ' -f1)" "$n"
		s5=$(sha512sum <"$f" | cut -d' ' -f1)
		[ "$n" = "${isof##*/}" ] && [ "$1" = bad ] && s5=$(printf '%s' "$s5" | tr 0-9a-f 1-9a-f0)
		printf '# SHA512 HASH\n%s  %s\n' "$s5" "$n"
	done
}
digests good >"$isof.DIGESTS"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$m" "$port" >"$tmp/http.log" 2>&1 &
HTTP_PID=$!
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -lt 50 ] || { bad "mirror fixture did not start"; break; }
	sleep 0.1
done
mir=http://127.0.0.1:$port
mkdir -p "$tmp/fr"
runs_ok "--fetch-release" "$gen" --fetch-release "$mir/" --netinit "$net" --boot-url "$url" \
	--output "$tmp/fr/netinit.igz"
has "$tmp/out" "latest minimal ISO: $ts/install-amd64-minimal-$ts.iso"
has "$tmp/out" "install-amd64-minimal-$ts.iso matches the published DIGESTS (BLAKE2B, SHA512)"
if cmp -s "$isof" "$tmp/fr/install-amd64-minimal-$ts.iso" && cmp -s "$tmp/gk/netinit.igz" "$tmp/fr/netinit.igz"; then
	ok
else
	bad "--fetch-release: ISO or netinit.igz differs from the --iso run"
fi
digests bad >"$isof.DIGESTS"
mkdir -p "$tmp/fr2"
runs_bad "tampered DIGESTS" "does not match its DIGESTS (SHA512 is" \
	"$gen" --fetch-release "$mir" --netinit "$net" --boot-url "$url" --output "$tmp/fr2/netinit.igz"
if [ ! -e "$tmp/fr2/install-amd64-minimal-$ts.iso" ] && [ ! -e "$tmp/fr2/netinit.igz" ]; then
	ok
else
	bad "tampered DIGESTS: the ISO or an initrd was left behind"
fi
rm -f "$isof.DIGESTS"
runs_ok "no DIGESTS" "$gen" --fetch-release "$mir" --netinit "$net" --boot-url "$url" \
	--output "$tmp/fr2/netinit.igz"
has "$tmp/out" "warning: no $ts/install-amd64-minimal-$ts.iso.DIGESTS on the mirror: the ISO is not checked"
printf '# nothing here\n' >"$rel/latest-install-amd64-minimal.txt"
runs_bad "pointer without ISO" "names no install-amd64-minimal ISO" \
	"$gen" --fetch-release "$mir" --netinit "$net" --boot-url "$url" --output "$tmp/fr2/netinit.igz"
runs_bad "no such mirror" "cannot read" \
	"$gen" --fetch-release "$mir/nothere" --netinit "$net" --boot-url "$url" --output "$tmp/fr2/netinit.igz"

echo "gen_bootfiles: $pass passed, $fail failed"
[ "$fail" = 0 ]
