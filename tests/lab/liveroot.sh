#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Builds the lab's live root: build/lab/image.squashfs, a plain root tree
# made of busybox-static whose /sbin/init prints the boot marker
#   NETINIT-LIVE-OK pid=<its pid>
# on the console and powers the machine off. A boot counts only when the
# marker says pid=1 (the next stage really handed PID 1 over).
# The image also holds /pad.bin, LIVE_PAD_MB MiB (default 8) of
# deterministic incompressible bytes, so fetching it is not trivial.
# The image is reproducible: same busybox, same pad size, same bytes.
# Variants, for the standalone handoff's path resolution (each its own
# build/lab/image-VARIANT.squashfs):
#   abslink  /sbin/init -> /lib/systemd/systemd (absolute, as systemd
#            distributions ship it); /sbin/init.initramfs -> /init, which
#            exists only in the initramfs (netinit must refuse it)
#   merged   merged /usr: /bin -> usr/bin, /sbin -> usr/sbin, /lib ->
#            usr/lib, and /usr/sbin/init -> /lib/systemd/systemd
set -eu
PATH="$PATH:/usr/sbin:/sbin"

usage() {
	cat <<EOF
usage: $0 [-f] [abslink|merged]
  Writes build/lab/image.squashfs, or build/lab/image-VARIANT.squashfs
  (skipped when it is up to date).
  -f            rebuild even if up to date
  LIVE_PAD_MB   size of /pad.bin in MiB (default 8, 0 for none)
EOF
}

force=0
variant=
for a in "$@"; do
	case "$a" in
	-f) force=1 ;;
	abslink | merged) variant=$a ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

pad_mb=${LIVE_PAD_MB:-8}
case "$pad_mb" in
'' | *[!0-9]*)
	echo "liveroot.sh: LIVE_PAD_MB='$pad_mb' is not a whole number of MiB" >&2
	exit 2
	;;
esac

top=$(cd "$(dirname "$0")/../.." && pwd)
self="$top/tests/lab/liveroot.sh"
lab="$top/build/lab"
out="$lab/image${variant:+-$variant}.squashfs"
stamp="$out.stamp"
busybox=/bin/busybox

for tool in mksquashfs python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "liveroot.sh: '$tool' not found; run 'make deps' (tests/lab/deps.sh)" >&2
		exit 1
	fi
done
if ! [ -x "$busybox" ] || ! "$busybox" --list >/dev/null 2>&1; then
	echo "liveroot.sh: $busybox missing; run 'make deps' (busybox-static)" >&2
	exit 1
fi

# Up to date: the output exists and no input is newer (find -newer, as
# test -nt is not POSIX).
up_to_date() {
	[ -s "$1" ] || return 1
	o=$1
	shift
	[ -z "$(find "$@" -newer "$o" 2>/dev/null)" ]
}

want="pad_mb=$pad_mb${variant:+ variant=$variant}"
if [ "$force" = 0 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
	up_to_date "$out" "$self" "$busybox"; then
	exit 0
fi

mkdir -p "$lab"
tree="$lab/liveroot${variant:+-$variant}.tmp"
rm -rf "$tree"
mkdir -p "$tree"
umask 022

if [ "$variant" = merged ]; then
	mkdir -p "$tree/usr/bin" "$tree/usr/sbin" "$tree/usr/lib"
	for d in bin sbin lib; do
		ln -s "usr/$d" "$tree/$d"
	done
fi
for d in bin sbin usr/bin usr/sbin etc root home var proc sys dev run tmp mnt; do
	mkdir -p "$tree/$d"
done
chmod 1777 "$tree/tmp"
chmod 0700 "$tree/root"

cp "$busybox" "$tree/bin/busybox"
chmod 0755 "$tree/bin/busybox"
# One symlink per applet, relative to the image root; /sbin/init and
# /linuxrc are ours (or absent), never busybox's.
"$busybox" --list-full | while read -r path; do
	case "$path" in
	sbin/init | linuxrc | bin/busybox) continue ;;
	esac
	[ -e "$tree/$path" ] && continue
	mkdir -p "$tree/$(dirname "$path")"
	ln -s /bin/busybox "$tree/$path"
