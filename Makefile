# SPDX-License-Identifier: GPL-2.0-only
# netinit build. `make` builds the static PID 1 binary; see README.md for the rest.

VERSION     := 0.1.0
BUILD       := build
KLCC        ?= klcc
HOSTCC      ?= cc
WARN        := -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS    := -Isrc -DNETINIT_VERSION='"$(VERSION)"'
KLCC_CFLAGS := -Os -static $(WARN) -ffunction-sections -fdata-sections
HOST_CFLAGS := -O1 -g $(WARN) -Wshadow -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

# Pure sources: no syscalls, freestanding headers only; they build for the host too.
PURE   := src/nbd_wire.c src/cmdline.c src/url.c src/http.c src/chunked.c src/dhcp_pkt.c src/ipconf.c src/dns_pkt.c src/modalias.c src/sha256.c src/squashfs.c src/verity_sb.c
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

.PHONY: all deps check unit lint demo bench clean e2e e2e-faults fuzz fuzz-replay netlab host host-test stream-test e2e-stream
all: $(BUILD)/netinit

# The fetch stage as a host program (tests/host/netinit_fetch_main.c in front
# of the same src/fetch.c): build/host/netinit-fetch is optimised, without
# sanitizers, for benchmarks; netinit-fetch-asan is the one the tests run.
# src/dns.c joins when it exists (host names through the resolver).
FETCH_SRCS := tests/host/netinit_fetch_main.c src/fetch.c src/tcp.c src/file.c src/log.c src/clock.c src/image.c \
	      $(wildcard src/dns.c) $(PURE)
HOST_O2    := -O2 $(WARN) -D_GNU_SOURCE

host: $(BUILD)/host/netinit-fetch $(BUILD)/host/netinit-fetch-asan

$(BUILD)/host/netinit-fetch: $(FETCH_SRCS) $(HDRS) Makefile
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_O2) $(CPPFLAGS) -o $@ $(FETCH_SRCS)

$(BUILD)/host/netinit-fetch-asan: $(FETCH_SRCS) $(HDRS) Makefile
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) $(CPPFLAGS) -o $@ $(FETCH_SRCS)

# Host-level fault tests: netinit-fetch against tests/fault/faultd.py on 127.0.0.1.
host-test: host
	@sh tests/host/fetch_test.sh

# -z noseparate-code: one read+exec segment instead of three page-aligned
# ones (R, RX, R), which spent ~6 KiB of the budget on padding.
# -z common-page-size=64: the data segment follows the code in the file at
# the same offset within its page instead of at the next page (~1.5 KiB).
$(BUILD)/netinit: $(SRCS) $(HDRS) Makefile
	@mkdir -p $(BUILD)
	$(KLCC) $(KLCC_CFLAGS) $(CPPFLAGS) -o $@.tmp $(SRCS) -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,common-page-size=64
	strip --strip-all -R .comment -R .note $@.tmp
	@if readelf -d $@.tmp | grep -q 'Dynamic section'; then echo "netinit: not static" >&2; exit 1; fi
	@sz=$$(stat -c %s $@.tmp); if [ $$sz -gt 98304 ]; then echo "netinit: $$sz bytes, over the 96 KiB budget" >&2; exit 1; fi
	mv $@.tmp $@
	@echo "netinit: $$(stat -c %s $@) bytes, static"

$(BUILD)/host/test_%: tests/unit/test_%.c tests/unit/check.h $(PURE) $(HDRS)
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) $(CPPFLAGS) -Itests/unit -o $@ $< $(PURE)

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

fuzz-replay: $(patsubst %,$(BUILD)/host/replay_%,$(FUZZ_TARGETS))
	@fail=0; for t in $(FUZZ_TARGETS); do \
		$(BUILD)/host/replay_$$t tests/fuzz/corpus/$$t tests/fuzz/crashes/$$t || fail=1; \
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

# The fetch stage's fault matrix (tests/fault/faultd.py), 9 boots, ~2 min.
e2e-faults: $(BUILD)/netinit
	@sh tests/qemu/fetch-faults.sh

check: deps all unit fuzz-replay host-test lint e2e e2e-faults netlab

# Benchmarks (not part of check): writes bench/results.{csv,md} and bench/*.png
# from one real run, about 40 minutes on 2 cores; see bench/run.sh.
bench: deps all
	@sh bench/run.sh

demo: deps all
	@sh tests/qemu/demo.sh

clean:
	rm -rf $(BUILD)

# Stream mode's backend on the host: tests/host/stream_harness.c plays the
# kernel's nbd driver against src/stream.c (ASan/UBSan), served by
# tests/host/streamd.py on 127.0.0.1 (tests/host/stream_test.sh).
STREAM_SRCS := tests/host/stream_harness.c src/stream.c src/tcp.c src/dns.c src/file.c src/log.c src/clock.c $(PURE)

$(BUILD)/host/stream-harness: $(STREAM_SRCS) $(HDRS) Makefile
	@mkdir -p $(BUILD)/host
	$(HOSTCC) $(HOST_CFLAGS) -D_GNU_SOURCE $(CPPFLAGS) -o $@ $(STREAM_SRCS)

stream-test: $(BUILD)/host/stream-harness
	@sh tests/host/stream_test.sh

# Stream mode end to end in QEMU (tests/qemu/stream.sh).
e2e-stream: $(BUILD)/netinit
	@sh tests/qemu/stream.sh
