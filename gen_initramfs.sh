#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# gen_initramfs.sh: builds the initrds netinit boots from (DESIGN.md):
#   --standalone   a fresh initrd: netinit as /init, its config, device nodes
#                  and the kernel modules it needs (NICs, virtio, loop,
#                  squashfs, overlay);
#   --base INITRD  an existing genkernel or dracut initrd with netinit as
#                  /init in front of the original one (kept as /init.orig);
#   combined       INITRD followed, at a 4-byte boundary, by an uncompressed
#                  newc segment holding the live image, as Gentoo's seed does.
# Initrd layout: Documentation/driver-api/early-userspace/buffer-format.rst
# and init/initramfs.c (segments, zero padding, the 4-byte rule).
# Output is reproducible: sorted names, fixed mtimes (SOURCE_DATE_EPOCH or 0),
# cpio --reproducible, gzip -n.
# --base unpacks INITRD as root with GNU cpio: give it initrds you trust
# (cpio before 2.14 writes through symlinks the archive itself made).
set -eu
PATH="$PATH:/usr/sbin:/sbin"
umask 022

prog=gen_initramfs.sh
nl='
'

usage() {
	cat <<EOF
usage:
  $prog --standalone --modules DIR --netinit BIN [OPTIONS] --output OUT
  $prog --base INITRD --netinit BIN [--modules DIR] [OPTIONS] --output OUT
  $prog --iso ISO --netinit BIN [--modules DIR] [OPTIONS] --output OUT
  $prog --fetch-release MIRROR --keyring FILE --netinit BIN [--modules DIR]
        [OPTIONS] --output OUT
  $prog combined --base INITRD --image IMAGE [--dest PATH] --output OUT

  --standalone       build a fresh initrd; netinit mounts the image itself
  --base INITRD      start from an existing initrd (genkernel gentoo.igz,
                     dracut); its /init moves to /init.orig, netinit hands
                     off to it (gzip, xz, zstd, lzma, bzip2, lz4, lzo or
                     plain segments; a leading uncompressed microcode
                     segment is kept as it is)
  --iso ISO          a Gentoo install-amd64-minimal ISO: its /boot/gentoo,
                     /boot/gentoo.igz (the --base) and /image.squashfs (the
                     pinned --image) are extracted next to OUT, and the boot
                     files below are written there
  --fetch-release MIRROR  as --iso with the latest minimal ISO of a Gentoo
                     mirror (releases/amd64/autobuilds/latest-install-amd64-
                     minimal.txt), downloaded next to OUT and checked against
                     its PGP-signed DIGESTS (SHA512, BLAKE2B)
  --keyring FILE     --fetch-release: the OpenPGP keyring (binary, as 'gpg
                     --export' writes it) holding Gentoo's release key; the
                     DIGESTS must carry a good signature from a key in it
                     (gpgv); see docs/recipes.md for the key
  --insecure         --fetch-release without a verified signature: goes on,
                     with a warning, when the DIGESTS are unsigned, badly
                     signed or missing (anyone on the path picks the image)
  --boot-url URL     where OUT's directory will be served (http://HOST/DIR/):
                     writes the boot files next to OUT: boot.ipxe (fetch),
                     stream.ipxe (netinit.stream=on; standalone and dracut,
                     when the pin allows streaming: verity or none),
                     combined.ipxe (+ combined.igz), altcombine.ipxe (iPXE
                     appends the image, initrd.magic), altcombine-efi.ipxe
                     (+ image.cpio, for old iPXE on EFI), pxelinux.cfg/default
                     and boot/grub/grub.cfg (where grub-mknetdir's images
                     look; both also get a 'stream' entry when stream.ipxe
                     is written), each with the next stage's command line;
                     default with --iso: the directory of the first --url
  --append ARGS      more kernel arguments for those boot files
  --menu-timeout S   pxelinux and GRUB boot their default entry after S
                     seconds with no key pressed (default 3; 0: at once,
                     no prompt; -1: wait for a key, never unattended)
  --menu-default ID  the entry they boot: netinit (default: fetch mode),
                     stream (when written), or a label you add to those
                     files yourself
  --kernel-name NAME the kernel's file name in that directory (default gentoo)
  --netinit BIN      the static netinit binary (build/netinit, from 'make')
  --modules DIR      kernel modules directory lib/modules/<ver>: NIC drivers,
                     virtio, loop, squashfs, overlay and their dependencies
                     are copied, then depmod runs on the result
  --kver VER         kernel version when DIR's basename is not it
  --add-modules L    more modules: comma-separated module names (r8152) or
                     path globs under DIR (kernel/drivers/net/usb/*)
  --firmware FWDIR   copy the firmware the chosen modules ask for (modinfo)
                     from FWDIR (e.g. /lib/firmware) where present
  --url URL[,URL]    netinit.url= for /etc/netinit.conf (http:// only);
                     without it the kernel command line must give it
  --conf KEY=VALUE   one more /etc/netinit.conf line (repeatable), e.g.
                     --conf netinit.onerror=shell
  --sha256 HEX       netinit.sha256= for /etc/netinit.conf: the image's
                     sha256sum (64 hex digits); netinit refuses any other
  --image IMAGE      --standalone/--base: pin this image: its sha256sum and
                     size become netinit.sha256= and netinit.size=;
                     combined: the file to append; a squashfs 4.0 either
                     way, checked as netinit checks it (magic, version,
                     block size, not truncated)
  --verity           with --image (or --iso, --fetch-release): also write the
                     image's dm-verity hash tree as IMAGE.verity, next to it
                     (veritysetup format; salt and UUID derived from the
                     image's sha256, so the same image always gets the same
                     tree and root hash; rewritten only when it differs) and
                     pin its root hash as netinit.verity=: the pinned image
                     can then be streamed (netinit.stream=on|auto). Serve
                     IMAGE.verity next to the image on every mirror: netinit
                     fetches <image URL>.verity. Needs veritysetup
                     (cryptsetup-bin) and an image size that is a multiple of
                     4096 (mksquashfs pads so unless -nopad)
  --no-verity        pin by sha256 only (such an image is fetched, never
                     streamed). Default: --verity when veritysetup is
                     installed and the image qualifies, else one line says
                     why there is no tree
  --dest PATH        combined: its path in the initramfs (default
                     /image.squashfs; dracut root=live: wants
                     /image.squashfs.img or what root=live: names)
  --output OUT       the archive to write (via OUT.tmp, then renamed); with
                     --boot-url, --iso or --fetch-release its file name (and
                     --image's) goes into the boot files: no blanks or quotes
  -h, --help         this text

--standalone and --base need root (or fakeroot): device nodes and owners.
Environment: SOURCE_DATE_EPOCH sets the mtime of every entry (default 0).
EOF
}

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 1
}

usage_err() {
	printf '%s: %s (see %s --help)\n' "$prog" "$*" "$prog" >&2
	exit 2
}

need_tool() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			die "'$t' not found; install it (Debian: make deps; Gentoo: emerge the package providing it)"
	done
}

# ---------------------------------------------------------------- arguments

mode=""
standalone=0
base="" netinit="" moddir="" kver="" addmods="" fwdir="" urls="" confs=""
image="" dest="" output="" sha256="" pin_sha256="" pin_size=""
iso="" release="" boot_url="" append="" kernel_name=gentoo stage=""
menu_timeout=3 menu_default=netinit
keyring="" keyring_abs="" insecure=0 image_what=""
verity=auto pin_verity="" verity_tree=""
seen=""

if [ "${1-}" = combined ]; then
	mode=combined
	shift
fi
while [ $# -gt 0 ]; do
	opt=$1
	hasval=0
	case $opt in
	--*=*)
		val=${opt#*=}
		opt=${opt%%=*}
		hasval=1
		;;
	esac
	case $opt in
	-h | --help)
		usage
		exit 0
		;;
	--standalone)
		[ "$hasval" = 0 ] || usage_err "$opt takes no value"
		standalone=1
		;;
	--insecure)
		[ "$hasval" = 0 ] || usage_err "$opt takes no value"
		insecure=1
		;;
	--verity | --no-verity)
		[ "$hasval" = 0 ] || usage_err "$opt takes no value"
		case " $seen " in
		*" --verity "* | *" --no-verity "*) usage_err "--verity and --no-verity: give one of them, once" ;;
		esac
		seen="$seen $opt"
		verity=on
		[ "$opt" = --verity ] || verity=off
		;;
	--base | --netinit | --modules | --kver | --add-modules | --firmware | --url | --conf | \
		--image | --dest | --output | -o | --sha256 | --iso | --fetch-release | --boot-url | \
		--append | --kernel-name | --keyring | --menu-timeout | --menu-default)
		if [ "$hasval" = 0 ]; then
			[ $# -ge 2 ] || usage_err "$opt needs a value"
			val=$2
			shift
		fi
		case $val in
		*"$nl"*) usage_err "$opt: value holds a newline" ;;
		esac
		case $opt in
		--url) urls=${urls:+$urls,}$val ;;
		--conf) confs=$confs$val$nl ;;
		--add-modules) addmods=${addmods:+$addmods,}$val ;;
		*)
			case " $seen " in
			*" $opt "*) usage_err "$opt given twice" ;;
			esac
			seen="$seen $opt"
			case $opt in
			--base) base=$val ;;
			--netinit) netinit=$val ;;
			--modules) moddir=${val%/} ;;
			--kver) kver=$val ;;
			--firmware) fwdir=${val%/} ;;
			--image) image=$val ;;
			--sha256) sha256=$val ;;
			--dest) dest=$val ;;
			--iso) iso=$val ;;
			--fetch-release) release=$val ;;
			--boot-url) boot_url=$val ;;
			--append) append=$val ;;
			--kernel-name) kernel_name=$val ;;
			--keyring) keyring=$val ;;
			--menu-timeout) menu_timeout=$val ;;
			--menu-default) menu_default=$val ;;
			--output | -o) output=$val ;;
			esac
			;;
		esac
		;;
	combined) usage_err "'combined' must come first" ;;
	*) usage_err "unknown argument '$opt'" ;;
	esac
	shift
done

if [ -n "$iso$release" ]; then
	if [ -n "$mode$base" ] || [ "$standalone" = 1 ]; then
		usage_err "--iso and --fetch-release bring their own base initrd: no --base, --standalone or combined"
	fi
	[ -z "$iso" ] || [ -z "$release" ] || usage_err "--iso and --fetch-release exclude each other; pick one"
	[ -z "$image$sha256" ] || usage_err "--iso and --fetch-release pin the ISO's image.squashfs: no --image or --sha256"
	mode=base
fi
if [ -z "$release" ] && { [ -n "$keyring" ] || [ "$insecure" = 1 ]; }; then
	usage_err "--keyring and --insecure belong to --fetch-release"
fi
if [ -n "$release" ] && [ -n "$keyring" ] && [ "$insecure" = 1 ]; then
	usage_err "--keyring and --insecure exclude each other; pick one"
fi
if [ -n "$release" ] && [ -z "$keyring" ] && [ "$insecure" = 0 ]; then
	usage_err "--fetch-release needs --keyring FILE, a keyring with Gentoo's release key (docs/recipes.md says where it comes from), to check the signed DIGESTS; --insecure skips that check"
fi
if [ -z "$mode" ]; then
	if [ "$standalone" = 1 ] && [ -n "$base" ]; then
		usage_err "--standalone and --base exclude each other; pick one"
	elif [ "$standalone" = 1 ]; then
		mode=standalone
	elif [ -n "$base" ]; then
		mode=base
	else
		usage_err "say what to build: --standalone, --base INITRD or combined"
	fi
fi
[ -n "$output" ] || usage_err "--output OUT is required"
if [ "$mode" = combined ]; then
	[ "$standalone" = 0 ] || usage_err "combined takes no --standalone"
	for o in --netinit --modules --kver --firmware; do
		case " $seen " in *" $o "*) usage_err "combined takes no $o (build the base first)" ;; esac
	done
	case " $seen " in
	*" --menu-timeout "* | *" --menu-default "*) usage_err "combined writes no boot files: no --menu-timeout or --menu-default" ;;
	esac
	[ -z "$urls$confs$addmods$sha256" ] || usage_err "combined takes no --url, --conf, --sha256 or --add-modules (build the base first)"
	[ "$verity" = auto ] || usage_err "combined takes no --verity or --no-verity (the image is packed into the initrd, never streamed)"
	[ -n "$base" ] || usage_err "combined needs --base INITRD"
	[ -n "$image" ] || usage_err "combined needs --image IMAGE"
else
	[ -z "$dest" ] || usage_err "--dest belongs to 'combined'"
	if [ -z "$boot_url" ] && [ -n "$iso$release" ]; then
		[ -n "$urls" ] || usage_err "--iso and --fetch-release write boot files: give --boot-url http://SERVER/DIR/ (where OUT's directory is served) or --url"
		boot_url=${urls%%,*}
		boot_url=${boot_url%/*}/
	fi
	case $boot_url in
	'' | http://?*/ | https://?*/ | tftp://?*/) ;;
	http://?* | https://?* | tftp://?*) boot_url=$boot_url/ ;;
	*) usage_err "--boot-url $boot_url: give http://SERVER/DIR/ (or https://, tftp://)" ;;
	esac
	case $boot_url$kernel_name in
	*[[:space:]\"\']*) usage_err "--boot-url, --kernel-name: no blanks or quotes (percent-encode them)" ;;
	esac
	case $kernel_name in
	'' | */* | . | ..) usage_err "--kernel-name $kernel_name: a plain file name, e.g. vmlinuz" ;;
	esac
	case $menu_timeout in
	-1 | 0 | [1-9] | [1-9][0-9] | [1-9][0-9][0-9]) ;;
	*) usage_err "--menu-timeout $menu_timeout: seconds, 0 to 999 (0: boot at once; -1: wait for a key)" ;;
	esac
	case $menu_default in
	'' | *[!A-Za-z0-9._-]*) usage_err "--menu-default $menu_default: a label of letters, digits, '.', '_', '-' (default netinit)" ;;
	esac
	case " $seen " in
	*" --menu-timeout "* | *" --menu-default "*)
		[ -n "$boot_url" ] || usage_err "--menu-timeout and --menu-default set the boot files: give --boot-url too" ;;
	esac
	if [ -n "$boot_url" ]; then
		# Both names go into the boot files' kernel/initrd lines.
		for o in --output --image; do
			v=$output
			[ "$o" = --output ] || v=$image
			case $(basename -- "${v:-x}") in
			*[[:space:]\"\']*) usage_err "$o $v: the boot files name this file: no blanks or quotes in its name (rename it)" ;;
			esac
		done
	fi
	[ -n "$netinit" ] || usage_err "--netinit BIN is required"
	if [ "$verity" = on ] && [ -z "$image$iso$release" ]; then
		usage_err "--verity hashes the image: give --image IMAGE (for a --sha256 pin, run 'veritysetup format IMAGE IMAGE.verity' yourself and add --conf netinit.verity=ROOTHASH)"
	fi
	if [ "$mode" = standalone ] && [ -z "$moddir" ]; then
		usage_err "--standalone needs --modules DIR (lib/modules/<ver>)"
	fi
	[ -n "$moddir" ] || [ -z "$kver$addmods$fwdir" ] ||
		usage_err "--kver, --add-modules and --firmware need --modules DIR"
fi

epoch=${SOURCE_DATE_EPOCH:-0}
case $epoch in
'' | *[!0-9]*) die "SOURCE_DATE_EPOCH='$epoch': expected seconds since 1970 (digits only)" ;;
esac

# ---------------------------------------------------------------- checks

check_readable() { # OPT FILE
	[ -e "$2" ] || die "$1 $2: no such file"
	[ -f "$2" ] || die "$1 $2: not a regular file"
	[ -r "$2" ] || die "$1 $2: not readable"
}

check_output() {
	d=$(dirname -- "$output")
	[ -d "$d" ] || die "--output $output: directory $d does not exist; create it first"
	[ ! -d "$output" ] || die "--output $output: is a directory; name the file to write"
	# Found now, not as a shell error half way (read-only, no permission).
	co_probe=$(mktemp "$d/.gen_initramfs.XXXXXX" 2>/dev/null) ||
		die "--output $output: cannot create files in $d (read-only or no permission); pick a writable directory"
	rm -f -- "$co_probe"
}

# le FILE OFF N: the N little-endian bytes at OFF as one hex number (lower
# case, most significant digit first).
le() { od -An -v -tx1 -j "$2" -N "$3" -- "$1" | awk '{ for (i = NF; i >= 1; i--) s = s $i } END { print s }'; }

# check_squashfs WHAT FILE: the superblock checks netinit makes before it
# hands an image on (src/squashfs.c, after the kernel's squashfs_fill_super):
# magic, version 4.0, block size, and bytes_used within the file.
check_squashfs() {
	sq_size=$(fsize "$2")
	[ "$sq_size" -ge 96 ] ||
		die "$1: $sq_size bytes, too short for a squashfs superblock (96); give the squashfs image"
	[ "$(hexat "$2" 0 4)" = 68737173 ] ||
		die "$1: not a squashfs image (no hsqs magic at offset 0); give the squashfs image itself (e.g. the ISO's /image.squashfs), not the ISO or an archive"
	sq_major=$((0x$(le "$2" 28 2)))
	sq_minor=$((0x$(le "$2" 30 2)))
	if [ "$sq_major" != 4 ] || [ "$sq_minor" != 0 ]; then
		die "$1: squashfs version $sq_major.$sq_minor; netinit and the kernel read 4.0 only (mksquashfs 4.x writes it)"
	fi
	sq_log=$((0x$(le "$2" 22 2)))
	sq_bs=$((0x$(le "$2" 12 4)))
	if [ "$sq_log" -lt 12 ] || [ "$sq_log" -gt 20 ] || [ "$sq_bs" != $((1 << sq_log)) ]; then
		die "$1: squashfs block size $sq_bs (log $sq_log) is not a power of two from 4 KiB to 1 MiB: a corrupt superblock"
	fi
	sq_used=$(le "$2" 40 8)
	case $sq_used in
	[89a-f]*) die "$1: the squashfs superblock says 0x$sq_used bytes: a corrupt superblock" ;;
	esac
	sq_used=$((0x$sq_used))
	if [ "$sq_used" -gt "$sq_size" ]; then
		die "$1: the squashfs superblock says $sq_used bytes, the file has $sq_size: truncated (an incomplete copy?)"
	fi
}

# netinit runs as PID 1 before any library exists: static ELF only.
check_netinit() {
	check_readable --netinit "$netinit"
	[ -x "$netinit" ] || die "--netinit $netinit: not executable; chmod +x it or build it with 'make'"
	magic=$(od -An -tx1 -N 4 -- "$netinit" | tr -d ' \n')
	[ "$magic" = 7f454c46 ] || die "--netinit $netinit: not an ELF binary (a script cannot be /init here); build it with 'make'"
	need_tool readelf
	if LC_ALL=C readelf -lW -- "$netinit" 2>/dev/null | grep -q 'Requesting program interpreter'; then
		die "--netinit $netinit: dynamically linked; build it static ('make' uses klcc -static)"
	fi
	if LC_ALL=C readelf -dW -- "$netinit" 2>/dev/null | grep -q '(NEEDED)'; then
		die "--netinit $netinit: needs shared libraries; build it static ('make' uses klcc -static)"
	fi
	case $(LC_ALL=C readelf -hW -- "$netinit" 2>/dev/null | sed -n 's/^ *Type: *//p') in
	EXEC* | DYN*) ;;
	*) die "--netinit $netinit: not an executable ELF file (object or core?); build it with 'make'" ;;
	esac
}

