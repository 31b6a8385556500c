#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Tests gen_initramfs.sh (run from anywhere; needs root for device nodes):
# every mode on synthetic bases (gzip /init script, /init symlink, early
# uncompressed segments + xz or zstd, plain, multi-member gzip, lzma, an
# odd-sized base for combined), reproducibility, one-line errors for bad
# input, the module selection from the lab kernel, and, when the lab kernel
# and QEMU are there (and NO_QEMU is unset), real boots under TCG that check
# the kernel unpacks what we write. Archives are read back with a small
# Python model of init/initramfs.c (segments, 4-byte rule, zero padding) and
# with GNU cpio. Every assertion counts through ok/bad (check, has, errcase);
# what cannot run is counted as skipped, never as passed. Last line, always
# (also when an unchecked command stops the script): "N passed, N failed,
# N skipped"; exit status 1 on failure.
set -eu
PATH="$PATH:/usr/sbin:/sbin"

top=$(cd "$(dirname "$0")/../.." && pwd)
gen="$top/gen_initramfs.sh"
kroot="$top/build/lab/kernel"
busybox=/bin/busybox
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
# check DESC CMD...: CMD must succeed.
check() {
	c_desc=$1
	shift
	if "$@"; then ok; else bad "$c_desc"; fi
}
# has FILE REGEX DESC: a line of FILE matches the extended REGEX.
has() {
	if grep -Eq -- "$2" "$1"; then ok; else bad "$3: no line matching '$2' in $1"; fi
}
hasnt() {
	if grep -Eq -- "$2" "$1"; then bad "$3: unexpected line matching '$2' in $1"; else ok; fi
}

if [ "$(id -u)" != 0 ]; then
	echo "gen_initramfs_test.sh: run as root (device nodes in the test bases)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
for t in python3 cpio gzip xz zstd depmod readelf mksquashfs; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "gen_initramfs_test.sh: '$t' not found; run 'make deps'" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
done
if ! [ -x "$busybox" ]; then
	echo "gen_initramfs_test.sh: $busybox missing; run 'make deps' (busybox-static)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gen_initramfs_test.XXXXXX")
# The summary prints however the script ends; an early end is a failure.
finished=0
finish() {
	f_rc=$?
	cd /
	for m in "$tmp"/ro "$tmp"/bf-ro "$tmp"/vro; do
		! mountpoint -q "$m" 2>/dev/null || umount "$m"
	done
	[ -n "${KEEP-}" ] || rm -rf "$tmp"
	if [ "$finished" = 0 ]; then
		bad "the script stopped early (status $f_rc): an unchecked command failed (KEEP=1 keeps $tmp)"
	fi
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ] || exit 1
	exit 0
}
trap finish EXIT
trap 'exit 130' INT TERM
cd "$tmp"

# ---------------------------------------------------------------- helpers

# A model of the kernel's initramfs unpacker (init/initramfs.c,
# unpack_to_rootfs/write_buffer/flush_buffer): prints "SEG OFF KIND" per
# segment and "E NAME MODE UID:GID MTIME SIZE RMAJ,RMIN SHA256[:16] [-> T]"
# per entry, or "ERROR msg" and exits 3 where the kernel would fail.
cat >initrd.py <<'EOF'
import hashlib, lzma, stat, sys, zlib

def die(msg):
    print("ERROR " + msg)
    sys.exit(3)

def parse_cpio(buf, out):
    """Kernel-style: archives, zero padding between them, until the end."""
    pos = 0
    while pos < len(buf):
        if buf[pos] == 0:
            pos += 1
            continue
        if pos % 4:
            die("broken padding")
        pos = parse_archive(buf, pos, out)