done

cat >"$tree/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
EOF
cat >"$tree/etc/group" <<'EOF'
root:x:0:
EOF
echo netinit-live >"$tree/etc/hostname"

cat >"$tree/sbin/init" <<'EOF'
#!/bin/sh
# netinit lab live root: report who we are, then power off.
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
[ -r /proc/self/stat ] || mount -t proc proc /proc
[ -c /dev/console ] || mount -t devtmpfs devtmpfs /dev 2>/dev/null
# What the live system inherited: RAM held by tmpfs (the image, when it
# sits on the initramfs; tests check it is there once) and the NICs' state.
[ -d /sys/class/net ] || mount -t sysfs sysfs /sys 2>/dev/null
echo "NETINIT-LIVE-MEM $(grep -E '^(Shmem|MemAvailable):' /proc/meminfo | tr -s ' \n' '  ')" >/dev/console
for n in /sys/class/net/*; do
	i=${n##*/}
	[ "$i" = lo ] && continue
	a=$(ip -4 -o addr show dev "$i" 2>/dev/null | awk '{ printf "%s%s", s, $4; s = "," }')
	r=$(ip -4 route show dev "$i" 2>/dev/null | grep -c .)
	echo "NETINIT-LIVE-NET $i flags=$(cat "$n/flags") addr=${a:-none} routes=$r" >/dev/console
done
grep netinit /proc/mounts | sed 's/^/NETINIT-LIVE-MOUNT /' >/dev/console
echo "NETINIT-LIVE-INIT $0" >/dev/console
msg="NETINIT-LIVE-OK pid=$$"
echo "$msg" >/dev/console 2>/dev/null
# stdout too, unless it already is the console (no duplicate line).
out=$(stat -L -c %t:%T "/proc/$$/fd/1" 2>/dev/null)
con=$(stat -L -c %t:%T /dev/console 2>/dev/null)
[ -n "$out" ] && [ "$out" = "$con" ] || echo "$msg"
sync
poweroff -f
EOF
chmod 0755 "$tree/sbin/init"
# a second name for it, for netinit.rootinit= tests
ln -s init "$tree/sbin/init.alt"
case "$variant" in
abslink | merged)
	# systemd's layout: the real init in /lib/systemd, /sbin/init an
	# absolute link to it (merged: /sbin/init is /usr/sbin/init)
	mkdir -p "$tree/lib/systemd"
	mv "$tree/sbin/init" "$tree/lib/systemd/systemd"
	ln -s /lib/systemd/systemd "$tree/sbin/init"
	;;
esac
# a link to what only the initramfs has: must never count as an init
[ "$variant" != abslink ] || ln -s /init "$tree/sbin/init.initramfs"

# Deterministic, incompressible padding: Mersenne Twister with a fixed
# seed, written in 1 MiB blocks.
if [ "$pad_mb" -gt 0 ]; then
	python3 - "$tree/pad.bin" "$pad_mb" <<'EOF'
import random, sys
path, mib = sys.argv[1], int(sys.argv[2])
rng = random.Random(20240601)
with open(path, "wb") as f:
    for _ in range(mib):
        f.write(rng.getrandbits(8 * 1024 * 1024).to_bytes(1024 * 1024, "little"))
EOF
	chmod 0644 "$tree/pad.bin"
fi

tmp="$out.tmp"
rm -f "$tmp"
mksquashfs "$tree" "$tmp" -noappend -comp xz -all-root \
	-mkfs-time 0 -all-time 0 -no-progress -quiet >/dev/null
mv "$tmp" "$out"
echo "$want" >"$stamp"
rm -rf "$tree"
echo "liveroot.sh: $out ($(wc -c <"$out") bytes, pad $pad_mb MiB)"
