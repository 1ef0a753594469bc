# Source lists. LIB_SRCS build for the kernel and the host; PORTABLE_SRCS are kernel files
# that also build for the host unit tests (against fakes); KERNEL_SRCS and KERNEL_ASM only
# build for the kernel. Fragments in mk/extra/ append to these lists.

LIB_SRCS := lib/format.c lib/cmdline.c
PORTABLE_SRCS := kernel/mm/page_alloc.c kernel/mm/pgtable.c kernel/mm/heap.c kernel/libc/string.c
KERNEL_SRCS :=
KERNEL_ASM :=
KTEST_SRCS = $(wildcard tests/kernel/*.c)
