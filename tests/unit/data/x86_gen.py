#!/usr/bin/env python3
"""Generates tests/unit/data/x86_decode_cases.inc: x86 encodings assembled by gas and
decoded by objdump (Intel syntax), turned into the fields lib/x86_decode.c must produce.
Run once and commit the output: python3 tests/unit/data/x86_gen.py > tests/unit/data/x86_decode_cases.inc
objdump is the oracle; this script only parses its text, it does not decode bytes itself
(apart from locating the opcode byte after prefixes, to tell moffs from ModRM forms)."""
import re
import subprocess
import sys
import tempfile
import os

R64 = "rax rcx rdx rbx rsp rbp rsi rdi r8 r9 r10 r11 r12 r13 r14 r15".split()
R32 = "eax ecx edx ebx esp ebp esi edi r8d r9d r10d r11d r12d r13d r14d r15d".split()
R16 = "ax cx dx bx sp bp si di r8w r9w r10w r11w r12w r13w r14w r15w".split()
R8 = "al cl dl bl spl bpl sil dil r8b r9b r10b r11b r12b r13b r14b r15b".split()
REGS = {}
for size, names in ((8, R64), (4, R32), (2, R16), (1, R8)):
    for i, n in enumerate(names):
        REGS[n] = (i, size)
for i, n in enumerate("ah ch dh bh".split()):
    REGS[n] = (0x14 + i, 1)
SEGS = {"es": 0, "cs": 1, "ss": 2, "ds": 3, "fs": 4, "gs": 5}
PTR = {"BYTE": 1, "WORD": 2, "DWORD": 4, "QWORD": 8}

MEM64 = ["[rax]", "[rbx+0x10]", "[rsp]", "[rbp]", "[rbp-0x8]", "[r12]", "[r13]", "[r13+0x7f]",
         "[rip+0x100]", "[rax+rcx*4]", "[rax+r9*8+0x12345678]", "[rcx*2+0x40]", "ds:0x1000",
         "[rsi+rdi*1-0x80]", "fs:[rax]", "gs:0x28", "[eax]", "[esp+ecx*2+0x4]", "[r15+r14*4]",
         "[rsp+0x100]", "[r11-0x1000]"]
MEM32 = ["[eax]", "[ebx+0x10]", "[esp]", "[ebp]", "[ebp-0x8]", "[eax+ecx*4]", "ds:0x1000",
         "[esi+edi*1-0x80]", "fs:[eax]", "es:[ebx]", "ss:[eax+0x4]", "[bx+si]", "[bp+0x2]",
         "[esp+ecx*8+0x7ffffff0]"]
MEM16 = ["[bx+si]", "[bx+di+0x4]", "[bp+si]", "[bp+di-0x2]", "[si]", "[di+0x1234]", "[bp]",
         "[bx]", "ds:0x1234", "es:[bx]", "[eax]", "[ebp+0x8]"]


