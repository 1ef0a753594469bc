# Source lists. LIB_SRCS build for the kernel and the host; PORTABLE_SRCS are kernel files
# that also build for the host unit tests (against fakes); KERNEL_SRCS and KERNEL_ASM only
# build for the kernel. Fragments in mk/extra/ append to these lists.

LIB_SRCS :=
PORTABLE_SRCS :=
KERNEL_SRCS :=
KERNEL_ASM :=
KTEST_SRCS = $(wildcard tests/kernel/*.c)
