# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2154 # $tmp, $prog, $output...: gen_initramfs.sh's
# Sourced by gen_initramfs.sh: Gentoo's real inputs and the boot files a
# user needs next to the initrd.
#   iso_extract ISO DIR       /boot/gentoo, /boot/gentoo.igz, /image.squashfs
#                             of an install-amd64-minimal ISO (xorriso)
#   release_fetch MIRROR DIR  the latest minimal ISO from a Gentoo mirror:
#                             releases/amd64/autobuilds/latest-install-amd64-
#                             minimal.txt names it ("DIR/NAME.iso SIZE", the
#                             file may be PGP clear-signed), NAME.iso.DIGESTS
#                             (clear-signed; older releases: an unsigned
#                             .DIGESTS and a clear-signed .DIGESTS.asc)
#                             holds "# SHA512 HASH" / "# BLAKE2B HASH"
#                             sections of "HEX  FILE" lines, trusted only
#                             as gpgv verified it against --keyring (or
#                             with --insecure); sets $iso
#   write_bootfiles DIR       boot.ipxe (fetch), stream.ipxe (stream mode,
#                             when the next stage and the pin allow it),
#                             combined.ipxe (+combined.igz),
#                             altcombine.ipxe (iPXE appends, initrd.magic),
#                             altcombine-efi.ipxe (+image.cpio: any iPXE, EFI
#                             or BIOS), pxelinux.cfg/default,
#                             boot/grub/grub.cfg (grub-mknetdir's prefix);
#                             both boot unattended ($menu_timeout,
#                             $menu_default) and, with stream.ipxe, have a
#                             'stream' entry too
# Uses gen_initramfs.sh's die, need_tool, fsize, newc_entry, $tmp, $epoch.

# iso_extract ISO DIR: into DIR, a fresh directory (the caller moves the
# files into place once the run has succeeded).
iso_extract() {
	need_tool xorriso
	xorriso -osirrox on -indev "$1" \
		-extract /boot/gentoo "$2/gentoo" \
		-extract /boot/gentoo.igz "$2/gentoo.igz" \
		-extract /image.squashfs "$2/image.squashfs" >"$tmp/xorriso.log" 2>&1 || true
	for ie_f in boot/gentoo boot/gentoo.igz image.squashfs; do
		[ -s "$2/${ie_f#boot/}" ] || {
			# xorriso's own reason: the FAILURE (or SORRY, FATAL) line
			# that names the file, else the first such line.
			ie_why=$(grep -E '^xorriso : (FAILURE|SORRY|FATAL) : ' "$tmp/xorriso.log" |
				{ grep -F -m 1 "'/$ie_f'" || true; } | sed 's/^xorriso : [A-Z]* : //')
			[ -n "$ie_why" ] || ie_why=$(grep -m 1 -E '^xorriso : (FAILURE|SORRY|FATAL) : ' "$tmp/xorriso.log" |
				sed 's/^xorriso : [A-Z]* : //')
			die "--iso $1: no /$ie_f in it (${ie_why:-xorriso extracted nothing}); give a Gentoo install-amd64-minimal ISO"
		}
		chmod 0644 "$2/${ie_f#boot/}"
	done
}

# download URL FILE: curl or wget; fails quietly (the caller says what).
download() {
	if command -v curl >/dev/null 2>&1; then
		curl -fsSL --retry 2 -o "$2" -- "$1" 2>"$tmp/dl.err"
	elif command -v wget >/dev/null 2>&1; then
		wget -q -O "$2" -- "$1" 2>"$tmp/dl.err"
	else
		die "--fetch-release needs curl or wget; install one"
	fi
}

