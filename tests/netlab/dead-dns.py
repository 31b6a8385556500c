#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A DNS server that is dead: it records every query and never answers.

For the namespace lab (tests/netlab/lab.sh, case dns): it stands at the
lease's first DNS server address and proves, from outside netinit, that the
resolver asked it before moving on to the next server. Usage:
    dead-dns.py ADDRESS
Prints "listening", then one line per query: "query NAME from IP".
"""
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
print("listening", flush=True)
while True:
    data, peer = s.recvfrom(4096)
    i, labels = 12, []
    while i < len(data) and data[i] and data[i] < 64:
        labels.append(data[i + 1:i + 1 + data[i]].decode("ascii", "replace"))
        i += 1 + data[i]
    print("query %s from %s" % (".".join(labels), peer[0]), flush=True)
