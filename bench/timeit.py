#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# bench/timeit.py CMD [ARGS...]: runs CMD, prints "WALL USER SYS" in
# seconds (wall clock, and the CPU time of CMD and its children from
# getrusage), exits with CMD's status.
import os, resource, subprocess, sys, time

if len(sys.argv) < 2:
    sys.exit("usage: timeit.py CMD [ARGS...]")
before = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.monotonic()
rc = subprocess.call(sys.argv[1:])
wall = time.monotonic() - t0
after = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %.3f %.3f" % (wall, after.ru_utime - before.ru_utime,
                          after.ru_stime - before.ru_stime))
sys.exit(rc)
