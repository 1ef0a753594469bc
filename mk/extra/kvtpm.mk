# The vTPM inside the kernel: Debian's static libtpms.a and libcrypto.a linked into the
# SVSM through the glibc-ABI shim in kernel/libc/, the vTPM service sources, services_init()
# (kernel/services/services.c), XSAVE (kernel/arch/x86_64/xsave.c), the archive version
# check, the undefined-symbol check of the final kernels, and bench-kvtpm.
# See docs/kernel-libc.md.

KVTPM_LIBDIR  := /usr/lib/x86_64-linux-gnu
KERNEL_LIBS   := $(KVTPM_LIBDIR)/libtpms.a $(KVTPM_LIBDIR)/libcrypto.a
# The archives are PIE code with GOT-relative loads. In the -2 GiB kernel window ld cannot
# relax every one of them into an immediate ("failed to convert GOTPCREL relocation"), so
# keep the GOT (kernel.ld places it in rodata; it is filled at link time).
KLDFLAGS      += --no-relax

# Portable shim logic: built into the kernel and, under the klibc_ prefix, the unit tests.
PORTABLE_SRCS += kernel/libc/sort.c kernel/libc/strto.c kernel/libc/ctype.c

KVTPM_LIBC_SRCS := \
	kernel/libc/cpu.c kernel/libc/entropy.c kernel/libc/env.c kernel/libc/errno.c \
	kernel/libc/fortify.c kernel/libc/init.c kernel/libc/malloc.c kernel/libc/pthread.c \
	kernel/libc/stdio.c kernel/libc/time.c kernel/libc/unsupported.c
# Every vTPM service file builds for the kernel (none is host-only today).
KVTPM_SERVICE_SRCS := $(filter-out $(KVTPM_HOST_ONLY),$(wildcard kernel/services/vtpm/*.c))

KERNEL_SRCS += $(KVTPM_LIBC_SRCS) $(KVTPM_SERVICE_SRCS) \
	kernel/arch/x86_64/xsave.c kernel/services/services.c
# crti.S/crtn.S wrap the archives' .init fragments into a callable _init (see kernel.ld).
KERNEL_ASM += kernel/libc/setjmp.S kernel/libc/crti.S kernel/libc/crtn.S

# The shim's own copy loops must not be turned back into calls to memcpy/memset.
$(BUILD)/kernel/kernel/libc/%.o: KCFLAGS += -fno-tree-loop-distribute-patterns

# The vTPM service includes <libtpms/...> but the kernel build is -nostdinc: expose only
# that directory (as $(BUILD)/kernel/sysinc/libtpms), never the rest of /usr/include.
KVTPM_SYSINC := $(BUILD)/kernel/sysinc
$(KVTPM_SYSINC)/libtpms:
	@mkdir -p $(dir $@)
	$(Q)ln -sfn /usr/include/libtpms $@
$(patsubst %.c,$(BUILD)/kernel/%.o,$(KVTPM_SERVICE_SRCS) kernel/services/services.c): \
	KCFLAGS += -isystem $(KVTPM_SYSINC)
$(patsubst %.c,$(BUILD)/kernel/%.o,$(KVTPM_SERVICE_SRCS) kernel/services/services.c): \
	| $(KVTPM_SYSINC)/libtpms
# The tests' shared TPM client (tests/common/tpm_client.c), for tests/kernel/vtpm_test.c.
KTEST_SRCS += tests/common/tpm_client.c
$(BUILD)/kernel/tests/kernel/vtpm_test.o: KCFLAGS += -isystem $(KVTPM_SYSINC)
$(BUILD)/kernel/tests/kernel/vtpm_test.o: | $(KVTPM_SYSINC)/libtpms

# Before linking, inspect the archives against the shim (scripts/check-archives.sh): no TLS,
# .ctors or .preinit_array; external symbols the kernel's objects do not define are named as
# warnings; "symbol archive:member" lines are kept for the post-link gate's messages.
# Deferred: KERNEL_OBJS is defined by mk/kernel.mk, read after this fragment.
KVTPM_ARCHIVE_STAMP := $(BUILD)/kernel/archives.ok
KVTPM_EXTERNALS     := $(BUILD)/kernel/archive-externals.txt
.SECONDEXPANSION:
$(KVTPM_ARCHIVE_STAMP): scripts/check-archives.sh $(KERNEL_LIBS) $$(KERNEL_OBJS)
	@mkdir -p $(dir $@)
	$(Q)scripts/check-archives.sh --externals $(KVTPM_EXTERNALS) $(KERNEL_OBJS)
	@touch $@

.PHONY: check-archives check-undefined bench-kvtpm
## check-archives: inspect libtpms.a/libcrypto.a against the shim (versions are only printed).
check-archives: $$(KERNEL_OBJS)
	$(Q)scripts/check-archives.sh --externals $(KVTPM_EXTERNALS) $(KERNEL_OBJS)

## check-undefined: fail if a kernel ELF has an undefined symbol (also run after each link).
check-undefined: $(BUILD)/svsm.elf $(BUILD)/svsm-test.elf
	$(Q)scripts/check-archives.sh --undefined --externals $(KVTPM_EXTERNALS) $^

# Check the archives before linking, and the linked kernels for undefined symbols after.
$(BUILD)/svsm.elf $(BUILD)/svsm-test.elf: $(KVTPM_ARCHIVE_STAMP)
all: check-undefined

## bench-kvtpm: EK creation time (ECC P-256, RSA-2048) inside the kernel under QEMU TCG.
bench-kvtpm: $(BUILD)/svsm-test.elf
	$(Q)timeout 600 scripts/bench-kvtpm.sh $(BUILD)/svsm-test.elf

BENCH_TARGETS += bench-kvtpm

# The attestation (1) and vTPM (2) protocols and native evidence join the kernel now that it
# links the services. Files that include OpenSSL headers are compiled against the system
# (glibc) headers, which the shim implements; their library calls run in services_run().
KERNEL_SERVICE_SRCS := kernel/protocols/vtpm.c kernel/protocols/attest.c \
	kernel/protocols/vtpm_envelope.c kernel/protocols/attest_req.c \
	kernel/services/attest/manifest.c kernel/services/attest/report_native.c \
	kernel/platform/native/attest_native.c
KVTPM_OPENSSL_OBJS := $(patsubst %.c,$(BUILD)/kernel/%.o,kernel/services/attest/manifest.c \
	kernel/services/attest/report_native.c kernel/platform/native/attest_native.c)
$(KVTPM_OPENSSL_OBJS): KCFLAGS += -isystem /usr/include/x86_64-linux-gnu -isystem /usr/include
