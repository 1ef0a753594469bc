# What the SVSM runs at lower privilege: the guest RAM map, launch, the test guest loader,
# direct Linux boot (linux_layout.c: the pure half).
portable-y += ram_map.c stop.c linux_layout.c
kernel-y += launch.c test_guest.c linux_boot.c
