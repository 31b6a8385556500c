#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Tests gen_initramfs.sh's Gentoo inputs and boot files (gen_bootfiles.sh),
# as root, on fixtures built here:
#   --iso          install-amd64-minimal-style ISOs made with xorriso from the
#                  lab kernel, the genkernel stand-in or the real dracut
#                  initrd, and the lab image: extraction, the pinned image,
#                  the next stage detected, every boot file with its command
#                  line, image.cpio and combined.igz read back, 4-byte sizes,
#                  reproducibility, an ISO lacking /image.squashfs refused;
#                  pxelinux and GRUB unattended (--menu-timeout, --menu-default)
#   --fetch-release  a mirror laid out like Gentoo's (clear-signed
#                  latest-install-amd64-minimal.txt, DIGESTS with BLAKE2B and
#                  SHA512 sections, clear-signed by a throwaway key made here
#                  with gpg) served by python on 127.0.0.1: good signature,
#                  old .DIGESTS.asc layout, tampered, unsigned, missing, wrong
#                  keyring, --insecure, a wrong hash, bad pointer, Ctrl-C
#                  during the download (nothing left behind)
#   the user's files next to OUT survive every failing --iso run
#   tests/lab/kernel.sh and unpack-debs.sh say why when apt cannot fetch,
#   leave no kernel.tmp / loaders.tmp
#   every path README.md's Layout names exists
# The e2e boots (tests/qemu/efi.sh) use the boot files themselves.
# Every assertion counts through ok/bad; skips are counted apart. Last line,
# always: "gen_bootfiles: N passed, N failed, N skipped"; status 1 on failure.
set -eu
PATH="$PATH:/usr/sbin:/sbin"

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lab/ports.sh
. "$top/tests/lab/ports.sh"
gen="$top/gen_initramfs.sh"
lab="$top/build/lab"
pass=0
fail=0
skip=0

ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*" >&2
}
skipped() {
	skip=$((skip + 1))
	echo "SKIP: $*" >&2
}
# lsdir DIR: the names in DIR, sorted, each followed by a blank.
lsdir() { find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | LC_ALL=C sort | tr '\n' ' '; }
# check DESC CMD...: CMD must succeed.
check() {
	c_desc=$1
	shift
	if "$@"; then ok; else bad "$c_desc"; fi
}
# has FILE TEXT: FILE holds the fixed string TEXT.
has() {
	if grep -qF -- "$2" "$1"; then ok; else bad "$1: no '$2'"; fi
}
# runs_ok DESC CMD...: succeeds; runs_bad DESC MSG CMD...: fails saying MSG.
runs_ok() {
	ro_d=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then ok; else bad "$ro_d: $(tail -n 3 "$tmp/out")"; fi
}
runs_bad() {
	rb_d=$1
	rb_m=$2
	shift 2
	if "$@" >"$tmp/out" 2>&1; then
		bad "$rb_d: succeeded"
	elif grep -qF -- "$rb_m" "$tmp/out"; then
		ok
	else
		bad "$rb_d: message '$(cat "$tmp/out")' lacks '$rb_m'"
	fi
}

[ "$(id -u)" = 0 ] || { echo "gen_bootfiles_test.sh: run as root" >&2; echo "0 passed, 1 failed"; exit 1; }
for t in xorriso python3 cpio sha512sum b2sum gpg gpgv; do
	command -v "$t" >/dev/null 2>&1 || { echo "gen_bootfiles_test.sh: '$t' missing; run 'make deps'" >&2; echo "0 passed, 1 failed"; exit 1; }
