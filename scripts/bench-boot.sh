#!/usr/bin/env bash
# Boot benchmarks for `make bench`: wall time from spawning QEMU to the SVSM's first
# serial line, and to the line announcing that every CPU is idle, with 1 and 4 CPUs.
# Each figure is the median of RUNS runs (default 5). Prints "bench <name> <value> ms".
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
runs="${RUNS:-5}"
kernel=build/svsm.elf

now_ns() { date +%s%N; }

# one_run SMP -> prints "<first_line_ms> <idle_ms>"
one_run() {
	local smp="$1" start first="" idle="" line t
	start=$(now_ns)
	while IFS= read -r line; do
		t=$(now_ns)
		if [ -z "$first" ]; then
			first=$(( (t - start) / 1000 ))
		fi
		case "$line" in
		*"boot: kernel idle"*) idle=$(( (t - start) / 1000 )) ;;
		esac
	done < <(scripts/qemu.sh --smp "$smp" --mem 256M --timeout 60 --append "log=info" "$kernel" 2>&1)
	if [ -z "$idle" ]; then
		echo "bench-boot: the SVSM never reported idle with $smp CPUs" >&2
		exit 1
	fi
	echo "$first $idle"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

fmt_ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }

firsts=() idle1=() idle4=()
for _ in $(seq "$runs"); do
	read -r f i < <(one_run 1)
	firsts+=("$f"); idle1+=("$i")
	read -r _ i < <(one_run 4)
	idle4+=("$i")
done
echo "bench boot_first_serial_line_ms $(fmt_ms "$(printf '%s\n' "${firsts[@]}" | median)") ms"
echo "bench boot_to_idle_1cpu_ms $(fmt_ms "$(printf '%s\n' "${idle1[@]}" | median)") ms"
echo "bench boot_to_idle_4cpu_ms $(fmt_ms "$(printf '%s\n' "${idle4[@]}" | median)") ms"