def parse_archive(buf, pos, out):
    while True:
        h = buf[pos:pos + 110]
        if len(h) < 110 or h[:6] not in (b"070701", b"070702"):
            die("no cpio magic at %d" % pos)
        f = [int(h[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        ino, mode, uid, gid, nlink, mtime, size = f[:7]
        rmaj, rmin, nsize = f[9], f[10], f[11]
        name = buf[pos + 110:pos + 110 + nsize - 1].decode("utf-8", "replace")
        pos += (110 + nsize + 3) & ~3
        data = buf[pos:pos + size]
        pos += (size + 3) & ~3
        if name == "TRAILER!!!":
            return pos
        link = ""
        if stat.S_ISLNK(mode):
            link = " -> " + data.decode()
        out.append("E %s %o %d:%d %d %d %d,%d %s%s" % (
            name, mode, uid, gid, mtime, size, rmaj, rmin,
            hashlib.sha256(data).hexdigest()[:16], link))

def main(path):
    buf = open(path, "rb").read()
    out = []
    pos = 0
    while pos < len(buf):
        if buf[pos:pos + 1] == b"0" and pos % 4 == 0:
            out.append("SEG %d newc" % pos)
            pos = parse_archive(buf, pos, out)
            while pos < len(buf) and buf[pos] == 0:
                pos += 1
            if pos < len(buf) and pos % 4:
                die("broken padding")
            continue
        if buf[pos] == 0:
            pos += 1
            continue
        if buf[pos:pos + 2] == b"\x1f\x8b":
            kind, d = "gzip", zlib.decompressobj(31)
        elif buf[pos:pos + 6] == b"\xfd7zXZ\x00":
            kind, d = "xz", lzma.LZMADecompressor(lzma.FORMAT_XZ)
        elif buf[pos:pos + 2] == b"\x5d\x00":
            kind, d = "lzma", lzma.LZMADecompressor(lzma.FORMAT_ALONE)
        else:
            die("invalid magic at start of compressed archive at %d" % pos)
        out.append("SEG %d %s" % (pos, kind))
        try:
            data = d.decompress(buf[pos:])
        except Exception as e:
            die("decompressor failed at %d: %s" % (pos, e))
        if kind == "gzip" and not d.eof:
            die("decompressor failed at %d" % pos)
        parse_cpio(data, out)
        pos = len(buf) - len(d.unused_data)
    print("\n".join(out))

main(sys.argv[1])
EOF

# list INITRD OUT: the model's listing of INITRD into OUT (fails on ERROR).
list() { python3 "$tmp/initrd.py" "$1" >"$2"; }

# entry LISTING NAME: the E line of NAME (the last one, as the kernel keeps).
entry() { grep "^E $2 " "$1" | tail -n 1; }

sha16() { sha256sum "$1" | cut -c1-16; }

# mkcpio DIR: a newc archive of DIR on stdout, as distributions make them.
mkcpio() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet)
}

# mkroot DIR: the common part of a test base: /dev/console, a file owned by
# 1000:1000, a busybox.
mkroot() {
	mkdir -p "$1/dev" "$1/bin" "$1/home/u" "$1/etc"
	mknod -m 600 "$1/dev/console" c 5 1
	echo owned >"$1/home/u/file"
	chown 1000:1000 "$1/home/u/file"
	cp "$busybox" "$1/bin/busybox"
	ln -s busybox "$1/bin/sh"
}

# errcase DESC ARGS...: gen_initramfs.sh must fail with one line on stderr.
errcase() {
	e_desc=$1
	shift
	e_rc=0
	"$gen" "$@" >err.out 2>err.txt || e_rc=$?
	e_lines=$(wc -l <err.txt)
	if [ "$e_rc" = 0 ]; then
		bad "error case '$e_desc': exit status 0"
	elif [ "$e_lines" != 1 ] || ! grep -q '^gen_initramfs.sh: ' err.txt; then
		bad "error case '$e_desc': want one 'gen_initramfs.sh: ' line, got: $(cat err.txt)"
	elif [ -s err.out ]; then
		bad "error case '$e_desc': wrote to stdout: $(cat err.out)"
	else
		ok
	fi
}

# ---------------------------------------------------------------- fixtures

cp "$busybox" netinit
bbsha=$(sha16 netinit)
ver=""
moddir=""
if [ -s "$kroot/version" ]; then
	ver=$(cat "$kroot/version")
	moddir="$kroot/lib/modules/$ver"
fi

# 1. genkernel-like: gzip, /init a script, /linuxrc -> init.
mkroot gk
printf '#!/bin/sh\necho ORIG-INIT\n' >gk/init
chmod 755 gk/init
ln -s init gk/linuxrc
echo 'X=1' >gk/etc/initrd.defaults
mkcpio gk | gzip -9 >gk.igz
gkinitsha=$(sha16 gk/init)

# 2. dracut-like: gzip, /init a relative symlink.
mkroot dr
mkdir -p dr/usr/lib/systemd dr/lib
printf '#!/bin/sh\necho SYSTEMD\n' >dr/usr/lib/systemd/systemd
chmod 755 dr/usr/lib/systemd/systemd
ln -s usr/lib/systemd/systemd dr/init
: >dr/lib/dracut-lib.sh
mkcpio dr | gzip -9 >dr.igz

# 3. early microcode segment + xz main; 4. two early segments + zstd main
# + 3 zero bytes of padding (which the kernel skips and zstd does not).
mkdir -p early1/kernel/x86/microcode early2/kernel/firmware/acpi
head -c 1001 /dev/urandom >early1/kernel/x86/microcode/GenuineIntel.bin
head -c 77 /dev/urandom >early2/kernel/firmware/acpi/ssdt.aml
mkcpio early1 >early1.cpio
mkcpio early2 >early2.cpio
if [ -n "$ver" ]; then
	# A base that already has some of the modules, to merge with.
	mkdir -p "gk/lib/modules/$ver/kernel/fs/squashfs"
	cp "$moddir/kernel/fs/squashfs/squashfs.ko" "gk/lib/modules/$ver/kernel/fs/squashfs/"
	depmod -b gk "$ver" 2>/dev/null
fi
{ cat early1.cpio; mkcpio gk | xz --check=crc32 -9; } >early-xz.igz
early1len=$(wc -c <early1.cpio)
{
	cat early1.cpio early2.cpio
	mkcpio dr | zstd -q -19
	printf '\0\0\0'
} >early-zstd.igz
earlylen2=$(($(wc -c <early1.cpio) + $(wc -c <early2.cpio)))
# 5. one plain archive; 6. two gzip members; 7. lzma.
mkcpio gk >plain.igz
mkdir -p extra/etc
echo extra >extra/etc/extra
{
	mkcpio gk | gzip -9
	mkcpio extra | gzip -9
} >multi.igz
mkcpio gk | xz --format=lzma -9 >gk.lzma.igz

# ---------------------------------------------------------------- usage

rc=0
"$gen" --help >help.txt 2>&1 || rc=$?
check "--help exits 0" [ "$rc" = 0 ]
has help.txt '^usage:' "--help"
has help.txt 'combined --base INITRD --image IMAGE' "--help names combined"

# ---------------------------------------------------------------- errors

printf '#!/bin/sh\n' >script.bin
chmod 755 script.bin
cp netinit noexec
chmod 644 noexec
mkdir -p nodep/1.2.3
head -c 4096 /dev/urandom | tr '\0-\060' 'x' >junk.igz
head -c 2000 gk.igz >truncated.igz
mkdir -p nomods/lib/modules/9.9.9-other
printf '#!/bin/sh\n' >nomods/init
chmod 755 nomods/init
mkcpio nomods | gzip >othermods.igz
mkdir -p noinit/etc
mkcpio noinit | gzip >noinit.igz
# gzip base whose size is not a multiple of 4 (filler until it is not).
mkroot odd
cat >odd/init <<'EOF'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo "ROOT: $(/bin/busybox ls /)"
if [ -f /image.squashfs ]; then
	echo "IMAGE-SIZE=$(/bin/busybox stat -c %s /image.squashfs)"
	echo "IMAGE-SHA256=$(/bin/busybox sha256sum </image.squashfs | /bin/busybox cut -d" " -f1)"
else
	echo "IMAGE-SIZE=missing"
fi
/bin/busybox poweroff -f
EOF
chmod 755 odd/init
n=0
while :; do
	head -c "$n" /dev/zero | tr '\0' f >odd/filler
	mkcpio odd | gzip -n -9 >odd.igz
	[ $(($(wc -c <odd.igz) % 4)) = 0 ] || break
	n=$((n + 1))
done
# A real squashfs (gen_initramfs.sh checks the superblock as netinit does)
# of incompressible data, 3 bytes of tail so its size is not a multiple of 4.
mkdir -p sqsrc
head -c 1048576 /dev/urandom >sqsrc/data
mksquashfs sqsrc image.sqfs -noappend -nopad -no-progress -quiet >/dev/null
printf 'xyz' >>image.sqfs
imgsize=$(wc -c <image.sqfs)
mkdir -p img
cp image.sqfs img/image.squashfs
# The plain-cat recipe: an uncompressed segment at an unaligned offset.
{ cat odd.igz; mkcpio img; } >naive.igz

errcase "no arguments"
errcase "unknown option" --bogus
errcase "nothing to build" --output x.igz
errcase "--standalone without --modules" --standalone --netinit netinit --output x.igz
errcase "--standalone with --base" --standalone --base gk.igz --netinit netinit --output x.igz
errcase "missing --output" --base gk.igz --netinit netinit
errcase "missing --netinit" --base gk.igz --output x.igz
errcase "option given twice" --base gk.igz --base gk.igz --netinit netinit --output x.igz
errcase "option without value" --base gk.igz --netinit netinit --output
errcase "--netinit missing" --base gk.igz --netinit nosuch --output x.igz
errcase "--netinit dynamic" --base gk.igz --netinit /bin/ls --output x.igz
errcase "--netinit not executable" --base gk.igz --netinit noexec --output x.igz
errcase "--netinit a script" --base gk.igz --netinit script.bin --output x.igz
errcase "--netinit a directory" --base gk.igz --netinit . --output x.igz
errcase "--modules without modules.dep" --standalone --modules nodep/1.2.3 --netinit netinit --output x.igz
errcase "--modules not a directory" --standalone --modules nosuch --netinit netinit --output x.igz
errcase "--kver without --modules" --base gk.igz --kver 1 --netinit netinit --output x.igz
errcase "--base missing" --base nosuch.igz --netinit netinit --output x.igz
errcase "--base not an initrd" --base junk.igz --netinit netinit --output x.igz
has err.txt 'not a cpio archive \(gzip, xz, zstd, lzma or plain newc expected\)' "--base junk message"
errcase "--base truncated" --base truncated.igz --netinit netinit --output x.igz
has err.txt 'gzip segment at offset 0 does not decompress \(unexpected end of file\)' "truncated gzip: gzip's reason, not ()"
errcase "--base without /init" --base noinit.igz --netinit netinit --output x.igz
errcase "--base unaligned uncompressed segment" --base naive.igz --netinit netinit --output x.igz
has err.txt 'not 4-byte aligned' "unaligned segment message"
errcase "--url not http" --base gk.igz --netinit netinit --url ftp://h/i --output x.igz
errcase "--url https" --base gk.igz --netinit netinit --url https://h/i --output x.igz
errcase "--url empty element" --base gk.igz --netinit netinit --url http://h/i, --output x.igz
errcase "--url nine URLs" --base gk.igz --netinit netinit --output x.igz \
	--url http://a/1,http://a/2,http://a/3,http://a/4,http://a/5,http://a/6,http://a/7,http://a/8,http://a/9
errcase "--conf without =" --base gk.igz --netinit netinit --conf netinit.debug --output x.igz
errcase "--conf bad key" --base gk.igz --netinit netinit --conf 'a b=1' --output x.igz
errcase "--conf url and --url" --base gk.igz --netinit netinit --url http://a/1 \
	--conf netinit.url=http://b/2 --output x.igz
errcase "--output in a missing directory" --base gk.igz --netinit netinit --output nodir/x.igz
errcase "--dest outside combined" --base gk.igz --netinit netinit --dest /i.sqfs --output x.igz
errcase "--sha256 too short" --base gk.igz --netinit netinit --sha256 abc --output x.igz
has err.txt "^gen_initramfs.sh: --sha256 'abc': expected 64 hex digits" "bad --sha256 message"
errcase "--sha256 not hex" --base gk.igz --netinit netinit --output x.igz \
	--sha256 g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
errcase "--sha256 65 digits" --base gk.igz --netinit netinit --output x.igz \
	--sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550
errcase "--sha256 not the --image digest" --base gk.igz --netinit netinit --image image.sqfs \
	--sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 --output x.igz
has err.txt 'is not the digest of --image image.sqfs' "--sha256/--image mismatch message"
errcase "--sha256 and --conf netinit.sha256" --base gk.igz --netinit netinit --output x.igz \
	--sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 \
	--conf netinit.sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
errcase "--image and --conf netinit.size" --base gk.igz --netinit netinit --image image.sqfs \
	--conf netinit.size=1 --output x.igz
errcase "--image missing (base)" --base gk.igz --netinit netinit --image nosuch --output x.igz
errcase "combined with --sha256" combined --base gk.igz --image image.sqfs --output x.igz \
	--sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
errcase "combined without --image" combined --base gk.igz --output x.igz
errcase "combined without --base" combined --image image.sqfs --output x.igz
errcase "combined --image missing" combined --base gk.igz --image nosuch --output x.igz
errcase "combined --dest relative" combined --base gk.igz --image image.sqfs --dest image.squashfs --output x.igz
errcase "combined --dest with .." combined --base gk.igz --image image.sqfs --dest /a/../b --output x.igz
errcase "combined --dest a directory" combined --base gk.igz --image image.sqfs --dest /a/ --output x.igz
errcase "combined --base junk" combined --base junk.igz --image image.sqfs --output x.igz
errcase "combined with --netinit" combined --base gk.igz --image image.sqfs --netinit netinit --output x.igz
errcase "combined not first" --base gk.igz combined --image image.sqfs --output x.igz
if [ -n "$ver" ]; then
	errcase "--add-modules unknown name" --standalone --modules "$moddir" --netinit netinit \
		--add-modules nosuchmodule --output x.igz
	errcase "--add-modules glob matching nothing" --standalone --modules "$moddir" --netinit netinit \
		--add-modules 'kernel/nosuch/*' --output x.igz
	errcase "--modules for another kernel than the base's" --base othermods.igz --modules "$moddir" \
		--netinit netinit --output x.igz
else
	skipped "--add-modules and --modules error cases: no lab kernel (sh tests/lab/kernel.sh)"
fi
# Images that are no squashfs 4.0 are refused as netinit would refuse them
# (src/squashfs.c): random data, an ISO, truncated, version 3, block size.
head -c 65536 /dev/urandom >random.bin
{ head -c 32768 /dev/zero; printf '\001CD001\001'; head -c 40000 /dev/zero; } >fake.iso
head -c 8192 image.sqfs >trunc.sqfs
cp image.sqfs v3.sqfs
printf '\003\000' | dd of=v3.sqfs bs=1 seek=28 conv=notrunc 2>/dev/null
cp image.sqfs bs.sqfs
printf '\000\000\001\000' | dd of=bs.sqfs bs=1 seek=12 conv=notrunc 2>/dev/null
head -c 50 image.sqfs >tiny.sqfs
cp image.sqfs huge.sqfs
printf '\377\377\377\377\377\377\377\377' | dd of=huge.sqfs bs=1 seek=40 conv=notrunc 2>/dev/null
for c in "random.bin:not a squashfs image (no hsqs magic" "fake.iso:not a squashfs image (no hsqs magic" \
	"trunc.sqfs:the squashfs superblock says $((imgsize - 3)) bytes, the file has 8192: truncated" \
	"v3.sqfs:squashfs version 3.0; netinit and the kernel read 4.0 only" \
	"bs.sqfs:squashfs block size 65536 (log 17) is not a power of two" "tiny.sqfs:50 bytes, too short" \
	"huge.sqfs:the squashfs superblock says 0xffffffffffffffff bytes: a corrupt superblock"; do
	f=${c%%:*}
	errcase "--image $f" --base gk.igz --netinit netinit --image "$f" --output x.igz
	check "--image $f: says why ($(cat err.txt))" grep -qF -- "--image $f: ${c#*:}" err.txt
	errcase "combined --image $f" combined --base gk.igz --image "$f" --output x.igz
	check "combined --image $f: says why ($(cat err.txt))" grep -qF -- "--image $f: ${c#*:}" err.txt
done
# Names the boot files would split at a blank.
cp image.sqfs 'my image.sqfs'
errcase "--output with a blank and boot files" --base gk.igz --netinit netinit \
	--boot-url http://10.0.0.1/d/ --output 'net init.igz'
check "--output with a blank: says why ($(cat err.txt))" \
	grep -qF -- "--output net init.igz: the boot files name this file: no blanks or quotes" err.txt
errcase "--image with a blank and boot files" --base gk.igz --netinit netinit --image 'my image.sqfs' \
	--boot-url http://10.0.0.1/d/ --output x.igz
check "--image with a blank: says why ($(cat err.txt))" \
	grep -qF -- "--image my image.sqfs: the boot files name this file" err.txt
errcase "--output with a quote and boot files" --base gk.igz --netinit netinit \
	--boot-url http://10.0.0.1/d/ --output "it's.igz"
check "nothing written for a name with a blank" sh -c '[ ! -e "net init.igz" ] && [ ! -e boot.ipxe ]'
# A read-only output directory: one line, status 1 (not the shell's 2).
mkdir -p ro
if mount -t tmpfs -o ro,size=64k none ro 2>/dev/null; then
	errcase "--output in a read-only directory" --base gk.igz --netinit netinit --output ro/x.igz
	check "read-only --output: says why ($(cat err.txt))" \
		grep -qF -- "--output ro/x.igz: cannot create files in ro (read-only or no permission)" err.txt
	check "read-only --output: status 1, not 2 ($e_rc)" [ "$e_rc" = 1 ]
	umount ro
else
	skipped "read-only --output: cannot mount a read-only tmpfs here"
fi
check "no output left behind by errors" sh -c '[ ! -e x.igz ] && [ ! -e x.igz.tmp ]'

# ---------------------------------------------------------------- --base

# base_case NAME BASE [ARGS]: runs --base, lists the result into NAME.lst.
base_case() {
	b_name=$1 b_base=$2
	shift 2
	if "$gen" --base "$b_base" --netinit netinit --output "$b_name.igz" "$@" >"$b_name.out" 2>&1 &&
		list "$b_name.igz" "$b_name.lst"; then
		ok
		return 0
	fi
	bad "--base $b_base: $(cat "$b_name.out" "$b_name.lst" 2>/dev/null | tail -n 3)"
	return 1
}

# Common checks on a converted base listing.
check_converted() {
	l=$1.lst
	has "$l" "^E init 100755 0:0 0 [0-9]+ 0,0 $bbsha$" "$1: netinit is /init"
	has "$l" '^E etc/netinit.conf 100644 ' "$1: /etc/netinit.conf"
	has "$l" '^E dev/console 20600 0:0 0 0 5,1 ' "$1: /dev/console kept"
	has "$l" '^E home/u/file 100644 1000:1000 ' "$1: owner kept"
	check "$1: every mtime 0 in the main archive" mtimes_are 0 "$l"
}

# mtimes_are T LST: every entry of the gzip segment has mtime T.
mtimes_are() {
	sed -n '/^SEG [0-9]* gzip$/,$p' "$2" | awk -v t="$1" '$1 == "E" && $5 != t { bad = 1 } END { exit bad }'
}

# unpack_main IGZ LST DIR: extracts the gzip segment of IGZ into DIR.
unpack_main() {
	um_off=$(sed -n 's/^SEG \([0-9]*\) gzip$/\1/p' "$2" | head -n 1)
	rm -rf "$3" && mkdir "$3"
	tail -c +$((um_off + 1)) "$1" | gzip -dc | (cd "$3" && cpio -i -d --quiet 2>/dev/null)
}

if base_case gk gk.igz --url http://10.0.2.100/image.squashfs --conf netinit.onerror=shell; then
	check_converted gk
	has gk.lst "^E init.orig 100755 0:0 0 [0-9]+ 0,0 $gkinitsha$" "gk: script moved to /init.orig"
	has gk.lst '^E linuxrc 120777 .* -> init.orig$' "gk: /linuxrc follows to /init.orig"
	check "gk: one gzip segment" [ "$(grep -c '^SEG' gk.lst)" = 1 ]
	has gk.lst '^SEG 0 gzip$' "gk: gzip"
	gzip -dc gk.igz | cpio -i --quiet --to-stdout etc/netinit.conf >gk.conf
	printf '%s\n' "# netinit configuration, written by gen_initramfs.sh; the kernel command line overrides it" \
		netinit.init=/init.orig netinit.mode=genkernel netinit.url=http://10.0.2.100/image.squashfs \
		netinit.onerror=shell >gk.conf.want
	check "gk: netinit.conf content" cmp -s gk.conf gk.conf.want
fi
# --sha256 (upper case in, lower case out) and --image pin the image.
imgsha=$(sha256sum image.sqfs | cut -d' ' -f1)
if base_case pin gk.igz --sha256 "$(echo "$imgsha" | tr a-f A-F)"; then
	gzip -dc pin.igz | cpio -i --quiet --to-stdout etc/netinit.conf >pin.conf
	has pin.conf "^netinit.sha256=$imgsha\$" "--sha256: netinit.sha256 line, lower case"
	hasnt pin.conf '^netinit.size=' "--sha256: no netinit.size"
fi
if base_case pinimg gk.igz --image image.sqfs --sha256 "$imgsha"; then
	gzip -dc pinimg.igz | cpio -i --quiet --to-stdout etc/netinit.conf >pinimg.conf
	has pinimg.conf "^netinit.sha256=$imgsha\$" "--image: netinit.sha256 line"
	has pinimg.conf "^netinit.size=$imgsize\$" "--image: netinit.size line"
	check "--image: one digest line" [ "$(grep -c '^netinit.sha256=' pinimg.conf)" = 1 ]
	hasnt pinimg.lst '^E image' "--image: the image itself is not packed"
fi
# dm-verity (stream mode): --image writes IMAGE.verity and pins its root hash.
# image.sqfs (-nopad, 3 bytes more) is not a multiple of 4096: by default a
# note and the sha256 pin alone; --verity refuses it.
if base_case pinimg-note gk.igz --image image.sqfs; then
	gzip -dc pinimg-note.igz | cpio -i --quiet --to-stdout etc/netinit.conf >pinimg-note.conf
	hasnt pinimg-note.conf '^netinit.verity=' "unpadded --image: no netinit.verity"
	check "unpadded --image: no image.sqfs.verity" [ ! -e image.sqfs.verity ]
	has pinimg-note.out "^gen_initramfs.sh: no dm-verity hash tree for image.sqfs: .*not a multiple of 4096.*never streams it" \
		"unpadded --image: one line says why there is no tree"
fi
errcase "--verity, image size not a multiple of 4096" --base gk.igz --netinit netinit --image image.sqfs \
	--verity --output x.igz
has err.txt "^gen_initramfs.sh: --verity: --image image.sqfs: $imgsize bytes, not a multiple of 4096" \
	"--verity unpadded: says why"
errcase "--verity without --image" --base gk.igz --netinit netinit --sha256 "$imgsha" --verity --output x.igz
has err.txt "^gen_initramfs.sh: --verity hashes the image: give --image IMAGE" "--verity without --image: says what to give"
errcase "--verity and --no-verity" --base gk.igz --netinit netinit --image image.sqfs --verity --no-verity --output x.igz
errcase "--verity given a value" --base gk.igz --netinit netinit --image image.sqfs --verity=1 --output x.igz
errcase "combined --verity" combined --base gk.igz --image image.sqfs --verity --output x.igz
errcase "--verity and --conf netinit.verity" --base gk.igz --netinit netinit --image image.sqfs --verity \
	--conf netinit.verity=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff --output x.igz
mkdir -p vsrc vdir
head -c 300000 /dev/urandom >vsrc/data
mksquashfs vsrc vdir/v.sqfs -noappend -no-progress -quiet >/dev/null
vsha=$(sha256sum vdir/v.sqfs | cut -d' ' -f1)
# hideverity CMD...: CMD in a mount namespace where veritysetup is not
# executable (the script adds /usr/sbin to PATH, so PATH cannot hide it)
hideverity() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare -m sh -c 'mount --bind /dev/null "$(command -v veritysetup)" && exec "$@"' sh "$@"
}
# vroot NAME: the root hash NAME.conf pins (empty if none)
vroot() { sed -n 's/^netinit.verity=//p' "$1.conf"; }
if ! command -v veritysetup >/dev/null 2>&1; then
	skipped "--verity: no veritysetup (make deps installs cryptsetup-bin)"