check_modules() {
	[ -d "$moddir" ] || die "--modules $moddir: not a directory; give lib/modules/<ver>"
	[ -f "$moddir/modules.dep" ] ||
		die "--modules $moddir: no modules.dep; give lib/modules/<ver> and run 'depmod -b ROOT <ver>' first"
	[ -n "$kver" ] || kver=$(basename -- "$moddir")
	case $kver in
	'' | . | .. | */*) die "--kver '$kver': not a kernel version" ;;
	esac
	need_tool depmod
	if [ -n "$fwdir" ]; then
		[ -d "$fwdir" ] || die "--firmware $fwdir: not a directory"
		need_tool modinfo
	fi
}

check_url() {
	n=0
	rest=$urls,
	while [ -n "$rest" ]; do
		u=${rest%%,*}
		rest=${rest#*,}
		n=$((n + 1))
		case $u in
		[Hh][Tt][Tt][Pp]://*) ;;
		'') die "--url '$urls': empty URL in the list" ;;
		*) die "--url $u: only http:// URLs are supported (netinit has no TLS; pin the image with netinit.sha256)" ;;
		esac
		case $u in
		*[[:space:]]* | *'"'*) die "--url $u: spaces and quotes are not allowed; percent-encode them" ;;
		esac
		[ ${#u} -lt 512 ] || die "--url $u: longer than netinit's 511 characters"
	done
	[ "$n" -le 8 ] || die "--url: $n URLs, netinit takes at most 8"
}

check_conf() {
	printf '%s' "$confs" | while IFS= read -r c; do
		key=${c%%=*}
		case $c in
		*=*) ;;
		*) die "--conf '$c': expected KEY=VALUE (flags too: netinit.debug=1)" ;;
		esac
		case $key in
		'' | *[!A-Za-z0-9_.-]*) die "--conf '$c': bad key '$key' (letters, digits, . _ - only)" ;;
		netinit.url | fetch)
			[ -z "$urls" ] || die "--conf $key= and --url both give the URLs; give them once"
			;;
		esac
	done
}

# check_pin: --sha256 and --image become the netinit.sha256= and netinit.size=
# lines (pin_sha256, pin_size); the image itself is not packed.
check_pin() {
	pin_sha256="" pin_size=""
	if [ -n "$sha256" ]; then
		case $sha256 in
		*[!0-9A-Fa-f]*) pin_ok=0 ;;
		*) pin_ok=1 ;;
		esac
		if [ "$pin_ok" = 0 ] || [ ${#sha256} != 64 ]; then
			die "--sha256 '$sha256': expected 64 hex digits (the first word of 'sha256sum IMAGE'), or give --image IMAGE"
		fi
		pin_sha256=$(printf '%s' "$sha256" | tr A-F a-f)
	fi
	if [ -n "$image" ]; then
		check_readable --image "$image"
		need_tool sha256sum
		pin_size=$(fsize "$image")
		[ "$pin_size" -gt 0 ] || die "--image $image: empty file; give the squashfs image netinit will fetch"
		check_squashfs "${image_what:---image $image}" "$image"
		img_sha=$(sha256sum <"$image" | cut -d' ' -f1)
		[ -z "$pin_sha256" ] || [ "$pin_sha256" = "$img_sha" ] ||
			die "--sha256 $pin_sha256 is not the digest of --image $image ($img_sha); give one of them"
		pin_sha256=$img_sha
	fi
	[ -n "$pin_sha256" ] || return 0
	case $nl$confs in
	*"${nl}netinit.sha256="*) die "--conf netinit.sha256= and --sha256/--image both give the digest; give it once" ;;
	esac
	case $nl$confs in
	*"${nl}netinit.size="*) [ -z "$pin_size" ] || die "--conf netinit.size= and --image both give the size; give it once" ;;
	esac
	[ -z "$image" ] || verity_plan
}

# verity_plan: whether this run writes IMAGE.verity and pins its root hash
# (verity_do=1). --verity: it must, or one line says why not; by default
# when it can, else a note on stderr; --no-verity or a root hash given with
# --conf netinit.verity=: never.
verity_plan() {
	verity_do=0
	case $nl$confs in
	*"${nl}netinit.verity="*)
		[ "$verity" != on ] || die "--conf netinit.verity= and --verity both give the root hash; give it once"
		return 0
		;;
	esac
	[ "$verity" != off ] || return 0
	vp_why=""
	if ! command -v veritysetup >/dev/null 2>&1; then
		vp_why="'veritysetup' not found; install it (Debian: apt-get install cryptsetup-bin; Gentoo: emerge sys-fs/cryptsetup)"
	elif [ $((pin_size % 4096)) != 0 ]; then
		vp_why="${image_what:---image $image}: $pin_size bytes, not a multiple of 4096: dm-verity would leave its last $((pin_size % 4096)) bytes unchecked and unreadable (mksquashfs pads to 4 KiB unless -nopad)"
	elif ! vp_probe=$(mktemp "$(dirname -- "$image")/.gen_initramfs.XXXXXX" 2>/dev/null); then
		vp_why="cannot create $image.verity (read-only or no permission); copy the image to a writable directory"
	else
		rm -f -- "$vp_probe"
		verity_do=1
		return 0
	fi
	[ "$verity" = auto ] || die "--verity: $vp_why"
	vp_name=$image
	# --iso, --fetch-release: the image's final place, not the staging dir
	[ -z "$image_what" ] || vp_name=$(dirname -- "$output")/image.squashfs
	echo "$prog: no dm-verity hash tree for $vp_name: $vp_why; it is pinned by sha256 only, so netinit fetches it and never streams it (--no-verity: no such note)" >&2
}

# verity_make: the hash tree of $image into $tmp/verity, and its root hash
# into pin_verity. Salt and UUID come from the image's sha256, so the same
# image always gets the same tree (an older initrd's pin stays valid, mirrors
# stay identical); the parameters are veritysetup's defaults, spelt out.
verity_make() {
	[ "$verity_do" = 1 ] || return 0
	vm_uuid=$(printf '%s\n' "$pin_sha256" |
		sed 's/^\(.\{8\}\)\(.\{4\}\)\(.\{4\}\)\(.\{4\}\)\(.\{12\}\).*/\1-\2-\3-\4-\5/')
	veritysetup format --format=1 --hash=sha256 --data-block-size=4096 --hash-block-size=4096 \
		--salt="$pin_sha256" --uuid="$vm_uuid" "$image" "$tmp/verity" >"$tmp/verity.out" 2>&1 ||
		die "veritysetup format $image failed: $(grep -m 1 . "$tmp/verity.out")"
	pin_verity=$(sed -n 's/^Root hash:[[:space:]]*//p' "$tmp/verity.out")
	case $pin_verity in
	'' | *[!0-9a-f]*) die "veritysetup format $image printed no root hash ('$pin_verity'); is it cryptsetup 2.x?" ;;
	esac
}

