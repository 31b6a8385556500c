#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end handoff cases (BIOS, iPXE ROM, slirp; see lib.sh), beside the
# run-all.sh matrix:
#   standalone   netinit.mode=auto picks standalone (no /init.orig); the
#                overlay tmpfs gets netinit.overlay.size; the initramfs is
#                emptied (run-init style) and the image is in RAM once
#                (Shmem in the live root); netinit.rootinit= is run
#   links        standalone with systemd's layouts (tests/lab/liveroot.sh
#                variants): /sbin/init an absolute link to
#                /lib/systemd/systemd, and merged /usr (/sbin -> usr/sbin,
#                /lib -> usr/lib); both must boot, resolved inside the new
#                root; a link to /init (only in the initramfs) is refused
#   genkernel    auto picks genkernel from the command line and the initrd;
#                the stand-in finds /proc /sys /dev mounted and carries on;
#                keepnet=0: eth0 down, no address, no route in the live
#                root; keepnet=1: the lease kept; docache warned about
#   dracut       the same with dracut 059 (and rd.live.ram warned about)
#   dracut106    keepnet=0 with dracut-ng 106 (Debian trixie's, the dracut line
#                of Gentoo's ISOs since 2024-08; tests/lab/dracut106-initrd.sh
#                downloads it on first use, then it is kept under build/lab)
#   onerror      shell: the message, a command typed on the serial console
#                runs, 'exit' retries the boot; reboot: the countdown, then
#                QEMU exits (-no-reboot); halt: the machine powers off
# HANDOFF_CASES picks cases (default: all). Prints a table and a count.
set -eu

# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"

# record NAME WHAT SECONDS OK
record() {
	tally "$1" "$4" "$(printf '%-24s %-42s' "$1" "$2")" "$3"
}

base="console=ttyS0 no_timer_check panic=-1 netinit.onerror=halt"
gk_args="cdroot loop=/image.squashfs"
dr_args="root=live:/image.squashfs.img rd.live.overlay.overlayfs=1"

# fetch_script CONTRACT ARGS
fetch_script() {
	printf '#!ipxe\nkernel http://10.0.2.100/vmlinuz %s\ninitrd http://10.0.2.100/netinit-%s.igz\nboot\n' \
		"$2" "$1"
}

# Standalone: auto mode, overlay size, rootinit, emptied initramfs, RAM once.
standalone_case() {
	name=hand-standalone
	secs=$(ipxe_boot "$name" 512 "$(fetch_script standalone \
		"$base $url netinit.mode=auto netinit.overlay.size=48m netinit.rootinit=/sbin/init.alt")")
	ok=1
	check "$name" "netinit: mode auto: standalone (no /init.orig to hand off to)"
	check "$name" "netinit: initramfs emptied: "
	check "$name" "netinit: switched root to /image.squashfs, running /sbin/init.alt"
	check "$name" "NETINIT-LIVE-INIT /sbin/init.alt"
	check "$name" "NETINIT-LIVE-MOUNT tmpfs /run/netinit/rw tmpfs rw,relatime,size=49152k"
	check "$name" "NETINIT-LIVE-NET eth0 flags=0x1002 addr=none routes=0"
	check_live "$name"
	check_not "$name" "Kernel panic"
	# The image (on the initramfs tmpfs, deleted, held by the loop device)
	# must still be counted once in Shmem, and the rest of the initramfs
	# (what netinit freed besides the image) must be gone: Shmem at least
	# the image, and below image + half that rest. Without the emptying,
	# Shmem is image + rest (measured: 15776 KiB for 9104 + 6676).
	img_kb=$(($(wc -c <"$lab/image.squashfs") / 1024))
	freed=$(grep -a -o 'initramfs emptied: [0-9]* entries, [0-9]* KiB' "$logs/$name.log" |
		head -n 1 | sed 's/.* \([0-9]*\) KiB/\1/')
	shmem=$(grep -a -o 'NETINIT-LIVE-MEM.*Shmem: [0-9]*' "$logs/$name.log" | head -n 1 |
		sed 's/.*Shmem: //')
	rest=$((${freed:-0} - img_kb))
	echo "$name: image $img_kb KiB, initramfs freed ${freed:-?} KiB (image + $rest), live Shmem ${shmem:-?} KiB" >&2
	if [ -z "$shmem" ] || [ "$rest" -lt 1024 ] || [ "$shmem" -lt "$img_kb" ] ||
		[ "$shmem" -ge $((img_kb + rest / 2)) ]; then
		echo "$name: RAM check failed (want image <= Shmem < image + rest/2, rest >= 1 MiB)" >&2
		ok=0
	fi
	record "$name" "standalone: auto, size, rootinit, RAM once" "$secs" "$ok"
}