elif base_case ver gk.igz --image vdir/v.sqfs --verity; then
	gzip -dc ver.igz | cpio -i --quiet --to-stdout etc/netinit.conf >ver.conf
	vr=$(vroot ver)
	has ver.conf "^netinit.sha256=$vsha\$" "--verity: the sha256 pin stays"
	has ver.conf "^netinit.verity=[0-9a-f]{64}\$" "--verity: netinit.verity line"
	check "--verity: one netinit.verity line" [ "$(grep -c '^netinit.verity=' ver.conf)" = 1 ]
	check "--verity: vdir/v.sqfs.verity written, 0644" [ "$(stat -c %a vdir/v.sqfs.verity 2>/dev/null)" = 644 ]
	check "--verity: veritysetup verify accepts the tree with the pinned root hash" \
		veritysetup verify vdir/v.sqfs vdir/v.sqfs.verity "$vr"
	check "--verity: salt is the image's sha256" sh -c "veritysetup dump vdir/v.sqfs.verity | grep -q 'Salt:[[:space:]]*$vsha'"
	has ver.out "^gen_initramfs.sh: vdir/v.sqfs.verity: dm-verity hash tree \([0-9]+ bytes, written\), pinned as netinit.verity=$vr; serve it next to the image" \
		"--verity: says where the tree goes"
	check "--verity: no .tmp left" [ ! -e vdir/v.sqfs.verity.tmp ]
	# the default makes the same tree for the same image and leaves the file alone
	touch -d @1000000000 vdir/v.sqfs.verity
	if base_case ver2 gk.igz --image vdir/v.sqfs; then
		gzip -dc ver2.igz | cpio -i --quiet --to-stdout etc/netinit.conf >ver2.conf
		check "default: same image, same root hash ($(vroot ver2))" [ "$(vroot ver2)" = "$vr" ]
		check "default: an identical tree is not rewritten (mtime kept)" \
			[ "$(stat -c %Y vdir/v.sqfs.verity)" = 1000000000 ]
		has ver2.out "bytes, unchanged\)" "default: says unchanged"
		check "default: byte-identical initrd" cmp -s ver.igz ver2.igz
	fi
	# the image changed: a new tree, a new root hash, and they match
	mksquashfs vsrc/data sqsrc/data vdir/new.sqfs -noappend -no-progress -quiet >/dev/null 2>&1
	mv vdir/new.sqfs vdir/v.sqfs
	if base_case ver3 gk.igz --image vdir/v.sqfs; then
		gzip -dc ver3.igz | cpio -i --quiet --to-stdout etc/netinit.conf >ver3.conf
		check "image changed: another root hash" [ "$(vroot ver3)" != "$vr" ]
		check "image changed: the tree is rewritten and matches the new pin" \
			veritysetup verify vdir/v.sqfs vdir/v.sqfs.verity "$(vroot ver3)"
	fi
	# --no-verity: no tree, no line
	rm -f vdir/v.sqfs.verity
	if base_case ver4 gk.igz --image vdir/v.sqfs --no-verity; then
		gzip -dc ver4.igz | cpio -i --quiet --to-stdout etc/netinit.conf >ver4.conf
		hasnt ver4.conf '^netinit.verity=' "--no-verity: no netinit.verity"
		check "--no-verity: no tree written" [ ! -e vdir/v.sqfs.verity ]
		hasnt ver4.out 'dm-verity' "--no-verity: no note"
	fi
	# a root hash the user gives wins over the default, and no tree is made
	if base_case ver5 gk.igz --image vdir/v.sqfs --conf netinit.verity=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff; then
		gzip -dc ver5.igz | cpio -i --quiet --to-stdout etc/netinit.conf >ver5.conf
		check "--conf netinit.verity: one line, the user's" [ "$(vroot ver5)" = 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff ]
		check "--conf netinit.verity: no tree written" [ ! -e vdir/v.sqfs.verity ]
	fi
	# veritysetup missing (hidden in a mount namespace): --verity refuses in
	# one line, the default notes it
	if unshare -m true 2>/dev/null; then
		e_rc=0
		hideverity "$gen" --base gk.igz --netinit netinit --image vdir/v.sqfs --verity --output x.igz \
			>err.out 2>err.txt || e_rc=$?
		check "no veritysetup, --verity: fails, one line ($e_rc: $(cat err.txt))" \
			[ "$e_rc:$(wc -l <err.txt)" = 1:1 ]
		has err.txt "^gen_initramfs.sh: --verity: 'veritysetup' not found; install it \(Debian: apt-get install cryptsetup-bin" \
			"no veritysetup, --verity: says what to install"
		e_rc=0
		hideverity "$gen" --base gk.igz --netinit netinit --image vdir/v.sqfs --output nover.igz \
			>err.out 2>err.txt || e_rc=$?
		check "no veritysetup, default: builds ($e_rc)" [ "$e_rc" = 0 ]
		has err.txt "no dm-verity hash tree for vdir/v.sqfs: 'veritysetup' not found" "no veritysetup, default: one note"
		check "no veritysetup: no tree written" [ ! -e vdir/v.sqfs.verity ]
		rm -f nover.igz
	else
		skipped "veritysetup missing: no mount namespace here"
	fi
	# the image's directory is read-only: --verity refuses, the default notes it
	mkdir -p vro
	if mount -t tmpfs -o size=2m none vro 2>/dev/null; then
		cp vdir/v.sqfs vro/v.sqfs
		mount -o remount,ro vro
		errcase "--verity, image in a read-only directory" --base gk.igz --netinit netinit --image vro/v.sqfs \
			--verity --output x.igz
		has err.txt "^gen_initramfs.sh: --verity: cannot create vro/v.sqfs.verity \(read-only or no permission\)" \
			"read-only image directory: says why"
		umount vro
	else
		skipped "read-only image directory: cannot mount a tmpfs here"
	fi
