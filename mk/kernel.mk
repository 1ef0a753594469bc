# Kernel build: build/svsm.elf (production) and build/svsm-test.elf (same kernel plus the
# tests in tests/kernel/). Both link the same objects; only the test objects differ.

KERNEL_SRCS += $(LIB_SRCS) $(PORTABLE_SRCS) $(KERNEL_SERVICE_SRCS)
KERNEL_SRCS := $(sort $(KERNEL_SRCS))
KERNEL_OBJS := $(patsubst %.c,$(BUILD)/kernel/%.o,$(KERNEL_SRCS)) \
               $(patsubst %.S,$(BUILD)/kernel/%.o,$(KERNEL_ASM))
KTEST_OBJS   = $(patsubst %.S,$(BUILD)/kernel/%.o,$(patsubst %.c,$(BUILD)/kernel/%.o,$(KTEST_SRCS)))
KERNEL_LDS  := kernel/arch/x86_64/kernel.ld
KERNEL_ELF  := $(BUILD)/svsm.elf
TEST_KERNEL_ELF := $(BUILD)/svsm-test.elf
KCFLAGS     += -Ikernel/libc/include

$(BUILD)/kernel/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/kernel/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# Relink when the object lists change (a file added or removed), not only when newer.
$(BUILD)/kernel/objs.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(KERNEL_OBJS) $(KTEST_OBJS) $(KERNEL_LIBS)' | cmp -s - $@ || \
		echo '$(KERNEL_OBJS) $(KTEST_OBJS) $(KERNEL_LIBS)' > $@

.PHONY: FORCE
FORCE:

# $(call klink,OBJS,MAP): link $@ from OBJS and the archives. Unresolved symbols are only
# warnings to ld, so that the undefined-symbol gate (scripts/check-archives.sh --undefined)
# sees them all and names each with the archive member that references it; a kernel with
# any undefined symbol is deleted and the build fails.
define klink
	$(Q)$(LD) $(KLDFLAGS) --warn-unresolved-symbols -T $(KERNEL_LDS) -o $@ $(1) $(KERNEL_LIBS) \
		$(if $(2),-Map=$(2)) 2>$@.ldlog || { cat $@.ldlog >&2; rm -f $@; exit 1; }
	$(Q)grep -v 'undefined reference\|in function' $@.ldlog >&2 || true
	$(Q)scripts/check-archives.sh --undefined --externals $(KVTPM_EXTERNALS) $@ >/dev/null || \
		{ rm -f $@; exit 1; }
	@echo "  LD      $@ ($$(stat -c %s $@) bytes)"
endef

$(KERNEL_ELF): $(KERNEL_OBJS) $(KERNEL_LDS) $(KERNEL_LIBS) $(BUILD)/kernel/objs.list
	$(call klink,$(KERNEL_OBJS),$(BUILD)/svsm.map)

$(TEST_KERNEL_ELF): $(KERNEL_OBJS) $(KTEST_OBJS) $(KERNEL_LDS) $(KERNEL_LIBS) $(BUILD)/kernel/objs.list
	$(call klink,$(KERNEL_OBJS) $(KTEST_OBJS))

.PHONY: kernel test-kernel
kernel: $(KERNEL_ELF)

## test-kernel: boot the test kernel under QEMU TCG (-smp 4); pass only if every test passed.
test-kernel: $(TEST_KERNEL_ELF)
	$(Q)scripts/test-kernel.sh $(TEST_KERNEL_ELF)

-include $(KERNEL_OBJS:.o=.d) $(KTEST_OBJS:.o=.d)
