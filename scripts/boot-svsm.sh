#!/usr/bin/env bash
# Boots the guest OS (build/guest-os/vmlinuz + initramfs.cpio.gz) under the SVSM as a
# paravisor: build/svsm.elf through scripts/qemu.sh, which reads its guest from fw_cfg files
# (opt/svsm/firmware: Debian's OVMF; opt/svsm/kernel, initrd, cmdline). Without the firmware
# file the SVSM boots Linux directly. The serial log goes to a file; a summary follows.
# Usage: scripts/boot-svsm.sh [--mode ovmf|direct] [--smp N] [--mem SIZE] [--check] [--reboot]
#          [--hostile LIST] [--append WORDS] [--svsm-append WORDS] [--timeout S]
#          [--log FILE] [--svsm FILE] [--quiet]
#   --mode         ovmf (default): SVSM -> OVMF -> Linux; direct: SVSM -> Linux
#   --smp N        vCPUs (default 2); the guest checks it sees N (svsm.cpus=N)
#   --mem SIZE     QEMU's memory (default 1G)
#   --check        svsm.check=1: every svsm-check line must pass
#   --reboot       svsm.reboot=1: the guest ends with reboot -f instead of a power-off, and
#                  the SVSM must report "guest reset" (QEMU runs with -no-reboot)
#   --hostile LIST svsm.hostile=LIST (comma-separated names or all): every attack must print
#                  "svsm-hostile NAME CONTAINED" and none BREACH
#   --append       more words for the guest's command line (e.g. svsm.hole=START-END)
#   --svsm-append  more words for the SVSM's command line (e.g. svsm_mem=64M log=debug);
#                  it starts with log=info, which the checks' greps need (docs/logging.md)
#   --log FILE     serial log (default build/guest-os/svsm-<mode>.log)
# Passes (exit 0) when the log holds "svsm-guest: init reached", with --check every
# svsm-check PASS and "svsm-check done", every requested hostile CONTAINED and no BREACH,
# no SVSM PANIC, "svsm-guest: powering off" and the SVSM's "guest powered off" (with
# --reboot: "svsm-guest: rebooting" and "guest reset"), and QEMU exited by itself.
# Prints "svsm-exits" lines from the log; "boot-svsm: PASSED|FAILED (...)" last.
set -euo pipefail

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "boot-svsm: error: $*" >&2; exit 2; }

dir="${GUEST_OS_DIR:-build/guest-os}"
# Split OVMF (code + variable store flash; docs/uefi-vars.md) unless OVMF_FD names one image.
ovmf="${OVMF_FD:-${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}}"
ovmf_vars=""
[ -n "${OVMF_FD:-}" ] || ovmf_vars="${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}"
svsm="${SVSM_ELF:-build/svsm.elf}"
mode=ovmf smp=2 mem=1G check=0 reboot=0 hostile="" extra="" svsm_extra="" tmo=300 log="" quiet=0
while [ $# -gt 0 ]; do
	case "$1" in
	--mode) case "$2" in ovmf|direct) mode="$2" ;; *) die "unknown mode $2" ;; esac; shift 2 ;;
	--smp) smp="$2"; shift 2 ;;
	--mem) mem="$2"; shift 2 ;;
	--check) check=1; shift ;;
	--reboot) reboot=1; shift ;;
	--hostile) hostile="$2"; shift 2 ;;
	--append) extra="$2"; shift 2 ;;
	--svsm-append) svsm_extra="$2"; shift 2 ;;
	--timeout) tmo="$2"; shift 2 ;;
	--log) log="$2"; shift 2 ;;
	--svsm) svsm="$2"; shift 2 ;;
	--quiet) quiet=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "boot-svsm: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done
kernel="$dir/vmlinuz" initrd="$dir/initramfs.cpio.gz"
[ -f "$svsm" ] || die "no $svsm (run 'make')"
{ [ -f "$kernel" ] && [ -f "$initrd" ]; } || die "no $kernel or $initrd (run 'make guest-os')"
[ "$mode" = direct ] || [ -f "$ovmf" ] || die "no $ovmf (Debian package ovmf; run 'make deps')"
[ -n "$log" ] || log="$dir/svsm-$mode.log"
mkdir -p "$(dirname "$log")"

