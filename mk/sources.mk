# Source lists. LIB_SRCS build for the kernel and the host; PORTABLE_SRCS are kernel files
# that also build for the host unit tests (against fakes); KERNEL_SRCS and KERNEL_ASM only
# build for the kernel. Fragments in mk/extra/ append to these lists.

LIB_SRCS := lib/format.c lib/cmdline.c lib/sha512.c lib/tpm_cmd.c
PORTABLE_SRCS := kernel/mm/page_alloc.c kernel/mm/pgtable.c kernel/mm/heap.c kernel/libc/string.c \
	kernel/mm/guest_mem.c kernel/vcpu/vcpu.c kernel/protocols/dispatch.c kernel/protocols/core.c \
	kernel/platform/native/validation.c kernel/init/boot_info.c kernel/arch/x86_64/acpi.c \
	kernel/vcpu/exit.c kernel/vcpu/msr.c kernel/vcpu/cpuid.c kernel/vcpu/mmio.c \
	kernel/devices/bus.c kernel/devices/guest_done.c kernel/devices/intc_absent.c \
	kernel/guest/ram_map.c kernel/guest/stop.c
KERNEL_SRCS := \
	kernel/init/main.c kernel/init/boot_map.c \
	kernel/arch/x86_64/cpu.c kernel/arch/x86_64/trap.c kernel/arch/x86_64/extable.c kernel/arch/x86_64/apic.c \
	kernel/arch/x86_64/smp.c kernel/arch/x86_64/tsc.c \
	kernel/drivers/uart16550.c kernel/lib/log.c kernel/lib/panic.c kernel/lib/ktest.c \
	kernel/mm/mm.c kernel/mm/stack.c kernel/arch/x86_64/svm.c kernel/drivers/fw_cfg.c \
	kernel/drivers/pci.c \
	kernel/vcpu/vcpu_loop.c kernel/platform/native/native.c kernel/platform/native/vcpu_native.c \
	kernel/platform/native/panic_native.c kernel/platform/native/npt.c \
	kernel/guest/launch.c kernel/guest/test_guest.c

# The attestation and vTPM protocols need the services (libtpms, libcrypto in the kernel):
# a fragment that links them sets KERNEL_SERVICE_SRCS; otherwise the protocols are absent.
KERNEL_SERVICE_SRCS ?= kernel/protocols/services_absent.c

KERNEL_ASM := kernel/arch/x86_64/entry.S kernel/arch/x86_64/trap_entry.S \
	kernel/arch/x86_64/ap_trampoline.S kernel/arch/x86_64/svm_entry.S
KTEST_SRCS = $(wildcard tests/kernel/*.c tests/kernel/*.S)
