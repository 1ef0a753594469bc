# What the SVSM runs at lower privilege: the guest RAM map, launch, the test guest loader.
portable-y += ram_map.c stop.c
kernel-y += launch.c test_guest.c ovmf.c
