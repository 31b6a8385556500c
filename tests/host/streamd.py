#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""streamd: an HTTP/1.1 keep-alive file server on 127.0.0.1 (or ADDR) for stream mode's tests.

Serves files under DIR with closed and open ranges ("Range: bytes=a-b",
"bytes=a-"), a strong ETag made of the file's inode, mtime and size, a
Last-Modified, and If-Range (RFC 9110 13.1.5: a validator that does not
match gets the whole file, 200). Replacing the file (rename over it) changes
the ETag, as nginx's would.

  /FILE            206 for a satisfiable Range, 200 without one
  /norange/FILE    ignores Range: always 200 with the whole file
  /noetag/FILE     no ETag and no Last-Modified
  /dropN/FILE      the Nth request (N a digit, counted since the start) gets
                   half of its body, then the connection is closed

STREAMD_DELAY_MS=N in the environment waits N ms before answering each
request: a stand-in for a round trip (the bench of stream mode's GET ahead).

Usage: streamd.py DIR [PORT [ADDR]]  (PORT 0 or absent: a free one; ADDR
127.0.0.1 unless given, "::1" for IPv6 only). Prints "streamd: port N" on
stdout once listening, then one access line per request on stderr:
"streamd: GET PATH range=R if-range=V peer=ADDR -> STATUS".
"""
import email.utils
import http.server
import os
import re
import socket
import sys
import time


DELAY = int(os.environ.get("STREAMD_DELAY_MS", "0")) / 1000.0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "streamd"

    def log_message(self, fmt, *args):
        pass

    def log_request(self, code="-", size="-"):
        sys.stderr.write("streamd: %s %s range=%s if-range=%s peer=%s -> %s\n" % (
            self.command, self.path, self.headers.get("Range", "-"),
            self.headers.get("If-Range", "-"), self.client_address[0], code))
        sys.stderr.flush()

    def fail(self, code):
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        time.sleep(DELAY)
        parts = self.path.split("?", 1)[0].lstrip("/").split("/")
        mode = parts[0] if re.fullmatch(r"norange|noetag|drop\d", parts[0]) and len(parts) > 1 else ""
        self.server.count += 1
        drop = mode[:4] == "drop" and self.server.count == int(mode[4:])
        name = "/".join(parts[1:] if mode else parts)
        path = os.path.join(self.server.root, name)
        try:
            f = open(path, "rb")
        except OSError:
            self.fail(404)
            return
        with f:
            st = os.fstat(f.fileno())
            size = st.st_size
            etag = '"%x-%x-%x"' % (st.st_ino, st.st_mtime_ns, size)
            lastmod = email.utils.formatdate(st.st_mtime, usegmt=True)
            first, last = 0, size - 1
            partial = False
            m = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
            if m and mode != "norange":
                ifr = self.headers.get("If-Range")
                if ifr is None or ifr == etag or (mode == "noetag" and ifr == lastmod):
                    first = int(m.group(1))
                    last = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
                    if first >= size:
                        self.send_response(416)
                        self.send_header("Content-Range", "bytes */%d" % size)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    partial = True
            self.send_response(206 if partial else 200)
            if mode != "noetag":
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", lastmod)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(last - first + 1))
            if partial:
                self.send_header("Content-Range", "bytes %d-%d/%d" % (first, last, size))
            self.end_headers()
            f.seek(first)
            left = last - first + 1
            if drop:
                left //= 2
                self.close_connection = True
            try:
                while left > 0:
                    b = f.read(min(left, 65536))
                    if not b:
                        break
                    self.wfile.write(b)
                    left -= len(b)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True


class Server6(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


def main():
    root = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    addr = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    http.server.ThreadingHTTPServer.daemon_threads = True
    cls = Server6 if ":" in addr else http.server.ThreadingHTTPServer
    srv = cls((addr, port), Handler)
    srv.root = root
    srv.count = 0
    print("streamd: port %d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
