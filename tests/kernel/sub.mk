# In-kernel tests (KTEST) and fault probes, linked into build/svsm-test.elf.
ktest-y += $(notdir $(wildcard $(d)/*.c $(d)/*.S))
tpminc-y += vtpm_test.c