fi
if base_case dr dr.igz --conf netinit.mode=auto; then
	check_converted dr
	has dr.lst '^E init.orig 120777 .* -> usr/lib/systemd/systemd$' "dr: /init symlink kept as a symlink"
	gzip -dc dr.igz | cpio -i --quiet --to-stdout etc/netinit.conf >dr.conf
	has dr.conf '^netinit.init=/init.orig$' "dr: netinit.init"
	has dr.conf '^netinit.mode=auto$' "dr: --conf replaces the detected mode"
	hasnt dr.conf '^netinit.mode=dracut$' "dr: detected mode not written over --conf"
fi
if base_case early-xz early-xz.igz; then
	check_converted early-xz
	check "early-xz: microcode segment kept byte for byte" cmp -s -n "$early1len" early1.cpio early-xz.igz
	has early-xz.lst '^SEG 0 newc$' "early-xz: early segment first"
	has early-xz.lst "^SEG $early1len gzip$" "early-xz: then one gzip segment"
	check "early-xz: two segments" [ "$(grep -c '^SEG' early-xz.lst)" = 2 ]
	check "early-xz: microcode not repeated in the main archive" \
		[ "$(grep -c '^E kernel/x86/microcode/GenuineIntel.bin ' early-xz.lst)" = 1 ]
