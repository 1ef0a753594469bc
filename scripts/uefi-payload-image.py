#!/usr/bin/env python3
"""uefi-payload-image.py GUEST_BIN GUEST_ELF OUT DIR FILE...: the test guest image with FILEs
from DIR appended at its payload area (guest/guest.ld: __payload_start, 256 KiB of bss the
guest reads; guest/uefi_mm_tests.c payload()). The SVSM loads the whole fw_cfg file into
guest memory, so the guest finds them there. Bundle format (little-endian): u64 magic
"UFPAYLDS", u32 count, u32 0, then per file: char name[32] (NUL-padded), u32 size, u32 0,
the bytes padded to 8."""
import struct
import subprocess
import sys

MAGIC = 0x53444C5941504655  # "UFPAYLDS"
AREA = 0x40000


def symbol(elf, name):
    out = subprocess.run(["nm", elf], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    sys.exit(f"uefi-payload-image: {name} not in {elf}")


def main():
    if len(sys.argv) < 5 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help") else 2)
    guest_bin, guest_elf, out, folder = sys.argv[1:5]
    names = sys.argv[5:]
    offset = symbol(guest_elf, "__payload_start") - symbol(guest_elf, "__load_start")
    with open(guest_bin, "rb") as f:
        image = f.read()
    if len(image) > offset:
        sys.exit("uefi-payload-image: the image is larger than its payload offset")
    bundle = struct.pack("<QII", MAGIC, len(names), 0)
    for name in names:
        if len(name.encode()) >= 32:
            sys.exit(f"uefi-payload-image: name too long: {name}")
        with open(f"{folder}/{name}", "rb") as f:
            data = f.read()
        bundle += struct.pack("<32sII", name.encode(), len(data), 0)
        bundle += data + b"\0" * (-len(data) % 8)
    if len(bundle) > AREA:
        sys.exit(f"uefi-payload-image: {len(bundle)} bytes of payloads, the area holds {AREA}")
    with open(out, "wb") as f:
        f.write(image + b"\0" * (offset - len(image)) + bundle)


if __name__ == "__main__":
    main()
