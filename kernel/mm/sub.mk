# Memory management: page allocator, page tables, heap, stacks, guest memory gateway.
kernel-y += mm.c stack.c
portable-y += page_alloc.c pgtable.c heap.c guest_mem.c
host-y += mm_host.c
