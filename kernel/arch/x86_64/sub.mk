# x86-64: entry, descriptor tables, traps, APIC, SMP, TSC, ACPI, SVM, XSAVE.
kernel-y += cpu.c trap.c extable.c safe_copy.c apic.c smp.c tsc.c svm.c xsave.c
kernel-y += entry.S trap_entry.S ap_trampoline.S svm_entry.S
portable-y += acpi.c
host-y += safe_copy_host.c
