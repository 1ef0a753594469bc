#!/usr/bin/env bash
# End-to-end tier: boots the SVSM with the native test guest under QEMU TCG (-smp 3).
# Run 1: the guest calls every core-protocol call, valid and hostile, and accesses the MMIO
#   test device (the SVSM fetches each instruction through the guest's page tables); passes
#   only if QEMU exits with the SVSM's success code, the guest reports "N passed, 0 failed"
#   with every MMIO check among them, and the SVSM reports itself healthy afterwards.
# Run 2: the guest reads SVSM memory; passes only if the SVSM stops the guest with a clear
#   log line, does not panic, and reports the failure.
# Run 3: the guest writes the local APIC's ICR (an INIT to a CPU of the SVSM); the same.
# Run 4: a vCPU keeps writing a page through its nested TLB while the page becomes another
#   vCPU's VMSA: no write may land after CREATE_VCPU, the next one stops the guest.
# Run 5: run 1 with the SVSM's own disk attached (docs/virtio-blk.md): the checks still pass
#   (the guest's PCI scan does not see it). Run 6: the guest reads the disk's BAR (address
#   from run 5's log): stopped. Runs 7, 8: the log protocol, debug mode off and on, with the
#   default console policy (docs/logging.md).
set -uo pipefail
case "${1:-}" in -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
kernel=build/svsm.elf guest=build/guest.bin
mkdir -p build
fail() { echo "test-e2e: FAILED: $*" >&2; exit 1; }

run() { # name guest_args [svsm words]
	local log="build/e2e-$1.log"
	scripts/qemu.sh --smp 3 --mem 256M --timeout 300 --append "log=info guest_args=$2 ${3:-}" \
		"$kernel" -- -fw_cfg "name=opt/svsm/guest,file=$guest" > "$log" 2>&1
	echo $?
}

rc=$(run checks checks)
log=build/e2e-checks.log
grep -a '^\[guest\]' "$log" | tr -d '\r'
summary=$(grep -aE '^\[guest\] [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 | tr -d '\r')
[ "$rc" -eq 33 ] || fail "checks run: QEMU exit status $rc (see $log)"
[[ "$summary" =~ \]\ ([0-9]+)\ passed,\ 0\ failed ]] || fail "checks run: guest summary '$summary'"
[ "${BASH_REMATCH[1]}" -ge 40 ] || fail "checks run: only ${BASH_REMATCH[1]} checks ran"
grep -aq 'guest: finished: reported all checks passed; .* SVSM healthy' "$log" ||
	fail "checks run: the SVSM did not report itself healthy"
grep -aq 'PANIC' "$log" && fail "checks run: the SVSM panicked"
grep -aqE 'guest: finished: .*; [1-9][0-9]* INVD/WBINVD run as WBINVD' "$log" ||
	fail "checks run: the guest's INVD did not exit to the SVSM"
mmio=$(grep -acE '^\[guest\] mmio_[a-z0-9_]+ PASS' "$log")
[ "$mmio" -ge 16 ] || fail "checks run: only $mmio MMIO emulation checks passed, expected 16"
echo "test-e2e: checks run: $summary ($mmio MMIO emulation checks)"
# Which QEMU ran and the APIC mode the SVSM chose ("x2" under QEMU 10, "x" under 7.2).
echo "test-e2e: $(grep -aoE 'boot: [0-9]+ CPUs online \([x2]+ APIC\)' "$log" | head -n 1 | sed 's/^boot: //')" \
	"under $(scripts/qemu-bin.sh --version | head -n 1 | sed 's/ (.*//')"

rc=$(run touch touch_svsm)
log=build/e2e-touch.log
[ "$rc" -eq 35 ] || fail "touch run: QEMU exit status $rc, expected 35 (see $log)"
grep -aq 'accessed SVSM memory at GPA' "$log" || fail "touch run: no log line for the access"
grep -aq 'guest stopped: access to SVSM memory' "$log" || fail "touch run: guest not stopped"
grep -aq 'the SVSM did not stop us' "$log" && fail "touch run: the guest read SVSM memory"
grep -aq 'PANIC' "$log" && fail "touch run: the SVSM panicked"
echo "test-e2e: touch run: the SVSM stopped the guest at its access to SVSM memory"

rc=$(run apic touch_apic)
log=build/e2e-apic.log
[ "$rc" -eq 35 ] || fail "apic run: QEMU exit status $rc, expected 35 (see $log)"
grep -aq 'accessed the local APIC at GPA' "$log" || fail "apic run: no log line for the access"
grep -aq 'the SVSM did not stop us' "$log" && fail "apic run: the guest reached the local APIC"
grep -aq 'PANIC' "$log" && fail "apic run: the SVSM panicked"
grep -aq 'SVSM healthy' "$log" || fail "apic run: the SVSM is not healthy afterwards"
echo "test-e2e: apic run: the SVSM stopped the guest at its local APIC access"

rc=$(run vmsa_tlb vmsa_tlb)
log=build/e2e-vmsa_tlb.log
[ "$rc" -eq 35 ] || fail "vmsa_tlb run: QEMU exit status $rc, expected 35 (see $log)"
grep -aq 'vmsa_tlb: writer running' "$log" || fail "vmsa_tlb run: the test did not start"
grep -aq 'the SVSM did not stop us' "$log" &&
	fail "vmsa_tlb run: a vCPU wrote a VMSA page through a stale nested TLB entry"
