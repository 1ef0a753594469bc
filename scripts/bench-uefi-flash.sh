#!/usr/bin/env bash
# UEFI variable store benchmark (make bench-uefi-flash, docs/uefi-vars.md): the cost of the
# SVSM's flash device with its state-disk commits. Three setups, alternating in each round
# so that the host's load hits them alike; the first two run under the SVSM with a state
# disk (a fresh 4 MiB image per run, unlocked through svsm-proxy and the test KBS):
#   flash   Debian's OVMF_CODE_4M.fd + OVMF_VARS_4M.fd (opt/svsm/firmware-vars): the store
#           is the flash device, every completed write committed to the disk
#   ram     Debian's OVMF.fd as RAM (no firmware-vars): no flash, variables in memory
#   pflash  no SVSM: bare QEMU with the same OVMF_CODE_4M.fd + a copy of OVMF_VARS_4M.fd on
#           QEMU's own pflash (-drive if=pflash), the same kernel and initramfs
# The guest runs svsm.uefi=1 (guest-os/uefi-test.sh: three SetVariable calls from Linux).
# Times are QEMU spawn -> "svsm-guest: init reached", medians. Prints:
#   bench ovmf_boot_flash_vs_pflash_ratio <r>  flash / pflash: the whole cost of booting the
#                                              firmware with its store behind the SVSM
#                                              against QEMU's own pflash without an SVSM
#   bench uefi_boot_flash_vs_ram_ratio <r>     flash / ram: the flash device and its commits
#                                              alone (both under the SVSM)
#   bench uefi_boot_flash_ms, uefi_boot_ram_ms, uefi_boot_pflash_ms <ms>   the medians
#   bench uefi_boot_commits <n>                commits of the store before init (last run)
#   bench uefi_vars_commit_ms <ms>             median time of one commit (encrypt, write,
#                                              flush) over every commit of the flash runs
#   bench uefi_flash_read_exits <n>, bench uefi_flash_write_exits <n>   flash accesses that
#                                              exited to the device in the last flash run
#                                              (reads exit only in command mode)
#   bench uefi_setvariable_commit_ms <ms>      commit time per SetVariable from Linux: the
#                                              commits between the guest's "boot 1" and
#                                              "wrote SvsmFlashTest" lines / 3 SetVariables
# Usage: scripts/bench-uefi-flash.sh [--runs N] [--timeout S]
set -euo pipefail

usage() { sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "bench-uefi-flash: error: $*" >&2; exit 2; }
runs=3 tmo=600
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs="$2"; shift 2 ;;
	--timeout) tmo="$2"; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "bench-uefi-flash: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done
PY=/usr/bin/python3
dir="${GUEST_OS_DIR:-build/guest-os}"
svsm="${SVSM_ELF:-build/svsm.elf}" state_tool=build/tools/svsm-state
code=/usr/share/OVMF/OVMF_CODE_4M.fd vars=/usr/share/OVMF/OVMF_VARS_4M.fd
single="${OVMF_FD:-/usr/share/ovmf/OVMF.fd}"
for f in "$svsm" "$state_tool" "$dir/vmlinuz" "$dir/initramfs.cpio.gz" "$code" "$vars" "$single"; do
	[ -f "$f" ] || die "missing $f (run make, make guest-os)"
