#!/usr/bin/env bash
# Bare-QEMU baseline, no SVSM: boots build/guest-os/vmlinuz + initramfs.cpio.gz under QEMU TCG
# (q35, -cpu max, -m 1G) two ways: "ovmf" (Debian's OVMF as -bios, the kernel, initrd and
# command line passed by fw_cfg with -kernel/-initrd/-append) and "direct" (-kernel without
# OVMF: SeaBIOS and the Linux boot protocol). Times each boot from QEMU's spawn to the guest's
# "svsm-guest: init reached" line and to QEMU's exit (the guest's power-off).
# Usage: scripts/boot-bare.sh [--mode ovmf|direct|both] [--smp N] [--runs N] [--timeout S]
#                             [--check | --demo | --shell] [--append WORDS] [--bench] [--verbose]
#   --check    svsm.check=1 svsm.cpus=N: fail unless every svsm-check line passes (default)
#   --demo     svsm.demo=1: print the guest's demo
#   --shell    interactive root shell on the serial console (one boot, no timing)
#   --bench    3 runs per mode (unless --runs) and "bench linux_bare_<mode>_{init,off}_ms" lines
#              holding the medians
# Exit status 0 when every boot reached the marker, powered off and (with --check) passed.
# Serial logs: build/guest-os/boot-<mode>-<run>.log.
set -euo pipefail

# The QEMU that $QEMU picks (scripts/qemu-bin.sh); its Debian 13 root is built here if
# missing, before any timeout starts.
qemu_bin="$(dirname "$0")/qemu-bin.sh"
"$qemu_bin" --prepare

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "boot-bare: error: $*" >&2; exit 2; }

dir="${GUEST_OS_DIR:-build/guest-os}"
ovmf="${OVMF_FD:-/usr/share/ovmf/OVMF.fd}"
modes=(ovmf direct) smp=2 runs="" tmo=180 what=check extra="" bench=0 verbose=0
marker="svsm-guest: init reached"
while [ $# -gt 0 ]; do
	case "$1" in
	--mode)
		case "$2" in both) modes=(ovmf direct) ;; ovmf|direct) modes=("$2") ;;
		*) die "unknown mode $2" ;; esac
		shift 2 ;;
	--smp) smp="$2"; shift 2 ;;
	--runs) runs="$2"; shift 2 ;;
	--timeout) tmo="$2"; shift 2 ;;
	--check) what=check; shift ;;
	--demo) what=demo; shift ;;
	--shell) what=shell; shift ;;
	--append) extra="$2"; shift 2 ;;
	--bench) bench=1; shift ;;
	--verbose) verbose=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "boot-bare: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done
if [ -z "$runs" ]; then
	if [ "$bench" = 1 ]; then runs=3; else runs=1; fi
fi
kernel="$dir/vmlinuz" initrd="$dir/initramfs.cpio.gz"
{ [ -f "$kernel" ] && [ -f "$initrd" ]; } || die "no $kernel or $initrd (run 'make guest-os')"
[ -f "$ovmf" ] || die "no $ovmf (Debian package ovmf; run 'make deps')"

append="console=ttyS0 panic=-1"
case "$what" in
check) append+=" svsm.check=1 svsm.cpus=$smp" ;;
demo) append+=" svsm.demo=1" ;;
esac
[ -z "$extra" ] || append+=" $extra"

# qemu_cmd MODE: the QEMU command line of one boot, into the array qemu.
qemu_cmd() {
	qemu=(timeout --foreground -k 5 "$tmo" "$qemu_bin" -accel tcg -M q35 -cpu max
		-m 1G -smp "$smp" -nodefaults -display none -serial stdio -monitor none -no-reboot)
	[ "$1" = ovmf ] && qemu+=(-bios "$ovmf")
	qemu+=(-kernel "$kernel" -initrd "$initrd" -append "$append")
}

if [ "$what" = shell ]; then
	qemu_cmd "${modes[0]}"
	echo "boot-bare: ${modes[0]} boot, root shell on the serial console" \
		"('exit' powers off; Ctrl-C ends QEMU)"
	exec "${qemu[@]}"
