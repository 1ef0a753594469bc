# The kernel's debugger (docs/gdb.md). debug-y goes only into the debug image
# build/svsm-debug.elf (mk/kernel-debug.mk); nodebug-y into every other kernel (release,
# SNP, test), where `gdb=` is refused. The protocol layer is portable: unit tests and a
# libFuzzer target run it on the host.
debug-y += gdbstub.c gdbstub_proto.c
nodebug-y += debug_absent.c
host-y += gdbstub_proto.c
