# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Sourced by the tests that start their own servers on loopback (tests/qemu/
# lib.sh, tests/host/*_test.sh, tests/unit/gen_bootfiles_test.sh): one copy
# of the two port helpers they all need.

# free_port: prints a TCP port that is free on 127.0.0.1 right now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT [HOST]: returns 0 once something accepts on HOST:PORT
# (127.0.0.1 unless given; "::1" for IPv6), 1 after about 5 s.
wait_port() {
	python3 -c 'import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection((sys.argv[2], int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)' "$1" "${2:-127.0.0.1}"
}
