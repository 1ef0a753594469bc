# Boot sequence and struct boot_info.
kernel-y += main.c boot_map.c
portable-y += boot_info.c
host-y += boot_map_host.c