def insns(mode):
    mems = {64: MEM64, 32: MEM32, 16: MEM16}[mode]
    if mode == 64:
        regsets = {1: ["al", "cl", "ah", "bh", "sil", "r9b", "r15b"], 2: ["ax", "dx", "r10w"],
                   4: ["eax", "ecx", "esp", "r8d", "r13d"], 8: ["rax", "rbx", "r12", "r15"]}
    else:
        regsets = {1: ["al", "cl", "ah", "bh"], 2: ["ax", "dx", "si"], 4: ["eax", "ecx", "edi"]}
    imm = {1: "0x12", 2: "0x1234", 4: "0x12345678", 8: "-0x80"}
    out = []
    for size, regs in regsets.items():
        for i, m in enumerate(mems):
            r = regs[i % len(regs)]
            if r in ("ah", "ch", "dh", "bh") and re.search(r"\br(8|9|1[0-5])", m):
                r = "al"
            p = {1: "BYTE", 2: "WORD", 4: "DWORD", 8: "QWORD"}[size]
            out.append(f"mov {p} PTR {m}, {r}")
            out.append(f"mov {r}, {p} PTR {m}")
            out.append(f"mov {p} PTR {m}, {imm[size]}")
        out.append(f"mov {regs[0]}, {regs[-1]}")
    if mode == 64:
        out.append("mov QWORD PTR [rax], 0x7fffffff")
    dst = {64: ["eax", "rcx", "r9", "dx"], 32: ["eax", "cx", "edi"], 16: ["ax", "ecx"]}[mode]
    for i, m in enumerate(mems):
        d = dst[i % len(dst)]
        out.append(f"movzx {d}, BYTE PTR {m}")
        out.append(f"movsx {d}, BYTE PTR {m}")
        if d not in ("ax", "dx", "cx", "si"):
            out.append(f"movzx {d}, WORD PTR {m}")
            out.append(f"movsx {d}, WORD PTR {m}")
    out += ["movzx eax, al", "movsx ecx, bh", "movzx eax, dx"]
    for s in ("b", "w", "d") + (("q",) if mode == 64 else ()):
        out += [f"movs{s}", f"rep movs{s}", f"stos{s}", f"rep stos{s}"]
    for s in ("b", "w", "d"):
        out += [f"ins{s}", f"rep ins{s}", f"outs{s}", f"rep outs{s}"]
    out += ["in al, 0x60", "in ax, 0x61", "in eax, 0xcf", "out 0x80, al", "out 0x70, ax",
            "out 0xf4, eax", "in al, dx", "in ax, dx", "in eax, dx", "out dx, al", "out dx, ax",
            "out dx, eax", "cpuid", "rdmsr", "wrmsr", "rdtsc", "rdtscp", "vmmcall"]
    raw = [
        "0xf3,0x0f,0x01,0xd9",                 # VMGEXIT (rep vmmcall)
        "0xa0,0x88,0x77,0x66,0x55,0x44,0x33,0x22,0x11",
        "0xa1,0x88,0x77,0x66,0x55,0x44,0x33,0x22,0x11",
        "0x48,0xa1,0x88,0x77,0x66,0x55,0x44,0x33,0x22,0x11",
        "0x66,0xa3,0x00,0x10,0x00,0x00,0x00,0x00,0x00,0x00",
        "0xa2,0x00,0x00,0xfe,0xfe,0x00,0x00,0x00,0x00",
        "0x67,0xa1,0x78,0x56,0x34,0x12",
        "0x64,0xa1,0x28,0x00,0x00,0x00,0x00,0x00,0x00,0x00",
        "0x66,0x48,0x89,0x08",                 # REX.W wins over 66
        "0x2e,0x8b,0x00",                      # CS override (ignored in 64-bit mode)
        "0x36,0x89,0x03",
        "0xf3,0xa4", "0xf2,0xa5", "0x64,0xa4", "0x65,0xf3,0x6e",
        "0x67,0xf3,0xaa", "0x67,0x8b,0x05,0x10,0x00,0x00,0x00",
        "0x66,0x67,0xc7,0x04,0x24,0x34,0x12",
        "0x8b,0x04,0x25,0x80,0xff,0xff,0xff",  # absolute, negative disp32
        "0x8b,0x0c,0x65,0x00,0x00,0x00,0x00",  # index rsp? no: index 4 = none w/o REX.X
        "0x42,0x8b,0x0c,0x25,0x00,0x10,0x00,0x00",  # REX.X with index 100 -> r12
        "0x40,0x88,0x20",                      # mov [rax], spl (REX without bits)
        "0x88,0x20",                           # mov [rax], ah
        "0x0f,0xb6,0x44,0x24,0x08",
        "0x48,0x0f,0xbf,0x80,0x00,0x01,0x00,0x00",
        "0x66,0xe5,0x40", "0x48,0xed", "0x66,0xef",
    ]
    if mode != 64:
        raw = [
            "0xf3,0x0f,0x01,0xd9",
            "0xa0,0x44,0x33,0x22,0x11", "0xa1,0x44,0x33,0x22,0x11", "0x66,0xa3,0x00,0x10,0x00,0x00",
            "0x67,0xa1,0x34,0x12", "0x64,0xa1,0x28,0x00,0x00,0x00", "0x2e,0x8b,0x00",
            "0x36,0x89,0x03", "0xf3,0xa4", "0x64,0xa4", "0x26,0xa5", "0x67,0xf3,0xaa",
            "0x66,0xe5,0x40", "0x66,0xef", "0x88,0x20", "0x8b,0x04,0x65,0x00,0x00,0x00,0x00",
            "0x66,0xc7,0x00,0x34,0x12",
        ]
        if mode == 16:
            raw += ["0xa1,0x34,0x12", "0x66,0xa1,0x78,0x56,0x34,0x12", "0x67,0x66,0xa1,0x78,0x56,0x34,0x12",
                    "0x8b,0x06,0x00,0x10", "0x66,0x89,0x07", "0xc7,0x06,0x00,0x10,0xcd,0xab"]
    out += [".byte " + r for r in raw]
    return out


PREFIX_TOKENS = {"rep", "repz", "repe", "repnz", "repne", "data16", "data32", "addr32", "addr16",
                 "cs", "ds", "es", "ss", "fs", "gs", "lock"}