# verity_install: $tmp/verity becomes $image.verity (via .tmp, then renamed)
# unless that file already holds the same tree (its mtime, and so a web
# server's ETag, stays).
verity_install() {
	[ "$verity_do" = 1 ] || return 0
	verity_tree=$image.verity
	verity_state=unchanged
	if ! [ -f "$verity_tree" ] || ! cmp -s -- "$tmp/verity" "$verity_tree"; then
		vt_tmp=$verity_tree.tmp
		cp -- "$tmp/verity" "$vt_tmp"
		chmod 0644 "$vt_tmp"
		mv -f -- "$vt_tmp" "$verity_tree"
		vt_tmp=""
		verity_state=written
	fi
}

# ---------------------------------------------------------------- helpers

# What a run creates and removes again when it ends early (an error, Ctrl-C):
# its temp dir, the --iso staging dir next to OUT, OUT.tmp, a download's
# .part, a boot file's .tmp.
tmp="" stagedir="" out_tmp="" part="" bf_tmp="" vt_tmp="" verity_do=0
cleanup() {
	for c_d in "$tmp" "$stagedir"; do
		[ -z "$c_d" ] || rm -rf -- "$c_d"
	done
	for c_f in "$out_tmp" "$part" "$bf_tmp" "$vt_tmp"; do
		[ -z "$c_f" ] || rm -f -- "$c_f"
	done
}

