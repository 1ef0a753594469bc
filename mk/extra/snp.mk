# SNP platform (issue 5): the instruction decoder in lib/, the portable SNP platform code with
# its fake CPU for the host unit tests, the list of files the kernel builds for SNP, and the
# fuzz targets.

LIB_SRCS += lib/x86_decode.c

# Portable SNP platform code: built for the host unit tests against the fake CPU. Not in
# PORTABLE_SRCS yet: the kernel build of these files is wired by the kernel (SNP_KERNEL_SRCS).
SNP_PORTABLE_SRCS := \
	kernel/platform/snp/ghcb_msr.c \
	kernel/platform/snp/ghcb.c \
	kernel/platform/snp/psc.c \
	kernel/platform/snp/pvalidate.c \
	kernel/platform/snp/rmpadjust.c \
	kernel/platform/snp/vmsa_snp.c \
	kernel/platform/snp/secrets.c \
	kernel/platform/snp/guest_request.c

UNIT_SRCS += $(SNP_PORTABLE_SRCS) kernel/platform/snp/fake/fake_cpu.c
UNIT_LDLIBS += -lcrypto

# What the kernel builds for the SNP platform: the portable files plus the real instructions.
SNP_KERNEL_SRCS := $(SNP_PORTABLE_SRCS) kernel/platform/snp/insn_hw.c

FUZZ_TARGETS += x86_decode snp_guest_msg
FUZZ_SRCS_x86_decode := lib/x86_decode.c
FUZZ_SRCS_snp_guest_msg := kernel/platform/snp/guest_request.c kernel/platform/snp/secrets.c
FUZZ_LDLIBS_snp_guest_msg := -lcrypto
