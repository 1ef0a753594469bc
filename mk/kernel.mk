# The native kernel build/svsm.elf and the test kernel build/svsm-test.elf (the same objects
# plus tests/kernel/), with Debian's libtpms.a and libcrypto.a linked through the glibc-ABI
# shim in kernel/libc/ (docs/kernel-libc.md): the archive inspection before each link and the
# undefined-symbol gate after it. Source lists come from the directories' sub.mk files.

KERNEL_LIBDIR := /usr/lib/x86_64-linux-gnu
KERNEL_LIBS   := $(KERNEL_LIBDIR)/libtpms.a $(KERNEL_LIBDIR)/libcrypto.a
# The archives are PIE code with GOT-relative loads. In the -2 GiB kernel window ld cannot
# relax every one of them into an immediate ("failed to convert GOTPCREL relocation"), so
# keep the GOT (kernel.ld places it in rodata; it is filled at link time).
KLDFLAGS      += --no-relax
KCFLAGS       += -Ikernel/libc/include -I$(BUILD)/kernel/gen

kobj = $(patsubst %.S,$(BUILD)/kernel/%.o,$(patsubst %.c,$(BUILD)/kernel/%.o,$(1)))
# Objects of both kernels, then each platform's.
KERNEL_COMMON_SRCS := $(sort $(SRCS_lib) $(SRCS_kernel) $(SRCS_portable) $(SRCS_nodebug))
KERNEL_SRCS := $(sort $(KERNEL_COMMON_SRCS) $(SRCS_native) $(SRCS_native-portable))
KERNEL_OBJS := $(call kobj,$(KERNEL_SRCS))
KTEST_OBJS  := $(call kobj,$(SRCS_ktest))
KERNEL_LDS  := kernel/arch/x86_64/kernel.ld
KERNEL_ELF  := $(BUILD)/svsm.elf
TEST_KERNEL_ELF := $(BUILD)/svsm-test.elf

$(BUILD)/kernel/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/kernel/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# The shim's own copy loops must not be turned back into calls to memcpy/memset.
$(BUILD)/kernel/kernel/libc/%.o: KCFLAGS += -fno-tree-loop-distribute-patterns
# OpenSSL users are compiled against the system (glibc) headers, which the shim implements;
# their library calls run in services_run().
$(call kobj,$(SRCS_sysinc)): KCFLAGS += -isystem /usr/include/x86_64-linux-gnu -isystem /usr/include
# <libtpms/...> users: the kernel build is -nostdinc, so expose only that directory (as
# $(BUILD)/kernel/sysinc/libtpms), never the rest of /usr/include.
KERNEL_SYSINC := $(BUILD)/kernel/sysinc
$(KERNEL_SYSINC)/libtpms:
	@mkdir -p $(dir $@)
	$(Q)ln -sfn /usr/include/libtpms $@
$(call kobj,$(SRCS_tpminc)): KCFLAGS += -isystem $(KERNEL_SYSINC)
$(call kobj,$(SRCS_tpminc)): | $(KERNEL_SYSINC)/libtpms

# Structure offsets for assembly, generated from C (kernel/arch/x86_64/asm_offsets.c):
# each ASM_OFFSET(name, value) becomes "#define name value" in gen/asm_offsets.h.
ASM_OFFSETS_H := $(BUILD)/kernel/gen/asm_offsets.h
$(ASM_OFFSETS_H): kernel/arch/x86_64/asm_offsets.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(filter-out -MMD -MP -g,$(KCFLAGS)) -S $< -o $@.s
	$(Q){ echo "/* Generated from $< by mk/kernel.mk; do not edit. */"; echo "#pragma once"; \
		sed -n 's/.*->ASM_OFFSET \([A-Z0-9_]*\) \$$\{0,1\}\([0-9]*\).*/#define \1 \2/p' $@.s; } >$@
	$(Q)rm -f $@.s
$(BUILD)/kernel/kernel/arch/x86_64/svm_entry.o: $(ASM_OFFSETS_H)
KASFLAGS += -I$(BUILD)/kernel/gen

# Relink when the object lists change (a file added or removed), not only when newer.
$(BUILD)/kernel/objs.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(KERNEL_OBJS) $(KTEST_OBJS) $(KERNEL_LIBS)' | cmp -s - $@ || \
		echo '$(KERNEL_OBJS) $(KTEST_OBJS) $(KERNEL_LIBS)' > $@

.PHONY: FORCE
FORCE:

# Before linking, inspect the archives against the shim (scripts/check-archives.sh): no TLS,
# .ctors or .preinit_array; external symbols the kernel's objects do not define are named as
# warnings; "symbol archive:member" lines are kept for the link gate's messages.
KERNEL_ARCHIVE_STAMP := $(BUILD)/kernel/archives.ok
KERNEL_EXTERNALS     := $(BUILD)/kernel/archive-externals.txt
$(KERNEL_ARCHIVE_STAMP): scripts/check-archives.sh $(KERNEL_LIBS) $(KERNEL_OBJS)
	@mkdir -p $(dir $@)
	$(Q)scripts/check-archives.sh --externals $(KERNEL_EXTERNALS) $(KERNEL_OBJS)
	@touch $@

# $(call klink,OBJS,MAP): link $@ from OBJS and the archives. Unresolved symbols are only
# warnings to ld, so that the undefined-symbol gate (scripts/check-archives.sh --undefined)
# sees them all and names each with the archive member that references it; a kernel with
# any undefined symbol is deleted and the build fails.
define klink
	$(Q)$(LD) $(KLDFLAGS) --warn-unresolved-symbols -T $(KERNEL_LDS) -o $@ $(1) $(KERNEL_LIBS) \
		$(if $(2),-Map=$(2)) 2>$@.ldlog || { cat $@.ldlog >&2; rm -f $@; exit 1; }
	$(Q)grep -v 'undefined reference\|in function' $@.ldlog >&2 || true
	$(Q)scripts/check-archives.sh --undefined --externals $(KERNEL_EXTERNALS) $@ >/dev/null || \
		{ rm -f $@; exit 1; }
	@echo "  LD      $@ ($$(stat -c %s $@) bytes)"
endef

$(KERNEL_ELF): $(KERNEL_OBJS) $(KERNEL_LDS) $(KERNEL_LIBS) $(BUILD)/kernel/objs.list \
		$(KERNEL_ARCHIVE_STAMP)
	$(call klink,$(KERNEL_OBJS),$(BUILD)/svsm.map)

$(TEST_KERNEL_ELF): $(KERNEL_OBJS) $(KTEST_OBJS) $(KERNEL_LDS) $(KERNEL_LIBS) \
		$(BUILD)/kernel/objs.list $(KERNEL_ARCHIVE_STAMP)
	$(call klink,$(KERNEL_OBJS) $(KTEST_OBJS))

.PHONY: kernel check-archives check-undefined
kernel: $(KERNEL_ELF)

## check-archives: inspect libtpms.a/libcrypto.a against the shim (versions are only printed).
check-archives: $(KERNEL_OBJS)
	$(Q)scripts/check-archives.sh --externals $(KERNEL_EXTERNALS) $(KERNEL_OBJS)

## check-undefined: fail if a kernel ELF has an undefined symbol (also run after each link).
check-undefined: $(KERNEL_ELF) $(TEST_KERNEL_ELF)
	$(Q)scripts/check-archives.sh --undefined --externals $(KERNEL_EXTERNALS) $^

ALL_TARGETS += $(KERNEL_ELF) $(TEST_KERNEL_ELF)

-include $(KERNEL_OBJS:.o=.d) $(KTEST_OBJS:.o=.d)