fsize() { wc -c <"$1" | tr -d ' '; }

# hexat FILE OFF N: N bytes at OFF as lower-case hex, no spaces.
hexat() { od -An -v -tx1 -j "$2" -N "$3" -- "$1" | tr -d ' \n'; }

# first_nonzero FILE OFF: prints the offset of the first non-zero byte at or
# after OFF; fails at end of file (the kernel skips zero padding likewise).
first_nonzero() {
	fz_off=$2
	fz_size=$(fsize "$1")
	while [ "$fz_off" -lt "$fz_size" ]; do
		fz_n=$(od -An -v -tx1 -j "$fz_off" -N 65536 -- "$1" |
			awk '{ for (i = 1; i <= NF; i++) { if ($i != "00") { print n + 0; exit } n++ } }')
		if [ -n "$fz_n" ]; then
			echo $((fz_off + fz_n))
			return 0
		fi
		fz_off=$((fz_off + 65536))
	done
	return 1
}

# trailing_zeros FILE END: how many zero bytes end the region before END.
trailing_zeros() {
	tz_lo=$(($2 > 4096 ? $2 - 4096 : 0))
	od -An -v -tx1 -j "$tz_lo" -N $(($2 - tz_lo)) -- "$1" |
		awk '{ for (i = 1; i <= NF; i++) { if ($i == "00") z++; else z = 0 } } END { print z + 0 }'
}

