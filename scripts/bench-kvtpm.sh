#!/usr/bin/env bash
# EK creation time inside the SVSM kernel under QEMU TCG: boots the test kernel with the
# vtpm.ek_create_bench test only and prints its bench lines (median over fresh TPMs, each
# with a new EPS, so RSA prime searches differ) plus the cold boot-time EK of each type.
# Usage: scripts/bench-kvtpm.sh [TEST-KERNEL] [RUNS]
set -euo pipefail

kernel="${1:-build/svsm-test.elf}"
runs="${2:-7}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for ek in ecc rsa; do
	status=0
	scripts/qemu.sh --smp 1 --mem 256M --timeout 280 \
		--append "log=info ktest=vtpm.ek_create_bench vtpm_bench=$runs vtpm_ek=$ek" \
		"$kernel" >"$log" 2>&1 || status=$?
	if [ "$status" -ne 33 ]; then
		cat "$log" >&2
		echo "bench-kvtpm: kernel run failed (QEMU status $status)" >&2
		exit 1
	fi
	cold=$(grep -aoE 'EK [^ ]+ ?[^ ]* created in [0-9.]+ ms' "$log" | grep -oE '[0-9.]+ ms' | cut -d' ' -f1)
	name=$([ "$ek" = ecc ] && echo ecc_p256 || echo rsa2048)
	echo "bench ek_create_ms_${name}_boot_cold $cold ms"
	if [ "$ek" = ecc ]; then
		grep -a '^bench ' "$log" | tr -d '\r'
	fi
done

# The vTPM protocol's own overhead (world switch excluded): tests/kernel/vtpm_protocol_test.c.
status=0
scripts/qemu.sh --smp 1 --mem 256M --timeout 280 \
	--append "log=warn ktest=vtpm_protocol vtpm_bench=1" "$kernel" >"$log" 2>&1 || status=$?
if [ "$status" -ne 33 ]; then
	cat "$log" >&2
	echo "bench-kvtpm: vTPM protocol run failed (QEMU status $status)" >&2
	exit 1
fi
grep -a '^bench vtpm_protocol_overhead_ratio' "$log" | tr -d '\r'
