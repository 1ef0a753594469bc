# Host tools in build/tools/ (each has --help): igvm-build, igvm-dump, igvm-measure and
# igvm-load (docs/igvm.md), vtpm-server (docs/vtpm.md) and the EK benchmark vtpm-ek-bench;
# and the PVH shim that plays the IGVM loader in test-igvm-boot.

IGVM_LIB_SRCS := lib/crc32.c lib/igvm_parse.c lib/igvm_payload.c lib/igvm_build.c \
                 lib/igvm_measure.c lib/snp_measure.c lib/snp_measure_ovmf.c
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

# igvm-load places an IGVM file's native pages for a QEMU without IGVM support; the PVH shim
# plays the loader (tests/igvm/boot.sh).
IGVM_LOAD := $(BUILD)/tools/igvm-load
IGVM_SHIM := $(BUILD)/igvm-shim.elf

$(IGVM_LOAD): tools/igvm-load/main.c lib/igvm_parse.c lib/igvm_payload.c lib/crc32.c $(IGVM_HDRS)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(TOOLCFLAGS) -o $@ $(filter %.c,$^)

$(IGVM_SHIM): tests/igvm/pvh_shim.S tests/igvm/shim.ld
	@mkdir -p $(BUILD)/igvm
	$(Q)$(CC) $(KASFLAGS) -c tests/igvm/pvh_shim.S -o $(BUILD)/igvm/pvh_shim.o
	$(Q)$(LD) -nostdlib -static -z noexecstack --no-warn-rwx-segments -T tests/igvm/shim.ld \
		-o $@ $(BUILD)/igvm/pvh_shim.o

# vtpm-server and vtpm-ek-bench: the kernel's vTPM service sources built for the host.
VTPM_SERVER      := $(BUILD)/tools/vtpm-server
VTPM_EK_BENCH    := $(BUILD)/tools/vtpm-ek-bench
VTPM_TOOL_COMMON := $(addprefix kernel/services/vtpm/,vtpm.c nv.c ram_store.c ek.c) \
	lib/tpm_marshal.c lib/tpm_cmd.c
VTPM_SERVER_OBJS := $(patsubst %.c,$(BUILD)/tools/obj/%.o,tools/vtpm-server/main.c \
	tools/vtpm-server/frame_handler.c \
	tools/vtpm-server/mssim_frame.c tools/vtpm-server/conn_policy.c $(VTPM_TOOL_COMMON))
VTPM_EK_BENCH_OBJS := $(patsubst %.c,$(BUILD)/tools/obj/%.o,tools/vtpm-server/ek_bench.c \
	$(VTPM_TOOL_COMMON))

$(BUILD)/tools/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(TOOLCFLAGS) -c $< -o $@

$(VTPM_SERVER): $(VTPM_SERVER_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^ $(TPM_LDLIBS)

$(VTPM_EK_BENCH): $(VTPM_EK_BENCH_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^ $(TPM_LDLIBS)

-include $(VTPM_SERVER_OBJS:.o=.d) $(VTPM_EK_BENCH_OBJS:.o=.d)

.PHONY: igvm-tools vtpm-server igvm
## igvm-tools: build the host IGVM tools (build/tools/igvm-{build,dump,measure}).
igvm-tools: $(IGVM_TOOLS)
vtpm-server: $(VTPM_SERVER)

IGVM_OVMF ?= /usr/share/ovmf/OVMF.fd
## igvm: build build/svsm.igvm from build/svsm.elf (OVMF=1 adds Debian's OVMF.fd).
igvm: $(IGVM_TOOLS)
	$(Q)if [ ! -f $(BUILD)/svsm.elf ]; then \
		echo "igvm: $(BUILD)/svsm.elf does not exist yet; build the kernel first" >&2; exit 1; fi
	$(Q)$(BUILD)/tools/igvm-build --output $(BUILD)/svsm.igvm \
		$(if $(filter 1,$(OVMF)),--firmware $(IGVM_OVMF)) $(BUILD)/svsm.elf
	$(Q)$(BUILD)/tools/igvm-measure $(BUILD)/svsm.igvm

ALL_TARGETS += $(IGVM_TOOLS) $(IGVM_LOAD) $(IGVM_SHIM) $(VTPM_SERVER)

# svsm-state: the state image tool (docs/state.md), lib/state_store.c built for the host.
SVSM_STATE := $(BUILD)/tools/svsm-state
SVSM_STATE_OBJS := $(patsubst %.c,$(BUILD)/tools/obj/%.o,tools/svsm-state/main.c \
	tools/svsm-state/swtpm_blob.c lib/state_store.c lib/log_store.c)

$(SVSM_STATE): $(SVSM_STATE_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^ -lcrypto

-include $(SVSM_STATE_OBJS:.o=.d)

.PHONY: svsm-state
svsm-state: $(SVSM_STATE)
ALL_TARGETS += $(SVSM_STATE)
# The SVSM's KBS client and proxy framing on the host, for tests/kbs/test-kbs.sh.
KBS_CLIENT_HOST := $(BUILD)/tools/kbs-client-host
KBS_CLIENT_SRCS := tests/kbs/kbs_client_host.c lib/kbs_client.c lib/json.c lib/base64.c \
	lib/proxy_frame.c lib/crc32.c
$(KBS_CLIENT_HOST): $(KBS_CLIENT_SRCS) $(wildcard lib/*.h include/svsm/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(TOOLCFLAGS) -o $@ $(KBS_CLIENT_SRCS) -lcrypto

ALL_TARGETS += $(KBS_CLIENT_HOST)
