#!/usr/bin/env bash
# Benchmark from one run of the test guest in bench mode: svsm_call_vs_vmmcall_ratio, the
# guest timing a QUERY_PROTOCOL SVSM call and a bare VMMCALL (the SVSM returns at once when
# call_pending is clear) side by side. (vtpm_protocol_overhead_ratio: scripts/bench-kvtpm.sh.)
set -uo pipefail
case "${1:-}" in -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
log=build/bench-e2e.log
scripts/qemu.sh --smp 1 --mem 256M --timeout 300 --append "log=warn guest_args=bench" \
	build/svsm.elf -- -fw_cfg name=opt/svsm/guest,file=build/guest.bin > "$log" 2>&1
line=$(grep -a '^bench svsm_call_vs_vmmcall_ratio' "$log" | tr -d '\r')
if [ -z "$line" ]; then
	echo "bench-e2e: no result (see $log)" >&2
	exit 1
fi
echo "$line"