fi
if base_case early-zstd early-zstd.igz; then
	check_converted early-zstd
	cat early1.cpio early2.cpio >early12.cpio
	check "early-zstd: both early segments kept" cmp -s -n "$earlylen2" early12.cpio early-zstd.igz
	check "early-zstd: three segments" [ "$(grep -c '^SEG' early-zstd.lst)" = 3 ]
	has early-zstd.lst '^E init.orig 120777 ' "early-zstd: dracut init unpacked from zstd"
fi
if base_case plain plain.igz; then
	check_converted plain
	check "plain: repacked as one gzip segment" [ "$(grep -c '^SEG' plain.lst)" = 1 ]
	has plain.lst '^SEG 0 gzip$' "plain: gzip"
fi
if base_case multi multi.igz; then
	has multi.lst '^E etc/extra 100644 ' "multi: second gzip member unpacked"
	has multi.lst '^E init.orig 100755 ' "multi: first member unpacked"
fi
if base_case lzma gk.lzma.igz; then
	check_converted lzma
fi
# A re-run on our own output replaces netinit and keeps the original init.
cp netinit netinit2
printf 'x' >>netinit2
if base_case rerun gk.igz --url http://a/b &&
	"$gen" --base rerun.igz --netinit netinit2 --output rerun2.igz >/dev/null &&
	list rerun2.igz rerun2.lst; then
	has rerun2.lst "^E init 100755 .* $(sha16 netinit2)$" "rerun: new netinit"
	has rerun2.lst "^E init.orig 100755 .* $gkinitsha$" "rerun: original init kept"
	has rerun2.lst '^E linuxrc 120777 .* -> init.orig$' "rerun: linuxrc unchanged"
