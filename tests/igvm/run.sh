#!/usr/bin/env bash
# test-igvm: end-to-end tests of build/tools/igvm-{build,dump,measure}:
#  - build a small PVH ELF kernel (tests/igvm/test_kernel.S), pack it (with and without
#    OVMF, SNP+native and SNP-only), dump it back and check what the dump shows;
#  - the file and its digest are identical across two builds and two measurements;
#  - the digest agrees with an independent Python oracle (if python3 exists) and the
#    OVMF mode reproduces a sev-snp-measure golden vector;
#  - every kind of corrupted file and bad argument is rejected with a clear error naming
#    the offset and a non-zero status, never a crash.
# Usage: tests/igvm/run.sh BUILD_DIR
set -uo pipefail
BUILD=${1:-build}
T=$BUILD/tools
W=$BUILD/igvm-test
HERE=$(cd "$(dirname "$0")" && pwd)
FIX=$HERE/fixtures
OVMF_FD=${IGVM_OVMF:-/usr/share/ovmf/OVMF.fd}
pass=0
fail=0
mkdir -p "$W"

ok() { pass=$((pass + 1)); echo "[igvm] $1 PASS"; }
bad() { fail=$((fail + 1)); echo "[igvm] $1 FAIL: $2"; }

# expect NAME STATUS PATTERN CMD...: exit status STATUS and PATTERN in stdout+stderr.
expect() {
	local name=$1 want=$2 pat=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		bad "$name" "exit $rc, wanted $want: $(echo "$out" | tail -n 2)"
	elif ! grep -qE -- "$pat" <<<"$out"; then
		bad "$name" "output lacks /$pat/: $(echo "$out" | tail -n 2)"
	else
		ok "$name"
	fi
}

set -e
gcc -c "$HERE/test_kernel.S" -o "$W/kernel.o"
ld -nostdlib -static -z max-page-size=0x1000 --no-warn-rwx-segments -T "$HERE/test_kernel.ld" \
	"$W/kernel.o" -o "$W/kernel.elf"
gcc -std=gnu11 -O1 -Wall -Wextra -Werror -Iinclude -I. -o "$W/igvm_patch" "$HERE/igvm_patch.c" lib/crc32.c
set +e
P=$W/igvm_patch
K=$W/kernel.elf

# --- build and dump round trip ---
expect build_snp_native 0 '' "$T/igvm-build" -o "$W/a.igvm" -c "console=ttyS0 svsm.test=1" "$K"
expect dump_valid 0 'headers, all valid' "$T/igvm-dump" -v "$W/a.igvm"
dump=$("$T/igvm-dump" -v "$W/a.igvm")
for pat in 'version 2' 'platform=SEV_SNP mask=0x1' 'platform=NATIVE mask=0x2' 'policy=0x30000' \
	'VP_COUNT_PARAMETER' 'MEMORY_MAP' 'gpa=0x100000 mask=0x3 type=NORMAL' \
	'type=SECRETS' 'type=CPUID_DATA' 'cmdline="console=ttyS0 svsm.test=1"' \
	'vmsa rip=0x100040 rbx=0x108000 cr0=0x31' 'native rip=0x100040' \
	'gpa=0xfffffffff000 mask=0x1 vp_index=0'; do
	if grep -qF -- "$pat" <<<"$dump"; then ok "dump_shows[$pat]"; else bad "dump_shows[$pat]" "missing"; fi
done
# Kernel pages 0x100000..0x107000 present (text, data, zero data page, bss) in GPA order.
pages=$(grep -oE 'gpa=0x10[0-7]000 mask=0x3' <<<"$dump" | tr '\n' ' ')
if [ "$pages" = "gpa=0x100000 mask=0x3 gpa=0x101000 mask=0x3 gpa=0x102000 mask=0x3 gpa=0x103000 mask=0x3 gpa=0x104000 mask=0x3 gpa=0x105000 mask=0x3 gpa=0x106000 mask=0x3 gpa=0x107000 mask=0x3 " ]; then
	ok kernel_pages_in_order
else
	bad kernel_pages_in_order "$pages"
fi
expect build_snp_only 0 '' "$T/igvm-build" -o "$W/snp.igvm" -p snp "$K"
expect dump_snp_only_v1 0 'version 1' "$T/igvm-dump" "$W/snp.igvm"
if [ -f "$OVMF_FD" ]; then
	expect build_with_ovmf 0 '' "$T/igvm-build" -o "$W/fw.igvm" -f "$OVMF_FD" -c "x" "$K"
	fwsize=$(stat -c %s "$OVMF_FD")
	expect dump_firmware_gpa 0 "firmware=0x$(printf %x $((0x100000000 - fwsize)))\+0x$(printf %x "$fwsize")" \
		"$T/igvm-dump" -v "$W/fw.igvm"
else
	echo "[igvm] note: $OVMF_FD missing, firmware tests skipped"
fi