# magic_kind HEX: names the segment type the kernel would see.
magic_kind() {
	case $1 in
	303730373031* | 303730373032*) echo newc ;;
	1f8b* | 1f9e*) echo gzip ;;
	fd377a585a00*) echo xz ;;
	28b52ffd*) echo zstd ;;
	5d00*) echo lzma ;;
	425a68*) echo bzip2 ;;
	02214c18*) echo lz4 ;;
	894c5a4f*) echo lzo ;;
	*) echo unknown ;;
	esac
}

# cpio_segment FILE OFF DIR: runs cpio on the newc archive at OFF, extracting
# into DIR (or only listing it when DIR is -), and prints the offset just past
# its TRAILER!!! entry. cpio does not tell where it stopped, only how many
# 512-byte blocks it read; the trailer is the first valid TRAILER!!! header
# in the last 1 KiB it read.
cpio_segment() {
	cs_file=$1 cs_off=$2 cs_dir=$3
	if [ "$cs_dir" = - ]; then
		cs_rc=0
		tail -c +$((cs_off + 1)) -- "$cs_file" |
			LC_ALL=C cpio -i -t >/dev/null 2>"$tmp/cpio.err" || cs_rc=$?
	else
		cs_rc=0
		tail -c +$((cs_off + 1)) -- "$cs_file" |
			(cd "$cs_dir" && LC_ALL=C cpio -i -d -m -u --no-absolute-filenames) \
				>/dev/null 2>"$tmp/cpio.err" || cs_rc=$?
	fi
	cs_blocks=$(sed -n 's/^\([0-9][0-9]*\) blocks\{0,1\}$/\1/p' "$tmp/cpio.err")
	if [ "$cs_rc" != 0 ] || [ -z "$cs_blocks" ]; then
		cs_msg=$(grep -v '^[0-9][0-9]* blocks\{0,1\}$' "$tmp/cpio.err" | head -n 1)
		die "--base $base: cpio archive at offset $cs_off${cs_what:+ ($cs_what)}: ${cs_msg:-unreadable}; is the initrd complete?"
	fi
	cs_size=$(fsize "$cs_file")
	cs_hi=$((cs_off + cs_blocks * 512))
	[ "$cs_hi" -le "$cs_size" ] || cs_hi=$cs_size
	cs_lo=$((cs_hi - 1024 - 124))
	[ "$cs_lo" -ge "$cs_off" ] || cs_lo=$cs_off
	for cs_t in $(tail -c +$((cs_lo + 1)) -- "$cs_file" | head -c $((cs_hi - cs_lo)) |
		LC_ALL=C grep -obUa 'TRAILER!!!' | cut -d: -f1); do
		cs_h=$((cs_lo + cs_t - 110))
		if [ "$cs_h" -lt "$cs_off" ] || [ $(((cs_h - cs_off) % 4)) != 0 ]; then
			continue
		fi
		cs_hdr=$(tail -c +$((cs_h + 1)) -- "$cs_file" | head -c 110 | tr -d '\000')
		case $cs_hdr in
		07070[12]*) ;;
		*) continue ;;
		esac
		cs_fields=$(printf '%s' "$cs_hdr" | cut -c55-62,95-102)
		case $cs_fields in
		000000000000000[Bb]) ;;
		*) continue ;;
		esac
		echo $((cs_h + 124))
		return 0
	done
	die "--base $base: cannot find the end of the cpio archive at offset $cs_off; is the initrd complete?"
}

# scan_segments FILE: one line "KIND START END" per segment, END exclusive;
# a compressed segment runs to the next aligned newc magic or the end.
scan_segments() {
	ss_file=$1
	ss_size=$(fsize "$ss_file")
	LC_ALL=C grep -obUa -e 070701 -e 070702 -- "$ss_file" | cut -d: -f1 >"$tmp/newc.offsets" || true
	ss_off=0
	while ss_off=$(first_nonzero "$ss_file" "$ss_off"); do
		ss_kind=$(magic_kind "$(hexat "$ss_file" "$ss_off" 6)")
		case $ss_kind in
		newc)
			[ $((ss_off % 4)) = 0 ] ||
				die "--base $base: uncompressed segment at offset $ss_off is not 4-byte aligned (the kernel rejects it: invalid magic); pad the part before it"
			cs_what=""
			ss_end=$(cpio_segment "$ss_file" "$ss_off" -)
			;;
		unknown)
			if [ "$ss_off" = 0 ]; then
				die "--base $base: not a cpio archive (gzip, xz, zstd, lzma or plain newc expected)"
			fi
			die "--base $base: unknown data at offset $ss_off (gzip, xz, zstd, lzma or plain newc expected)"
			;;
		*)
			# The kernel reads on at the first 4-aligned "0" after the
			# stream; an unaligned newc after it is the plain-cat mistake.
			ss_end=$(awk -v o="$ss_off" '$1 > o { print; exit }' "$tmp/newc.offsets")
			if [ -n "$ss_end" ] && [ $((ss_end % 4)) != 0 ]; then
				die "--base $base: uncompressed segment at offset $ss_end is not 4-byte aligned (the kernel rejects it: invalid magic); pad the part before it"
			fi
			[ -n "$ss_end" ] || ss_end=$ss_size
			;;
		esac
		echo "$ss_kind $ss_off $ss_end"
		ss_off=$ss_end
	done
}

decompressor() {
	case $1 in
	gzip) echo "gzip -dc" ;;
	xz) echo "xz -dc" ;;
	lzma) echo "xz --format=lzma -dc" ;;
	zstd) echo "zstd -dcq" ;;
	bzip2) echo "bzip2 -dcq" ;;
	lz4) echo "lz4 -dcq" ;;
	lzo) echo "lzop -dcq" ;;
	esac
}

# decompress KIND FILE START END OUT. The kernel ignores zero padding after a
# stream; xz, zstd and lzma do not, so on failure retry without it (a stream
# may itself end in a few zero bytes, hence the small search).
decompress() {
	dc_cmd=$(decompressor "$1")
	need_tool "${dc_cmd%% *}"
	dc_len=$(($4 - $3))
	dc_z=0
	while :; do
		dc_rc=0
		# shellcheck disable=SC2086 # dc_cmd is a command with options
		tail -c +$(($3 + 1)) -- "$2" | head -c "$dc_len" | $dc_cmd >"$5" 2>"$tmp/dc.err" || dc_rc=$?
		[ "$dc_rc" != 0 ] || return 0
		if [ "$1" = gzip ] && grep -q 'trailing garbage' "$tmp/dc.err"; then
			die "--base $base: more data follows the gzip segment at offset $3 (another compressed segment?); unpack and repack the initrd as one archive"
		fi
		if [ "$dc_z" = 0 ]; then
			dc_z=$(trailing_zeros "$2" "$4")
			[ "$dc_z" -gt 0 ] || break
			dc_len=$((dc_len - dc_z))
			dc_try=0
		else
			dc_try=$((dc_try + 1))
			if [ "$dc_try" -gt 8 ] || [ "$dc_try" -gt "$dc_z" ]; then
				break
			fi
			dc_len=$((dc_len + 1))
		fi
	done
	# gzip starts its complaint with a blank line; drop its "gzip: stdin: ".
	dc_why=$(grep -m 1 . "$tmp/dc.err" | sed 's/^[^ :]*: stdin: //')
	die "--base $base: $1 segment at offset $3 does not decompress (${dc_why:-$1 exited with an error}); is the initrd complete?"
}