else
	bad "rerun on own output"
fi
# The boot files all name --image's file (not image.squashfs).
mkdir -p bf
if base_case bf/netinit gk.igz --image image.sqfs --boot-url http://10.0.0.1/d/; then
	u=http://10.0.0.1/d/image.sqfs
	has bf/boot.ipxe " netinit.url=$u\$" "boot.ipxe fetches --image's name"
	has bf/pxelinux.cfg/default " netinit.url=$u\$" "pxelinux.cfg fetches --image's name"
	has bf/boot/grub/grub.cfg " netinit.url=$u\$" "grub.cfg fetches --image's name"
	has bf/altcombine.ipxe "^initrd $u /image.squashfs\$" "altcombine.ipxe appends --image's name"
	hasnt bf/boot.ipxe 'image\.squashfs$' "boot.ipxe: no hard-coded image.squashfs"
fi
# A failure while writing image.cpio or combined.igz leaves no .tmp behind
# (a cat that fails once its output is that file, as on a full disk).
mkdir -p fakebin bf2
realcat=$(command -v cat)
cat >fakebin/cat <<EOF
#!/bin/sh
case \$(readlink /proc/\$\$/fd/1) in
*"/\$FAIL_CAT_ON") $realcat "\$@" | head -c 1000; echo "cat: write error (injected)" >&2; exit 1 ;;
esac
exec $realcat "\$@"
EOF
chmod 755 fakebin/cat
for t in image.cpio.tmp combined.igz.tmp; do
	rc=0
	FAIL_CAT_ON=$t PATH="$tmp/fakebin:$PATH" "$gen" --base gk.igz --netinit netinit --image image.sqfs \
		--boot-url http://10.0.0.1/d/ --output bf2/netinit.igz >bf2.out 2>&1 || rc=$?
	check "write error on $t: the run fails ($rc)" [ "$rc" != 0 ]
	check "write error on $t: no $t left behind" [ ! -e "bf2/$t" ]
	check "write error on $t: the fault was hit ($(tail -n 1 bf2.out))" grep -q 'injected' bf2.out
done

# Reproducible, whatever the caller's umask.
if "$gen" --base early-xz.igz --netinit netinit --output repro1.igz >/dev/null &&
	(umask 077 && "$gen" --base early-xz.igz --netinit netinit --output repro2.igz >/dev/null); then
	check "--base: two runs give identical bytes" cmp -s repro1.igz repro2.igz
else
	bad "--base reproducibility runs"
fi
if SOURCE_DATE_EPOCH=1700000000 "$gen" --base gk.igz --netinit netinit --output epoch.igz >/dev/null &&
	list epoch.igz epoch.lst; then
	check "SOURCE_DATE_EPOCH sets every mtime" mtimes_are 1700000000 epoch.lst
	has epoch.lst '^E init [0-7]+ 0:0 1700000000 ' "SOURCE_DATE_EPOCH on /init"
else
	bad "SOURCE_DATE_EPOCH run"
fi

# ---------------------------------------------------------------- modules

