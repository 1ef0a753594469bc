# SNP platform (issue 5): the instruction decoder in lib/, the portable SNP platform code with
# its fake CPU for the host unit tests, the list of files the kernel builds for SNP, and the
# fuzz targets.

LIB_SRCS += lib/x86_decode.c

# Portable SNP platform code: built for the host unit tests against the fake CPU. Not in
# PORTABLE_SRCS: the kernel builds them only into build/svsm-snp.elf (SNP_KERNEL_SRCS below).
SNP_PORTABLE_SRCS := \
	kernel/platform/snp/ghcb_msr.c \
	kernel/platform/snp/ghcb.c \
	kernel/platform/snp/psc.c \
	kernel/platform/snp/pvalidate.c \
	kernel/platform/snp/rmpadjust.c \
	kernel/platform/snp/vmsa_snp.c \
	kernel/platform/snp/secrets.c \
	kernel/platform/snp/guest_request.c

# Portable logic of the SNP platform proper (run loop step, #VC, guest pages and VMSAs):
# built for the unit tests against the fake CPU, and into build/svsm-snp.elf.
SNP_PORTABLE_SRCS += \
	kernel/platform/snp/run_vmpl.c \
	kernel/platform/snp/vc.c \
	kernel/platform/snp/guest_snp.c

UNIT_SRCS += $(SNP_PORTABLE_SRCS) kernel/platform/snp/fake/fake_cpu.c
UNIT_LDLIBS += -lcrypto


# ---- build/svsm-snp.elf: the same kernel with PLATFORM=snp -------------------------------
# It links the native kernel's objects (build/kernel/, identical for both platforms: nothing
# above kernel/platform/ depends on the platform at compile time) minus
# kernel/platform/native/, plus the SNP platform compiled into build/snp/. So `make
# svsm-snp` costs the native build plus about a dozen files.
#
# SNP_KERNEL_CRYPTO=1 (the default) links the guest-request path (guest_request.c,
# attest_snp.c) so that plat_attest_report() returns AMD-signed reports. guest_request.c
# includes <openssl/evp.h>: like the OpenSSL users of mk/extra/kvtpm.mk (KVTPM_OPENSSL_OBJS)
# it is compiled against the system (glibc) headers that the kernel/libc shim implements, and
# its libcrypto calls run inside services_run() (plat_attest_report() is only called from
# the attestation protocol's evidence job there). SNP_KERNEL_CRYPTO=0 links
# attest_snp_absent.c instead (plat_attest_report() returns SVSM_E_UNSUPPORTED).
SNP_KERNEL_CRYPTO ?= 1

SNP_GLUE_SRCS := \
	kernel/platform/snp/platform_snp.c \
	kernel/platform/snp/vcpu_snp.c \
	kernel/platform/snp/insn_hw.c
ifeq ($(SNP_KERNEL_CRYPTO),1)
SNP_GLUE_SRCS += kernel/platform/snp/attest_snp.c
SNP_KERNEL_SRCS = $(SNP_PORTABLE_SRCS) $(SNP_GLUE_SRCS)
else
SNP_GLUE_SRCS += kernel/platform/snp/attest_snp_absent.c
SNP_KERNEL_SRCS = $(filter-out kernel/platform/snp/guest_request.c,$(SNP_PORTABLE_SRCS)) \
	$(SNP_GLUE_SRCS)
endif

# entry.S is assembled a second time with SVSM_SNP (C-bit in the early page tables); the
# native object is built without it and stays as it was.
SNP_KERNEL_ASM := kernel/arch/x86_64/entry.S

SNP_ELF   := $(BUILD)/svsm-snp.elf
SNP_OBJS   = $(patsubst %.c,$(BUILD)/snp/%.o,$(SNP_KERNEL_SRCS)) \
	$(patsubst %.S,$(BUILD)/snp/%.o,$(SNP_KERNEL_ASM))
# Deferred: KERNEL_OBJS is defined by mk/kernel.mk, read after this fragment.
SNP_ELF_OBJS = $(filter-out $(BUILD)/kernel/kernel/platform/native/% \
	$(patsubst %.S,$(BUILD)/kernel/%.o,$(SNP_KERNEL_ASM)),$(KERNEL_OBJS)) $(SNP_OBJS)

$(BUILD)/snp/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/snp/kernel/platform/snp/guest_request.o: \
	KCFLAGS += -isystem /usr/include/x86_64-linux-gnu -isystem /usr/include

$(BUILD)/snp/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KASFLAGS) -DSVSM_SNP=1 -c $< -o $@

$(BUILD)/snp/objs.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(SNP_ELF_OBJS) $(KERNEL_LIBS)' | cmp -s - $@ || echo '$(SNP_ELF_OBJS) $(KERNEL_LIBS)' > $@

.SECONDEXPANSION:
$(SNP_ELF): $$(SNP_ELF_OBJS) $$(KERNEL_LDS) $$(KERNEL_LIBS) $(BUILD)/snp/objs.list
	$(call klink,$(SNP_ELF_OBJS),$(BUILD)/svsm-snp.map)