# --- determinism and digest stability ---
"$T/igvm-build" -o "$W/a2.igvm" -c "console=ttyS0 svsm.test=1" "$K"
if cmp -s "$W/a.igvm" "$W/a2.igvm"; then ok build_is_reproducible; else bad build_is_reproducible "files differ"; fi
for f in a snp fw; do
	[ -f "$W/$f.igvm" ] || continue
	d1=$("$T/igvm-measure" "$W/$f.igvm"); d2=$("$T/igvm-measure" "$W/$f.igvm")
	if [ -n "$d1" ] && [ "$d1" = "$d2" ] && [ ${#d1} -eq 96 ]; then ok "digest_stable[$f]"; else bad "digest_stable[$f]" "$d1 / $d2"; fi
	if command -v python3 >/dev/null 2>&1; then
		o=$(python3 "$HERE/snp_oracle.py" "$W/$f.igvm")
		if [ "$o" = "$d1" ]; then ok "digest_matches_oracle[$f]"; else bad "digest_matches_oracle[$f]" "$d1 vs $o"; fi
	fi
done
d_a=$("$T/igvm-measure" "$W/a.igvm")
"$T/igvm-build" -o "$W/c.igvm" -c "console=ttyS0 svsm.test=2" "$K"
if [ "$d_a" != "$("$T/igvm-measure" "$W/c.igvm")" ]; then ok cmdline_changes_digest; else bad cmdline_changes_digest same; fi
expect measure_verbose 0 'normal 9, zero 0, unmeasured 2, secrets 1, cpuid 1, vmsa 1' "$T/igvm-measure" -v "$W/a.igvm"
expect measure_id_block 0 '^id-block: ' "$T/igvm-measure" -v --id-block "$W/id.bin" --family-id 000102030405060708090a0b0c0d0e0f \
	--guest-svn 3 "$W/a.igvm"
if [ "$(stat -c %s "$W/id.bin" 2>/dev/null)" = 96 ] && [ "$(head -c 48 "$W/id.bin" | od -An -tx1 | tr -d ' \n')" = "$d_a" ]; then
	ok id_block_contents
else
	bad id_block_contents "size or digest wrong"
fi

# --- OVMF mode: sev-snp-measure golden vectors (tests/test_guest.py) ---
expect ovmf_snp_without_kernel 0 '^19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d$' \
	"$T/igvm-measure" --ovmf "$FIX/ovmf_AmdSev_suffix.bin"
expect ovmf_snp_4vcpus_default 0 '^4953b1fb416fa874980e8442b3706d345926d5f38879134e00813c5d7abcbe78eafe7b422907be0b4698e2414a631942$' \
	"$T/igvm-measure" --ovmf "$FIX/ovmf_AmdSev_suffix.bin" --vcpus 4 --guest-features 0x21 \
	--kernel /dev/null --initrd /dev/null --append ""
expect ovmf_x64_default 0 '^28797ae0afaba4005a81e629acebfb59e6687949d6be44007cd5506823b0dd66f146aaae26ff291eed7b493d8a64c385$' \
	"$T/igvm-measure" --ovmf "$FIX/ovmf_OvmfX64_suffix.bin" --guest-features 0x21 --vcpu-sig 0x800f12
expect ovmf_x64_kernel_fails 1 'SNP_KERNEL_HASHES' \
	"$T/igvm-measure" --ovmf "$FIX/ovmf_OvmfX64_suffix.bin" --kernel /dev/null

# --- corrupted files: each must fail cleanly, naming the offset ---
H() { "$P" "$W/a.igvm" header "$1"; }
H1=$(H 1); H2=$(H 2); H3=$(H 3); H7=$(H 7); H10=$(H 10); HL=$(H 23)
corrupt() { # NAME PATTERN PATCH-ARGS...
	local name=$1 pat=$2
	shift 2
	cp "$W/a.igvm" "$W/bad.igvm"
	"$P" "$W/bad.igvm" "$@"
	expect "reject_$name" 1 "$pat" "$T/igvm-dump" "$W/bad.igvm"
	expect "measure_rejects_$name" 1 "invalid IGVM file" "$T/igvm-measure" "$W/bad.igvm"
}
corrupt bad_magic 'bad magic.* at offset 0x0$' 0 00000000
corrupt bad_version 'unsupported format version at offset 0x4$' 4 03000000
corrupt checksum 'checksum mismatch at offset 0x14$' $((H2 + 8)) 01
corrupt vh_offset_misaligned 'variable-header section out of range at offset 0x8$' 8 21000000
corrupt truncated_header "bad variable-header length at offset 0x$(printf %x $((H10 + 4)))\$" \
	12 "$(printf '%02x000000' $((H10 + 12 - 32)))" reseal
corrupt section_order "out of section order at offset 0x$(printf %x "$H2")\$" swap "$H1" "$H2" 24 reseal
corrupt bad_file_offset "file data offset out of range at offset 0x$(printf %x $((H10 + 20)))\$" $((H10 + 20)) ffffff7f reseal
corrupt file_offset_into_headers "file data offset out of range" $((H10 + 20)) 20000000 reseal
corrupt unknown_type "unknown or reserved variable-header type at offset 0x$(printf %x "$H3")\$" "$H3" 22020000 reseal
corrupt misaligned_gpa "not 4 KiB aligned at offset 0x$(printf %x $((H10 + 8)))\$" $((H10 + 8)) 01 reseal
corrupt bad_compat_mask "bad compatibility mask at offset 0x$(printf %x $((H10 + 16)))\$" $((H10 + 16)) 04000000 reseal
corrupt nonzero_padding "non-zero padding" $((HL + 28)) 01 reseal
corrupt param_area_reuse "bad parameter area use at offset 0x$(printf %x $((H7 + 16)))\$" $((H7 + 16)) 00000000 reseal
corrupt reserved_field "reserved field" $((H10 + 8 + 22)) 0100 reseal
corrupt vh_size_past_end 'variable-header section out of range at offset 0xc$' 12 ffffff00 reseal
cp "$W/a.igvm" "$W/bad.igvm"; printf 'x' >>"$W/bad.igvm"
expect reject_size_mismatch 1 'total_file_size does not match the file length at offset 0x10$' "$T/igvm-dump" "$W/bad.igvm"
head -c 100 "$W/a.igvm" >"$W/bad.igvm"
expect reject_truncated_file 1 'total_file_size does not match' "$T/igvm-dump" "$W/bad.igvm"
head -c 10 "$W/a.igvm" >"$W/bad.igvm"
expect reject_tiny_file 1 'file truncated at offset 0xa$' "$T/igvm-dump" "$W/bad.igvm"
: >"$W/empty.igvm"
expect reject_empty_file 1 'file truncated at offset 0x0$' "$T/igvm-dump" "$W/empty.igvm"
head -c 4096 /dev/urandom >"$W/garbage.igvm"
expect reject_garbage 1 'invalid IGVM file' "$T/igvm-dump" "$W/garbage.igvm"

# Random single-byte corruptions (resealed half the time): never a crash.
crashes=0
size=$(stat -c %s "$W/a.igvm")
hend=$((HL + 32))
for i in $(seq 300); do
	cp "$W/a.igvm" "$W/rnd.igvm"
	off=$((RANDOM % hend))
	[ $((i % 4)) -eq 0 ] && off=$(((RANDOM * 32768 + RANDOM) % size))
	args=("$off" "$(printf %02x $((RANDOM % 256)))")
	[ $((i % 2)) -eq 0 ] && args+=(reseal)
	"$P" "$W/rnd.igvm" "${args[@]}"
	"$T/igvm-dump" -q "$W/rnd.igvm" >/dev/null 2>&1; r1=$?
	"$T/igvm-measure" "$W/rnd.igvm" >/dev/null 2>&1; r2=$?
	if [ "$r1" -gt 1 ] || [ "$r2" -gt 1 ]; then crashes=$((crashes + 1)); echo "crash: ${args[*]} ($r1/$r2)"; fi
done
if [ "$crashes" -eq 0 ]; then ok random_corruptions_300_no_crash; else bad random_corruptions "$crashes crashes"; fi

# --- bad arguments and files ---
for tool in igvm-build igvm-dump igvm-measure; do
	expect "${tool}_help" 0 '^usage: ' "$T/$tool" --help
	expect "${tool}_no_args" 2 'try --help' "$T/$tool"
	expect "${tool}_unknown_option" 2 "unknown option '--bogus'" "$T/$tool" --bogus x
done
expect build_missing_kernel 1 'No such file or directory' "$T/igvm-build" -o "$W/x.igvm" "$W/nope.elf"
expect build_not_elf 1 'not an ELF file' "$T/igvm-build" -o "$W/x.igvm" "$W/garbage.igvm"
expect build_needs_output 2 'output is required' "$T/igvm-build" "$K"
expect build_bad_platforms 2 'platforms' "$T/igvm-build" -o "$W/x.igvm" -p tdx "$K"
expect build_bad_policy 2 'bit 17' "$T/igvm-build" -o "$W/x.igvm" --policy 0x1 "$K"
head -c 5000 /dev/zero >"$W/odd.fd"
expect build_bad_firmware_size 1 'multiple of 4 KiB' "$T/igvm-build" -o "$W/x.igvm" -f "$W/odd.fd" "$K"
expect build_cmdline_too_long 2 'cmdline longer' "$T/igvm-build" -o "$W/x.igvm" -c "$(head -c 5000 /dev/zero | tr '\0' a)" "$K"
expect dump_directory 1 'is a directory' "$T/igvm-dump" "$W"
expect dump_missing 1 'No such file' "$T/igvm-dump" "$W/nope.igvm"
expect measure_bad_hex 2 '32 hex digits' "$T/igvm-measure" --family-id xyz "$W/a.igvm"
expect measure_bad_vcpus 2 'out of range' "$T/igvm-measure" --ovmf "$FIX/ovmf_AmdSev_suffix.bin" --vcpus 0
expect measure_ovmf_not_ovmf 1 'no OVMF footer' "$T/igvm-measure" --ovmf "$W/garbage.igvm"
"$T/igvm-build" -o "$W/native.igvm" -p native "$K"
expect measure_no_snp_platform 1 'no SEV_SNP platform' "$T/igvm-measure" "$W/native.igvm"
expect dump_native_only 0 'platform=NATIVE' "$T/igvm-dump" "$W/native.igvm"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
