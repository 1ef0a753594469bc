#!/usr/bin/env bash
# State benchmark (make bench-state): what persistence costs, in one run.
#   boots   the SVSM alone (no guest: it stops at "boot: no guest configured"), alternating
#           ephemeral (no disk) and persistent (a state disk, COM2 to tools/svsm-proxy and the
#           test KBS on loopback) boots, RUNS of each, timed from QEMU's spawn to the first
#           SVSM line and to that final line
#   commits the test guest churning TPM NV (guest_args=commit_loop) for a few seconds: the
#           SVSM's "state: committed generation N (T us)" lines
# Prints:
#   bench attest_unlock_ms <ms>          median, first SVSM line -> "state: unlocked"/"formatted"
#   bench state_boot_persistent_ms / state_boot_ephemeral_ms <ms>   medians, spawn -> end line
#   bench state_boot_vs_ephemeral_ratio <r>
#   bench state_commit_ms <ms>           median of the commits (encrypt + write + flush of
#                                        one slot, 1 MiB image, vTPM record only)
# Usage: scripts/bench-state.sh [--runs N]
set -uo pipefail
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
runs=3
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs="$2"; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "bench-state: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done
PY=/usr/bin/python3
W=$(mktemp -d /tmp/svsm-bench-state.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
kbs_start() {
	rm -f "$W/port" "$W/sock"
	timeout 300 "$PY" tests/kbs/kbs-server.py --port-file "$W/port" --secret-hex "$SECRET" \
		>>"$W/kbs.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 200); do [ -s "$W/port" ] && break; sleep 0.05; done
	timeout 300 tools/svsm-proxy/svsm-proxy --kbs "http://127.0.0.1:$(cat "$W/port")" \
		--listen "$W/sock" --once >>"$W/proxy.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 200); do [ -S "$W/sock" ] && break; sleep 0.05; done
}
kbs_stop() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; PIDS=(); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
us_since() { echo $((${EPOCHREALTIME/./} - $1)); }
DISK=(-drive "file=$W/state.img,if=none,id=svsmstate,format=raw"
	-device virtio-blk-pci,drive=svsmstate,disable-legacy=on,addr=0x5
	-chardev "socket,id=svsmproxy,path=$W/sock,server=off"
	-device isa-serial,chardev=svsmproxy,iobase=0x2f8,irq=3)
build/tools/svsm-state create "$W/state.img" --size 1M >/dev/null || exit 2

declare -A total
unlock=()
# one_boot KIND QEMU-ARGS...: times one SVSM-only boot.
one_boot() {
	local kind="$1" start line t_first="" t_unlock="" t_end=""
	shift
	start=${EPOCHREALTIME/./}
	while IFS= read -r line; do
		case "$line" in
		*"SVSM: booting"*) [ -n "$t_first" ] || t_first=$(us_since "$start") ;;
		*"state: unlocked"* | *"state: blank disk formatted"*) t_unlock=$(us_since "$start") ;;
		*"boot: no guest configured"*) t_end=$(us_since "$start") ;;
		esac
	done < <(scripts/qemu.sh --smp 1 --mem 512M --timeout 120 --append "log=info" build/svsm.elf \
		-- "$@" </dev/null 2>&1)
	[ -n "$t_end" ] && [ -n "$t_first" ] || { echo "bench-state: $kind boot did not finish" >&2; exit 1; }
	total[$kind]+=" $t_end"
	[ -z "$t_unlock" ] || unlock+=($((t_unlock - t_first)))
	echo "bench-state: $kind boot: ${t_end}us${t_unlock:+, unlocked at ${t_unlock}us}"
}
for _ in $(seq "$runs"); do
	one_boot ephemeral
	kbs_start
	one_boot persistent "${DISK[@]}"
	kbs_stop
done
# Commits: the test guest churns NV for 6 s.
kbs_start
timeout -k 2 20 scripts/qemu.sh --smp 1 --mem 512M --timeout 18 \
	--append "log=info guest_args=commit_loop" build/svsm.elf -- \
	-fw_cfg "name=opt/svsm/guest,file=build/guest.bin" "${DISK[@]}" </dev/null >"$W/commits.log" 2>&1
kbs_stop
# shellcheck disable=SC2046,SC2086
{
	commit=$(median $(grep -aoE 'state: committed generation [0-9]+ \([0-9]+ us\)' "$W/commits.log" |
		sed 's/.*(\([0-9]*\) us)/\1/'))
	e=$(median ${total[ephemeral]}) p=$(median ${total[persistent]}) u=$(median "${unlock[@]}")
}
n=$(grep -ac 'state: committed generation' "$W/commits.log")
echo "bench attest_unlock_ms $((u / 1000)) ms"
echo "bench state_boot_persistent_ms $((p / 1000)) ms"
echo "bench state_boot_ephemeral_ms $((e / 1000)) ms"
echo "bench state_boot_vs_ephemeral_ratio $(awk -v a="$p" -v b="$e" 'BEGIN { printf "%.2f", a / b }')"
echo "bench state_commit_ms $(awk -v c="${commit:-0}" 'BEGIN { printf "%.2f", c / 1000 }') ms ($n commits)"