# extract_stream FILE DIR: all newc archives in FILE (a decompressed segment
# may hold several, e.g. concatenated gzip members) into DIR, later entries
# replacing earlier ones as in the kernel.
extract_stream() {
	es_off=0
	while es_off=$(first_nonzero "$1" "$es_off"); do
		case $(magic_kind "$(hexat "$1" "$es_off" 6)") in
		newc) ;;
		*) die "--base $base: $cs_what holds no newc cpio archive at offset $es_off" ;;
		esac
		es_off=$(cpio_segment "$1" "$es_off" "$2")
	done
}

# ---------------------------------------------------------------- modules

# Modules netinit needs, as globs on modules.dep paths: every NIC driver that
# is not wireless/WWAN/USB or a virtual device, the PHYs and MDIO buses the
# embedded MACs probe (their modaliases appear on the mdio bus, so coldplug
# finds them), virtio transports, AF_PACKET for the DHCP client, and what the
# standalone handoff mounts with; stream mode's nbd and dm-verity (dm-mod,
# dm-bufio and the rest come from modules.dep).
default_modules='kernel/drivers/net/ethernet/*
kernel/drivers/net/phy/*
kernel/drivers/net/mdio/*
kernel/drivers/net/hyperv/*
kernel/drivers/net/vmxnet3/*
kernel/drivers/net/virtio_net.ko*
kernel/drivers/net/xen-netfront.ko*
kernel/drivers/net/net_failover.ko*
kernel/drivers/virtio/*
kernel/drivers/block/loop.ko*
kernel/drivers/block/nbd.ko*
kernel/drivers/md/dm-mod.ko*
kernel/drivers/md/dm-verity.ko*
kernel/drivers/md/dm-bufio.ko*
kernel/fs/squashfs/*
kernel/fs/overlayfs/*
kernel/net/packet/af_packet.ko*'

# select_modules: writes $tmp/sel.paths, the module paths (relative to
# $moddir) to install: the default globs, --add-modules, their softdeps,
# and all their modules.dep dependencies.
select_modules() {
	# Globs (as in case: * crosses /) become anchored EREs for awk.
	# shellcheck disable=SC2016 # sed expressions, not shell ones
	{
		printf '%s\n' "$default_modules" | sed 's/^/d /'
		printf '%s\n' "$addmods" | tr , '\n' | grep / | sed 's/^/a /' || true
	} | sed -e 's/[.+^$(){}|\\]/\\&/g; s/\*/.*/g; s/?/./g' >"$tmp/globs"
	printf '%s\n' "$addmods" | tr , '\n' | grep -v -e / -e '^$' | tr - _ >"$tmp/want.names" || true
	awk -v globs="$tmp/globs" -v unmatched="$tmp/unmatched" '
	BEGIN { while ((getline l < globs) > 0) { n++; tag[n] = substr(l, 1, 1); re[n] = "^(kernel/)?" substr(l, 3) "$" } }
	{
		p = $1; sub(/:$/, "", p)
		for (i = 1; i <= n; i++) if (p ~ re[i]) { print p; hit[i] = 1 }
	}
	END { for (i = 1; i <= n; i++) if (tag[i] == "a" && !hit[i]) print re[i] > unmatched }
	' "$moddir/modules.dep" >"$tmp/want.paths"
	if [ -s "$tmp/unmatched" ]; then
		die "--add-modules $(sed -n '1s/^\^(kernel\/)?\(.*\)\$$/\1/p' "$tmp/unmatched" | sed 's/\\\(.\)/\1/g; s/\.\*/*/g') matches no module in $moddir/modules.dep"
	fi
	softdep=$moddir/modules.softdep
	[ -f "$softdep" ] || softdep=/dev/null
	awk -v wantnames="$tmp/want.names" -v wantpaths="$tmp/want.paths" -v softdep="$softdep" '
	function modname(p,   n) {
		n = p; sub(/.*\//, "", n); sub(/\.ko(\.[a-z0-9]+)?$/, "", n); gsub(/-/, "_", n)
		return n
	}
	function add(p,   n, i, k, d) {
		if (p in got) return
		got[p] = 1
		k = split(deps[p], d, " ")
		for (i = 1; i <= k; i++) add(d[i])
		k = split(soft[modname(p)], d, " ")
		for (i = 1; i <= k; i++) if (d[i] in path) add(path[d[i]])
	}
	{
		p = $1; sub(/:$/, "", p)
		$1 = ""; deps[p] = $0; path[modname(p)] = p
	}
	END {
		while ((getline l < softdep) > 0) {
			k = split(l, f, " ")
			if (f[1] != "softdep") continue
			n = f[2]; gsub(/-/, "_", n)
			for (i = 3; i <= k; i++) if (f[i] != "pre:" && f[i] != "post:") {
				s = f[i]; gsub(/-/, "_", s); soft[n] = soft[n] " " s
			}
		}
		while ((getline l < wantpaths) > 0) add(l)
		while ((getline l < wantnames) > 0) {
			if (l in path) add(path[l])
			else print "?" l
		}
		for (p in got) print p
	}' "$moddir/modules.dep" | LC_ALL=C sort >"$tmp/sel.paths"
	# A name that is built in needs nothing; anything else is a typo.
	sed -n 's/^?//p' "$tmp/sel.paths" | while IFS= read -r n; do
		sed 's|.*/||; s/\.ko$//' "$moddir/modules.builtin" 2>/dev/null | tr - _ | grep -qx -- "$n" ||
			die "--add-modules $n: no such module in $moddir/modules.dep (nor built in)"
	done
	sed -i '/^?/d' "$tmp/sel.paths"
}

# install_modules ROOT: copies the selection into ROOT/lib/modules/$kver,
# skipping modules ROOT already has (by name, any compression), merges
# modules.order, adds modules.builtin*, then runs depmod on the union.
install_modules() {
	im_dst=$1/lib/modules/$kver
	mkdir -p "$im_dst"
	select_modules
	find "$im_dst" -name '*.ko*' | sed 's|.*/||; s/\.ko\(\.[a-z0-9]*\)\{0,1\}$//' | tr - _ |
		LC_ALL=C sort -u >"$tmp/have.names"
	im_n=0
	while IFS= read -r m; do
		n=$(basename -- "$m" | sed 's/\.ko\(\.[a-z0-9]*\)\{0,1\}$//' | tr - _)
		if grep -qx -- "$n" "$tmp/have.names"; then
			continue
		fi
		[ -f "$moddir/$m" ] || die "--modules $moddir: modules.dep names $m but the file is missing; reinstall the modules"
		mkdir -p "$im_dst/$(dirname -- "$m")"
		cp -- "$moddir/$m" "$im_dst/$m"
		echo "$m" >>"$tmp/added.paths"
		im_n=$((im_n + 1))
	done <"$tmp/sel.paths"
	for f in modules.builtin modules.builtin.modinfo; do
		if [ -f "$moddir/$f" ] && ! [ -f "$im_dst/$f" ]; then
			cp -- "$moddir/$f" "$im_dst/$f"
		fi
	done
	# modules.order only orders modules.dep; keep the kernel's order for ours.
	touch "$im_dst/modules.order" "$tmp/added.paths"
	if [ -f "$moddir/modules.order" ]; then
		grep -Fx -f "$tmp/added.paths" "$moddir/modules.order" >>"$im_dst/modules.order" || true
	fi
	rm -f "$im_dst/modules.dep"
	depmod -b "$1" "$kver" 2>"$tmp/depmod.err" ||
		die "depmod -b $1 $kver failed: $(head -n 1 "$tmp/depmod.err")"
	[ -s "$im_dst/modules.dep" ] ||
		die "depmod wrote no $im_dst/modules.dep (does this kmod use /usr/lib/modules?); use a kmod built for /lib/modules"
	modules_added=$im_n
	modules_total=$(grep -c . "$im_dst/modules.dep" || true)
	if [ -n "$fwdir" ]; then
		install_firmware "$1"
	fi
}

