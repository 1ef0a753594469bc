#!/bin/sh
# svsm-uefi: UEFI variables through the SVSM's flash device (docs/uefi-vars.md), for
# scripts/test-uefi-flash.sh. Two boots over one state image:
#   boot 1 (no SvsmFlashTest variable yet): creates the boot entry Boot5356 ("svsm-uefi-test",
#          File(\EFI\svsm\test.efi)) by writing its EFI_LOAD_OPTION to efivarfs (efibootmgr -c
#          needs a disk to build a device path; this guest has none), puts it first in
#          BootOrder with efibootmgr -o, writes the variable SvsmFlashTest (a random token),
#          prints efibootmgr -v and the token;
#   boot 2: prints efibootmgr -v and the variable's content again (efivar -p).
# Both boots then write to the firmware's read-only code flash with devmem and read it back.
# Lines start with "svsm-uefi:"; the host script compares them.
GUID=5f5c9d0e-8b3a-4c1e-9a6e-53564d464c41
VARS=/sys/firmware/efi/efivars
GLOBAL=8be4df61-93ca-11d2-aa0d-00e098032b8c

say() { echo "svsm-uefi: $*"; }

# UCS-2LE of $1 with its NUL terminator, as printf escapes.
ucs2() {
	for b in $(printf '%s' "$1" | od -An -to1 -v); do printf "\\$b\\000"; done
	printf '\000\000'
}

[ -d /sys/firmware/efi ] || { say "FAIL no /sys/firmware/efi (not booted through UEFI)"; exit 1; }
grep -q " $VARS efivarfs" /proc/mounts || mount -t efivarfs efivarfs "$VARS" ||
	{ say "FAIL cannot mount efivarfs"; exit 1; }

if [ ! -e "$VARS/SvsmFlashTest-$GUID" ]; then
	say "boot 1"
	# EFI_LOAD_OPTION: Attributes LOAD_OPTION_ACTIVE, FilePathListLength 46 (a 42-byte
	# MEDIA_FILEPATH_DP of 18 characters and the 4-byte end node), Description, FilePathList.
	{
		printf '\007\000\000\000'      # variable attributes: NV | BS | RT
		printf '\001\000\000\000'      # LOAD_OPTION_ACTIVE
		printf '\056\000'              # FilePathListLength
		ucs2 "svsm-uefi-test"
		printf '\004\004\052\000'      # MEDIA_DEVICE_PATH, MEDIA_FILEPATH_DP, length 42
		ucs2 '\EFI\svsm\test.efi'
		printf '\177\377\004\000'      # END_DEVICE_PATH
	} >/tmp/boot5356
	cat /tmp/boot5356 >"$VARS/Boot5356-$GLOBAL" || say "FAIL writing Boot5356"
	order=$(efibootmgr | sed -n 's/^BootOrder: //p')
	efibootmgr -o "5356${order:+,$order}" >/dev/null || say "FAIL efibootmgr -o"
	token="svsm-flash-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
	{ printf '\007\000\000\000'; printf '%s' "$token"; } >/tmp/svsmvar
	cat /tmp/svsmvar >"$VARS/SvsmFlashTest-$GUID" || say "FAIL writing SvsmFlashTest"
	say "wrote SvsmFlashTest $token"
else
	say "boot 2"
fi
efibootmgr -v | sed 's/^/svsm-uefi: efibootmgr: /'
efivar -p -n "$GUID-SvsmFlashTest" 2>&1 | sed 's/^/svsm-uefi: efivar: /'
say "SvsmFlashTest raw $(tail -c +5 "$VARS/SvsmFlashTest-$GUID" 2>/dev/null)"

# The code flash is read-only: a write there must not change it.
before=$(devmem 0xfffffff0 32)
devmem 0xfffffff0 32 0x5a5a5a5a
after=$(devmem 0xfffffff0 32)
say "code write: before $before after $after"
sync