# release_fetch MIRROR DIR: downloads the latest minimal ISO into DIR
# (kept, and not downloaded again when DIGESTS still match), sets $iso.
release_fetch() {
	rf_base=${1%/}/releases/amd64/autobuilds
	case $1 in
	http://* | https://* | file://*) ;;
	*) die "--fetch-release $1: give the mirror's base URL, e.g. https://distfiles.gentoo.org" ;;
	esac
	download "$rf_base/latest-install-amd64-minimal.txt" "$tmp/latest.txt" ||
		die "--fetch-release: cannot read $rf_base/latest-install-amd64-minimal.txt ($(head -n 1 "$tmp/dl.err")); check the mirror URL"
	# "20240107T170309Z/install-amd64-minimal-20240107T170309Z.iso 487587840",
	# outside comments and the PGP armour.
	rf_line=$(awk '/^-----BEGIN PGP SIGNATURE/ { exit }
		/^[^#-][^ \t]*install-amd64-minimal-[^ \t\/]*\.iso([ \t]+[0-9]+)?[ \t]*\r?$/ { print; exit }' "$tmp/latest.txt")
	rf_rel=${rf_line%%[ 	]*}
	rf_size=$(printf '%s' "$rf_line" | awk '{ print $2 }' | tr -d '\r')
	case $rf_rel in
	'' | /* | *..* | *[!A-Za-z0-9._/-]*)
		die "--fetch-release: $rf_base/latest-install-amd64-minimal.txt names no install-amd64-minimal ISO I can use ('$rf_line')" ;;
	esac
	rf_name=${rf_rel##*/}
	iso=$2/$rf_name
	echo "$prog: latest minimal ISO: $rf_rel${rf_size:+ ($rf_size bytes)}"
	release_digests "$rf_base/$rf_rel"
	if ! [ -s "$iso" ] || ! digests_ok "$iso" "$rf_name" quiet; then
		part=$iso.part
		download "$rf_base/$rf_rel" "$part" ||
			die "--fetch-release: cannot download $rf_base/$rf_rel ($(head -n 1 "$tmp/dl.err"))"
		rf_got=$(fsize "$part")
		if [ -n "$rf_size" ] && [ "$rf_got" != "$rf_size" ]; then
			die "--fetch-release: $rf_name is $rf_got bytes, latest-install-amd64-minimal.txt says $rf_size; retry (mirror syncing?)"
		fi
		mv -f -- "$part" "$iso"
		part=""
		digests_ok "$iso" "$rf_name" || {
			rm -f -- "$iso"
			die "--fetch-release: $rf_name does not match its DIGESTS ($rf_why): removed; retry, or use another mirror"
		}
	fi
	if [ -z "$rf_dig" ]; then
		return 0
	elif [ "$rf_signed" = 1 ]; then
		echo "$prog: $rf_name matches the DIGESTS signed by $rf_signer ($rf_algos)"
	else
		echo "$prog: $rf_name matches the UNSIGNED DIGESTS ($rf_algos): --insecure, nothing proves they are Gentoo's" >&2
	fi
}

# release_digests URL: the ISO's DIGESTS into $rf_dig, the signed text only,
# as gpgv verified it against --keyring: URL.DIGESTS (clear-signed), or, on
# older releases, URL.DIGESTS.asc. Without a good signature: refused, or,
# with --insecure, a warning and the unsigned DIGESTS (if any). Sets rf_dig,
# rf_signed, rf_signer.
release_digests() {
	rf_dig="" rf_signed=0 rf_signer="" rd_why="" rd_plain=""
	for rd_s in DIGESTS DIGESTS.asc; do
		download "$1.$rd_s" "$tmp/$rd_s" || continue
		if ! grep -q '^-----BEGIN PGP SIGNED MESSAGE-----' "$tmp/$rd_s"; then
			[ -n "$rd_plain" ] || rd_plain=$tmp/$rd_s
			rd_why=${rd_why:-"${1##*/}.$rd_s is not signed"}
			continue
		fi
		[ -n "$keyring" ] || {
			rd_plain=$tmp/$rd_s
			rd_why="${1##*/}.$rd_s: signature not checked (no --keyring)"
			break
		}
		[ -d "$tmp/gnupg" ] || mkdir -m 0700 "$tmp/gnupg"
		rm -f -- "$tmp/digests.ok"
		# --output: only what the signature covers (never text an
		# attacker put around the signed block); --homedir: no other keys.
		if gpgv --homedir "$tmp/gnupg" --keyring "$keyring_abs" --status-fd 3 \
			--output "$tmp/digests.ok" -- "$tmp/$rd_s" 3>"$tmp/gpgv.status" 2>"$tmp/gpgv.err" &&
			grep -q '^\[GNUPG:\] VALIDSIG ' "$tmp/gpgv.status"; then
			rf_dig=$tmp/digests.ok
			rf_signed=1
			rf_signer=$(sed -n 's/^\[GNUPG:\] GOODSIG [0-9A-F]* //p' "$tmp/gpgv.status" | head -n 1)
			rf_signer="${rf_signer:-a key} (key $(sed -n 's/^\[GNUPG:\] VALIDSIG \([0-9A-F]*\) .*/\1/p' "$tmp/gpgv.status" | head -n 1))"
			return 0
		fi
		rd_err=$(grep -m 1 -E 'BAD signature|No public key|no signature|no valid OpenPGP|expired|revoked' "$tmp/gpgv.err" ||
			grep -m 1 . "$tmp/gpgv.err" || true)
		rd_why="${1##*/}.$rd_s: no good signature from a key in --keyring $keyring (${rd_err#gpgv: })"
		rd_plain=""
	done
	[ -n "$rd_why" ] || rd_why="no ${1##*/}.DIGESTS or .DIGESTS.asc on the mirror"
	[ "$insecure" = 1 ] ||
		die "--fetch-release: $rd_why; refusing an ISO nothing vouches for (check --keyring, or another mirror; --insecure to go on anyway)"
	echo "$prog: WARNING: --insecure: $rd_why: the ISO and the image pinned from it are NOT verified; anyone between you and the mirror can pick them" >&2
	[ -n "$rd_plain" ] || return 0
	rf_dig=$rd_plain
}