# install_firmware ROOT: the files the added modules name (modinfo -F
# firmware) that FWDIR has, plain or compressed, at ROOT/lib/firmware.
install_firmware() {
	firmware_added=0
	[ -s "$tmp/added.paths" ] || return 0
	sed "s|^|$moddir/|" "$tmp/added.paths" | tr '\n' '\0' |
		xargs -0 modinfo -F firmware 2>/dev/null | LC_ALL=C sort -u >"$tmp/fw.names" || true
	while IFS= read -r fw; do
		case $fw in
		'' | /* | *..*) continue ;;
		esac
		for suf in '' .xz .zst; do
			if [ -f "$fwdir/$fw$suf" ]; then
				mkdir -p "$1/lib/firmware/$(dirname -- "$fw")"
				cp -L -- "$fwdir/$fw$suf" "$1/lib/firmware/$fw$suf"
				firmware_added=$((firmware_added + 1))
				break
			fi
		done
	done <"$tmp/fw.names"
}

# ---------------------------------------------------------------- archive

# write_conf FILE DEFAULTS: /etc/netinit.conf; DEFAULTS (key=value lines) are
# written unless --conf gives the same key. netinit reads it before
# /proc/cmdline, which overrides it; later lines override earlier ones.
write_conf() {
	{
		echo "# netinit configuration, written by $prog; the kernel command line overrides it"
		printf '%s\n' "$2" | while IFS= read -r d; do
			[ -n "$d" ] || continue
			case $nl$confs in
			*"$nl${d%%=*}="*) ;;
			*) echo "$d" ;;
			esac
		done
		[ -z "$urls" ] || echo "netinit.url=$urls"
		[ -z "$pin_sha256" ] || echo "netinit.sha256=$pin_sha256"
		[ -z "$pin_size" ] || echo "netinit.size=$pin_size"
		[ -z "$pin_verity" ] || echo "netinit.verity=$pin_verity"
		printf '%s' "$confs"
	} >"$1"
	chmod 0644 "$1"
	[ "$(fsize "$1")" -lt 8192 ] || die "/etc/netinit.conf would be $(fsize "$1") bytes; netinit reads 8191 at most"
}

install_netinit() { # ROOT
	rm -f -- "$1/init"
	cp -- "$netinit" "$1/init"
	chmod 0755 "$1/init"
}

# pack ROOT OWNER_OPT: gzip newc of ROOT to stdout, reproducibly.
pack() {
	find "$1" -exec touch -h -d "@$epoch" {} +
	rm -f "$tmp/pack.failed"
	(
		cd "$1"
		# shellcheck disable=SC2086 # $2 is empty or one option
		find . -mindepth 1 -printf '%P\0' | LC_ALL=C sort -z |
			LC_ALL=C cpio -o -0 -H newc --reproducible --quiet $2 2>"$tmp/pack.err" ||
			: >"$tmp/pack.failed"
	) | gzip -n -9
	[ ! -e "$tmp/pack.failed" ] || die "cpio -o failed: $(head -n 1 "$tmp/pack.err")"
}

# ---------------------------------------------------------------- modes

build_standalone() {
	root=$tmp/root
	mkdir -p "$root"
	for d in dev proc sys run tmp etc newroot lib; do
		mkdir -p "$root/$d"
	done
	chmod 1777 "$root/tmp"
	# The kernel opens /dev/console of the initramfs for PID 1's stdio
	# before anything can mount devtmpfs.
	mknod -m 0600 "$root/dev/console" c 5 1 2>/dev/null ||
		die "cannot create device nodes; run as root (or under fakeroot)"
	mknod -m 0666 "$root/dev/null" c 1 3
	install_netinit "$root"
	write_conf "$root/etc/netinit.conf" "netinit.mode=standalone"
	install_modules "$root"
	pack "$root" "-R 0:0" >"$out_tmp"
}

# Symlinks that reach /init (genkernel's /linuxrc -> init) keep reaching the
# original init.
retarget_init_links() {
	find "$1" -type l -lname '*init' | while IFS= read -r l; do
		t=$(readlink -- "$l")
		rel=${l#"$1"}
		case $t in
		/*) r=$t ;;
		*) r=$(dirname -- "$rel")/$t ;;
		esac
		[ "$(realpath -sm -- "/$r")" = /init ] || continue
		ln -sfn -- "$t.orig" "$l"
	done
}

build_base() {
	root=$tmp/root
	mkdir -p "$root"
	scan_segments "$base" >"$tmp/segments"
	[ -s "$tmp/segments" ] ||
		die "--base $base: not a cpio archive (gzip, xz, zstd, lzma or plain newc expected)"
	# Leading uncompressed segments followed by a compressed one are early
	# cpio (CPU microcode, ACPI tables) the kernel reads before anything
	# else: they stay as they are, in front. Everything else is unpacked.
	early_end=$(awk '$1 != "newc" { print $2; exit }' "$tmp/segments")
	[ -n "$early_end" ] || early_end=0
	while read -r kind start end; do
		[ "$end" -gt "$early_end" ] || continue
		if [ "$kind" = newc ]; then
			cs_what="uncompressed segment"
			cpio_segment "$base" "$start" "$root" >/dev/null
		else
			decompress "$kind" "$base" "$start" "$end" "$tmp/payload"
			cs_what="$kind segment at offset $start"
			extract_stream "$tmp/payload" "$root"
			rm -f "$tmp/payload"
		fi
	done <"$tmp/segments"

	stage=standalone
	if [ -e "$root/etc/initrd.defaults" ] || [ -e "$root/etc/initrd.scripts" ] ||
		[ -e "$root/linuxrc" ] || [ -L "$root/linuxrc" ]; then
		stage=genkernel
	elif [ -e "$root/lib/dracut-lib.sh" ] || [ -d "$root/usr/lib/dracut" ]; then
		stage=dracut
	fi
	if [ -e "$root/init.orig" ] || [ -L "$root/init.orig" ]; then
		# Already ours (a re-run with a new netinit): keep the original.
		[ -f "$root/etc/netinit.conf" ] ||
			die "--base $base: has /init.orig but no /etc/netinit.conf; pass the original initrd"
	elif [ -e "$root/init" ] || [ -L "$root/init" ]; then
		retarget_init_links "$root"
		mv -- "$root/init" "$root/init.orig"
	else
		die "--base $base: has no /init; pass a genkernel or dracut initrd (or use --standalone)"
	fi
	install_netinit "$root"
	mkdir -p "$root/etc"
	defaults="netinit.init=/init.orig"
	case $stage in
	genkernel | dracut) defaults="$defaults${nl}netinit.mode=$stage" ;;
	esac
	if [ "$stage" = dracut ]; then
		# dracut 059 reads /etc/cmdline.d: a squashfs holding a plain root
		# tree needs overlayfs, and the user's command line stays short.
		mkdir -p "$root/etc/cmdline.d"
		echo "rd.live.overlay.overlayfs=1" >"$root/etc/cmdline.d/90-netinit.conf"
	fi
	write_conf "$root/etc/netinit.conf" "$defaults"
	if [ -n "$moddir" ]; then
		for d in "$root"/lib/modules/*/; do
			[ -d "$d" ] || continue
			v=$(basename -- "$d")
			[ "$v" = "$kver" ] && continue
			[ -e "$root/lib/modules/$kver" ] && continue
			die "--modules is for $kver but --base $base has modules for $v; pass its lib/modules/$v (or --kver)"
		done
		install_modules "$root"
	fi
	head -c "$early_end" -- "$base" >"$out_tmp"
	pack "$root" "" >>"$out_tmp"
}

