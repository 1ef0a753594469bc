#!/usr/bin/env bash
# Runs the kernel test tier: boots the test kernel with 4 CPUs under QEMU TCG and passes
# only if QEMU exited with the kernel's success code (33), every test printed PASS and the
# summary says "N passed, 0 failed" with N > 0. A timeout, a triple fault (QEMU exits 0
# with -no-reboot) or a panic all fail. Then one boot check: a command line longer than
# 511 bytes must stop the boot with a panic naming the limit (issue 10, finding 6).
# Usage: scripts/test-kernel.sh [KERNEL] [FILTER]
set -uo pipefail

kernel="${1:-build/svsm-test.elf}"
filter="${2:-}"
log="build/test-kernel.log"
case "$kernel" in -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
mkdir -p build
append="log=info"
[ -n "$filter" ] && append="$append ktest=$filter"
scripts/qemu.sh --smp 4 --mem 256M --timeout 120 --append "$append" "$kernel" | tee "$log"
rc=${PIPESTATUS[0]}
summary=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 | tr -d '\r')
if [ "$rc" -ne 33 ]; then
	case "$rc" in
	124) why="timed out" ;;
	0) why="QEMU exited without the kernel's exit code (triple fault or reset)" ;;
	35) why="the kernel reported failure" ;;
	*) why="QEMU exit status $rc" ;;
	esac
	echo "test-kernel: FAILED: $why" >&2
	exit 1
fi
if ! [[ "$summary" =~ ^([0-9]+)\ passed,\ 0\ failed$ ]] || [ "${BASH_REMATCH[1]}" -eq 0 ]; then
	echo "test-kernel: FAILED: bad summary '$summary'" >&2
	exit 1
fi
if grep -aq '^\[svsm-test\] .* FAIL' "$log"; then
	echo "test-kernel: FAILED: a test printed FAIL" >&2
	exit 1
fi
# Boot check: "log=debug <700 x> svsm_mem=8" once booted with the default 64 MiB.
long_log="build/test-kernel-long-cmdline.log"
scripts/qemu.sh --smp 1 --mem 256M --timeout 60 \
	--append "log=debug $(printf 'x%.0s' $(seq 700)) svsm_mem=8" "$kernel" >"$long_log" 2>&1
rc=$?
if [ "$rc" -ne 35 ] || ! grep -aq 'PANIC.*command line is longer than 511 bytes' "$long_log"; then
	echo "test-kernel: FAILED: a 722-byte command line did not stop the boot (status $rc, see $long_log)" >&2
	exit 1
fi
# The APIC mode the kernel chose (tests/kernel/apic_mode_test.c checks it against CPUID).
apic=$(grep -aoE 'apic: x?2?APIC mode on [0-9]+ CPUs' "$log" | head -n 1 | sed 's/^apic: //')
echo "test-kernel: $summary; ${apic:+$apic; }a 722-byte command line stops the boot"