# links_case VARIANT ROOTINIT: standalone boot of image-VARIANT.squashfs
# running ROOTINIT (a symlink chain in the image); "refused" as a third
# argument: ROOTINIT leads out of the image and must be refused.
links_case() {
	v=$1
	ri=$2
	name=hand-links-$v${3:+-outside}
	img=/image-$v.squashfs
	vurl="netinit.url=http://10.0.2.100$img netinit.sha256=$(sha256sum "$lab$img" | cut -d' ' -f1)"
	secs=$(ipxe_boot "$name" 512 "$(fetch_script standalone \
		"$base $vurl netinit.mode=standalone netinit.rootinit=$ri")")
	ok=1
	check "$name" "netinit: sha256 verified"
	if [ -n "${3-}" ]; then
		check "$name" "netinit: /image.squashfs holds no executable $ri (No such file or directory, symlinks followed inside the image)"
		# refused inside the standalone handoff, before any switch: the
		# machine halts (check_refused, but "handing off" is logged)
		check "$name" "halting (netinit.onerror=halt)"
		check "$name" "reboot: Power down"
		check_not "$name" "switched root"
		check_not "$name" "NETINIT-LIVE-OK"
		check_not "$name" "Kernel panic"
		record "$name" "$v: $ri (-> /init) refused" "$secs" "$ok"
		return
	fi
	check "$name" "netinit: switched root to /image.squashfs, running $ri"
	check "$name" "NETINIT-LIVE-INIT $ri"
	check_live "$name"
	check_not "$name" "Kernel panic"
	record "$name" "$v: $ri resolved in the image" "$secs" "$ok"
}

# exec_case CONTRACT KEEPNET EXTRA (CONTRACT dracut059 or dracut106: the
# dracut contract with netinit-dracut.igz or netinit-dracut106.igz)
exec_case() {
	igz=$1
	c=${1%[0-9][0-9][0-9]}
	keep=$2
	extra=$3
	name=hand-$igz-keepnet$keep
	if [ "$c" = genkernel ]; then
		args="$gk_args"
		why="cdroot loop=; initrd: /linuxrc"
	else
		args="$dr_args"
		why="root=live:; initrd: /usr/lib/dracut"
	fi
	secs=$(ipxe_boot "$name" 512 "$(fetch_script "${igz%059}" \
		"$base $args $url netinit.mode=auto netinit.keepnet=$keep $extra")")
	ok=1
	check "$name" "netinit: mode auto: $c (command line: $why)"
	check "$name" "handing off: mode $c, exec /init.orig"
	if [ "$keep" = 0 ]; then
		check "$name" "netinit: eth0: put back as found: no address, link down"
		check "$name" "NETINIT-LIVE-NET eth0 flags=0x1002 addr=none routes=0"
	else
		check_not "$name" "put back as found"
		check "$name" "NETINIT-LIVE-NET eth0 flags=0x1003 addr=10.0.2.15/24"
	fi
	if [ "$c" = genkernel ]; then
		# netinit mounted them; the next stage must take them as they are
		check "$name" "genkernel-test: /proc already mounted, kept"
		check "$name" "genkernel-test: /dev already mounted, kept"
	fi
	case $extra in
	*docache*) check "$name" "warning: docache copies the image a second time into RAM (8 MiB more)" ;;
	*rd.live.ram*) check "$name" "warning: rd.live.ram copies the image a second time into RAM (8 MiB more)" ;;
	esac
	if [ "$c" = dracut ]; then
		# dmsquash-live took the fetched file; dracut-ng names itself
		# (059 names the build host's os-release there instead)
		[ "$igz" = dracut106 ] && check "$name" "dracut: dracut-106"
		check "$name" "dracut: root was live:/image.squashfs.img, is now live:/image.squashfs.img"
	fi
	check_live "$name"
	check_not "$name" "Kernel panic"
	record "$name" "$igz: auto, keepnet=$keep${extra:+, $extra}" "$secs" "$ok"
}

