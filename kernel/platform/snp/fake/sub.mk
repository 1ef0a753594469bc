# A fake SNP CPU (RMP, GHCB, PVALIDATE/RMPADJUST) for the host unit tests.
host-y += fake_cpu.c
