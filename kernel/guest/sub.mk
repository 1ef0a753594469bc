# What the SVSM runs at lower privilege: the guest RAM map and its e820, launch, the test
# guest loader, OVMF as flash, direct Linux boot (linux_layout.c: the pure half).
portable-y += ram_map.c stop.c linux_layout.c
kernel-y += launch.c test_guest.c ovmf.c linux_boot.c
