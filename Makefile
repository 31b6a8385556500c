# SPDX-License-Identifier: GPL-2.0-only
# netinit build. `make` builds the static PID 1 binary; see README.md for the rest.

VERSION     := 0.1.0
BUILD       := build
KLCC        ?= klcc
HOSTCC      ?= cc
WARN        := -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS    := -Isrc -DNETINIT_VERSION='"$(VERSION)"'
KLCC_CFLAGS := -Oz -fno-jump-tables -fno-caller-saves -fno-shrink-wrap -malign-data=abi -static $(WARN) -ffunction-sections -fdata-sections
HOST_CFLAGS := -O1 -g $(WARN) -Wshadow -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

# Pure sources: no syscalls, freestanding headers only; they build for the host too.
PURE   := src/cmdline.c src/url.c src/http.c src/chunked.c src/dhcp_pkt.c src/ipconf.c src/dns_pkt.c src/modalias.c src/sha256.c src/squashfs.c src/verity_sb.c src/nbd_proto.c src/nbd_wire.c src/ndisc_pkt.c src/dhcp6_pkt.c src/mirror.c
IMPURE := $(filter-out $(PURE),$(wildcard src/*.c))
SRCS   := init/main.c $(PURE) $(IMPURE)
HDRS   := $(wildcard src/*.h)

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/host/%,$(UNIT_SRCS))

# Fuzz targets: tests/fuzz/fuzz_<target>.c, each a LLVMFuzzerTestOneInput over
# PURE. `make fuzz-replay` (part of check) links each with tests/fuzz/replay.c
# using the host compiler and sanitizers and replays its committed corpus
# tests/fuzz/corpus/<target>/ and tests/fuzz/crashes/<target>/ (if present).
# `make fuzz` builds the libFuzzer binaries with clang into build/fuzz/ and
# runs each, one after the other, for FUZZ_SECONDS (default 60) with the
# committed corpus as seeds; new inputs go to build/fuzz/corpus/<target>/ and
# crashes to build/fuzz/<target>-crash-*. See tests/fuzz/README.md.
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
CLANG        ?= clang
FUZZ_CFLAGS  := -O1 -g $(WARN) -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

.PHONY: all deps check unit lint demo bench clean e2e e2e-faults e2e-stream-proof e2e-stream e2e-loaders fuzz fuzz-replay netlab netlab-servers netlab-v6 netlab-stream netlab-cache host host-test nbd-host-test stream-test storm-test bench-storm
all: $(BUILD)/netinit

# The fetch stage as a host program (tests/host/netinit_fetch_main.c in front
# of the same src/fetch.c): build/host/netinit-fetch is optimised, without
# sanitizers, for benchmarks; netinit-fetch-asan is the one the tests run.
# src/dns.c with its socket seam src/dns_net.c (host names through the resolver).
FETCH_SRCS := tests/host/netinit_fetch_main.c src/fetch.c src/httpc.c src/tcp.c src/file.c src/log.c src/clock.c src/image.c \
	      src/dns.c src/dns_net.c $(PURE)
HOST_O2    := -O2 $(WARN) -D_GNU_SOURCE

host: $(BUILD)/host/netinit-fetch $(BUILD)/host/netinit-fetch-asan

$(BUILD)/host/netinit-fetch: $(FETCH_SRCS) $(HDRS) Makefile
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_O2) $(CPPFLAGS) -o $@ $(FETCH_SRCS)

$(BUILD)/host/netinit-fetch-asan: $(FETCH_SRCS) $(HDRS) Makefile
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) $(CPPFLAGS) -o $@ $(FETCH_SRCS)

# nbd:// against real NBD servers (nbd-server, nbdkit) on 127.0.0.1:
# tests/host/nbd_client_main.c in front of src/nbd_client.c, under ASan/UBSan.
NBD_HOST_SRCS := tests/host/nbd_client_main.c src/nbd_client.c src/tcp.c src/log.c src/clock.c $(PURE)

$(BUILD)/host/netinit-nbd-asan: $(NBD_HOST_SRCS) $(HDRS) Makefile
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) -D_GNU_SOURCE $(CPPFLAGS) -o $@ $(NBD_HOST_SRCS)

nbd-host-test: $(BUILD)/host/netinit-nbd-asan
	@sh tests/host/nbd_test.sh

# Host-level fault tests: netinit-fetch against tests/fault/faultd.py on 127.0.0.1.
host-test: host
	@sh tests/host/fetch_test.sh

# The small storm (issue 14): 8 netinit-fetch clients in network namespaces
# against two nginx mirrors on tc-shaped links, spreading on and off, a
# mirror answering 503 Retry-After, and the nginx and squid caches of
# examples/cache/ (tests/host/storm_test.sh, root, ~30 s; it takes
# /tmp/netlab.lock itself, so do not wrap it in another flock of that file).
storm-test: host
	@sh tests/host/storm_test.sh

# The storm figures (not part of check): N = 1, 8, 32, 64 clients, a 64 MiB
# image over 200 Mbit/s links; writes bench/storm.{md,csv,png} (bench/storm.sh).
bench-storm: host
	@sh bench/storm.sh

# -Oz -fno-jump-tables (gcc 12): 2.3 KB under -Os; with stream mode,
# verity and IPv6 in, -Os was over the budget. The build-id note goes too.
# -fno-caller-saves -fno-shrink-wrap: 448 bytes less (code size only; each
# was measured alone and together against the other -fno-* knobs).
# -malign-data=abi: arrays of 32 bytes or more keep their type's alignment
# instead of 32 (gcc's default, for vector loads; sha256.c's SHA-NI code
# uses unaligned loads): 160 bytes less.
# --sort-section=alignment: the linker places input sections by falling
# alignment, so 8-byte tables do not leave holes between 1-byte strings
# and code (112 bytes).
# After strip, the section header table and .shstrtab go too (what sstrip
# does): the file ends with the last byte a program header loads, and
# e_shoff, e_shnum and e_shstrndx are zeroed; the kernel loads by program
# headers only (readelf -h/-l/-d still read it): 424 bytes.
# -z noseparate-code: one read+exec segment instead of three page-aligned
# ones (R, RX, R), which spent ~6 KiB of the budget on padding.
# -z common-page-size=64: the data segment follows the code in the file at
# the same offset within its page instead of at the next page (~1.5 KiB).
$(BUILD)/netinit: $(SRCS) $(HDRS) Makefile
	@mkdir -p $(BUILD)
	$(KLCC) $(KLCC_CFLAGS) $(CPPFLAGS) -o $@.tmp $(SRCS) -Wl,--gc-sections -Wl,--sort-section=alignment -Wl,-z,noseparate-code -Wl,-z,common-page-size=64
	strip --strip-all -R .comment -R .note -R .note.gnu.build-id $@.tmp
	@phoff=$$(od -An -tu8 -j32 -N8 $@.tmp); phnum=$$(od -An -tu2 -j56 -N2 $@.tmp); end=0; i=0; \
	while [ "$$i" -lt "$$phnum" ]; do o=$$((phoff + 56 * i)); \
		off=$$(od -An -tu8 -j$$((o + 8)) -N8 $@.tmp); fsz=$$(od -An -tu8 -j$$((o + 32)) -N8 $@.tmp); \
		if [ $$((off + fsz)) -gt "$$end" ]; then end=$$((off + fsz)); fi; i=$$((i + 1)); \
	done; [ "$$end" -gt 64 ] && truncate -s "$$end" $@.tmp && \
	head -c 8 /dev/zero | dd of=$@.tmp bs=1 seek=40 conv=notrunc 2>/dev/null && \
	head -c 4 /dev/zero | dd of=$@.tmp bs=1 seek=60 conv=notrunc 2>/dev/null
	@if readelf -d $@.tmp | grep -q 'Dynamic section'; then echo "netinit: not static" >&2; exit 1; fi
	@sz=$$(stat -c %s $@.tmp); if [ $$sz -gt 98304 ]; then echo "netinit: $$sz bytes, over the 96 KiB budget" >&2; exit 1; fi
	mv $@.tmp $@
	@echo "netinit: $$(stat -c %s $@) bytes, static"

$(BUILD)/host/test_%: tests/unit/test_%.c tests/unit/check.h $(PURE) $(HDRS)
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) $(CPPFLAGS) -Itests/unit -o $@ $< $(PURE)

# The state machines through their I/O seam (as sd-dhcp-client's tests):
# src/dhcp.c and src/dns.c linked with tests/unit/fake_*.c in place of
# src/dhcp_net.c, src/dns_net.c, src/clock.c and src/log.c (link-time
# substitution), replaying the captures in tests/fixtures on a fake clock.
FAKE_SYS := tests/unit/fake_sys.c tests/unit/fake.h tests/unit/check.h $(PURE) $(HDRS)

$(BUILD)/host/test_dhcp: tests/unit/test_dhcp.c src/dhcp.c tests/unit/fake_dhcp_net.c $(FAKE_SYS)
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) $(CPPFLAGS) -Itests/unit -o $@ $(filter %.c,$^)

$(BUILD)/host/test_dns: tests/unit/test_dns.c src/dns.c tests/unit/fake_dns_net.c $(FAKE_SYS)
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) $(CPPFLAGS) -Itests/unit -o $@ $(filter %.c,$^)

# file.c is not pure either: its test reads temporary files.
$(BUILD)/host/test_file: tests/unit/test_file.c tests/unit/check.h src/file.c $(HDRS)
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) $(CPPFLAGS) -Itests/unit -o $@ $< src/file.c

# errstr.c (the klibc build's strerror) includes itself into its test.
$(BUILD)/host/test_errstr: tests/unit/test_errstr.c tests/unit/check.h src/errstr.c
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) $(CPPFLAGS) -Itests/unit -o $@ $<

# vsnprintf.c (the klibc build's vsnprintf) includes itself into its test.
$(BUILD)/host/test_vsnprintf: tests/unit/test_vsnprintf.c tests/unit/check.h src/vsnprintf.c
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) $(CPPFLAGS) -Itests/unit -o $@ $<

# klibc.c (the klibc build's strstr and stdio stubs) includes itself into its test.
$(BUILD)/host/test_klibc: tests/unit/test_klibc.c tests/unit/check.h src/klibc.c
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) $(CPPFLAGS) -Itests/unit -o $@ $<

# tcp.c is not pure: its test plays send() from a script (-Wl,--wrap=send).
$(BUILD)/host/test_tcp: tests/unit/test_tcp.c tests/unit/check.h src/tcp.c src/clock.c $(HDRS)
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) $(CPPFLAGS) -Itests/unit -o $@ $< src/tcp.c src/clock.c -Wl,--wrap=send

unit: $(UNIT_BINS) $(BUILD)/netinit
	@fail=0; for t in $(UNIT_BINS); do echo "== $$t"; (cd tests && ../$$t) || fail=1; done; \
	echo "== tests/unit/gen_initramfs_test.sh"; sh tests/lab/kernel.sh && \
	sh tests/unit/gen_initramfs_test.sh || fail=1; \
	echo "== tests/unit/rootclean_test.sh"; sh tests/unit/rootclean_test.sh || fail=1; \
	echo "== tests/unit/gen_bootfiles_test.sh"; sh tests/unit/gen_bootfiles_test.sh || fail=1; \
	exit $$fail

$(BUILD)/host/replay_%: tests/fuzz/replay.c tests/fuzz/fuzz_%.c $(PURE) $(HDRS)
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) $(CPPFLAGS) -o $@ tests/fuzz/replay.c tests/fuzz/fuzz_$*.c $(PURE)

# A target without a corpus fails (replay.c); the last lines prove that an
# empty or missing corpus cannot pass.
fuzz-replay: $(patsubst %,$(BUILD)/host/replay_%,$(FUZZ_TARGETS))
	@fail=0; for t in $(FUZZ_TARGETS); do \
		$(BUILD)/host/replay_$$t tests/fuzz/corpus/$$t tests/fuzz/crashes/$$t || fail=1; \
	done; \
	t=$(firstword $(FUZZ_TARGETS)); rm -rf $(BUILD)/host/empty-corpus; \
	mkdir -p $(BUILD)/host/empty-corpus; \
	for d in $(BUILD)/host/empty-corpus $(BUILD)/host/no-such-corpus; do \
		if $(BUILD)/host/replay_$$t $$d 2>/dev/null; then \
			echo "fuzz-replay: replay_$$t passed with no inputs in $$d" >&2; fail=1; \
		fi; \
	done; exit $$fail

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(PURE) $(HDRS)
	@mkdir -p $(BUILD)/fuzz
	$(CLANG) $(FUZZ_CFLAGS) $(CPPFLAGS) -o $@ $< $(PURE)

fuzz: $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(BUILD)/fuzz/corpus/$$t; \
		echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
		$(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz/$$t-crash- \
			$(BUILD)/fuzz/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

deps:
	@sh tests/lab/deps.sh

lint:
	shellcheck -x gen_initramfs.sh tests/lab/*.sh tests/qemu/*.sh tests/unit/*.sh tests/netlab/*.sh tests/host/*.sh bench/*.sh .ci/run

e2e: $(BUILD)/netinit
	@sh tests/qemu/modules-proof.sh
	@sh tests/qemu/run-all.sh
	@sh tests/qemu/preconfigured.sh
	@sh tests/qemu/handoff.sh
	@sh tests/qemu/efi.sh

# Namespace lab (root): QEMU on taps with dnsmasq, see tests/netlab/lab.sh.
netlab: $(BUILD)/netinit
	@sh tests/netlab/lab.sh

# Debian's pxelinux, lpxelinux and GRUB (BIOS core.0, EFI core.efi from
# grub-mknetdir), unpacked into build/lab/loaders, booting the files
# gen_initramfs.sh wrote with no key pressed (tests/qemu/loaders.sh, 4 boots,
# ~4 min on 2 busy cores).
e2e-loaders: $(BUILD)/netinit
	@sh tests/qemu/loaders.sh

# ISC dhcpd + atftpd (OVMF PXE -> ipxe.efi -> boot.ipxe) and Kea (iPXE ROM;
# OVMF PXE with atftpd), unpacked
# into build/lab/servers, run with examples/ as shipped in a namespace
# (tests/netlab/servers.sh, 3 boots, ~4 min).
netlab-servers: $(BUILD)/netinit
	@sh tests/netlab/servers.sh

# IPv6 namespace lab (root): dnsmasq enable-ra, DHCPv6, DNS, static, IPv6-only
# fetches, Happy Eyeballs, tinyproxy; tests/netlab/v6.sh, 8 boots.
netlab-v6: $(BUILD)/netinit
	@flock /tmp/netlab.lock sh tests/netlab/v6.sh

# Stream mode against nginx killed, the link down, the first mirror gone and
# a corrupted block under verity, in a namespace with real nginx
# (tests/netlab/stream-faults.sh, 4 boots, ~3 min).
netlab-stream: $(BUILD)/netinit
	@flock /tmp/netlab.lock sh tests/netlab/stream-faults.sh

# Cache mode in the namespace lab (tests/netlab/stream-faults.sh's cache
# cases: off the network once copied, a sha256 pin not matched, RAM pressure
# during the copy; 3 boots).
netlab-cache: $(BUILD)/netinit
	@flock /tmp/netlab.lock env SFAULT_CASES="cache cache-sha cache-pressure" sh tests/netlab/stream-faults.sh

# The fetch stage's fault matrix (tests/fault/faultd.py), 9 boots, ~2 min.
e2e-faults: $(BUILD)/netinit
	@sh tests/qemu/fetch-faults.sh

# Stream mode's kernel side in QEMU: NBD over generic netlink, dm-verity on
# top (tests/qemu/stream-proof.sh, one boot, ~20 s).
e2e-stream-proof:
	@sh tests/qemu/stream-proof.sh

check: deps all unit fuzz-replay host-test nbd-host-test stream-test storm-test lint e2e e2e-faults e2e-stream-proof e2e-stream e2e-loaders netlab netlab-servers netlab-v6 netlab-stream netlab-cache

# Benchmarks (not part of check): writes bench/results.{csv,md} and bench/*.png
# from one real run, about 45 minutes on 2 cores (stream mode's rows
# included); see bench/run.sh for BENCH_SECTIONS, BENCH_SIZES and friends.
bench: deps all
	@sh bench/run.sh

demo: deps all
	@sh tests/qemu/demo.sh

clean:
	rm -rf $(BUILD)

# Stream mode's backend on the host: tests/host/stream_harness.c plays the
# kernel's nbd driver against src/stream.c (ASan/UBSan), served by
# tests/host/streamd.py on 127.0.0.1 (tests/host/stream_test.sh).
STREAM_SRCS := tests/host/stream_harness.c src/stream.c src/httpc.c src/tcp.c src/dns.c src/dns_net.c src/file.c src/log.c src/clock.c $(PURE)

$(BUILD)/host/stream-harness: $(STREAM_SRCS) $(HDRS) Makefile
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) -D_GNU_SOURCE $(CPPFLAGS) -o $@ $(STREAM_SRCS)

stream-test: $(BUILD)/host/stream-harness
	@sh tests/host/stream_test.sh

# Stream mode end to end in QEMU (tests/qemu/stream.sh).
e2e-stream: $(BUILD)/netinit
	@sh tests/qemu/stream.sh
