#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Builds build/lab/dracut106.igz: dracut-ng 106 (Debian 13 trixie's, the
# dracut line Gentoo's ISOs use since 2024-08) dmsquash-live initrd for the
# lab kernel, the same way as the 059 one: tests/lab/dracut-initrd.sh 106
# (the trixie download, kept under build/lab, is described there).
# usage: sh tests/lab/dracut106-initrd.sh [-f]
set -eu
exec sh "$(dirname "$0")/dracut-initrd.sh" "$@" 106
