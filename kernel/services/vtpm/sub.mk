# The vTPM service on libtpms: manufacture, NV store, EK.
portable-y += vtpm.c nv.c ram_store.c ek.c exec.c
tpminc-y += vtpm.c nv.c ram_store.c ek.c
