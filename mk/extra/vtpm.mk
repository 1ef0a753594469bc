# vTPM service, attestation manifest/report, their decoders, the host vTPM server
# (tools/vtpm-server), interop tests against tpm2-tools/IBM TSS, fuzz targets and the
# vTPM benchmarks. The service code links Debian's static libtpms.a plus libcrypto;
# it is not in PORTABLE_SRCS until the kernel build links those archives too.

VTPM_LIBTPMS := $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/libtpms.a) -ltpms)
VTPM_LDLIBS  := $(VTPM_LIBTPMS) -lcrypto

LIB_SRCS += lib/tpm_marshal.c

VTPM_SERVICE_SRCS := \
	kernel/services/vtpm/vtpm.c \
	kernel/services/vtpm/nv.c \
	kernel/services/vtpm/ram_store.c \
	kernel/services/vtpm/ek.c
VTPM_PROTO_SRCS := \
	kernel/protocols/vtpm_envelope.c \
	kernel/protocols/attest_req.c
ATTEST_SERVICE_SRCS := \
	kernel/services/attest/manifest.c \
	kernel/services/attest/report_native.c

# The protocol glue (kernel/protocols/vtpm.c, attest.c) and native evidence join the host
# unit tests with the services they call.
VTPM_GLUE_SRCS := kernel/protocols/vtpm.c kernel/protocols/attest.c \
	kernel/platform/native/attest_native.c
UNIT_SRCS   += $(VTPM_SERVICE_SRCS) $(VTPM_PROTO_SRCS) $(ATTEST_SERVICE_SRCS) $(VTPM_GLUE_SRCS) \
               tools/vtpm-server/conn_policy.c tests/common/tpm_client.c
UNIT_LDLIBS += $(VTPM_LDLIBS)

# Host vTPM server and EK benchmark: the same service sources, built with TOOLCFLAGS.
VTPM_SERVER     := $(BUILD)/tools/vtpm-server
VTPM_EK_BENCH   := $(BUILD)/tools/vtpm-ek-bench
VTPM_TOOL_COMMON := $(VTPM_SERVICE_SRCS) lib/tpm_marshal.c lib/tpm_cmd.c
VTPM_SERVER_OBJS := $(patsubst %.c,$(BUILD)/tools/obj/%.o,tools/vtpm-server/main.c tools/vtpm-server/mssim_frame.c tools/vtpm-server/conn_policy.c $(VTPM_TOOL_COMMON))
VTPM_EK_BENCH_OBJS := $(patsubst %.c,$(BUILD)/tools/obj/%.o,tools/vtpm-server/ek_bench.c $(VTPM_TOOL_COMMON))

$(BUILD)/tools/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(TOOLCFLAGS) -c $< -o $@

$(VTPM_SERVER): $(VTPM_SERVER_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^ $(VTPM_LDLIBS)

$(VTPM_EK_BENCH): $(VTPM_EK_BENCH_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -o $@ $^ $(VTPM_LDLIBS)

-include $(VTPM_SERVER_OBJS:.o=.d) $(VTPM_EK_BENCH_OBJS:.o=.d)

.PHONY: vtpm-server test-interop bench-vtpm
vtpm-server: $(VTPM_SERVER)

## test-interop: tpm2-tools and IBM TSS against build/tools/vtpm-server (under 4 minutes).
test-interop: $(VTPM_SERVER)
	$(Q)timeout 230 tests/interop/tpm2-tools.sh $(VTPM_SERVER)

## bench-vtpm: EK creation times and the vtpm-server vs swtpm ratio (tpm2-tools loop).
bench-vtpm: $(VTPM_SERVER) $(VTPM_EK_BENCH)
	$(Q)timeout 120 $(VTPM_EK_BENCH)
	$(Q)timeout 300 tests/interop/bench-vs-swtpm.sh $(VTPM_SERVER)

CHECK_TIERS   += test-interop
BENCH_TARGETS += bench-vtpm

FUZZ_TARGETS += vtpm_envelope attest_req
FUZZ_SRCS_vtpm_envelope := kernel/protocols/vtpm_envelope.c
FUZZ_SRCS_attest_req    := kernel/protocols/attest_req.c

# Fuzz target of the network framing of vtpm-server.
FUZZ_TARGETS += mssim_frame
FUZZ_SRCS_mssim_frame := tools/vtpm-server/mssim_frame.c lib/tpm_marshal.c