# onerror=shell: the initrd's busybox sh on the serial console. A command
# typed there runs (its output, not its echo, is checked); 'exit' runs
# netinit again (a second "starting"); then poweroff ends QEMU.
shell_case() {
	name=hand-onerror-shell
	tftp="$lab/tftp-$name"
	log="$logs/$name.log"
	fifo="$lab/nihand-$name.in"
	mkdir -p "$tftp"
	rm -f "$fifo"
	mkfifo "$fifo"
	printf '#!ipxe\nkernel http://10.0.2.100/vmlinuz console=ttyS0 no_timer_check panic=-1 netinit.onerror=shell %s %s ip=off\ninitrd http://10.0.2.100/netinit-genkernel.igz\nboot\n' \
		"$gk_args" "$url" >"$tftp/boot.ipxe"
	start=$(date +%s)
	timeout "${QEMU_TIMEOUT:-180}" qemu-system-x86_64 -accel tcg -m 512 \
		-nographic -no-reboot -boot n \
		-nic "user,model=virtio-net-pci,restrict=on,tftp=$tftp,bootfile=boot.ipxe,guestfwd=tcp:10.0.2.100:80-cmd:socat - TCP:127.0.0.1:$HTTP_PORT" \
		<"$fifo" >"$log" 2>&1 &
	qpid=$!
	rm -f "$logs/$name.status"
	exec 3>"$fifo"
	ok=1
	if wait_log "$name" "'exit' to retry the boot" 1 150; then
		sleep 3
		# busybox ash asks the terminal for the cursor position (ESC [6n)
		# when it starts and may take a line typed then as the answer:
		# type the command again until its output shows, at most 3 times
		for try in 1 2 3; do
			# shellcheck disable=SC2016 # the guest's shell computes it
			printf 'echo NIHAND-$((6*7))\n' >&3
			! wait_log "$name" NIHAND-42 1 10 || break
			echo "$name: try $try: no output yet, typing the command again" >&2
		done
		printf 'exit\n' >&3
		wait_log "$name" "'exit' to retry the boot" 2 60 || true
		sleep 3
		printf 'poweroff -f\n' >&3
	fi
	rc=0
	wait "$qpid" || rc=$?
	boot_ended "$name" "$rc"
	exec 3>&-
	rm -f "$fifo"
	secs=$(($(date +%s) - start))
	check "$name" "the image must be fetched but ip=off disables the network"
	check "$name" "starting /bin/sh: fix the problem (netinit reads /etc/netinit.conf again), then 'exit' to retry the boot, or 'reboot -f'"
	check "$name" "NIHAND-42"
	check "$name" "netinit: shell exited: retrying the boot"
	[ "$(grep -a -c 'netinit: netinit .* starting' "$log")" -ge 2 ] || {
		echo "$name: netinit did not run again after 'exit'" >&2
		ok=0
	}
	check "$name" "reboot: Power down"
	check_not "$name" "Kernel panic"
	record "$name" "onerror=shell: command runs, exit retries" "$secs" "$ok"
}

# onerror=reboot / halt: QEMU (-no-reboot) must exit by itself.
reboot_halt_case() {
	what=$1
	name=hand-onerror-$what
	secs=$(QEMU_TIMEOUT=90 ipxe_boot "$name" 512 \
		"$(fetch_script genkernel "console=ttyS0 no_timer_check panic=-1 netinit.onerror=$what $gk_args $url ip=off")")
	ok=1
	check "$name" "the image must be fetched but ip=off disables the network"
	if [ "$what" = reboot ]; then
		check "$name" "boot failed: rebooting in 10 s (netinit.onerror=reboot)"
		check "$name" "rebooting in  1 s"
		check "$name" "reboot: Restarting system"
	else
		check "$name" "boot failed: halting (netinit.onerror=halt)"
		check "$name" "reboot: Power down"
	fi
	check_not "$name" "handing off"
	check_not "$name" "Kernel panic"
	[ "$secs" -lt 90 ] || {
		echo "$name: QEMU did not exit by itself" >&2
		ok=0
	}
	record "$name" "onerror=$what: machine $what" "$secs" "$ok"
}

prepare
for v in abslink merged; do
	LIVE_PAD_MB=1 sh "$top/tests/lab/liveroot.sh" "$v"
	ln -sf "$lab/image-$v.squashfs" "$www/image-$v.squashfs"
done
url="netinit.url=http://10.0.2.100/image.squashfs netinit.sha256=$(sha256sum "$lab/image.squashfs" | cut -d' ' -f1)"
cases=${HANDOFF_CASES:-standalone links genkernel dracut dracut106 shell reboot halt}
case " $cases " in
*" dracut106 "*)
	sh "$top/tests/lab/dracut106-initrd.sh" >/dev/null
	"$top/gen_initramfs.sh" --base "$lab/dracut106.igz" --netinit "$top/build/netinit" \
		--modules "$lab/kernel/lib/modules/$(cat "$lab/kernel/version")" \
		--output "$www/netinit-dracut106.igz" >/dev/null
	;;
esac
http_start "$www"
trap http_stop EXIT INT TERM
for c in $cases; do
	case $c in
	standalone) standalone_case ;;
	links)
		links_case abslink /sbin/init
		links_case merged /sbin/init
		links_case abslink /sbin/init.initramfs refused
		;;
	genkernel)
		exec_case genkernel 0 "docache"
		exec_case genkernel 1 ""
		;;
	dracut)
		exec_case dracut059 0 ""
		exec_case dracut059 1 "rd.live.ram"
		;;
	dracut106) exec_case dracut106 0 "" ;;
	shell) shell_case ;;
	reboot | halt) reboot_halt_case "$c" ;;
	*) die "HANDOFF_CASES: unknown case '$c' (standalone links genkernel dracut dracut106 shell reboot halt)" ;;
	esac
done
printf 'case                     what                                       result time\n%s' "$table"
echo "handoff e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]
