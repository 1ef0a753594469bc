#!/usr/bin/env bash
# Guest TPM benchmark (make bench-linux-tpm): TPM command latency seen by the Linux guest
# under the SVSM (its vTPM behind the CRB device; SVSM -> OVMF -> Linux through
# scripts/qemu.sh with the opt/svsm/* fw_cfg files) against bare QEMU + OVMF + QEMU's tpm-crb
# backed by swtpm (scripts/swtpm-qemu.sh), the same kernel and initrd. Runs alternate (SVSM,
# swtpm, SVSM, ...) so that the host's load hits both alike. Each boot has
# svsm.tpmbench=ITERS: the guest (svsm-tpm bench, guest-os/tpm-test.sh) runs each of
#   pcrread        tpm2_pcrread sha256:0-7
#   pcrextend      tpm2_pcrextend 16:sha256=...
#   quote          tpm2_quote with an ECC AK made persistent once (0x81000010), PCR 0-7
#   createprimary  tpm2_createprimary -C o -G ecc (flushed by the resource manager on exit)
# ITERS times through /dev/tpmrm0, timed by svsm-tpmping (CLOCK_MONOTONIC), and
#   roundtrip      svsm-tpmping: TPM2_GetRandom(8) written and read on /dev/tpm0, 10*ITERS times
# then powers off. Prints, per command, from the medians over runs of the per-iteration time:
#   bench guest_tpm_<cmd>_svsm_us <v> us, bench guest_tpm_<cmd>_swtpm_us <v> us
#   bench guest_tpm_vs_swtpm_ratio_<cmd> <svsm/swtpm>       (pcrread pcrextend quote createprimary)
#   bench guest_tpm_roundtrip_vs_swtpm_ratio <svsm/swtpm>
#   bench tpm_exec_share_<cmd> <r>   time inside libtpms per command / guest time per iteration,
#       from the last SVSM run's "svsm-vtpm-cc <cc> <count> <exec_us>" lines (printed by the
#       SVSM when the guest stops) for the command's main TPM command code: PCR_Read 0x17e,
#       PCR_Extend 0x182, Quote 0x158, CreatePrimary 0x131, GetRandom 0x17b (roundtrip).
#       Left out, with a note, when the SVSM printed no such lines.
# Usage: scripts/bench-linux-tpm.sh [--runs N] [--iters N] [--only svsm|swtpm] [--smp N]
#          [--timeout S] [--svsm-append WORDS]
#   --runs N    boots per target (default 3)   --iters N  iterations per command (default 20)
#   --only T    boot only one target (no ratios; e.g. to test the bench against swtpm alone)
# Logs: build/guest-os/bench-linux-tpm-<target>-<run>.log.
set -euo pipefail

usage() { sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "bench-linux-tpm: error: $*" >&2; exit 2; }

dir="${GUEST_OS_DIR:-build/guest-os}"
ovmf="${OVMF_FD:-/usr/share/ovmf/OVMF.fd}"
svsm="${SVSM_ELF:-build/svsm.elf}"
runs=3 iters=20 only="" smp=2 tmo=600 svsm_extra=""
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs="$2"; shift 2 ;;
	--iters) iters="$2"; shift 2 ;;
	--only) case "$2" in svsm|swtpm) only="$2" ;; *) die "unknown target $2" ;; esac; shift 2 ;;
	--smp) smp="$2"; shift 2 ;;
	--timeout) tmo="$2"; shift 2 ;;
	--svsm-append) svsm_extra="$2"; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "bench-linux-tpm: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done
kernel="$dir/vmlinuz" initrd="$dir/initramfs.cpio.gz"
{ [ -f "$kernel" ] && [ -f "$initrd" ]; } || die "no $kernel or $initrd (run 'make guest-os')"
[ -f "$ovmf" ] || die "no $ovmf (Debian package ovmf; run 'make deps')"
[ "$only" = swtpm ] || [ -f "$svsm" ] || die "no $svsm (run 'make')"
targets=(svsm swtpm)
[ -z "$only" ] || targets=("$only")

words="svsm.tpmbench=$iters"
svsm_cmd=(scripts/qemu.sh --smp "$smp" --mem 1G --timeout "$tmo" --append "log=info $svsm_extra" "$svsm" --
	-fw_cfg "name=opt/svsm/firmware,file=$ovmf" -fw_cfg "name=opt/svsm/kernel,file=$kernel"
	-fw_cfg "name=opt/svsm/initrd,file=$initrd"
	-fw_cfg "name=opt/svsm/cmdline,string=console=ttyS0 panic=-1 $words")
