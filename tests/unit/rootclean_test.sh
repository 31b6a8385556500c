#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# src/rootclean.c, run-init's initramfs emptying, on the host (as root, in a
# private mount namespace so nothing is left mounted):
#   - a tmpfs "initramfs" with files, nested dirs, a symlink to outside and
#     an image file is emptied, except what sits below a mount point inside
#     it (a second tmpfs, as the new root is) and the mount point itself;
#   - a directory on a filesystem that is no ramfs/tmpfs is refused, intact;
#   - a symlink to a directory outside is removed, never followed.
# A check that cannot run here is counted as skipped, not passed. Last line:
# "rootclean: N passed, N failed, N skipped"; status 1 on failure.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$top/build/host/rootclean_run
mkdir -p "$top/build/host"
${HOSTCC:-cc} -O1 -g -Wall -Wextra -fsanitize=address,undefined -fno-sanitize-recover=all \
	-I"$top/src" -o "$bin" "$top/tests/unit/rootclean_run.c" "$top/src/rootclean.c"
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1; then
	echo "rootclean_test.sh: needs root and unshare (util-linux) for a private mount namespace" >&2
	exit 1
fi
# shellcheck disable=SC2016 # the inner script expands its own variables
exec unshare -m --propagation private sh -eu -c '
bin=$1
t=$(mktemp -d)
pass=0 fail=0 skip=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
skipped() { echo "SKIP $1"; skip=$((skip + 1)); }
finished=0
finish() {
	rc=$?
	[ "$finished" = 1 ] || bad "the test stopped early (status $rc)"
	echo "rootclean: $pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ] || exit 1
}
trap finish EXIT
mount -t tmpfs none "$t"
mkdir -p "$t/root/a/b/c" "$t/root/newroot" "$t/outside" "$t/root/dev"
echo x >"$t/root/a/b/c/f"
echo y >"$t/root/init"
head -c 65536 /dev/zero >"$t/root/image.squashfs"
echo keep >"$t/outside/keep"
ln -s "$t/outside" "$t/root/link"
mount -t tmpfs none "$t/root/newroot"
echo live >"$t/root/newroot/sbin-init"
mkdir "$t/root/newroot/deep"
echo deep >"$t/root/newroot/deep/f"
mount -t tmpfs none "$t/root/dev"
echo n >"$t/root/dev/console"
out=$("$bin" "$t/root")
echo "$out"
left=$(cd "$t/root" && find . -mindepth 1 | LC_ALL=C sort | tr "\n" " ")
[ "$left" = "./dev ./dev/console ./newroot ./newroot/deep ./newroot/deep/f ./newroot/sbin-init " ] &&
	ok "emptied, mount points and what is below them kept" || bad "left: $left"
case $out in *"skipped=2"*) ok "2 mount points skipped" ;; *) bad "counts: $out" ;; esac
[ -f "$t/outside/keep" ] && ok "symlink not followed" || bad "followed the symlink"
# a directory on the test tree (not tmpfs) is refused
d=$(mktemp -d -p "${TMPDIR_DISK:-/var/tmp}")
echo z >"$d/f"
if [ "$(stat -f -c %T "$d")" = tmpfs ] || [ "$(stat -f -c %T "$d")" = ramfs ]; then
	skipped "non-tmpfs refusal: $d is on tmpfs (set TMPDIR_DISK to a disk directory)"
elif "$bin" "$d" 2>"$t/err"; then
	bad "emptied a non-tmpfs directory"
else
	[ -f "$d/f" ] && grep -q "is no ramfs or tmpfs" "$t/err" && ok "non-tmpfs refused: $(cat "$t/err")" ||
		bad "refusal without its message or with damage"
fi
rm -rf "$d"
umount "$t/root/dev" "$t/root/newroot" "$t"
rmdir "$t"
finished=1
' rootclean_test "$bin"
