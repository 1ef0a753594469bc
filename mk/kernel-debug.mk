# The debug image build/svsm-debug.elf (docs/gdb.md): the native kernel's objects (same flags,
# -O2 -g, shared with build/svsm.elf) with the GDB stub (debug-y) in place of the refusing
# stand-in (nodebug-y). Only this image has the stub; `make test-gdb` checks the symbols of
# all three images.

DEBUG_ELF  := $(BUILD)/svsm-debug.elf
DEBUG_OBJS := $(filter-out $(call kobj,$(SRCS_nodebug)),$(KERNEL_OBJS)) $(call kobj,$(SRCS_debug))

$(BUILD)/debug/objs.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(DEBUG_OBJS) $(KERNEL_LIBS)' | cmp -s - $@ || echo '$(DEBUG_OBJS) $(KERNEL_LIBS)' > $@

$(DEBUG_ELF): $(DEBUG_OBJS) $(KERNEL_LDS) $(KERNEL_LIBS) $(BUILD)/debug/objs.list \
		$(KERNEL_ARCHIVE_STAMP)
	$(call klink,$(DEBUG_OBJS),$(BUILD)/svsm-debug.map)

.PHONY: svsm-debug
## svsm-debug: build build/svsm-debug.elf, the kernel with the GDB stub (docs/gdb.md).
svsm-debug: $(DEBUG_ELF)

ALL_TARGETS += $(DEBUG_ELF)

-include $(patsubst %.o,%.d,$(call kobj,$(SRCS_debug)))