# The hostile attacks aim at the xAPIC and IOAPIC pages through /dev/mem; iomem=relaxed lifts
# the guest kernel's own IO_STRICT_DEVMEM so that the SVSM, not Linux, has to refuse them.
append="console=ttyS0 panic=-1"
[ "$check" = 0 ] || append+=" svsm.check=1 svsm.cpus=$smp svsm.log=1"
[ -z "$hostile" ] || append+=" svsm.hostile=$hostile iomem=relaxed"
[ "$reboot" = 0 ] || append+=" svsm.reboot=1"
[ -z "$extra" ] || append+=" $extra"

fwcfg=(-fw_cfg "name=opt/svsm/kernel,file=$kernel" -fw_cfg "name=opt/svsm/initrd,file=$initrd"
	-fw_cfg "name=opt/svsm/cmdline,string=$append")
[ "$mode" = direct ] || [ -z "$ovmf_vars" ] || fwcfg=(-fw_cfg "name=opt/svsm/firmware-vars,file=$ovmf_vars" "${fwcfg[@]}")
[ "$mode" = direct ] || fwcfg=(-fw_cfg "name=opt/svsm/firmware,file=$ovmf" "${fwcfg[@]}")

[ "$quiet" = 1 ] || echo "boot-svsm: $mode boot of $svsm, -smp $smp -m $mem; guest: $append; log $log"
rc=0
scripts/qemu.sh --smp "$smp" --mem "$mem" --timeout "$tmo" --append "log=info $svsm_extra" "$svsm" \
	-- "${fwcfg[@]}" </dev/null >"$log" 2>&1 || rc=$?

tr -d '\r' <"$log" >"$log.txt"
problems=()
has() { grep -aqF -- "$1" "$log.txt"; }
has "svsm-guest: init reached" || problems+=("no init marker")
if [ "$check" = 1 ]; then
	has "svsm-check done" || problems+=("no 'svsm-check done'")
	n=$(grep -ac '^svsm-check .* FAIL' "$log.txt" || true)
	[ "$n" = 0 ] || problems+=("$n svsm-check FAIL")
	grep -a '^svsm-check ' "$log.txt" | sed 's/^/  /' || true
fi
if [ -n "$hostile" ]; then
	names="${hostile//,/ }"
	# svsm-hostile's own list and order (guest-os/hostile/hostile.c, attacks[]).
	[ "$names" != all ] || names="vmmcall svm-msr busmaster ioapic devmem-svsm fwcfg-dma icr"
	for name in $names; do
		has "svsm-hostile $name CONTAINED" || problems+=("no 'svsm-hostile $name CONTAINED'")
	done
	# Unanchored: verdicts also come through the kernel log ("[ t] svsm-hostile NAME CONTAINED"),
	# which survives a printk cutting the tool's own stdout line on the serial console.
	n=$(grep -acE 'svsm-hostile [a-z0-9-]+ BREACH' "$log.txt" || true)
	[ "$n" = 0 ] || problems+=("$n BREACH")
	grep -aE 'svsm-hostile [a-z0-9-]+ (CONTAINED|BREACH)' "$log.txt" | sed 's/^/  /' || true
fi
grep -aq 'PANIC' "$log.txt" && problems+=("the SVSM panicked")
if [ "$reboot" = 1 ]; then
	has "svsm-guest: rebooting" || problems+=("the guest did not reboot")
	has "guest reset" || problems+=("the SVSM did not see the guest's reset")
else
	has "svsm-guest: powering off" || problems+=("the guest did not power off")
	has "guest powered off" || problems+=("the SVSM did not see the guest's power-off")
fi
[ "$rc" = 124 ] && problems+=("timeout after ${tmo}s")
[ "$rc" = 124 ] || [ "$rc" = 0 ] || [ "$rc" = 33 ] || problems+=("QEMU exit status $rc")
grep -a '^svsm-exits ' "$log.txt" | sed 's/^/  /' || true
rm -f "$log.txt"
if [ ${#problems[@]} -gt 0 ]; then
	printf -v why '%s; ' "${problems[@]}"
	echo "boot-svsm: $mode FAILED (${why%; }; log $log)" >&2
	exit 1
fi
echo "boot-svsm: $mode PASSED (QEMU exit status $rc; log $log)"