# newc_entry INO MODE NLINK SIZE NAME: one newc header, name and padding.
newc_entry() {
	ne_ns=$((${#5} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		"$1" "$2" 0 0 "$3" "$epoch" "$4" 0 0 0 0 "$ne_ns" 0
	printf '%s\0' "$5"
	head -c $(((4 - (110 + ne_ns) % 4) % 4)) /dev/zero
}

build_combined() {
	dest=${dest:-/image.squashfs}
	case $dest in
	/*) ;;
	*) die "--dest $dest: give an absolute path, e.g. /image.squashfs" ;;
	esac
	d=${dest#/}
	case /$d in
	*/ | */. | */.. | *//* | */./* | */../*) die "--dest $dest: must name a file without . or .. parts, e.g. /image.squashfs" ;;
	esac
	kind=$(magic_kind "$(hexat "$base" 0 6)")
	[ "$kind" != unknown ] ||
		die "--base $base: not a cpio archive (gzip, xz, zstd, lzma or plain newc expected)"
	isize=$(fsize "$image")
	[ "$isize" -le 4294967295 ] ||
		die "--image $image: $isize bytes; newc holds at most 4 GiB - 1 per file (shrink the image or fetch it with --url)"
	bsize=$(fsize "$base")
	pad=$(((4 - bsize % 4) % 4))
	{
		cat -- "$base"
		head -c "$pad" /dev/zero
		ino=1
		p=""
		rest=$d
		while :; do
			case $rest in
			*/*) ;;
			*) break ;;
			esac
			p=${p:+$p/}${rest%%/*}
			rest=${rest#*/}
			newc_entry "$ino" $((040755)) 2 0 "$p"
			ino=$((ino + 1))
		done
		newc_entry "$ino" $((0100644)) 1 "$isize" "$d"
		cat -- "$image"
		head -c $(((4 - isize % 4) % 4)) /dev/zero
		newc_entry 0 0 1 0 TRAILER!!!
	} >"$out_tmp"
}

# ---------------------------------------------------------------- main

need_tool od awk head tail grep sed
check_output
# shellcheck source=gen_bootfiles.sh
. "$(dirname -- "$0")/gen_bootfiles.sh"
# Every argument is checked before anything is downloaded, extracted or
# written; a run that fails leaves the user's files as they were.
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
if [ -n "$iso$release" ]; then
	outdir=$(dirname -- "$output")
	case $(basename -- "$output") in
	gentoo | gentoo.igz | image.squashfs | image.squashfs.verity | combined.igz | image.cpio)
		usage_err "--output $output: that name is taken by the ISO's files; call it netinit.igz" ;;
	esac
	case $nl$confs in
	*"${nl}netinit.sha256="* | *"${nl}netinit.size="*)
		usage_err "--iso and --fetch-release pin the ISO's image.squashfs: no --conf netinit.sha256= or netinit.size=" ;;
	esac
	[ -z "$iso" ] || check_readable --iso "$iso"
	need_tool xorriso
	if [ -n "$keyring" ]; then
		check_readable --keyring "$keyring"
		! grep -q -m 1 '^-----BEGIN PGP' "$keyring" ||
			die "--keyring $keyring: an ASCII-armoured key; gpgv wants a binary keyring: gpg --dearmor <$keyring >gentoo-release.gpg"
		need_tool gpgv
		case $keyring in
		/*) keyring_abs=$keyring ;;
		*) keyring_abs=$PWD/$keyring ;;
		esac
	fi
fi
case $mode in
combined)
	check_readable --base "$base"
	check_readable --image "$image"
	check_squashfs "--image $image" "$image"
	;;
*)
	need_tool find sort cpio gzip touch realpath mknod
	# --verity with --iso: said before anything is downloaded or extracted
	if [ "$verity" = on ] && ! command -v veritysetup >/dev/null 2>&1; then
		die "--verity: 'veritysetup' not found; install it (Debian: apt-get install cryptsetup-bin; Gentoo: emerge sys-fs/cryptsetup), or --no-verity"
	fi
	[ "$(id -u)" = 0 ] || die "--$mode must run as root (or under fakeroot): device nodes and file owners"
	check_netinit
	[ -z "$urls" ] || check_url
	check_conf
	check_pin
	[ -z "$base" ] || check_readable --base "$base"
	[ -z "$moddir" ] || check_modules
	;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gen_initramfs.XXXXXX")
if [ -n "$iso$release" ]; then
	# The ISO's files go to a staging dir beside OUT (same filesystem) and
	# replace the user's gentoo, gentoo.igz, image.squashfs only once
	# netinit's initrd is built.
	[ -z "$release" ] || release_fetch "$release" "$outdir"
	stagedir=$(mktemp -d "$outdir/.gen_initramfs.XXXXXX")
	iso_extract "$iso" "$stagedir"
	base=$stagedir/gentoo.igz
	image=$stagedir/image.squashfs
	image_what="--iso $iso: its /image.squashfs"
	check_pin
fi
verity_make
[ "$mode" != standalone ] || stage=standalone
modules_added=0
modules_total=0
firmware_added=0
out_tmp=$output.tmp
case $mode in
standalone) build_standalone ;;
base) build_base ;;
combined) build_combined ;;
esac
# The EFI stub loads initrd= files back to back: end on a 4-byte boundary
# (zero padding after a compressed stream, which the kernel skips).
out_size=$(fsize "$out_tmp")
head -c $(((4 - out_size % 4) % 4)) /dev/zero >>"$out_tmp"
if [ -n "$stagedir" ]; then
	for f in gentoo gentoo.igz image.squashfs; do
		mv -f -- "$stagedir/$f" "$outdir/$f"
	done
	base=$outdir/gentoo.igz
	image=$outdir/image.squashfs
	rmdir -- "$stagedir"
	stagedir=""
fi
verity_install
mv -f -- "$out_tmp" "$output"
out_tmp=""
summary="$output: $(fsize "$output") bytes"
case $mode in
combined) summary="$summary ($base + $pad bytes padding + $dest, $isize bytes)" ;;
*) [ -z "$moddir" ] || summary="$summary, $modules_added modules added for $kver ($modules_total in modules.dep)" ;;
esac
[ -z "$fwdir" ] || summary="$summary, $firmware_added firmware files"
echo "$prog: $summary"
if [ -n "$verity_tree" ]; then
	echo "$prog: $verity_tree: dm-verity hash tree ($(fsize "$verity_tree") bytes, $verity_state), pinned as netinit.verity=$pin_verity; serve it next to the image (netinit fetches <image URL>.verity)"
fi
if [ -n "$boot_url" ] && [ "$mode" != combined ]; then
	write_bootfiles "$(dirname -- "$output")"
	echo "$prog: boot files for a $stage next stage, to serve at $boot_url: $bf_list"
fi
