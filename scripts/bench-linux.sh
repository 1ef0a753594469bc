#!/usr/bin/env bash
# Linux-guest benchmark (make bench-linux): boot time of the guest OS under the SVSM
# (SVSM -> OVMF -> Linux, scripts/qemu.sh with the opt/svsm/* fw_cfg files) against bare
# QEMU booting the same OVMF, kernel and initrd (as scripts/boot-bare.sh --mode ovmf does).
# Runs alternate (SVSM, bare, SVSM, bare, ...) so that the host's load hits both alike.
# Times from QEMU's spawn to two markers on the serial console:
#   kernel start  the first "EFI stub: " or "Linux version " line: OVMF has handed over to
#                 the kernel (OVMF itself prints only escape sequences and no line before,
#                 and only this is printed identically in both setups)
#   init          "svsm-guest: init reached"
# Prints:
#   bench ovmf_boot_vs_bare_ratio <r>    median SVSM / median bare, spawn -> kernel start
#   bench linux_boot_vs_bare_ratio <r>   the same, spawn -> init marker
#   bench linux_boot_svsm_ms <ms>, bench linux_boot_bare_ms <ms>   the init medians
#   bench linux_exits_<reason> <count>   from the SVSM's "svsm-exits" lines (last SVSM run)
# Usage: scripts/bench-linux.sh [--runs N] [--smp N] [--timeout S] [--svsm-append WORDS]
set -euo pipefail

# The QEMU that $QEMU picks (scripts/qemu-bin.sh); its Debian 13 root is built here if
# missing, before any timeout starts.
qemu_bin="$(dirname "$0")/qemu-bin.sh"
"$qemu_bin" --prepare

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "bench-linux: error: $*" >&2; exit 2; }

dir="${GUEST_OS_DIR:-build/guest-os}"
ovmf="${OVMF_FD:-/usr/share/ovmf/OVMF.fd}"
svsm="${SVSM_ELF:-build/svsm.elf}"
runs=3 smp=2 tmo=400 svsm_extra=""
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs="$2"; shift 2 ;;
	--smp) smp="$2"; shift 2 ;;
	--timeout) tmo="$2"; shift 2 ;;
	--svsm-append) svsm_extra="$2"; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "bench-linux: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done
kernel="$dir/vmlinuz" initrd="$dir/initramfs.cpio.gz"
[ -f "$svsm" ] || die "no $svsm (run 'make')"
{ [ -f "$kernel" ] && [ -f "$initrd" ]; } || die "no $kernel or $initrd (run 'make guest-os')"
[ -f "$ovmf" ] || die "no $ovmf (Debian package ovmf; run 'make deps')"

# The guest powers off as soon as init runs (svsm.check is not set: no check time measured).
append="console=ttyS0 panic=-1 svsm.demo=1"
svsm_cmd=(scripts/qemu.sh --smp "$smp" --mem 1G --timeout "$tmo" --append "log=info $svsm_extra" "$svsm" --
	-fw_cfg "name=opt/svsm/firmware,file=$ovmf" -fw_cfg "name=opt/svsm/kernel,file=$kernel"
	-fw_cfg "name=opt/svsm/initrd,file=$initrd" -fw_cfg "name=opt/svsm/cmdline,string=$append")
bare_cmd=(timeout --foreground -k 5 "$tmo" "$qemu_bin" -accel tcg -M q35 -cpu max
	-m 1G -smp "$smp" -nodefaults -display none -serial stdio -monitor none -no-reboot
	-bios "$ovmf" -kernel "$kernel" -initrd "$initrd" -append "$append")

us_since() { echo $((${EPOCHREALTIME/./} - $1)); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

declare -A kstart init
# one_run KIND LOG CMD...: times one boot; appends to kstart[KIND] and init[KIND] (us).
one_run() {
	local kind="$1" log="$2" start line tk="" ti=""
	shift 2
	: >"$log"
	start=${EPOCHREALTIME/./}
	while IFS= read -r line; do
		line="${line%$'\r'}"
		printf '%s\n' "$line" >>"$log"
		case "$line" in
		*"EFI stub: "* | *"Linux version "*) [ -n "$tk" ] || tk=$(us_since "$start") ;;
		*"svsm-guest: init reached"*) [ -n "$ti" ] || ti=$(us_since "$start") ;;
		esac
	done < <("$@" </dev/null 2>&1 || true)
	if [ -z "$tk" ] || [ -z "$ti" ]; then
		echo "bench-linux: $kind run: no kernel-start or init marker (log $log)" >&2
		return 1
	fi
	kstart[$kind]+=" $tk"
	init[$kind]+=" $ti"
	echo "bench-linux: $kind: kernel start $((tk / 1000)) ms, init $((ti / 1000)) ms"
}

for run in $(seq "$runs"); do
	one_run svsm "$dir/bench-linux-svsm-$run.log" "${svsm_cmd[@]}" || exit 1
	one_run bare "$dir/bench-linux-bare-$run.log" "${bare_cmd[@]}" || exit 1
done
# shellcheck disable=SC2086 # lists of numbers
{
	ks=$(median ${kstart[svsm]}) kb=$(median ${kstart[bare]})
	is=$(median ${init[svsm]}) ib=$(median ${init[bare]})
}
echo "bench ovmf_boot_vs_bare_ratio $(ratio "$ks" "$kb")"
echo "bench linux_boot_vs_bare_ratio $(ratio "$is" "$ib")"
echo "bench linux_boot_svsm_ms $((is / 1000)) ms"
echo "bench linux_boot_bare_ms $((ib / 1000)) ms"
tr -d '\r' <"$dir/bench-linux-svsm-$runs.log" |
	awk '$1 == "svsm-exits" && NF >= 3 { print "bench linux_exits_" $2, $3 }'