# digests_ok FILE NAME [quiet]: FILE matches every SHA512 and BLAKE2B line
# for NAME in $rf_dig (none published: ok). Sets rf_why, rf_algos.
digests_ok() {
	[ -n "$rf_dig" ] || return 0
	rf_algos=""
	rf_why=""
	awk -v name="$2" '
		/^# [A-Z0-9]+ HASH/ { algo = $2; next }
		NF == 2 && ($2 == name || $2 == "*" name) { print algo, $1 }' "$rf_dig" >"$tmp/want"
	grep -Eq '^(SHA512|BLAKE2B) ' "$tmp/want" || {
		rf_why="no SHA512 or BLAKE2B line for $2"
		[ "${3-}" = quiet ] || die "--fetch-release: the DIGESTS file has no SHA512 or BLAKE2B line for $2; check the mirror"
		return 1
	}
	while read -r da_algo da_want; do
		case $da_algo in
		SHA512) da_tool=sha512sum ;;
		BLAKE2B) da_tool=b2sum ;;
		*) continue ;;
		esac
		need_tool "$da_tool"
		da_got=$($da_tool <"$1" | cut -d' ' -f1)
		if [ "$da_got" != "$(printf '%s' "$da_want" | tr A-F a-f)" ]; then
			rf_why="$da_algo is $da_got, DIGESTS says $da_want"
			return 1
		fi
		rf_algos="${rf_algos:+$rf_algos, }$da_algo"
	done <"$tmp/want"
}

# The command line each next stage needs to find the image netinit put in.
stage_cmdline() {
	case $1 in
	genkernel) echo "cdroot looptype=squashfs loop=$2" ;;
	dracut) echo "root=live:$2" ;;
	*) echo "" ;;
	esac
}

# stream_cmdline STAGE: the same for stream mode, or, when there is no
# stream entry to write, fails with the reason in sc_why: genkernel's
# linuxrc loop-mounts a file; netinit.sha256 without netinit.verity (netinit
# refuses to stream what it cannot check block by block). dracut streams
# /dev/nbd0, or with netinit.verity the verity device, which netinit names
# to dracut itself in /etc/cmdline.d as /dev/dm-N (dracut's udev never makes
# the /dev/mapper link for it): no root= on the command line then.
stream_cmdline() {
	sc_v=$pin_verity sc_why=""
	case $nl$confs in
	*"${nl}netinit.verity="*) sc_v=conf ;;
	esac
	if [ -z "$sc_v" ]; then
		sc_why="the image is pinned by sha256 alone, which netinit fetches and never streams"
		[ -z "$pin_sha256" ] || return 1
		case $nl$confs in
		*"${nl}netinit.sha256="*) return 1 ;;
		esac
	fi
	case $1 in
	standalone) echo "" ;;
	dracut)
		if [ -n "$sc_v" ]; then
			echo ""
		else
			echo "root=live:/dev/nbd0"
		fi
		;;
	*)
		sc_why="genkernel's linuxrc loop-mounts an image file and cannot take a block device"
		return 1
		;;
	esac
}

stage_dest() {
	case $1 in
	dracut) echo /image.squashfs.img ;;
	*) echo /image.squashfs ;;
	esac
}