done
W=$(mktemp -d /tmp/svsm-uefi-bench.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT
SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')

us_since() { echo $((${EPOCHREALTIME/./} - $1)); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

declare -A init
# one_run KIND LOG: a fresh state image, the KBS and proxy, one boot timed to init.
one_run() {
	local kind="$1" log="$2" start line ti="" fw
	if [ "$kind" = pflash ]; then
		bare_run "$log"
		return
	fi
	rm -f "$W/img" "$W/port" "$W/sock"
	"$state_tool" create "$W/img" --size 4M >/dev/null
	timeout "$tmo" "$PY" tests/kbs/kbs-server.py --port-file "$W/port" --secret-hex "$SECRET" \
		--min-generation-file "$W/gen-$kind-$RANDOM" >>"$W/kbs.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 200); do [ -s "$W/port" ] && break; sleep 0.05; done
	timeout "$tmo" tools/svsm-proxy/svsm-proxy --kbs "http://127.0.0.1:$(cat "$W/port")" \
		--listen "$W/sock" --once >>"$W/proxy.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 200); do [ -S "$W/sock" ] && break; sleep 0.05; done
	if [ "$kind" = flash ]; then
		fw=(-fw_cfg "name=opt/svsm/firmware,file=$code" -fw_cfg "name=opt/svsm/firmware-vars,file=$vars")
	else
		fw=(-fw_cfg "name=opt/svsm/firmware,file=$single")
	fi
	: >"$log"
	start=${EPOCHREALTIME/./}
	while IFS= read -r line; do
		line="${line%$'\r'}"
		printf '%s\n' "$line" >>"$log"
		case "$line" in
		*"svsm-guest: init reached"*) [ -n "$ti" ] || ti=$(us_since "$start") ;;
		esac
	done < <(scripts/qemu.sh --smp 2 --mem 1G --timeout "$tmo" --append "log=info" "$svsm" -- "${fw[@]}" \
		-fw_cfg "name=opt/svsm/kernel,file=$dir/vmlinuz" \
		-fw_cfg "name=opt/svsm/initrd,file=$dir/initramfs.cpio.gz" \
		-fw_cfg "name=opt/svsm/cmdline,string=console=ttyS0 panic=-1 svsm.uefi=1" \
		-drive "file=$W/img,if=none,id=svsmstate,format=raw" \
		-device virtio-blk-pci,drive=svsmstate,disable-legacy=on,addr=0x5 \
		-chardev "socket,id=svsmproxy,path=$W/sock,server=off" \
		-device isa-serial,chardev=svsmproxy,iobase=0x2f8,irq=3 </dev/null 2>&1 || true)
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	PIDS=()
	[ -n "$ti" ] || { echo "bench-uefi-flash: $kind run: no init marker (log kept: $log)" >&2; cp "$log" /tmp/; return 1; }
	init[$kind]+=" $ti"
	echo "bench-uefi-flash: $kind: init $((ti / 1000)) ms"
}

# bare_run LOG: the pflash baseline, no SVSM (the QEMU scripts/qemu-bin.sh picks).
bare_run() {
	local log="$1" start line ti=""
	cp "$vars" "$W/pflash-vars.fd"
	: >"$log"
	start=${EPOCHREALTIME/./}
	while IFS= read -r line; do
		line="${line%$'\r'}"
		printf '%s\n' "$line" >>"$log"
		case "$line" in
		*"svsm-guest: init reached"*) [ -n "$ti" ] || ti=$(us_since "$start") ;;
		esac
	done < <(timeout --foreground -k 5 "$tmo" scripts/qemu-bin.sh -accel tcg -M q35 -cpu max \
		-m 1G -smp 2 -nodefaults -display none -serial stdio -monitor none -no-reboot \
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$code" \
		-drive "if=pflash,format=raw,unit=1,file=$W/pflash-vars.fd" \
		-kernel "$dir/vmlinuz" -initrd "$dir/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 svsm.uefi=1" </dev/null 2>&1 || true)
	[ -n "$ti" ] || { echo "bench-uefi-flash: pflash run: no init marker (log kept: $log)" >&2; cp "$log" /tmp/; return 1; }
	init[pflash]+=" $ti"
	echo "bench-uefi-flash: pflash: init $((ti / 1000)) ms"
}

scripts/qemu-bin.sh --prepare
commit_us=()
for run in $(seq "$runs"); do
	one_run flash "$W/flash-$run.log"
	one_run ram "$W/ram-$run.log"
	one_run pflash "$W/pflash-$run.log"
	mapfile -t -O "${#commit_us[@]}" commit_us < <(sed -n 's/.*uefi-vars: committed generation [0-9]* sha256 [0-9a-f]* (\([0-9]*\) us[;)].*/\1/p' "$W/flash-$run.log")
done
last="$W/flash-$runs.log"
# shellcheck disable=SC2086 # lists of numbers
{ f=$(median ${init[flash]}); r=$(median ${init[ram]}); p=$(median ${init[pflash]}); }
boot_commits=$(awk '/svsm-guest: init reached/ {exit} /uefi-vars: committed generation/ {n++} END {print n + 0}' "$last")
setvar_us=$(awk '/svsm-uefi: boot 1/ {on = 1} /svsm-uefi: wrote SvsmFlashTest/ {on = 0}
	on && /uefi-vars: committed generation/ { if (match($0, /\([0-9]+ us/)) { s += substr($0, RSTART + 1, RLENGTH - 4) } }
	END {print s + 0}' "$last")
echo "bench ovmf_boot_flash_vs_pflash_ratio $(ratio "$f" "$p")"
echo "bench uefi_boot_flash_vs_ram_ratio $(ratio "$f" "$r")"
echo "bench uefi_boot_flash_ms $((f / 1000)) ms"
echo "bench uefi_boot_ram_ms $((r / 1000)) ms"
echo "bench uefi_boot_pflash_ms $((p / 1000)) ms"
echo "bench uefi_boot_commits $boot_commits commits"
echo "bench uefi_vars_commit_ms $(awk -v u="$(median "${commit_us[@]}")" 'BEGIN { printf "%.1f", u / 1000 }') ms"
exits=$(grep -a "uefi-vars: committed generation" "$last" | tr -d '\r' | tail -n 1 |
	sed -n 's/.*; \([0-9]*\) reads, \([0-9]*\) writes reached.*/\1 \2/p')
echo "bench uefi_flash_read_exits ${exits% *} exits"
echo "bench uefi_flash_write_exits ${exits#* } exits"
echo "bench uefi_setvariable_commit_ms $(awk -v u="$setvar_us" 'BEGIN { printf "%.1f", u / 3000 }') ms"