if [ -n "$ver" ]; then
	t0=$(date +%s)
	if "$gen" --standalone --modules "$moddir" --netinit netinit --url http://10.0.2.100/i.sqfs \
		--output sa.igz >sa.out 2>&1 && list sa.igz sa.lst; then
		ok
		echo "standalone: $(wc -c <sa.igz) bytes ($(cat sa.out))"
		for m in drivers/net/virtio_net drivers/virtio/virtio_pci drivers/block/loop \
			fs/squashfs/squashfs fs/overlayfs/overlay net/core/failover drivers/virtio/virtio_ring \
			drivers/block/nbd drivers/md/dm-mod drivers/md/dm-bufio drivers/md/dm-verity \
			lib/reed_solomon/reed_solomon; do
			# (the last line: stream mode's nbd and dm-verity, and a
			# dependency modules.dep adds, as README's Stream mode says)
			has sa.lst "^E lib/modules/$ver/kernel/$m\\.ko(\\.[a-z]+)? 100644 " "standalone: $m"
		done
		hasnt sa.lst '^E [^ ]*/(wireguard|bonding|tun|veth|vxlan|wwan)' "standalone: no virtual/wireless junk"
		has sa.lst '^E init 100755 0:0 0 ' "standalone: /init"
		has sa.lst '^E dev/console 20600 0:0 0 0 5,1 ' "standalone: /dev/console"
		has sa.lst '^E dev/null 20666 0:0 0 0 1,3 ' "standalone: /dev/null"
		for d in dev proc sys run etc newroot; do
			has sa.lst "^E $d 40755 0:0 " "standalone: /$d"
		done
		has sa.lst '^E tmp 41777 0:0 ' "standalone: /tmp sticky"
		unpack_main sa.igz sa.lst sa.root
		md=sa.root/lib/modules/$ver
		has "$md/modules.dep" '^kernel/drivers/net/virtio_net\.ko: .*virtio\.ko' "modules.dep: virtio_net and deps"
		has "$md/modules.dep" '^kernel/drivers/virtio/virtio_pci\.ko:' "modules.dep: virtio_pci"
		has "$md/modules.dep" '^kernel/drivers/block/loop\.ko:' "modules.dep: loop"
		has "$md/modules.dep" '^kernel/fs/squashfs/squashfs\.ko:' "modules.dep: squashfs"
		has "$md/modules.dep" '^kernel/fs/overlayfs/overlay\.ko:' "modules.dep: overlay"
		has "$md/modules.alias" '^alias virtio:d00000001v\* virtio_net$' "modules.alias: virtio_net"
		has "$md/modules.alias" '^alias fs-squashfs squashfs$' "modules.alias: fs-squashfs"
		# Every path modules.dep names is inside, and nothing else is.
		sed 's/:.*//; s/ /\n/g' "$md/modules.dep" | sed 's/:$//' | LC_ALL=C sort -u >dep.paths
		sed 's/^[^:]*: *//' "$md/modules.dep" | tr ' ' '\n' | sed '/^$/d' | LC_ALL=C sort -u >dep.deps
		(cd "$md" && find kernel -name '*.ko*' | LC_ALL=C sort) >have.paths
		check "modules.dep lists exactly the modules inside" cmp -s dep.paths have.paths
		check "every dependency is inside" sh -c 'LC_ALL=C comm -23 dep.deps have.paths | grep -q . && exit 1 || exit 0'
		has sa.root/etc/netinit.conf '^netinit.mode=standalone$' "standalone: netinit.mode"
		has sa.root/etc/netinit.conf '^netinit.url=http://10.0.2.100/i.sqfs$' "standalone: netinit.url"
		hasnt sa.root/etc/netinit.conf '^netinit.(sha256|size)=' "standalone: no pin unless asked"
		# Same bytes again.
		check "standalone: second run" "$gen" --standalone --modules "$moddir" --netinit netinit \
			--url http://10.0.2.100/i.sqfs --output sa2.igz
		check "standalone: two runs give identical bytes" cmp -s sa.igz sa2.igz
	else
		bad "--standalone: $(cat sa.out)"
	fi
	# --add-modules by name and by glob, with dependencies; --firmware
	# (nothing the modules ask for is in fw/: the run must still work);
	# --image pins the image in the standalone conf.
	mkdir -p fw
	if "$gen" --standalone --modules "$moddir" --netinit netinit --output sa3.igz --firmware fw \
		--add-modules tun,'kernel/drivers/net/macvtap.ko' --image image.sqfs >sa3.out 2>&1 &&
		list sa3.igz sa3.lst; then
		has sa3.lst '^E [^ ]*/drivers/net/tun\.ko ' "--add-modules by name"
		has sa3.lst '^E [^ ]*/drivers/net/macvtap\.ko ' "--add-modules by glob"
		has sa3.lst '^E [^ ]*/drivers/net/tap\.ko ' "--add-modules pulls dependencies"
		has sa3.out ', 0 firmware files$' "--firmware summary"
		unpack_main sa3.igz sa3.lst sa3.root
		has sa3.root/etc/netinit.conf "^netinit.sha256=$imgsha\$" "standalone --image: netinit.sha256"
		has sa3.root/etc/netinit.conf "^netinit.size=$imgsize\$" "standalone --image: netinit.size"
		has sa3.root/etc/netinit.conf '^netinit.mode=standalone$' "standalone --image: mode kept"
	else
		bad "--add-modules: $(cat sa3.out)"
	fi
	# --base merge: the base already has squashfs; the union is depmod'ed.
	if base_case merge early-xz.igz --modules "$moddir"; then
		check_converted merge
		check "merge: squashfs once" [ "$(grep -c "^E lib/modules/$ver/kernel/fs/squashfs/squashfs" merge.lst)" = 1 ]
		has merge.lst "^E lib/modules/$ver/kernel/drivers/net/virtio_net\\.ko " "merge: virtio_net added"
		unpack_main merge.igz merge.lst merge.root
		has "merge.root/lib/modules/$ver/modules.dep" '^kernel/fs/squashfs/squashfs\.ko:' "merge: modules.dep has the base's"
		has "merge.root/lib/modules/$ver/modules.dep" '^kernel/drivers/net/virtio_net\.ko:' "merge: modules.dep has ours"
	fi
	echo "module cases: $(($(date +%s) - t0)) s"
else
	skipped "module checks: no lab kernel (sh tests/lab/kernel.sh)"
fi

# ---------------------------------------------------------------- combined

