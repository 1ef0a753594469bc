# The native test guest build/guest.bin (guest/, guest-y): a flat binary the SVSM loads from
# fw_cfg and runs at lower privilege, with the lib/ pieces it shares with the SVSM.

GUEST_SRCS := $(SRCS_guest) lib/format.c lib/sha512.c lib/tpm_marshal.c lib/tpm_cmd.c \
	kernel/libc/string.c
GUEST_OBJS := $(patsubst %.S,$(BUILD)/guest/%.o,$(patsubst %.c,$(BUILD)/guest/%.o,$(GUEST_SRCS)))
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

.PHONY: guest
guest: $(GUEST_BIN)

ALL_TARGETS += $(GUEST_BIN)

-include $(GUEST_OBJS:.o=.d)
