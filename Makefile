# Top-level build of the SVSM: kernel, test kernel, host unit tests, tools and test tiers.
# Every target is described in README.md. Fragments in mk/ add their own rules; a fragment
# that adds a test tier appends its target to CHECK_TIERS, and one that adds a benchmark
# appends to BENCH_TARGETS.

.DEFAULT_GOAL := all
SHELL := /bin/bash
.SUFFIXES:
.DELETE_ON_ERROR:

BUILD    ?= build
Q        ?= @
CHECK_TIERS   :=
BENCH_TARGETS :=
FUZZ_TARGETS  :=
ALL_TARGETS   :=
FUZZ_SMOKE_RUNS ?= 20000
FUZZ_SECONDS    ?= 60

include mk/common.mk
include mk/sources.mk
include $(sort $(wildcard mk/extra/*.mk))
include mk/kernel.mk
include mk/unit.mk
include mk/fuzz.mk

.PHONY: all deps run check bench clean help test-fresh

all: $(KERNEL_ELF) $(TEST_KERNEL_ELF) $(ALL_TARGETS)

## deps: install the Debian 12 packages the project needs (no-op when present).
deps:
	$(Q)scripts/deps.sh

## run: set up, build and boot the SVSM under QEMU TCG with serial on stdio.
run: deps
	$(Q)$(MAKE) --no-print-directory all
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