def objdump(mode, lines):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "a.s")
        obj = os.path.join(d, "a.o")
        with open(src, "w") as f:
            f.write(".intel_syntax noprefix\n")
            f.write({64: ".code64\n", 32: ".code32\n", 16: ".code16\n"}[mode])
            for l in lines:
                f.write(l + "\n")
        asflag = "--64" if mode == 64 else "--32"
        subprocess.run(["as", asflag, "-o", obj, src], check=True)
        cmd = ["objdump", "-d", "--insn-width=15", "-M", "intel"]
        if mode == 16:
            cmd += ["-m", "i8086"]
        text = subprocess.run(cmd + [obj], check=True, capture_output=True, text=True).stdout
    res = []
    for l in text.splitlines():
        m = re.match(r"^\s*[0-9a-f]+:\t([0-9a-f ]+?)\s*\t(.*)$", l)
        if m:
            res.append((bytes.fromhex(m.group(1).replace(" ", "")), m.group(2)))
    return res


def opcode_index(b, mode):
    i = 0
    while b[i] in (0x66, 0x67, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0xf0) or \
            (mode == 64 and 0x40 <= b[i] <= 0x4f):
        i += 1
    return i


def s64(v):
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >> 63 else v


def parse_mem(t, mode, seg_hint):
    m = re.match(r"^(?:(BYTE|WORD|DWORD|QWORD) PTR )?(?:([ecsdfg]s):)?(\[[^\]]*\]|0x[0-9a-f]+)$", t)
    if not m:
        return None
    size = PTR.get(m.group(1)) if m.group(1) else None
    seg = m.group(2)
    body = m.group(3)
    base, index, scale, disp, asz = 0xff, 0xff, 1, 0, None
    if body.startswith("["):
        for sign, term in re.findall(r"([+-]?)([^+-]+)", body[1:-1]):
            if "*" in term:
                r, sc = term.split("*")
                scale = int(sc)
                if r in ("riz", "eiz"):  # objdump's name for "no index"
                    asz = 8 if r == "riz" else 4
                else:
                    index = REGS[r][0]
                    asz = REGS[r][1]
            elif term in ("rip", "eip"):
                base = 0x10
                asz = 8 if term == "rip" else 4
            elif term in REGS:
                if base == 0xff:
                    base = REGS[term][0]
                else:
                    index = REGS[term][0]
                asz = REGS[term][1]
            else:
                v = int(term, 16)
                disp = -v if sign == "-" else v
    else:
        disp = int(body, 16)
    string_dst = seg == "es" and body in ("[rdi]", "[edi]", "[di]")
    if mode == 64 and seg in ("es", "cs", "ss", "ds") and not string_dst:
        seg = None  # ignored in 64-bit mode
    if seg is None:
        segn = seg_hint if seg_hint is not None else (2 if base in (4, 5) else 3)
    else:
        segn = SEGS[seg]
    return dict(size=size, base=base, index=index, scale=scale, disp=s64(disp), seg=segn, asz=asz)