fi

us_since() { echo $((${EPOCHREALTIME/./} - $1)); }
ms() { awk -v us="$1" 'BEGIN { printf "%.0f", us / 1000 }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

failures=0
declare -A init_ms off_ms
# one_boot MODE RUN: boots once; prints a summary line; appends the times.
one_boot() {
	local mode="$1" run="$2" log="$dir/boot-$1-$2.log" rcfile="$dir/boot-$1-$2.rc"
	local start line t_init="" t_off rc passed="" failed="" fails=0 problem=""
	qemu_cmd "$mode"
	rm -f "$rcfile"
	start=${EPOCHREALTIME/./}
	while IFS= read -r line; do
		line="${line%$'\r'}"
		printf '%s\n' "$line" >>"$log"
		case "$line" in
		*"$marker"*) [ -n "$t_init" ] || t_init=$(us_since "$start") ;;
		"svsm-check done "*) read -r _ _ passed failed <<<"$line" ;;
		"svsm-check "*" FAIL"*) fails=$((fails + 1)) ;;
		esac
		# Shown: everything with --verbose; else in the first run the check lines, or
		# (--demo) what the guest prints from its init on.
		if [ "$verbose" = 1 ]; then
			printf '  %s\n' "$line"
		elif [ "$run" = 1 ] && [ -n "$t_init" ]; then
			if [ "$what" != check ] || [[ "$line" == "svsm-check "* ]]; then
				printf '  %s\n' "$line"
			fi
		fi
	done < <(: >"$log"; "${qemu[@]}" </dev/null 2>&1; echo $? >"$rcfile")
	t_off=$(us_since "$start")
	rc=$(cat "$rcfile" 2>/dev/null || echo 255)
	rm -f "$rcfile"
	[ -n "$t_init" ] || problem+=" no '$marker' line;"
	[ "$rc" = 0 ] || problem+=" QEMU exit status $rc$([ "$rc" = 124 ] && echo " (timeout ${tmo}s)");"
	if [ "$what" = check ]; then
		if [ -z "$passed" ]; then
			problem+=" no 'svsm-check done' line;"
		elif [ "$failed" != 0 ] || [ "$fails" != 0 ] || [ "$passed" = 0 ]; then
			problem+=" checks: $passed passed, $failed failed;"
		fi
	fi
	echo "boot-bare: $mode run $run: init marker $([ -n "$t_init" ] && ms "$t_init" || echo -) ms," \
		"power-off $(ms "$t_off") ms$([ "$what" = check ] && echo ", checks ${passed:-?} passed ${failed:-?} failed")" \
		"(-smp $smp; log $log)"
	if [ -n "$problem" ]; then
		echo "boot-bare: $mode run $run FAILED:$problem" >&2
		failures=$((failures + 1))
		return 0
	fi
	init_ms[$mode]+=" $(ms "$t_init")"
	off_ms[$mode]+=" $(ms "$t_off")"
}

# Runs alternate between the modes so that a change in the host's load hits both alike.
for run in $(seq "$runs"); do
	for mode in "${modes[@]}"; do
		one_boot "$mode" "$run"
	done
done

for mode in "${modes[@]}"; do
	[ -n "${init_ms[$mode]:-}" ] || continue
	# shellcheck disable=SC2086
	i=$(median ${init_ms[$mode]}) o=$(median ${off_ms[$mode]})
	echo "boot-bare: $mode median of $(wc -w <<<"${init_ms[$mode]}"): init marker $i ms," \
		"power-off $o ms (init:${init_ms[$mode]}; off:${off_ms[$mode]})"
	if [ "$bench" = 1 ]; then
		echo "bench linux_bare_${mode}_init_ms $i ms"
		echo "bench linux_bare_${mode}_off_ms $o ms"
	fi
done
# One line per set of boots, in the form test runners read: "boot-bare: N passed, N failed".
echo "boot-bare: $((runs * ${#modes[@]} - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