.PHONY: svsm-snp test-snp-build
## svsm-snp: build build/svsm-snp.elf, the kernel for the SEV-SNP platform (docs/snp.md).
svsm-snp: $(SNP_ELF)

SNP_IGVM := $(BUILD)/svsm-snp.igvm
SNP_IGVM_ARGS = -p snp $(if $(filter 1,$(OVMF)),--firmware $(IGVM_OVMF))

.PHONY: igvm-snp
## igvm-snp: build build/svsm-snp.igvm (-p snp) from build/svsm-snp.elf and print its SNP
## launch digest (OVMF=1 adds $(IGVM_OVMF)).
igvm-snp: $(SNP_IGVM)
	$(Q)$(BUILD)/tools/igvm-measure $(SNP_IGVM)

$(SNP_IGVM): $(SNP_ELF) $(IGVM_TOOLS) FORCE
	$(Q)$(BUILD)/tools/igvm-build --output $@ $(SNP_IGVM_ARGS) $(SNP_ELF)

## test-snp-build: build svsm-snp.elf; it must have no undefined symbols and a PVH entry note;
## build its IGVM file twice, dump it, print its launch digest (the same for both builds).
test-snp-build: $(SNP_ELF) $(IGVM_TOOLS)
	$(Q)scripts/check-archives.sh --undefined $(SNP_ELF)
	$(Q)readelf -n $(SNP_ELF) | grep -Eq 'Xen[[:space:]]+0x00000008[[:space:]]+Unknown note type: .0x00000012.' || \
		{ echo "test-snp-build: $(SNP_ELF) has no PVH (Xen type 18) note" >&2; exit 1; }
	$(Q)nm $(SNP_ELF) | grep -q ' T plat_handle_vc$$' && ! nm $(SNP_ELF) | grep -q ' native_' || \
		{ echo "test-snp-build: $(SNP_ELF) does not hold the SNP platform alone" >&2; exit 1; }
	$(Q)nm $(SNP_ELF) | grep -q ' T plat_ap_start$$' && \
		s=$$(nm $(SNP_ELF) | awk '/ __start_svsm_extable$$/ {print $$1}') && \
		e=$$(nm $(SNP_ELF) | awk '/ __stop_svsm_extable$$/ {print $$1}') && \
		[ -n "$$s" ] && [ $$((16#$$e - 16#$$s)) -ge 32 ] || \
		{ echo "test-snp-build: $(SNP_ELF) lacks plat_ap_start or PVALIDATE/RMPADJUST fixups" >&2; exit 1; }
	$(Q)if [ "$(SNP_KERNEL_CRYPTO)" = 1 ] && ! nm $(SNP_ELF) | grep -q ' T snp_guest_report$$'; then \
		echo "test-snp-build: SNP_KERNEL_CRYPTO=1 but the guest-request path is not linked" >&2; exit 1; fi
	$(Q)$(BUILD)/tools/igvm-build --output $(BUILD)/snp/a.igvm $(SNP_IGVM_ARGS) $(SNP_ELF)
	$(Q)$(BUILD)/tools/igvm-build --output $(SNP_IGVM) $(SNP_IGVM_ARGS) $(SNP_ELF)
	$(Q)$(BUILD)/tools/igvm-dump $(SNP_IGVM) | tail -n 1
	$(Q)d1=$$($(BUILD)/tools/igvm-measure $(BUILD)/snp/a.igvm) && \
		d2=$$($(BUILD)/tools/igvm-measure $(SNP_IGVM)) && rm -f $(BUILD)/snp/a.igvm && \
		echo "test-snp-build: $(SNP_IGVM) launch digest $$d2" && \
		{ [ "$$d1" = "$$d2" ] || { echo "test-snp-build: digest differs between builds ($$d1)" >&2; exit 1; }; }
	@echo "test-snp-build: $(SNP_ELF) links the SNP platform, no undefined symbols, PVH note present"

CHECK_TIERS += test-snp-build

# The test kernel (native) also links the real SNP instruction wrappers: there PVALIDATE and
# RMPADJUST raise #UD, which tests/kernel/extable_test.c uses to check their fixups.
KTEST_SRCS += kernel/platform/snp/insn_hw.c

-include $(patsubst %.c,$(BUILD)/snp/%.d,$(SNP_KERNEL_SRCS)) \
	$(patsubst %.S,$(BUILD)/snp/%.d,$(SNP_KERNEL_ASM))

FUZZ_TARGETS += x86_decode snp_guest_msg snp_vc
FUZZ_SRCS_x86_decode := lib/x86_decode.c
FUZZ_SRCS_snp_guest_msg := kernel/platform/snp/guest_request.c kernel/platform/snp/secrets.c
FUZZ_LDLIBS_snp_guest_msg := -lcrypto
FUZZ_SRCS_snp_vc := kernel/platform/snp/vc.c kernel/platform/snp/ghcb.c lib/x86_decode.c \
	kernel/platform/snp/fake/fake_cpu.c
$(SNP_ELF): $(KVTPM_ARCHIVE_STAMP)