grep -aq 'guest stopped: write to a VMSA page' "$log" ||
	fail "vmsa_tlb run: the write to the VMSA page did not stop the guest"
grep -aq 'PANIC' "$log" && fail "vmsa_tlb run: the SVSM panicked"
grep -aq 'SVSM healthy' "$log" || fail "vmsa_tlb run: the SVSM is not healthy afterwards"
echo "test-e2e: vmsa_tlb run: no write through a stale nested TLB entry; the next one stopped the guest"
vblk_dir=$(mktemp -d)
trap 'rm -rf "$vblk_dir"' EXIT
truncate -s 1M "$vblk_dir/state.img"
run_disk() { # name guest_args
	local log="build/e2e-$1.log"
	scripts/qemu.sh --smp 3 --mem 256M --timeout 300 --append "log=info state=off guest_args=$2" \
		"$kernel" -- -fw_cfg "name=opt/svsm/guest,file=$guest" \
		-drive "file=$vblk_dir/state.img,if=none,id=svsmstate,format=raw" \
		-device virtio-blk-pci,drive=svsmstate,disable-legacy=on,addr=0x5 > "$log" 2>&1
	echo $?
}
rc=$(run_disk disk checks)
log=build/e2e-disk.log
[ "$rc" -eq 33 ] || fail "disk run: QEMU exit status $rc (see $log)"
grep -aq 'virtio-blk: 00:05.0: 2048 sectors' "$log" || fail "disk run: the SVSM did not start its disk"
grep -aqE '^\[guest\] [0-9]+ passed, 0 failed' "$log" || fail "disk run: the guest's checks failed"
bar=$(grep -aoE 'virtio-blk: 00:05.0 BAR4 0x[0-9a-f]+' "$log" | head -n 1 | awk '{print $4}')
[ -n "$bar" ] || fail "disk run: no BAR4 in the log"
rc=$(run_disk disk_touch "touch_mmio=$bar")
log=build/e2e-disk_touch.log
[ "$rc" -eq 35 ] || fail "disk touch run: QEMU exit status $rc, expected 35 (see $log)"
grep -aq "accessed the SVSM's block device" "$log" || fail "disk touch run: no log line for the access"
grep -aq 'the SVSM did not stop us' "$log" && fail "disk touch run: the guest read the disk's BAR"
grep -aq 'PANIC' "$log" && fail "disk touch run: the SVSM panicked"
echo "test-e2e: disk runs: the checks pass with the SVSM's disk attached; the guest's read of its BAR ($bar) stopped it"
# Runs 7 and 8: the log protocol (guest/log_tests.c) under the default console policy
# (log=host): the guest reads the ring and finds its SVSM's boot lines; malformed calls are
# refused; debug mode shows in QUERY and the attestation manifest. The host console must
# show the host-visible lines and no ring-only line while debug mode is off ("log": on,
# then off again before the end), and the ring-only lines logged while it is on
# ("log_debug": left on, so the end-of-run "svsm-exits" lines are mirrored), with no
# replay of the earlier ones ("mm: SVSM memory").
for mode in log log_debug; do
	rc=$(run "$mode" "$mode" log=host)
	log=build/e2e-$mode.log
	summary=$(grep -aE '^\[guest\] [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 | tr -d '\r')
	[ "$rc" -eq 33 ] || fail "$mode run: QEMU exit status $rc (see $log)"
	[[ "$summary" =~ \]\ ([0-9]+)\ passed,\ 0\ failed ]] || fail "$mode run: guest summary '$summary'"
	[ "${BASH_REMATCH[1]}" -ge 20 ] || fail "$mode run: only ${BASH_REMATCH[1]} checks ran"
	grep -aq '^\[guest\] log_ring_has_boot_lines PASS' "$log" || fail "$mode run: boot lines not read"
	grep -aq 'boot: [0-9]* CPUs online' "$log" || fail "$mode run: a host-visible boot line is missing"
	grep -aq 'guest: finished: reported all checks passed' "$log" || fail "$mode run: no final line"
	grep -aq 'mm: SVSM memory' "$log" && fail "$mode run: a ring-only line reached the host console"
	grep -aq 'log: debug mode on' "$log" || fail "$mode run: switching debug mode on was not shown"
	grep -aq 'PANIC' "$log" && fail "$mode run: the SVSM panicked"
done
grep -aq 'svsm-exits total' build/e2e-log.log &&
	fail "log run: a ring-only line reached the host console after debug mode was switched off"
grep -aq 'log: debug mode off' build/e2e-log.log || fail "log run: switching debug mode off was not shown"
grep -aq 'svsm-exits total' build/e2e-log_debug.log ||
	fail "log_debug run: the ring-only lines logged in debug mode were not mirrored"
echo "test-e2e: log runs: the guest read the ring ($(grep -aoE 'log ring: [0-9]+ records' build/e2e-log.log | head -n 1)); ring-only lines hidden from the host console with debug mode off, shown with it on"
echo "test-e2e: passed"
