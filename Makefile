# Top-level build of the SVSM: kernels, test kernel, host unit tests, tools and test tiers.
# Every target is described in README.md. Each source directory names its files in its
# sub.mk (read by mk/subdirs.mk); the fragments in mk/ are named by what they build.

.DEFAULT_GOAL := all
SHELL := /bin/bash
.SUFFIXES:
.DELETE_ON_ERROR:

BUILD    ?= build
Q        ?= @
ALL_TARGETS   :=
FUZZ_TARGETS  :=
FUZZ_SMOKE_RUNS ?= 20000
FUZZ_SECONDS    ?= 60

include mk/common.mk     # compilers and flags
include mk/subdirs.mk    # every sub.mk: the source lists
include mk/kernel.mk     # build/svsm.elf, build/svsm-test.elf, the archives and the link gate
include mk/kernel-snp.mk # build/svsm-snp.elf and its IGVM file
include mk/kernel-debug.mk # build/svsm-debug.elf: the kernel with the GDB stub
include mk/unit.mk       # host unit tests
include mk/guest.mk      # the native test guest
include mk/tools.mk      # host tools in build/tools/
include mk/fuzz.mk       # libFuzzer targets
include mk/guest-os.mk   # Debian kernel + initramfs for the paravisor guest (build/guest-os/)
include mk/tests.mk      # test tiers and benchmarks

.PHONY: all deps run check bench clean help test-fresh

## all: the kernels, the test guest and every host tool.
all: $(ALL_TARGETS)

## deps: install the Debian 12 packages the project needs (no-op when present).
deps:
	$(Q)scripts/deps.sh

## run: set up, build and boot SVSM -> OVMF -> Linux under QEMU TCG, serial on stdio
## (GUEST=direct: no OVMF; GUEST=test: the SVSM's test guest).
run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)if [ "$${GUEST:-ovmf}" != test ]; then $(MAKE) --no-print-directory guest-os; fi
	$(Q)scripts/run.sh

## check: set up, build, then every test tier that fits in CI.
check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)set -e; for t in test-unit test-kernel $(CHECK_TIERS) fuzz-smoke; do \
		echo "=== make $$t"; $(MAKE) --no-print-directory $$t; done
	@echo "=== make check: all tiers passed"

## test-fresh: in a clean Debian 12 root (debootstrap under build/fresh, needs root and
## network), run exactly `make run` and `make check`; proves scripts/deps.sh is complete.
test-fresh:
	$(Q)scripts/test-fresh.sh

## bench: print "bench <name> <value> <unit>" lines.
bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/bench-boot.sh
	$(Q)set -e; for t in $(BENCH_TARGETS); do $(MAKE) --no-print-directory $$t; done

clean:
	rm -rf $(BUILD)

help:
	@grep -h '^## ' $(MAKEFILE_LIST) | sed 's/^## /  /'
