#!/usr/bin/env bash
# Boots the SVSM through its IGVM entry: tools/igvm-build packs build/svsm.elf with a
# command line, tools/igvm-load writes the native pages and the QEMU arguments that load
# them, and the PVH shim plays the IGVM loader (memory map, VP count, EBX = boot parameter
# page). Passes when the kernel reports the IGVM entry and the test guest passes all checks.
set -uo pipefail
case "${1:-}" in -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
out=build/igvm-boot
rm -rf "$out" && mkdir -p "$out"
fail() { echo "test-igvm-boot: FAILED: $*" >&2; exit 1; }

build/tools/igvm-build -o "$out/svsm.igvm" -c "log=info guest_args=checks" build/svsm.elf \
	> "$out/build.log" 2>&1 || fail "igvm-build (see $out/build.log)"
build/tools/igvm-load --vps 2 "$out/svsm.igvm" "$out" > "$out/qemu-args" ||
	fail "igvm-load"
mapfile -t args < "$out/qemu-args"
scripts/qemu.sh --smp 2 --mem 256M --timeout 300 build/igvm-shim.elf -- "${args[@]}" \
	-fw_cfg name=opt/svsm/guest,file=build/guest.bin > "$out/run.log" 2>&1
rc=$?
grep -aq 'boot: entered through IGVM' "$out/run.log" || fail "the kernel did not take the IGVM entry (see $out/run.log)"
summary=$(grep -aE '^\[guest\] [0-9]+ passed, [0-9]+ failed' "$out/run.log" | tr -d '\r')
[ "$rc" -eq 33 ] || fail "QEMU exit status $rc (see $out/run.log)"
[[ "$summary" =~ \ 0\ failed ]] || fail "guest summary '$summary'"
echo "test-igvm-boot: kernel entered through IGVM; $summary"