swtpm_cmd=(scripts/swtpm-qemu.sh --smp "$smp" --timeout "$tmo" --append "$words")
CMDS="pcrread pcrextend quote createprimary roundtrip"

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

declare -A per_iter	# [target.cmd] = " us us ..." (one per run)
# one_run TARGET RUN: one boot; appends the per-iteration times of each command.
one_run() {
	local target="$1" run="$2" log rc=0 cmd line
	log="$dir/bench-linux-tpm-$target-$run.log"
	if [ "$target" = svsm ]; then
		"${svsm_cmd[@]}" </dev/null >"$log" 2>&1 || rc=$?
	else
		"${swtpm_cmd[@]}" </dev/null >"$log" 2>&1 || rc=$?
	fi
	tr -d '\r' <"$log" >"$log.txt"
	if ! grep -aq '^svsm-tpmbench done' "$log.txt" || grep -aq '^svsm-tpmbench .*FAIL' "$log.txt"; then
		grep -a '^svsm-tpmbench' "$log.txt" | sed 's/^/  /' >&2 || true
		echo "bench-linux-tpm: $target run $run: no complete svsm-tpmbench output (status $rc; log $log)" >&2
		return 1
	fi
	line="bench-linux-tpm: $target run $run (status $rc):"
	for cmd in $CMDS; do
		us=$(awk -v c="$cmd" '$1 == "svsm-tpmbench" && $2 == c && $4 > 0 { printf "%.0f", $3 / $4; exit }' "$log.txt")
		[ -n "$us" ] || { echo "bench-linux-tpm: $target run $run: no '$cmd' line (log $log)" >&2; return 1; }
		per_iter[$target.$cmd]+=" $us"
		line+=" $cmd $us us"
	done
	echo "$line"
}

for run in $(seq "$runs"); do
	for t in "${targets[@]}"; do
		one_run "$t" "$run" || exit 1
	done
done

declare -A med
for cmd in $CMDS; do
	for t in "${targets[@]}"; do
		# shellcheck disable=SC2086 # a list of numbers
		med[$t.$cmd]=$(median ${per_iter[$t.$cmd]})
		echo "bench guest_tpm_${cmd}_${t}_us ${med[$t.$cmd]} us"
	done
done
if [ -z "$only" ]; then
	for cmd in $CMDS; do
		r=$(ratio "${med[svsm.$cmd]}" "${med[swtpm.$cmd]}")
		if [ "$cmd" = roundtrip ]; then
			echo "bench guest_tpm_roundtrip_vs_swtpm_ratio $r"
		else
			echo "bench guest_tpm_vs_swtpm_ratio_$cmd $r"
		fi
	done
fi
if [ "$only" != swtpm ]; then
	last="$dir/bench-linux-tpm-svsm-$runs.log.txt"
	if grep -aq '^svsm-vtpm-cc ' "$last"; then
		# The command's time inside libtpms (per command) over the guest's time per iteration.
		for pair in pcrread:0x0000017e pcrextend:0x00000182 quote:0x00000158 \
			createprimary:0x00000131 roundtrip:0x0000017b; do
			cmd=${pair%%:*} cc=${pair#*:}
			guest=$(awk -v c="$cmd" '$1 == "svsm-tpmbench" && $2 == c && $4 > 0 { print $3 / $4; exit }' "$last")
			# Command codes compare as numbers: 0x0000017e, 0x17e and 0x17E are one.
			awk -v cc="$cc" -v cmd="$cmd" -v g="$guest" '
				function norm(h) { h = tolower(h); sub(/^0x0*/, "", h); return h }
				$1 == "svsm-vtpm-cc" && norm($2) == norm(cc) && $3 > 0 && g > 0 {
					printf "bench tpm_exec_share_%s %.3f\n", cmd, ($4 / $3) / g; found = 1 }
				END { if (!found) printf "bench-linux-tpm: no svsm-vtpm-cc line for %s (%s)\n", cmd, cc }' "$last"
		done
	else
		echo "bench-linux-tpm: the SVSM printed no svsm-vtpm-cc lines; tpm_exec_share_* not computed"
	fi
fi
