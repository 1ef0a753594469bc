#!/usr/bin/env python3
"""Independent SNP launch-digest oracle for IGVM files (stdlib only), used by
tests/igvm/run.sh to cross-check build/tools/igvm-measure. Written from the rules in
docs/igvm.md ("Measurement"), not from the C code: PAGE_DATA/PARAMETER_INSERT in QEMU's
batched order for the SEV_SNP compatibility bit, then VP_CONTEXT VMSAs at 0xFFFFFFFFF000.
Usage: snp_oracle.py FILE.igvm  -> prints the hex digest."""
import hashlib
import struct
import sys


def sha384(b):
    return hashlib.sha384(b).digest()


class LD:
    def __init__(self):
        self.ld = bytes(48)

    def update(self, page_type, gpa, contents=bytes(48)):
        info = self.ld + contents + struct.pack('<HBBBBBBQ', 0x70, page_type, 0, 0, 0, 0, 0, gpa)
        self.ld = sha384(info)


def main(path):
    data = open(path, 'rb').read()
    magic, ver, vh_off, vh_size, total, _ = struct.unpack_from('<6I', data, 0)
    assert magic == 0x4D564749 and total == len(data)
    headers = []
    pos = vh_off
    while pos < vh_off + vh_size:
        typ, length = struct.unpack_from('<II', data, pos)
        headers.append((typ & 0x7FFFFFFF, data[pos + 8:pos + 8 + length]))
        pos += (8 + length + 7) & ~7
    snp = None
    areas = {}
    for typ, p in headers:
        if typ == 0x001:
            mask, _, ptype = struct.unpack_from('<IBB', p)
            if ptype == 2:
                snp = mask
        if typ == 0x301:
            nbytes, idx, _ = struct.unpack_from('<QII', p)
            areas[idx] = nbytes
    assert snp is not None, 'no SNP platform'
    ld = LD()
    run = []           # pending PAGE_DATA batch: list of (gpa, flags, dtype, mask, file_offset)

    def flush():
        for gpa, flags, dtype, mask, off in run:
            if flags & 2:
                ld.update(4, gpa)
            elif dtype == 1:
                ld.update(5, gpa)
            elif dtype in (2, 3):
                ld.update(6, gpa)
            else:
                page = data[off:off + 4096] if off else bytes(4096)
                ld.update(1, gpa, sha384(page))
        run.clear()

    vmsas = []
    for typ, p in headers:
        if typ == 0x302:
            gpa, mask, off, flags, dtype = struct.unpack_from('<QIIIH', p)
            if not mask & snp:
                continue
            if run:
                g0, f0, t0, m0, o0 = run[-1]
                same = (gpa == g0 + 4096 and flags == f0 and dtype == t0 and mask == m0
                        and bool(off) == bool(o0))
                if not same:
                    flush()
            run.append((gpa, flags, dtype, mask, off))
        elif typ == 0x303:
            gpa, mask, idx = struct.unpack_from('<QII', p)
            if mask & snp:
                for i in range(0, areas[idx], 4096):
                    ld.update(4, gpa + i)
        elif typ == 0x304:
            gpa, mask, off, vp = struct.unpack_from('<QIIH', p)
            if mask == snp:
                vmsas.append(data[off:off + 4096])
    flush()
    for v in vmsas:
        ld.update(2, 0xFFFFFFFFF000, sha384(v))
    print(ld.ld.hex())


if __name__ == '__main__':
    main(sys.argv[1])