def classify(b, text, mode):
    text = text.split("#")[0].strip()
    toks = text.split()
    prefixes = []
    while toks and (toks[0] in PREFIX_TOKENS or toks[0].startswith("rex")):
        prefixes.append(toks.pop(0))
    if not toks:
        return None
    mn = toks[0]
    if mn == "vmgexit":
        mn = "vmmcall"
        prefixes.append("rep")
    ops = " ".join(toks[1:]).split(",") if len(toks) > 1 else []
    ops = [o.strip() for o in ops]
    e = dict(reg=0xff, rm_reg=0xff, has_mem=0, mem=None, mem2=None, has_imm=0, imm=0,
             op_size=0, src_size=0)
    rep = 1 if ("rep" in prefixes or "repz" in prefixes or "repe" in prefixes) else 0
    repne = 1 if ("repnz" in prefixes or "repne" in prefixes) else 0
    op = b[opcode_index(b, mode)]
    default_asz = {64: 8, 32: 4, 16: 2}[mode]
    if "addr32" in prefixes:
        asz = 4
    elif "addr16" in prefixes:
        asz = 2
    else:
        asz = default_asz

    def operand(o):
        if o in REGS:
            return ("reg",) + REGS[o]
        mm = parse_mem(o, mode, None)
        if mm and (o.startswith(("BYTE", "WORD", "DWORD", "QWORD", "[")) or ":" in o):
            return ("mem", mm)
        return ("imm", int(o, 16))

    sysmap = {"cpuid": "X86_CPUID", "rdmsr": "X86_RDMSR", "wrmsr": "X86_WRMSR",
              "rdtsc": "X86_RDTSC", "rdtscp": "X86_RDTSCP", "vmmcall": "X86_VMMCALL"}
    if mn in sysmap:
        cls = sysmap[mn]
    elif mn in ("mov", "movabs"):
        a, c = operand(ops[0]), operand(ops[1])
        if op in (0xa0, 0xa1, 0xa2, 0xa3):
            cls = "X86_MOV_LOAD_MOFFS" if op in (0xa0, 0xa1) else "X86_MOV_STORE_MOFFS"
            r, m = (a, c) if a[0] == "reg" else (c, a)
            e["reg"], e["op_size"], e["has_mem"], e["mem"] = r[1], r[2], 1, m[1]
            e["mem"]["disp"] &= (1 << (8 * asz)) - 1
        elif a[0] == "mem" and c[0] == "imm":
            cls = "X86_MOV_STORE_IMM"
            e["has_mem"], e["mem"], e["op_size"] = 1, a[1], a[1]["size"]
            e["has_imm"], e["imm"] = 1, c[1]
        elif a[0] == "reg" and c[0] == "imm":
            return None
        elif op in (0x88, 0x89):
            cls = "X86_MOV_STORE"
            e["reg"], e["op_size"] = c[1], c[2]
            if a[0] == "mem":
                e["has_mem"], e["mem"] = 1, a[1]
            else:
                e["rm_reg"] = a[1]
        else:
            cls = "X86_MOV_LOAD"
            e["reg"], e["op_size"] = a[1], a[2]
            if c[0] == "mem":
                e["has_mem"], e["mem"] = 1, c[1]
            else:
                e["rm_reg"] = c[1]
    elif mn in ("movzx", "movsx"):
        cls = "X86_MOVZX" if mn == "movzx" else "X86_MOVSX"
        a, c = operand(ops[0]), operand(ops[1])
        e["reg"], e["op_size"] = a[1], a[2]
        if c[0] == "mem":
            e["has_mem"], e["mem"], e["src_size"] = 1, c[1], c[1]["size"]
        else:
            e["rm_reg"], e["src_size"] = c[1], c[2]
    elif mn in ("movs", "stos", "ins", "outs"):
        cls = {"movs": "X86_MOVS", "stos": "X86_STOS", "ins": "X86_INS", "outs": "X86_OUTS"}[mn]
        mems = [operand(o) for o in ops]
        mems = [m for m in mems if m[0] == "mem"]
        regs = [operand(o) for o in ops if o in REGS]
        if mn == "movs":
            dst, src = mems[0][1], mems[1][1]
            e["mem"], e["mem2"] = src, dst
        else:
            e["mem"] = mems[0][1]
        e["has_mem"] = 1
        e["op_size"] = e["mem"]["size"]
        if mn == "stos":
            e["reg"] = regs[0][1]
    elif mn in ("in", "out"):
        cls = "X86_IN" if mn == "in" else "X86_OUT"
        a, c = operand(ops[0]), operand(ops[1])
        r, p = (a, c) if mn == "in" else (c, a)
        e["reg"], e["op_size"] = r[1], r[2]
        if p[0] == "imm":
            e["has_imm"], e["imm"] = 1, p[1]
    else:
        return None
    if e["src_size"] == 0:
        e["src_size"] = e["op_size"]
    for k in ("mem", "mem2"):
        if e[k] is not None and e[k]["asz"] is not None:
            asz = e[k]["asz"]
    e.update(cls=cls, rep=rep, repne=repne, asz=asz)
    return e


def main():
    print("/* Generated by tests/unit/data/x86_gen.py from gas + objdump (binutils %s); do not edit. */"
          % subprocess.run(["as", "--version"], capture_output=True, text=True).stdout.split("\n")[0].split()[-1])
    for mode in (64, 32, 16):
        for b, text in objdump(mode, insns(mode)):
            e = classify(b, text, mode)
            if e is None:
                print("unparsed: %s %s" % (b.hex(), text), file=sys.stderr)
                continue
            m = e["mem"] or dict(base=0xff, index=0xff, scale=1, seg=0, disp=0)
            m2 = e["mem2"] or dict(base=0xff, seg=0)
            t = re.sub(r"\s+", " ", text.split("#")[0].strip()).replace('"', "'")
            print('{%d, %d, "%s", "%s", %s, %d, %d, %d, 0x%x, 0x%x, %d, 0x%x, 0x%x, %d, %d, %dll, 0x%x, %d, %d, %d, 0x%xull, %d, %d},'
                  % (mode // 8, len(b), "".join("\\x%02x" % x for x in b), t, e["cls"], e["op_size"],
                     e["src_size"], e["asz"], e["reg"], e["rm_reg"], e["has_mem"], m["base"], m["index"],
                     m["scale"], m["seg"], m["disp"], m2["base"], m2["seg"], e["rep"], e["has_imm"],
                     e["imm"] & ((1 << 64) - 1), e["repne"], 0))


main()
