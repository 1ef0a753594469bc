# IGVM tools (issue 6): lib/ IGVM parser/encoder and SNP launch digest, the host tools
# igvm-build, igvm-dump and igvm-measure, their tests, fuzz targets and benchmark.
# See docs/igvm.md.

IGVM_LIB_SRCS := lib/crc32.c lib/igvm_parse.c lib/igvm_build.c lib/igvm_measure.c \
                 lib/snp_measure.c lib/snp_measure_ovmf.c
LIB_SRCS    += $(IGVM_LIB_SRCS)
UNIT_SRCS   += tools/igvm-common/host.c
UNIT_LDLIBS += -lcrypto

IGVM_TOOLS  := $(BUILD)/tools/igvm-build $(BUILD)/tools/igvm-dump $(BUILD)/tools/igvm-measure
IGVM_COMMON := tools/igvm-common/host.c
IGVM_HDRS    = $(wildcard include/svsm/abi/*.h lib/*.h tools/igvm-common/*.h)

$(BUILD)/tools/igvm-build: $(wildcard tools/igvm-build/*.c) $(IGVM_COMMON) $(IGVM_LIB_SRCS) $(IGVM_HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(TOOLCFLAGS) -o $@ $(filter %.c,$^) -lcrypto

$(BUILD)/tools/igvm-dump: $(wildcard tools/igvm-dump/*.c) $(IGVM_COMMON) $(IGVM_LIB_SRCS) $(IGVM_HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(TOOLCFLAGS) -o $@ $(filter %.c,$^) -lcrypto

$(BUILD)/tools/igvm-measure: $(wildcard tools/igvm-measure/*.c) $(IGVM_COMMON) $(IGVM_LIB_SRCS) $(IGVM_HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(TOOLCFLAGS) -o $@ $(filter %.c,$^) -lcrypto -lpthread

.PHONY: igvm-tools igvm test-igvm bench-igvm
## igvm-tools: build the host IGVM tools (build/tools/igvm-{build,dump,measure}).
igvm-tools: $(IGVM_TOOLS)

IGVM_OVMF ?= /usr/share/ovmf/OVMF.fd
## igvm: build build/svsm.igvm from build/svsm.elf (OVMF=1 adds Debian's OVMF.fd).
igvm: $(IGVM_TOOLS)
	$(Q)if [ ! -f $(BUILD)/svsm.elf ]; then \
		echo "igvm: $(BUILD)/svsm.elf does not exist yet; build the kernel first" >&2; exit 1; fi
	$(Q)$(BUILD)/tools/igvm-build --output $(BUILD)/svsm.igvm \
		$(if $(filter 1,$(OVMF)),--firmware $(IGVM_OVMF)) $(BUILD)/svsm.elf
	$(Q)$(BUILD)/tools/igvm-measure $(BUILD)/svsm.igvm

## test-igvm: IGVM tools round trip, digest stability, corrupted files (tests/igvm/run.sh).
test-igvm: $(IGVM_TOOLS)
	$(Q)timeout 170 tests/igvm/run.sh $(BUILD)

CHECK_TIERS += test-igvm

## bench-igvm: igvm-measure throughput vs sha384sum over the same file.
bench-igvm: $(IGVM_TOOLS)
	$(Q)nice tests/igvm/bench.sh $(BUILD)

BENCH_TARGETS += bench-igvm

FUZZ_TARGETS += igvm_parse igvm_ovmf_meta
FUZZ_SRCS_igvm_parse := lib/igvm_parse.c lib/crc32.c
FUZZ_SRCS_igvm_ovmf_meta := lib/snp_measure_ovmf.c lib/snp_measure.c

# Booting the kernel through its IGVM entry on a QEMU without IGVM support: igvm-load
# places the native pages, the PVH shim plays the loader (tests/igvm/boot.sh).
IGVM_LOAD := $(BUILD)/tools/igvm-load
IGVM_SHIM := $(BUILD)/igvm-shim.elf

$(IGVM_LOAD): tools/igvm-load/main.c lib/igvm_parse.c lib/crc32.c $(IGVM_HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(TOOLCFLAGS) -o $@ $(filter %.c,$^)

$(IGVM_SHIM): tests/igvm/pvh_shim.S tests/igvm/shim.ld
	@mkdir -p $(BUILD)/igvm
	$(Q)$(CC) $(KASFLAGS) -c tests/igvm/pvh_shim.S -o $(BUILD)/igvm/pvh_shim.o
	$(Q)$(LD) -nostdlib -static -z noexecstack --no-warn-rwx-segments -T tests/igvm/shim.ld \
		-o $@ $(BUILD)/igvm/pvh_shim.o

.PHONY: test-igvm-boot
## test-igvm-boot: build an IGVM, load it with igvm-load and the PVH shim, and run the
## test guest through the kernel's IGVM entry.
test-igvm-boot: $(IGVM_TOOLS) $(IGVM_LOAD) $(IGVM_SHIM) $(KERNEL_ELF) $(GUEST_BIN)
	$(Q)tests/igvm/boot.sh

ALL_TARGETS += $(IGVM_TOOLS) $(IGVM_LOAD) $(IGVM_SHIM)
CHECK_TIERS += test-igvm-boot
