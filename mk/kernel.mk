# Kernel build (placeholder until the kernel lands).
KERNEL_ELF :=
TEST_KERNEL_ELF :=
