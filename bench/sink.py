#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# bench/sink.py PORT PATH: GETs PATH from 127.0.0.1:PORT and throws the
# answer away (recv_into one 256 KiB buffer, never half-closing, which
# nginx takes for an abort): the server's own send rate over loopback.
# Prints nothing; exits 1 unless the body was as long as Content-Length.
import socket, sys

port, path = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % path).encode())
buf = bytearray(256 * 1024)
view = memoryview(buf)
head = b""
got = 0
while True:
    n = s.recv_into(view)
    if n == 0:
        break
    if head is not None:
        head += bytes(view[:n])
        end = head.find(b"\r\n\r\n")
        if end < 0:
            continue
        length = [int(l.split(b":")[1]) for l in head[:end].split(b"\r\n")
                  if l.lower().startswith(b"content-length:")]
        got = len(head) - end - 4
        head = None
        continue
    got += n
sys.exit(0 if length and got == length[0] else 1)