# write_bootfiles DIR: uses $stage, $boot_url, $output, $kernel_name,
# $image (may be empty), $urls, $append, $menu_timeout, $menu_default.
write_bootfiles() {
	wb_d=$1
	wb_init=$(basename -- "$output")
	wb_dest=$(stage_dest "$stage")
	wb_args=$(stage_cmdline "$stage" "$wb_dest")
	wb_args="${wb_args:+$wb_args }BOOTIF=01-\${netX/mac:hexhyp}${append:+ $append}"
	wb_img=image.squashfs
	[ -z "$image" ] || wb_img=$(basename -- "$image")
	wb_url=${urls:-$boot_url$wb_img}
	wb_stream=1
	# not in $(...): sc_why must survive
	stream_cmdline "$stage" >"$tmp/sargs" || wb_stream=0
	wb_sargs=$(cat "$tmp/sargs")
	if [ "$wb_stream" = 0 ]; then
		echo "$prog: no stream.ipxe or stream entry: $sc_why" >&2
		[ "$menu_default" != stream ] ||
			echo "$prog: WARNING: --menu-default stream names no entry: pxelinux and GRUB will not boot unattended" >&2
	fi
	wb_sl=""
	[ "$wb_stream" = 0 ] || wb_sl="entry stream: stream mode"
	wb_sargs="${wb_sargs:+$wb_sargs }BOOTIF=01-\${netX/mac:hexhyp}${append:+ $append}"
	wb_head="#!ipxe
# written by $prog for a $stage next stage; serve this directory at $boot_url"
	{
		echo "$wb_head"
		echo "# fetch mode: iPXE loads the kernel and netinit's initrd; netinit fetches"
		echo "# the image into RAM. initrd= names the one initrd for the EFI stub"
		echo "# (works with every iPXE version, BIOS and EFI)."
		echo "kernel $boot_url$kernel_name initrd=$wb_init $wb_args netinit.url=$wb_url"
		echo "initrd $boot_url$wb_init"
		echo "boot"
	} >"$wb_d/boot.ipxe"
	if [ "$wb_stream" = 1 ]; then
		{
			echo "$wb_head"
			echo "# stream mode, for a machine with less RAM than the image: the image"
			echo "# stays on the server, netinit serves it to the kernel as /dev/nbd0 with"
			echo "# HTTP Range reads. The machine needs the server for its whole life"
			echo "# (netinit.stream.timeout)."
			if [ -n "$sc_v" ]; then
				echo "# dm-verity checks every block against the initrd's netinit.verity:"
				echo "# serve $wb_img.verity next to $wb_img."
			else
				echo "# Unverified (no netinit.verity in the initrd): the blocks are trusted"
				echo "# as the server sends them."
			fi
			echo "kernel $boot_url$kernel_name initrd=$wb_init $wb_sargs netinit.url=$wb_url netinit.stream=on"
			echo "initrd $boot_url$wb_init"
			echo "boot"
		} >"$wb_d/stream.ipxe"
	else
		rm -f -- "$wb_d/stream.ipxe"
	fi
	{
		echo "$wb_head"
		echo "# combined: the image packed into combined.igz (the seed's way; RAM holds"
		echo "# the image twice while the kernel unpacks it)."
		echo "kernel $boot_url$kernel_name initrd=combined.igz $wb_args"
		echo "initrd ${boot_url}combined.igz"
		echo "boot"
	} >"$wb_d/combined.ipxe"
	{
		echo "$wb_head"
		echo "# iPXE-appended: iPXE appends the image as $wb_dest. initrd=initrd.magic"
		echo "# hands every initrd to the EFI stub with cpio headers: iPXE >= 1.21.1"
		echo "# (2021) on EFI; on BIOS any iPXE. Older iPXE on EFI (Debian 12's"
		echo "# ipxe-qemu) fails with \"EFI stub: ERROR: Failed to open file:"
		echo "# initrd.magic\": use altcombine-efi.ipxe there."
		echo "kernel $boot_url$kernel_name initrd=initrd.magic $wb_args"
		echo "initrd $boot_url$wb_init"
		echo "initrd $boot_url$wb_img $wb_dest"
		echo "boot"
	} >"$wb_d/altcombine.ipxe"
	{
		echo "$wb_head"
		echo "# iPXE-appended for every iPXE, EFI or BIOS: the image pre-wrapped as a"
		echo "# newc cpio (image.cpio) and one initrd= per file, which the EFI stub"
		echo "# loads back to back (hence the initrd padded to 4 bytes)."
		echo "kernel $boot_url$kernel_name initrd=$wb_init initrd=image.cpio $wb_args"
		echo "initrd $boot_url$wb_init"
		echo "initrd ${boot_url}image.cpio"
		echo "boot"
	} >"$wb_d/altcombine-efi.ipxe"
	# Unattended: the default entry boots after $menu_timeout s with no
	# key pressed. pxelinux counts TIMEOUT in 1/10 s and takes 0 as "wait
	# forever"; PROMPT 0 boots at once (Shift or Alt still gives boot:).
	case $menu_timeout in
	-1) wb_pxt="PROMPT 1" wb_gt=-1 ;;
	0) wb_pxt="PROMPT 0" wb_gt=0 ;;
	*) wb_pxt="PROMPT 1$nl""TIMEOUT $((menu_timeout * 10))" wb_gt=$menu_timeout ;;
	esac
	mkdir -p "$wb_d/pxelinux.cfg"
	{
		echo "# written by $prog: pxelinux (TFTP root = this directory) or lpxelinux"
		echo "# (this directory over HTTP, paths relative to it) netboot of the"
		echo "# $stage next stage in netinit's fetch mode${wb_sl:+ ($wb_sl)}; boots $menu_default unattended"
		echo "DEFAULT $menu_default"
		echo "$wb_pxt"
		echo "LABEL netinit"
		echo "  KERNEL $kernel_name"
		echo "  INITRD $wb_init"
		echo "  APPEND ${wb_args%%BOOTIF=*}netinit.url=$wb_url${append:+ $append}"
		echo "  IPAPPEND 2"
		if [ "$wb_stream" = 1 ]; then
			echo "LABEL stream"
			echo "  KERNEL $kernel_name"
			echo "  INITRD $wb_init"
			echo "  APPEND ${wb_sargs%%BOOTIF=*}netinit.url=$wb_url netinit.stream=on${append:+ $append}"
			echo "  IPAPPEND 2"
		fi
	} | sed 's/  *$//; s/APPEND  */APPEND /' >"$wb_d/pxelinux.cfg/default"
	# grub-mknetdir's core images (boot/grub/i386-pc/core.0,
	# boot/grub/x86_64-efi/core.efi) have prefix (tftp)/boot/grub and read
	# $prefix/grub.cfg.
	mkdir -p "$wb_d/boot/grub"
	{
		echo "# written by $prog: GRUB netboot of the $stage next stage in netinit's"
		echo "# fetch mode${wb_sl:+ ($wb_sl)}, for grub-mknetdir --net-directory=(this directory)"
		echo "# --subdir=boot/grub (BIOS core.0, EFI core.efi) or any GRUB with net"
		echo "# support whose prefix is this directory's boot/grub. Paths are from the"
		echo "# TFTP root; for HTTP, set root=(http,SERVER) and prefix the paths."
		echo "set default=$menu_default"
		echo "set timeout=$wb_gt"
		echo "menuentry 'Gentoo live, netinit ($stage)' --id netinit {"
		echo "	linux /$kernel_name ${wb_args%%BOOTIF=*}netinit.url=$wb_url${append:+ $append}"
		echo "	initrd /$wb_init"
		echo "}"
		if [ "$wb_stream" = 1 ]; then
			echo "menuentry 'Gentoo live, netinit ($stage), streamed (less RAM than the image)' --id stream {"
			echo "	linux /$kernel_name ${wb_sargs%%BOOTIF=*}netinit.url=$wb_url netinit.stream=on${append:+ $append}"
			echo "	initrd /$wb_init"
			echo "}"
		fi
	} >"$wb_d/boot/grub/grub.cfg"
	bf_list="boot.ipxe"
	[ "$wb_stream" = 0 ] || bf_list="$bf_list stream.ipxe"
	bf_list="$bf_list combined.ipxe altcombine.ipxe altcombine-efi.ipxe pxelinux.cfg/default boot/grub/grub.cfg"
	if [ -n "$image" ]; then
		bf_tmp=$wb_d/image.cpio.tmp
		wrap_image "$image" "$wb_dest" >"$bf_tmp"
		mv -f -- "$bf_tmp" "$wb_d/image.cpio"
		bf_tmp=$wb_d/combined.igz.tmp
		{
			cat -- "$output"
			wrap_image "$image" "$wb_dest"
		} >"$bf_tmp"
		mv -f -- "$bf_tmp" "$wb_d/combined.igz"
		bf_tmp=""
		bf_list="$bf_list image.cpio combined.igz"
	fi
}

# wrap_image IMAGE DEST: a newc archive holding IMAGE at DEST (and its
# directories), every entry 4-byte aligned, TRAILER!!! last.
wrap_image() {
	wi_size=$(fsize "$1")
	[ "$wi_size" -le 4294967295 ] || die "image $1: $wi_size bytes; newc holds at most 4 GiB - 1 per file"
	wi_d=${2#/}
	wi_p=""
	wi_ino=1
	while :; do
		case $wi_d in
		*/*) ;;
		*) break ;;
		esac
		wi_p=${wi_p:+$wi_p/}${wi_d%%/*}
		wi_d=${wi_d#*/}
		newc_entry "$wi_ino" $((040755)) 2 0 "$wi_p"
		wi_ino=$((wi_ino + 1))
	done
	newc_entry "$wi_ino" $((0100644)) 1 "$wi_size" "${2#/}"
	cat -- "$1"
	head -c $(((4 - wi_size % 4) % 4)) /dev/zero
	newc_entry 0 0 1 0 TRAILER!!!
}
