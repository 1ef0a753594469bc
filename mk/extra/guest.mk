# The native test guest (guest/): a flat binary the SVSM loads from fw_cfg and runs at
# lower privilege; and the e2e tier that boots SVSM + guest.

GUEST_SRCS := guest/main.c guest/support.c guest/tpm.c tests/common/tpm_client.c lib/format.c lib/sha512.c \
              lib/tpm_marshal.c lib/tpm_cmd.c kernel/libc/string.c
GUEST_ASM  := guest/entry.S
GUEST_OBJS := $(patsubst %.c,$(BUILD)/guest/%.o,$(GUEST_SRCS)) \
              $(patsubst %.S,$(BUILD)/guest/%.o,$(GUEST_ASM))
GUEST_ELF  := $(BUILD)/guest.elf
GUEST_BIN  := $(BUILD)/guest.bin
GUEST_CFLAGS := $(filter-out -mcmodel=kernel -DSVSM_KERNEL=1,$(KCFLAGS)) -mcmodel=small \
                -Ikernel/libc/include -DSVSM_GUEST=1

$(BUILD)/guest/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

$(GUEST_ELF): $(GUEST_OBJS) guest/guest.ld
	$(Q)$(LD) -nostdlib -static -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments \
		-T guest/guest.ld -o $@ $(GUEST_OBJS)

$(GUEST_BIN): $(GUEST_ELF)
	$(Q)$(OBJCOPY) -O binary $< $@

.PHONY: guest test-e2e bench-e2e
guest: $(GUEST_BIN)

## test-e2e: boot the SVSM with the test guest (-smp 3); every guest check and the SVSM must pass.
test-e2e: $(KERNEL_ELF) $(GUEST_BIN)
	$(Q)scripts/test-e2e.sh

## bench-e2e: SVSM call round trip vs bare VMMCALL, measured by the guest in one run.
bench-e2e: $(KERNEL_ELF) $(GUEST_BIN)
	$(Q)scripts/bench-e2e.sh

-include $(GUEST_OBJS:.o=.d)

CHECK_TIERS   += test-e2e
BENCH_TARGETS += bench-e2e
ALL_TARGETS += $(GUEST_BIN)

# Fuzz targets of the SVSM call decoder and the PVALIDATE list decoder (fake platform).
CORE_FUZZ_SRCS := kernel/mm/page_alloc.c kernel/mm/heap.c kernel/mm/guest_mem.c \
	kernel/mm/mm_host.c kernel/vcpu/vcpu.c kernel/protocols/dispatch.c \
	kernel/protocols/core.c kernel/platform/native/validation.c \
	kernel/platform/fake/fake_platform.c kernel/lib/log_host.c kernel/protocols/services_absent.c
FUZZ_TARGETS += svsm_call pvalidate_list
FUZZ_SRCS_svsm_call := $(CORE_FUZZ_SRCS)
FUZZ_SRCS_pvalidate_list := $(CORE_FUZZ_SRCS)

# Fuzz target of the boot-data parsers (PVH start_info, IGVM boot parameters, ACPI).
FUZZ_TARGETS += boot_info
FUZZ_SRCS_boot_info := kernel/init/boot_info.c kernel/arch/x86_64/acpi.c \
	kernel/init/boot_map_host.c kernel/lib/log_host.c lib/cmdline.c
