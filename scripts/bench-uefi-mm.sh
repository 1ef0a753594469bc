#!/usr/bin/env bash
# UEFI variable latency through the SVSM UEFI MM protocol, measured by the test guest
# (guest_args=uefi_bench: medians of 41 SetVariable and 41 GetVariable calls of a 64-byte
# non-volatile variable, each a full protocol call with a 64 KiB communicate buffer), in TSC
# cycles converted with the frequency the SVSM logs. Two runs side by side: a volatile store
# (no state disk) and a persistent one (state disk unlocked through svsm-proxy and the test
# KBS: every SetVariable is a commit before its answer).
#   bench uefi_var_set_ms         SetVariable, volatile store
#   bench uefi_var_get_us         GetVariable, volatile store
#   bench uefi_var_set_persist_ms SetVariable with the commit to the state disk
#   bench uefi_var_set_persist_vs_volatile_ratio
set -uo pipefail
case "${1:-}" in -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
PY=/usr/bin/python3
svsm=build/svsm.elf guest=build/guest.bin state_tool=build/tools/svsm-state
W=$(mktemp -d /tmp/svsm-uefi-bench.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "bench-uefi-mm: $*" >&2; exit 1; }

run() { # LOG [qemu args...]
	local log=$1
	shift
	scripts/qemu.sh --smp 1 --mem 256M --timeout 300 --append "log=info guest_args=uefi_bench" \
		"$svsm" -- -fw_cfg "name=opt/svsm/guest,file=$guest" "$@" </dev/null >"$log" 2>&1
}
# cycles LOG NAME: the guest's median; mhz LOG: the SVSM's TSC frequency.
cycles() { grep -a "^bench-cycles $2 " "$1" | tr -d '\r' | awk '{print $3}' | tail -n 1; }
mhz() { grep -aoE 'TSC [0-9]+ MHz' "$1" | head -n 1 | awk '{print $2}'; }

run "$W/volatile.log"
mv=$(mhz "$W/volatile.log") sv=$(cycles "$W/volatile.log" uefi_var_set) gv=$(cycles "$W/volatile.log" uefi_var_get)
if [ -z "$mv" ] || [ -z "$sv" ] || [ -z "$gv" ]; then
	cp "$W/volatile.log" build/bench-uefi-mm-volatile.log
	fail "no result from the volatile run (build/bench-uefi-mm-volatile.log)"
fi

SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
"$state_tool" create "$W/state.img" --size 1M >/dev/null || fail "svsm-state create failed"
timeout 300 "$PY" tests/kbs/kbs-server.py --port-file "$W/port" --secret-hex "$SECRET" >"$W/kbs.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 200); do [ -s "$W/port" ] && break; sleep 0.05; done
timeout 300 tools/svsm-proxy/svsm-proxy --kbs "http://127.0.0.1:$(cat "$W/port")" --listen "$W/sock" \
	--once >"$W/proxy.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 200); do [ -S "$W/sock" ] && break; sleep 0.05; done
run "$W/persist.log" -drive "file=$W/state.img,if=none,id=svsmstate,format=raw" \
	-device virtio-blk-pci,drive=svsmstate,disable-legacy=on,addr=0x5 \
	-chardev "socket,id=svsmproxy,path=$W/sock,server=off" \
	-device isa-serial,chardev=svsmproxy,iobase=0x2f8,irq=3
mp=$(mhz "$W/persist.log") sp=$(cycles "$W/persist.log" uefi_var_set)
grep -aq 'uefi: variable store persistent' "$W/persist.log" || sp=""
if [ -z "$mp" ] || [ -z "$sp" ]; then
	cp "$W/persist.log" build/bench-uefi-mm-persist.log
	fail "no result from the persistent run (build/bench-uefi-mm-persist.log)"
fi

awk -v sv="$sv" -v gv="$gv" -v mv="$mv" -v sp="$sp" -v mp="$mp" 'BEGIN {
	printf "bench uefi_var_set_ms %.3f ms\n", sv / mv / 1000
	printf "bench uefi_var_get_us %.1f us\n", gv / mv
	printf "bench uefi_var_set_persist_ms %.3f ms\n", sp / mp / 1000
	printf "bench uefi_var_set_persist_vs_volatile_ratio %.2f ratio\n", (sp / mp) / (sv / mv)
}'