done
sh "$top/tests/lab/kernel.sh"
sh "$top/tests/lab/liveroot.sh" >/dev/null
sh "$top/tests/lab/genkernel-initrd.sh" >/dev/null
sh "$top/tests/lab/dracut-initrd.sh" >/dev/null
[ -x "$top/build/netinit" ] || make -C "$top" all >/dev/null

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nihand-bootfiles.XXXXXX")
HTTP_PID=
finished=0
cleanup() {
	c_rc=$?
	[ -z "$HTTP_PID" ] || kill "$HTTP_PID" 2>/dev/null || true
	for h in "$tmp/gpg-good" "$tmp/gpg-wrong"; do
		[ ! -d "$h" ] || gpgconf --homedir "$h" --kill gpg-agent 2>/dev/null || true
	done
	rm -rf -- "$tmp"
	[ "$finished" = 1 ] || bad "the script stopped early (status $c_rc): an unchecked command failed"
	echo "gen_bootfiles: $pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ] || exit 1
	exit 0
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
	check "--iso: $f extracted intact" cmp -s "$src" "$tmp/gk/$f"
done
check "netinit.igz a multiple of 4 bytes" [ $(($(wc -c <"$tmp/gk/netinit.igz") % 4)) = 0 ]
mkdir -p "$tmp/gk/root"
check "netinit.igz unpacks" sh -c "cd '$tmp/gk/root' && gzip -dc ../netinit.igz | cpio -i -d --quiet 2>/dev/null"
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
has "$tmp/gk/boot/grub/grub.cfg" "linux /gentoo cdroot looptype=squashfs loop=/image.squashfs netinit.url=${url}image.squashfs console=ttyS0"
has "$tmp/gk/boot/grub/grub.cfg" "initrd /netinit.igz"
# unattended by default (issue 16): GRUB and pxelinux boot the entry after
# 3 s with no key pressed (tests/qemu/loaders.sh boots them that way)
check "grub.cfg: default and timeout before the entry" \
	sh -c "sed -n '/^set default=/,/^menuentry/p' '$tmp/gk/boot/grub/grub.cfg' | tr '\n' '|' |
		grep -qx 'set default=netinit|set timeout=3|menuentry .* --id netinit {|'"
check "pxelinux: DEFAULT, PROMPT 1, TIMEOUT 30 (1/10 s)" \
	sh -c "grep -x -e 'DEFAULT netinit' -e 'PROMPT 1' -e 'TIMEOUT 30' -e 'LABEL netinit' '$tmp/gk/pxelinux.cfg/default' |
		tr '\n' '|' | grep -qx 'DEFAULT netinit|PROMPT 1|TIMEOUT 30|LABEL netinit|'"
check "no grub.cfg outside boot/grub" [ ! -e "$tmp/gk/grub.cfg" ]
# stream mode (issue 11): the ISO's image gets its dm-verity tree next to it
# and the root hash pinned; genkernel's linuxrc cannot take a block device,
# so no stream entries for it
if command -v veritysetup >/dev/null 2>&1; then
	vr=$(sed -n 's/^netinit.verity=//p' "$tmp/gk/root/etc/netinit.conf")
	check "--iso: netinit.verity pinned ($vr)" [ ${#vr} = 64 ]
	check "--iso: image.squashfs.verity next to the image, matching the pin" \
		veritysetup verify "$tmp/gk/image.squashfs" "$tmp/gk/image.squashfs.verity" "$vr"
	has "$tmp/out" "image.squashfs.verity: dm-verity hash tree ("
else
	skipped "--iso: verity tree (no veritysetup; make deps installs cryptsetup-bin)"
fi
check "genkernel: no stream.ipxe" [ ! -e "$tmp/gk/stream.ipxe" ]
check "genkernel: no stream entry in pxelinux or GRUB" \
	sh -c "! grep -q -e 'LABEL stream' -e 'netinit.stream' '$tmp/gk/pxelinux.cfg/default' '$tmp/gk/boot/grub/grub.cfg'"
# image.cpio: one file, the image, at /image.squashfs
mkdir -p "$tmp/gk/cpio"
check "image.cpio unpacks" sh -c "cd '$tmp/gk/cpio' && cpio -i -d --quiet <../image.cpio"
check "image.cpio holds the image" cmp -s "$lab/image.squashfs" "$tmp/gk/cpio/image.squashfs"
check "image.cpio holds the image alone" [ "$(cd "$tmp/gk/cpio" && find . -type f | wc -l)" = 1 ]
# combined.igz = netinit.igz + image.cpio
check "combined.igz is netinit.igz + image.cpio" \
	sh -c "cat '$tmp/gk/netinit.igz' '$tmp/gk/image.cpio' | cmp -s - '$tmp/gk/combined.igz'"
# reproducible: a second run gives the same bytes
mkdir -p "$tmp/gk2"
runs_ok "--iso again" "$gen" --iso "$tmp/gk.iso" --netinit "$net" --boot-url "$url" \
	--append "console=ttyS0" --output "$tmp/gk2/netinit.igz"
for f in netinit.igz boot.ipxe altcombine-efi.ipxe combined.igz pxelinux.cfg/default boot/grub/grub.cfg \
	image.squashfs.verity; do
	[ -e "$tmp/gk/$f" ] || [ "$f" != image.squashfs.verity ] || continue
	check "--iso reproducible: $f" cmp -s "$tmp/gk/$f" "$tmp/gk2/$f"
done

# --menu-timeout 0: no prompt at all; pxelinux's TIMEOUT 0 would mean
# "wait forever", so there is none. -1: wait for a key. --menu-default.
mkdir -p "$tmp/m0" "$tmp/m1" "$tmp/bad"
runs_ok "--menu-timeout 0" "$gen" --iso "$tmp/gk.iso" --netinit "$net" --boot-url "$url" \
	--menu-timeout 0 --output "$tmp/m0/netinit.igz"
has "$tmp/m0/boot/grub/grub.cfg" "set timeout=0"
has "$tmp/m0/pxelinux.cfg/default" "PROMPT 0"
check "--menu-timeout 0: no TIMEOUT line" sh -c "! grep -q '^TIMEOUT' '$tmp/m0/pxelinux.cfg/default'"
runs_ok "--menu-timeout -1 --menu-default mine" "$gen" --iso "$tmp/gk.iso" --netinit "$net" \
	--boot-url "$url" --menu-timeout=-1 --menu-default mine --output "$tmp/m1/netinit.igz"
has "$tmp/m1/boot/grub/grub.cfg" "set timeout=-1"
has "$tmp/m1/boot/grub/grub.cfg" "set default=mine"
has "$tmp/m1/pxelinux.cfg/default" "DEFAULT mine"
check "--menu-timeout -1: PROMPT 1, no TIMEOUT" sh -c "grep -qx 'PROMPT 1' '$tmp/m1/pxelinux.cfg/default' &&
	! grep -q '^TIMEOUT' '$tmp/m1/pxelinux.cfg/default'"
for v in 1.5 x -2 1000 ''; do
	runs_bad "--menu-timeout '$v'" "--menu-timeout $v: seconds, 0 to 999" \
		"$gen" --iso "$tmp/gk.iso" --netinit "$net" --boot-url "$url" --menu-timeout "$v" --output "$tmp/bad/netinit.igz"
done
runs_bad "--menu-default with a blank" "--menu-default a b: a label of letters" \
	"$gen" --iso "$tmp/gk.iso" --netinit "$net" --boot-url "$url" --menu-default "a b" --output "$tmp/bad/netinit.igz"
runs_bad "--menu-timeout without boot files" "--menu-timeout and --menu-default set the boot files: give --boot-url too" \
	"$gen" --base "$lab/genkernel.igz" --netinit "$net" --menu-timeout 5 --output "$tmp/bad/netinit.igz"
runs_bad "combined with --menu-default" "combined writes no boot files: no --menu-timeout or --menu-default" \
	"$gen" combined --base "$lab/genkernel.igz" --image "$lab/image.squashfs" --menu-default x --output "$tmp/bad/c.igz"

# ---- --iso, dracut (the real dracut 059 initrd)
mkiso dr "$lab/dracut.igz"
mkdir -p "$tmp/dr"
runs_ok "--iso dracut" "$gen" --iso "$tmp/dr.iso" --netinit "$net" \
	--url http://10.0.0.1/live/image.squashfs --output "$tmp/dr/netinit.igz"
has "$tmp/out" "boot files for a dracut next stage, to serve at http://10.0.0.1/live/"
has "$tmp/dr/boot.ipxe" "kernel http://10.0.0.1/live/gentoo initrd=netinit.igz root=live:/image.squashfs.img BOOTIF="
has "$tmp/dr/altcombine.ipxe" "initrd http://10.0.0.1/live/image.squashfs /image.squashfs.img"
check "dracut initrd has etc/cmdline.d/90-netinit.conf" sh -c "gzip -dc '$tmp/dr/netinit.igz' |
	cpio -i --quiet --to-stdout etc/cmdline.d/90-netinit.conf 2>/dev/null | grep -qx rd.live.overlay.overlayfs=1"
gzip -dc "$tmp/dr/netinit.igz" | cpio -i --quiet --to-stdout etc/netinit.conf >"$tmp/dr/root.conf" 2>/dev/null
# dracut with the image pinned by verity (the ISO's default): stream
# entries without root= (netinit names the verity device, /dev/dm-N, to
# dracut in /etc/cmdline.d: tests/qemu/stream.sh dracut-verity)
if command -v veritysetup >/dev/null 2>&1; then
	has "$tmp/dr/root.conf" "netinit.verity="
	has "$tmp/dr/stream.ipxe" "kernel http://10.0.0.1/live/gentoo initrd=netinit.igz BOOTIF=01-\${netX/mac:hexhyp} netinit.url=http://10.0.0.1/live/image.squashfs netinit.stream=on"
	check "dracut + verity: stream entries in pxelinux and GRUB" \
		sh -c "grep -q 'netinit.stream=on' '$tmp/dr/pxelinux.cfg/default' && grep -q 'netinit.stream=on' '$tmp/dr/boot/grub/grub.cfg'"
	check "dracut + verity: no root= in the stream entries" \
		sh -c "! grep -h 'netinit.stream=on' '$tmp/dr/stream.ipxe' '$tmp/dr/pxelinux.cfg/default' '$tmp/dr/boot/grub/grub.cfg' | grep -q 'root='"
else
	skipped "dracut + verity (no veritysetup)"
fi
# --no-verity: pinned by sha256 alone, which netinit refuses to stream: no
# stream entries (and a stale stream.ipxe goes)
: >"$tmp/dr/stream.ipxe"
runs_ok "--iso dracut --no-verity" "$gen" --iso "$tmp/dr.iso" --netinit "$net" --no-verity \
	--url http://10.0.0.1/live/image.squashfs --output "$tmp/dr/netinit.igz"
check "--no-verity: no stream.ipxe" [ ! -e "$tmp/dr/stream.ipxe" ]
check "--no-verity: no stream entry in pxelinux or GRUB" \
	sh -c "! grep -q -e 'LABEL stream' -e 'netinit.stream' '$tmp/dr/pxelinux.cfg/default' '$tmp/dr/boot/grub/grub.cfg'"
# nothing pinned: the stream entries stream unverified, dracut on /dev/nbd0;
# --menu-default stream boots that entry
mkdir -p "$tmp/drs"
runs_ok "--base dracut, no pin, --menu-default stream" "$gen" --base "$lab/dracut.igz" --netinit "$net" \
	--boot-url http://10.0.0.1/s/ --menu-default stream --output "$tmp/drs/netinit.igz"
has "$tmp/out" "boot.ipxe stream.ipxe combined.ipxe"
has "$tmp/drs/stream.ipxe" "kernel http://10.0.0.1/s/gentoo initrd=netinit.igz root=live:/dev/nbd0 BOOTIF=01-\${netX/mac:hexhyp} netinit.url=http://10.0.0.1/s/image.squashfs netinit.stream=on"
has "$tmp/drs/stream.ipxe" "initrd http://10.0.0.1/s/netinit.igz"
has "$tmp/drs/stream.ipxe" "# Unverified (no netinit.verity in the initrd)"
check "pxelinux: LABEL stream after LABEL netinit, its APPEND" \
	sh -c "sed -n '/^LABEL stream/,\$p' '$tmp/drs/pxelinux.cfg/default' | tr '\n' '|' |
		grep -qx 'LABEL stream|  KERNEL gentoo|  INITRD netinit.igz|  APPEND root=live:/dev/nbd0 netinit.url=http://10.0.0.1/s/image.squashfs netinit.stream=on|  IPAPPEND 2|'"
has "$tmp/drs/boot/grub/grub.cfg" "--id stream {"
has "$tmp/drs/boot/grub/grub.cfg" "	linux /gentoo root=live:/dev/nbd0 netinit.url=http://10.0.0.1/s/image.squashfs netinit.stream=on"
has "$tmp/drs/pxelinux.cfg/default" "DEFAULT stream"
has "$tmp/drs/boot/grub/grub.cfg" "set default=stream"
# --menu-default stream without a stream entry: a warning
runs_ok "--menu-default stream, genkernel" "$gen" --base "$lab/genkernel.igz" --netinit "$net" \
	--boot-url http://10.0.0.1/s/ --menu-default stream --output "$tmp/drs/gk.igz"
has "$tmp/out" "no stream.ipxe or stream entry: genkernel's linuxrc loop-mounts"
has "$tmp/out" "WARNING: --menu-default stream names no entry"

# ---- bad ISOs and arguments
mkiso noimg "$lab/genkernel.igz" no-image
mkdir -p "$tmp/bad"
runs_bad "ISO without image" "no /image.squashfs in it (Cannot determine attributes of (ISO) source file '/image.squashfs'" \
	"$gen" --iso "$tmp/noimg.iso" --netinit "$net" --boot-url "$url" --output "$tmp/bad/netinit.igz"
check "ISO without image: xorriso's FAILURE, not a NOTE" sh -c "! grep -q 'NOTE' '$tmp/out'"
# The user's files next to OUT survive every run that fails, before or after
# the ISO is opened: a bad --netinit, a bad --url, a missing or bad image.
t=$tmp/isotree-junkimg
rm -rf "$t" && mkdir -p "$t/boot"
cp "$lab/kernel/vmlinuz" "$t/boot/gentoo"
cp "$lab/genkernel.igz" "$t/boot/gentoo.igz"
head -c 70000 /dev/urandom >"$t/image.squashfs"
xorriso -as mkisofs -quiet -R -V ISOIMAGE -o "$tmp/junkimg.iso" "$t" 2>/dev/null
mkdir -p "$tmp/keep"
for f in gentoo gentoo.igz image.squashfs; do echo "mine: $f" >"$tmp/keep/$f"; done
runs_bad "--iso, --netinit missing" "--netinit /nonexistent: no such file" \
	"$gen" --iso "$tmp/gk.iso" --netinit /nonexistent --boot-url "$url" --output "$tmp/keep/netinit.igz"
runs_bad "--iso, ftp --url" "only http:// URLs" \
	"$gen" --iso "$tmp/gk.iso" --netinit "$net" --boot-url "$url" --url ftp://10.0.0.1/i --output "$tmp/keep/netinit.igz"
runs_bad "--iso without /image.squashfs" "no /image.squashfs in it" \
	"$gen" --iso "$tmp/noimg.iso" --netinit "$net" --boot-url "$url" --output "$tmp/keep/netinit.igz"
runs_bad "--iso whose image is no squashfs" "image.squashfs: not a squashfs image" \
	"$gen" --iso "$tmp/junkimg.iso" --netinit "$net" --boot-url "$url" --output "$tmp/keep/netinit.igz"
for f in gentoo gentoo.igz image.squashfs; do
	check "failed --iso runs keep the user's $f" grep -qx "mine: $f" "$tmp/keep/$f"
done
check "failed --iso runs leave nothing else next to OUT ($(lsdir "$tmp/keep"))" \
	[ "$(lsdir "$tmp/keep")" = "gentoo gentoo.igz image.squashfs " ]
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
# Two throwaway signing keys: "good" signs the mirror's DIGESTS, "wrong" is
# the keyring of someone else.
for k in good wrong; do
	mkdir -m 700 "$tmp/gpg-$k"
	gpg --homedir "$tmp/gpg-$k" --batch --passphrase '' --quick-gen-key \
		"netinit test release $k <release-$k@example.invalid>" ed25519 sign never 2>/dev/null
	gpg --homedir "$tmp/gpg-$k" --export >"$tmp/$k.gpg"
done
gpg --homedir "$tmp/gpg-good" --export --armor >"$tmp/good.asc"
# sign IN OUT: clear-signs IN with the good key.
sign() {
	gpg --homedir "$tmp/gpg-good" --batch --yes --pinentry-mode loopback --passphrase '' \
		--clearsign -o "$2" "$1" 2>/dev/null
}
digests good >"$tmp/digests.good"
digests bad >"$tmp/digests.bad"
sign "$tmp/digests.good" "$isof.DIGESTS"
# A server that, while $m/slow exists, sends 64 KiB of an ISO and stalls.
cat >"$tmp/mirror.py" <<'EOF'
import functools, http.server, os, sys, time
d, port = sys.argv[1], int(sys.argv[2])
class H(http.server.SimpleHTTPRequestHandler):
    def copyfile(self, src, dst):
        if self.path.endswith(".iso") and os.path.exists(os.path.join(d, "slow")):
            dst.write(src.read(65536))
            dst.flush()
            time.sleep(60)
            return
        super().copyfile(src, dst)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(H, directory=d)).serve_forever()
EOF
port=$(free_port)
python3 "$tmp/mirror.py" "$m" "$port" >"$tmp/http.log" 2>&1 &
HTTP_PID=$!
wait_port "$port" || bad "mirror fixture did not start"
mir=http://127.0.0.1:$port
isoname=install-amd64-minimal-$ts.iso
mkdir -p "$tmp/fr"
runs_ok "--fetch-release, signed DIGESTS" "$gen" --fetch-release "$mir/" --keyring "$tmp/good.gpg" \
	--netinit "$net" --boot-url "$url" --output "$tmp/fr/netinit.igz"
has "$tmp/out" "latest minimal ISO: $ts/$isoname"
has "$tmp/out" "$isoname matches the DIGESTS signed by netinit test release good <release-good@example.invalid> (key "
has "$tmp/out" "(BLAKE2B, SHA512)"
check "--fetch-release: same ISO as on the mirror" cmp -s "$isof" "$tmp/fr/$isoname"
check "--fetch-release: same netinit.igz as the --iso run" cmp -s "$tmp/gk/netinit.igz" "$tmp/fr/netinit.igz"
# Older releases: an unsigned .DIGESTS beside a clear-signed .DIGESTS.asc.
mv "$isof.DIGESTS" "$isof.DIGESTS.asc"
cp "$tmp/digests.good" "$isof.DIGESTS"
mkdir -p "$tmp/fr-old"
runs_ok "--fetch-release, .DIGESTS.asc" "$gen" --fetch-release "$mir" --keyring "$tmp/good.gpg" \
	--netinit "$net" --boot-url "$url" --output "$tmp/fr-old/netinit.igz"
has "$tmp/out" "matches the DIGESTS signed by netinit test release good"
rm -f "$isof.DIGESTS.asc"
# refused ISO: every refusal leaves no ISO and no initrd behind.
refused() {
	check "$1: no ISO, .part or initrd left ($(lsdir "$tmp/fr2"))" [ -z "$(lsdir "$tmp/fr2")" ]
}
mkdir -p "$tmp/fr2"
sign "$tmp/digests.good" "$isof.DIGESTS"
sed -i "s/^\([0-9a-f]\)\([0-9a-f]*  $isoname\)\$/0\2/" "$isof.DIGESTS"
check "the tampered fixture differs from the signed text" sh -c "! grep -qF -f '$tmp/digests.good' -x '$isof.DIGESTS' ||
	[ \$(grep -cxF -f '$tmp/digests.good' '$isof.DIGESTS') -lt \$(grep -c . '$tmp/digests.good') ]"
runs_bad "tampered signed DIGESTS" "DIGESTS: no good signature from a key in --keyring" \
	"$gen" --fetch-release "$mir" --keyring "$tmp/good.gpg" --netinit "$net" --boot-url "$url" --output "$tmp/fr2/netinit.igz"
has "$tmp/out" "BAD signature"
refused "tampered signed DIGESTS"
cp "$tmp/digests.good" "$isof.DIGESTS"
runs_bad "unsigned DIGESTS" "$isoname.DIGESTS is not signed; refusing an ISO nothing vouches for" \
	"$gen" --fetch-release "$mir" --keyring "$tmp/good.gpg" --netinit "$net" --boot-url "$url" --output "$tmp/fr2/netinit.igz"
refused "unsigned DIGESTS"
sign "$tmp/digests.good" "$isof.DIGESTS"
runs_bad "DIGESTS signed by a key not in --keyring" "No public key" \
	"$gen" --fetch-release "$mir" --keyring "$tmp/wrong.gpg" --netinit "$net" --boot-url "$url" --output "$tmp/fr2/netinit.igz"
refused "wrong keyring"
runs_bad "armoured --keyring" "gpgv wants a binary keyring: gpg --dearmor" \
	"$gen" --fetch-release "$mir" --keyring "$tmp/good.asc" --netinit "$net" --boot-url "$url" --output "$tmp/fr2/netinit.igz"
runs_bad "neither --keyring nor --insecure" "--fetch-release needs --keyring FILE" \
	"$gen" --fetch-release "$mir" --netinit "$net" --boot-url "$url" --output "$tmp/fr2/netinit.igz"
sign "$tmp/digests.bad" "$isof.DIGESTS"
runs_bad "signed DIGESTS with a wrong hash" "does not match its DIGESTS (SHA512 is" \
	"$gen" --fetch-release "$mir" --keyring "$tmp/good.gpg" --netinit "$net" --boot-url "$url" --output "$tmp/fr2/netinit.igz"
refused "wrong hash"
rm -f "$isof.DIGESTS"
runs_bad "no DIGESTS" "no $isoname.DIGESTS or .DIGESTS.asc on the mirror" \
	"$gen" --fetch-release "$mir" --keyring "$tmp/good.gpg" --netinit "$net" --boot-url "$url" --output "$tmp/fr2/netinit.igz"
refused "no DIGESTS"
runs_ok "--insecure without DIGESTS" "$gen" --fetch-release "$mir" --insecure --netinit "$net" \
	--boot-url "$url" --output "$tmp/fr2/netinit.igz"
has "$tmp/out" "WARNING: --insecure: no $isoname.DIGESTS or .DIGESTS.asc on the mirror: the ISO and the image pinned from it are NOT verified"
rm -rf "$tmp/fr2" && mkdir -p "$tmp/fr2"
cp "$tmp/digests.good" "$isof.DIGESTS"
runs_ok "--insecure with unsigned DIGESTS" "$gen" --fetch-release "$mir" --insecure --netinit "$net" \
	--boot-url "$url" --output "$tmp/fr2/netinit.igz"
has "$tmp/out" "WARNING: --insecure: $isoname.DIGESTS is not signed: the ISO and the image pinned from it are NOT verified"
has "$tmp/out" "matches the UNSIGNED DIGESTS (BLAKE2B, SHA512)"
# Ctrl-C while the ISO downloads: no .part, no temp or staging dir left.
sign "$tmp/digests.good" "$isof.DIGESTS"
mkdir -p "$tmp/fr3" "$tmp/tmpd"
: >"$m/slow"
# A background job of this script ignores SIGINT; the launcher restores it
# and gives the run its own process group, as a terminal would.
python3 -c 'import os, signal, sys; os.setpgrp(); signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' \
	env TMPDIR="$tmp/tmpd" "$gen" --fetch-release "$mir" --keyring "$tmp/good.gpg" --netinit "$net" \
	--boot-url "$url" --output "$tmp/fr3/netinit.igz" >"$tmp/int.out" 2>&1 &
gp=$!
i=0
while [ "$(wc -c 2>/dev/null <"$tmp/fr3/$isoname.part" || echo 0)" -lt 65536 ] && [ "$i" -lt 300 ]; do
	i=$((i + 1))
	sleep 0.1
done
check "Ctrl-C: the download had started" [ -e "$tmp/fr3/$isoname.part" ]
kill -INT "-$gp" || true
rc=0
wait "$gp" || rc=$?
rm -f "$m/slow"
# 130 from the trap, or 1 when curl's failure reaches die first.
check "Ctrl-C: the run stops ($rc: $(tail -n 1 "$tmp/int.out"))" \
	sh -c "[ $rc = 130 ] || [ $rc = 1 ]"
check "Ctrl-C: nothing left next to OUT ($(lsdir "$tmp/fr3"))" [ -z "$(lsdir "$tmp/fr3")" ]
check "Ctrl-C: no temp dir left ($(lsdir "$tmp/tmpd"))" [ -z "$(lsdir "$tmp/tmpd")" ]
printf '# nothing here\n' >"$rel/latest-install-amd64-minimal.txt"
runs_bad "pointer without ISO" "names no install-amd64-minimal ISO" \
	"$gen" --fetch-release "$mir" --keyring "$tmp/good.gpg" --netinit "$net" --boot-url "$url" --output "$tmp/fr2/netinit.igz"
runs_bad "no such mirror" "cannot read" \
	"$gen" --fetch-release "$mir/nothere" --keyring "$tmp/good.gpg" --netinit "$net" --boot-url "$url" --output "$tmp/fr2/netinit.igz"

# ---- tests/lab/kernel.sh when apt cannot fetch: one line, no kernel.tmp
kt=$tmp/ktop
mkdir -p "$kt/tests/lab" "$kt/fakebin"
cp "$top/tests/lab/kernel.sh" "$kt/tests/lab/"
printf '#!/bin/sh\necho "  Depends: linux-image-6.1.0-99-cloud-amd64"\n' >"$kt/fakebin/apt-cache"
printf '#!/bin/sh\necho "E: Failed to fetch http://deb.debian.org/x.deb  Could not resolve host" >&2\nexit 100\n' \
	>"$kt/fakebin/apt-get"
chmod 755 "$kt/fakebin/apt-cache" "$kt/fakebin/apt-get"
rc=0
PATH="$kt/fakebin:$PATH" sh "$kt/tests/lab/kernel.sh" >"$tmp/k.out" 2>"$tmp/k.err" || rc=$?
check "kernel.sh, apt fails: fails ($rc)" [ "$rc" != 0 ]
check "kernel.sh, apt fails: says why ($(cat "$tmp/k.err"))" \
	grep -q '^kernel.sh: apt-get download linux-image-6.1.0-99-cloud-amd64 failed: E: Failed to fetch' "$tmp/k.err"
check "kernel.sh, apt fails: one line" [ "$(wc -l <"$tmp/k.err")" = 1 ]
check "kernel.sh, apt fails: no kernel.tmp left" [ ! -e "$kt/build/lab/kernel.tmp" ]

# ---- tests/lab/unpack-debs.sh (the loaders, the servers) likewise
cp "$top/tests/lab/unpack-debs.sh" "$kt/tests/lab/"
rc=0
PATH="$kt/fakebin:$PATH" sh "$kt/tests/lab/unpack-debs.sh" loaders >"$tmp/u.out" 2>"$tmp/u.err" || rc=$?
check "unpack-debs.sh, apt fails: fails ($rc)" [ "$rc" != 0 ]
check "unpack-debs.sh, apt fails: says why ($(cat "$tmp/u.err"))" \
	grep -q '^unpack-debs.sh: apt-get download pxelinux .* failed: E: Failed to fetch' "$tmp/u.err"
check "unpack-debs.sh, apt fails: one line" [ "$(wc -l <"$tmp/u.err")" = 1 ]
check "unpack-debs.sh, apt fails: no loaders.tmp left" [ ! -e "$kt/build/lab/loaders.tmp" ]
rc=0
sh "$top/tests/lab/unpack-debs.sh" nosuch >"$tmp/u.out" 2>"$tmp/u.err" || rc=$?
check "unpack-debs.sh nosuch: usage, status 2 ($rc)" sh -c "[ $rc = 2 ] && grep -q 'usage: unpack-debs.sh loaders|servers' '$tmp/u.err'"

# ---- README.md's Layout: every path it names exists
# shellcheck disable=SC2016 # backquotes in a pattern, not a command
sed -n '/^## Layout/,/^## [^L]/p' "$top/README.md" | grep -o '`[^`]*`' | tr -d '`' |
	grep '/' | grep -v '^/' | sed 's/ .*//' | LC_ALL=C sort -u >"$tmp/layout.paths"
check "README Layout names paths" [ -s "$tmp/layout.paths" ]
while IFS= read -r p; do
	check "README Layout: $p exists" [ -e "$top/$p" ]
done <"$tmp/layout.paths"

finished=1