bsize=$(wc -c <odd.igz)
pad=$(((4 - bsize % 4) % 4))
check "odd base size is not a multiple of 4" [ "$pad" != 0 ]
if "$gen" combined --base odd.igz --image image.sqfs --output comb.igz >comb.out 2>&1 &&
	list comb.igz comb.lst; then
	ok
	check "combined: base unchanged at the front" cmp -s -n "$bsize" odd.igz comb.igz
	check "combined: zero padding" sh -c "tail -c +$((bsize + 1)) comb.igz | head -c $pad | cmp -s - /dev/zero -n $pad"
	has comb.lst "^SEG $((bsize + pad)) newc$" "combined: image segment at a 4-byte boundary"
	has comb.lst "^E image.squashfs 100644 0:0 0 $imgsize 0,0 $(sha16 image.sqfs)$" "combined: image entry"
	# GNU cpio reads our hand-written newc too.
	rm -rf comb.x && mkdir comb.x
	check "combined: GNU cpio reads the image segment" \
		sh -c "cd comb.x && tail -c +$((bsize + pad + 1)) ../comb.igz | cpio -i -d --quiet"
	check "combined: GNU cpio extracts the image" cmp -s image.sqfs comb.x/image.squashfs
	check "combined: second run" "$gen" combined --base odd.igz --image image.sqfs --output comb2.igz
	check "combined: two runs give identical bytes" cmp -s comb.igz comb2.igz
else
	bad "combined: $(cat comb.out comb.lst 2>/dev/null | tail -n 3)"
fi
rc=0
list naive.igz naive.lst || rc=$?
check "model: plain cat of an odd base fails like the kernel" [ "$rc" = 3 ]
has naive.lst 'invalid magic' "model: invalid magic"
if "$gen" combined --base gk.igz --image image.sqfs --dest /live/sub/image.squashfs.img \
	--output comb3.igz >/dev/null 2>comb3.err && list comb3.igz comb3.lst; then
	has comb3.lst '^E live 40755 0:0 0 0 ' "combined: parent directory entries"
	has comb3.lst '^E live/sub 40755 0:0 0 0 ' "combined: nested parent"
	has comb3.lst '^E live/sub/image.squashfs.img 100644 ' "combined: --dest"
else
	bad "combined --dest: $(cat comb3.err)"
fi
# A combined initrd as --base: its image segment is merged like any other.
if base_case combase comb.igz; then
	has combase.lst "^E image.squashfs 100644 0:0 0 $imgsize " "--base on a combined initrd keeps the image"
fi

# ---------------------------------------------------------------- QEMU

# boot NAME INITRD: boots the lab kernel with INITRD, console in NAME.log.
boot() {
	timeout 180 qemu-system-x86_64 -accel tcg -m 256 -nographic -no-reboot \
		-kernel "$kroot/vmlinuz" -initrd "$2" -append "console=ttyS0 no_timer_check panic=-1" \
		-nic none </dev/null >"$1.log" 2>&1 || true
	tr -d '\r' <"$1.log" >"$1.log.txt"
}

if [ -n "${NO_QEMU-}" ]; then
	skipped "QEMU boots: NO_QEMU is set"
elif ! [ -s "$kroot/vmlinuz" ] || ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	skipped "QEMU boots: no lab kernel (sh tests/lab/kernel.sh) or no qemu-system-x86_64"
else
	t0=$(date +%s)
	boot comb comb.igz
	has comb.log.txt "^IMAGE-SIZE=$imgsize$" "QEMU combined: image arrived whole"
	has comb.log.txt "^IMAGE-SHA256=$(sha256sum <image.sqfs | cut -d" " -f1)$" "QEMU combined: image content"
	hasnt comb.log.txt 'invalid magic|Initramfs unpacking failed' "QEMU combined: clean unpack"
	boot naive naive.igz
	has naive.log.txt 'Initramfs unpacking failed: invalid magic' "QEMU: plain cat fails as documented"
	has naive.log.txt '^IMAGE-SIZE=missing$' "QEMU: plain cat loses the image"

	# A stand-in netinit that honours the handoff contract: read
	# /etc/netinit.conf, exec netinit.init with our argv, else power off.
	cat >stub.c <<'EOF'
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>
int main(int argc, char **argv, char **envp)
{
	char line[512], init[256] = "";
	FILE *f = fopen("/etc/netinit.conf", "r");

	printf("STUB pid=%d argc=%d\n", (int)getpid(), argc);
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		printf("STUB-CONF %s\n", line);
		if (strncmp(line, "netinit.init=", 13) == 0)
			snprintf(init, sizeof(init), "%s", line + 13);
	}
	fflush(stdout);
	if (init[0]) {
		execve(init, argv, envp);
		perror("STUB exec");
	}
	reboot(RB_POWER_OFF);
	return 1;
}
EOF
	if cc -static -Os -o stub stub.c 2>stub.err; then
		if [ -z "$ver" ]; then
			skipped "QEMU standalone and base boots: no lab kernel modules"
		elif "$gen" --standalone --modules "$moddir" --netinit stub --output sastub.igz >/dev/null 2>sastub.err; then
			boot sastub sastub.igz
			has sastub.log.txt '^STUB pid=1 ' "QEMU standalone: /init runs with a console"
			has sastub.log.txt '^STUB-CONF netinit.mode=standalone$' "QEMU standalone: config read"
		else
			bad "QEMU standalone: gen_initramfs.sh: $(cat sastub.err)"
		fi
		# Base mode: early segment + xz genkernel-like base whose /init
		# loads modules from the merged set.
		mkroot bq
		cat >bq/init <<'EOF'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
echo "ORIG-INIT pid=$$ arg0=$0"
/bin/busybox modprobe virtio_net && echo "MOD-VIRTIO_NET-OK"
/bin/busybox modprobe squashfs && /bin/busybox grep -q squashfs /proc/filesystems && echo "MOD-SQUASHFS-OK"
/bin/busybox poweroff -f
EOF
		chmod 755 bq/init
		mkdir -p bq/proc bq/sys
		ln -s init bq/linuxrc
		: >bq/etc/initrd.scripts
		{ cat early1.cpio; mkcpio bq | xz --check=crc32 -9; } >bq.igz
		if [ -n "$ver" ] && "$gen" --base bq.igz --netinit stub --modules "$moddir" \
			--output bqout.igz >/dev/null 2>bq.err; then
			boot bq bqout.igz
			has bq.log.txt '^STUB pid=1 ' "QEMU base: netinit runs first"
			has bq.log.txt '^STUB-CONF netinit.init=/init.orig$' "QEMU base: conf names /init.orig"
			has bq.log.txt '^ORIG-INIT pid=1 ' "QEMU base: original init runs as PID 1"
			has bq.log.txt '^MOD-VIRTIO_NET-OK$' "QEMU base: merged virtio_net loads with deps"
			has bq.log.txt '^MOD-SQUASHFS-OK$' "QEMU base: squashfs loads"
			hasnt bq.log.txt 'Initramfs unpacking failed' "QEMU base: clean unpack"
		elif [ -n "$ver" ]; then
			bad "QEMU base: gen_initramfs.sh: $(cat bq.err)"
		fi
	else
		skipped "QEMU stub boots: no static C compiler ($(head -n 1 stub.err))"
	fi
	echo "QEMU boots: $(($(date +%s) - t0)) s"
fi

finished=1
