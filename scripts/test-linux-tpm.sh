#!/usr/bin/env bash
# Guest TPM tier (make test-linux-tpm): the guest OS boots with svsm.tpm=1 svsm.reboot=1 and
# checks its TPM with unmodified tpm2-tools (guest-os/tpm-test.sh, in the guest as svsm-tpm):
# devices, fresh PCRs, getrandom, measured PCRs, event log replay, PCR extend, EK, AK, quote
# + checkquote, NV, sealing to a PCR policy; then it reboots. The second boot runs the same
# checks: its "fresh" check (PCR 16 and 23, extended by the first boot, read zero) shows that
# the guest's reset was a TPM reset, and its event log replays against the new PCR values.
# How the run ends depends on the TPM's NV: when the NV index the first boot left is still
# there (swtpm), the second boot removes it and powers off; when NV is lost with the reset
# (the SVSM's vTPM until its state persists: the whole machine, SVSM included, restarts),
# the guest cannot tell, so this script ends QEMU itself once the second boot is done (at
# its "svsm-guest: rebooting", or 30 s after its "svsm-tpm done" line).
# Targets:
#   svsm   (default) build/svsm.elf as a paravisor, SVSM -> OVMF -> Linux (scripts/qemu.sh
#          --allow-reboot with the opt/svsm/* fw_cfg files, as boot-svsm.sh does): the TPM is
#          the SVSM's vTPM behind its CRB device. Each guest boot's "svsm-tpm ek-sha256" must
#          equal the "svsm-vtpm ek-sha256" the SVSM printed before it (attestation manifest),
#          and the SVSM must not panic.
#   swtpm  the reference: bare QEMU + OVMF + QEMU's tpm-crb backed by swtpm
#          (scripts/swtpm-qemu.sh); NV survives, so the guest must power off by itself after
#          boot 2 and the EK must be the same in both boots.
# Passes when two guest boots each end with "svsm-tpm done N 0" (N > 0), no "svsm-tpm ...
# FAIL" line appears, the EK checks above hold, and the run ended either by the guest's own
# power-off (QEMU status 0, or 33 under the SVSM) or, NV lost, by this script after boot 2.
# Usage: scripts/test-linux-tpm.sh [--target svsm|swtpm] [--timeout S] [--log FILE] [--smp N]
#          [--expect-fail]
#   --timeout S    the whole run (default 700)
#   --log FILE     serial log (default build/guest-os/test-linux-tpm-<target>[-negative].log)
#   --smp N        vCPUs (default 2)
#   --expect-fail  negative self-test: boots with svsm.tpm=1 but no svsm.reboot=1, so there
#                  is no second boot; passes only if the checks above then fail
# Environment: SVSM_APPEND (the SVSM's command line), SVSM_ELF, GUEST_OS_DIR, OVMF_FD.
# Last line: "test-linux-tpm: passed" or "test-linux-tpm: FAILED (<reasons>)".
set -uo pipefail

usage() { sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "test-linux-tpm: error: $*" >&2; exit 2; }

dir="${GUEST_OS_DIR:-build/guest-os}"
ovmf="${OVMF_FD:-/usr/share/ovmf/OVMF.fd}"
# Under the SVSM: split OVMF (docs/uefi-vars.md) unless OVMF_FD names one image.
svsm_fw=(-fw_cfg "name=opt/svsm/firmware,file=$ovmf")
[ -n "${OVMF_FD:-}" ] || svsm_fw=(-fw_cfg "name=opt/svsm/firmware,file=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}"
	-fw_cfg "name=opt/svsm/firmware-vars,file=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}")
svsm="${SVSM_ELF:-build/svsm.elf}"
target=svsm tmo=700 log="" smp=2 expect_fail=0
while [ $# -gt 0 ]; do
	case "$1" in
	--target) case "$2" in svsm|swtpm) target="$2" ;; *) die "unknown target $2" ;; esac; shift 2 ;;
	--timeout) tmo="$2"; shift 2 ;;
	--log) log="$2"; shift 2 ;;
	--smp) smp="$2"; shift 2 ;;
	--expect-fail) expect_fail=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "test-linux-tpm: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done
kernel="$dir/vmlinuz" initrd="$dir/initramfs.cpio.gz"
{ [ -f "$kernel" ] && [ -f "$initrd" ]; } || die "no $kernel or $initrd (run 'make guest-os')"
if [ -z "$log" ]; then
	log="$dir/test-linux-tpm-$target.log"
	[ "$expect_fail" = 0 ] || log="$dir/test-linux-tpm-$target-negative.log"
fi
mkdir -p "$(dirname "$log")"
words="svsm.tpm=1 svsm.reboot=1"
[ "$expect_fail" = 0 ] || words="svsm.tpm=1"

if [ "$target" = swtpm ]; then
	cmd=(scripts/swtpm-qemu.sh --smp "$smp" --timeout "$tmo" --append "$words")
else
	[ -f "$svsm" ] || die "no $svsm (run 'make')"
	[ -f "$ovmf" ] || die "no $ovmf (Debian package ovmf; run 'make deps')"
	cmd=(scripts/qemu.sh --allow-reboot --smp "$smp" --mem 1G --timeout "$tmo"
		--append "log=info ${SVSM_APPEND:-}" "$svsm" --
		"${svsm_fw[@]}" -fw_cfg "name=opt/svsm/kernel,file=$kernel"
		-fw_cfg "name=opt/svsm/initrd,file=$initrd"
		-fw_cfg "name=opt/svsm/cmdline,string=console=ttyS0 panic=-1 $words")
fi

echo "test-linux-tpm: target $target, -smp $smp, guest: $words; log $log"
t0=$SECONDS
# Its own session, so that the whole run (timeout, QEMU, swtpm) can be ended as one group.
setsid "${cmd[@]}" </dev/null >"$log" 2>&1 &
pid=$!
ended_by_us=0
done_at=""
while kill -0 "$pid" 2>/dev/null; do
	sleep 1
	n=$(tr -d '\r' <"$log" | grep -ac '^svsm-tpm done ' || true)
	if [ "$n" -ge 2 ] && [ -z "$done_at" ]; then
		done_at=$SECONDS
	fi
	# Boot 2 is done: end the run when the guest reboots a second time, or when it has not
	# powered off by itself within 30 s.
	if [ -n "$done_at" ] && { [ $((SECONDS - done_at)) -ge 30 ] ||
		[ "$(tr -d '\r' <"$log" | grep -ac '^svsm-guest: rebooting' || true)" -ge 2 ]; }; then
		kill -TERM -- "-$pid" 2>/dev/null
		ended_by_us=1
		break
	fi
done
rc=0
wait "$pid" || rc=$?
if [ "$ended_by_us" = 1 ]; then
	sleep 1
	kill -KILL -- "-$pid" 2>/dev/null || true
fi
echo "test-linux-tpm: the run took $((SECONDS - t0)) s (status $rc$([ "$ended_by_us" = 0 ] || echo ", ended by this script after boot 2"))"

txt=$(tr -d '\r' <"$log")
problems=()
lines() { grep -a "$1" <<<"$txt" || true; }
lines '^svsm-tpm \|^svsm-vtpm ' | grep -v '^svsm-tpm pcr-' | sed 's/^/  /'
nboots=$(lines '^svsm-tpm boot ' | grep -c . || true)
mapfile -t dones < <(lines '^svsm-tpm done ' | head -n 2)
[ "$nboots" -ge 2 ] || problems+=("$nboots guest boot(s) ran svsm-tpm, expected 2")
[ ${#dones[@]} = 2 ] || problems+=("${#dones[@]} 'svsm-tpm done' line(s), expected 2")
for d in "${dones[@]}"; do
	read -r _ _ np nf <<<"$d"
	{ [ "${np:-0}" -gt 0 ] && [ "${nf:-1}" = 0 ]; } || problems+=("'$d'")
done
nfail=$(lines '^svsm-tpm .* FAIL' | grep -c . || true)
[ "$nfail" = 0 ] || problems+=("$nfail FAIL lines, first: $(lines '^svsm-tpm .* FAIL' | head -n 1)")
mapfile -t eks < <(lines '^svsm-tpm ek-sha256 ' | awk '{print $3}' | head -n 2)
[ ${#eks[@]} -ge 2 ] || problems+=("${#eks[@]} 'svsm-tpm ek-sha256' line(s), expected 2")
if [ "$target" = swtpm ]; then
	[ ${#eks[@]} -lt 2 ] || [ "${eks[0]}" = "${eks[1]}" ] ||
		problems+=("the EK changed across the reset: ${eks[0]} then ${eks[1]}")
	grep -aq '^svsm-tpm boot 2' <<<"$txt" || problems+=("boot 2 did not find the NV index of boot 1")
	grep -aq 'svsm-guest: powering off' <<<"$txt" || problems+=("the guest did not power off")
	[ "$ended_by_us" = 0 ] || problems+=("QEMU did not exit after the guest's power-off")
else
	# Pair each guest EK with the SVSM's manifest line printed before it (one per SVSM boot).
	pairs=$(awk '/^svsm-vtpm ek-sha256 / { host = $3 }
		/^svsm-tpm ek-sha256 / { print (host == "" ? "none" : host), $3; host = "" }' <<<"$txt" | head -n 2)
	i=0
	while read -r host guest; do
		[ -n "$guest" ] || continue
		i=$((i + 1))
		if [ "$host" = "$guest" ]; then
			echo "test-linux-tpm: boot $i: the SVSM's manifest EK digest equals the guest's: $host"
		else
			problems+=("boot $i: SVSM EK '${host}' (svsm-vtpm ek-sha256) differs from the guest's $guest")
		fi
	done <<<"$pairs"
	grep -aq 'PANIC' <<<"$txt" && problems+=("the SVSM panicked")
	if [ "$ended_by_us" = 0 ]; then
		grep -aq 'svsm-guest: powering off' <<<"$txt" || problems+=("the guest did not power off")
	fi
fi
[ "$rc" = 124 ] && problems+=("timeout after ${tmo}s")
if [ "$ended_by_us" = 0 ] && [ "$rc" != 124 ] && [ "$rc" != 0 ] && [ "$rc" != 33 ]; then
	problems+=("exit status $rc")
fi

if [ "$expect_fail" = 1 ]; then
	if [ ${#problems[@]} -gt 0 ]; then
		printf -v why '%s; ' "${problems[@]}"
		echo "test-linux-tpm: passed (negative self-test: the one-boot run was refused: ${why%; })"
		exit 0
	fi
	echo "test-linux-tpm: FAILED (negative self-test: a one-boot run was accepted)"
	exit 1
fi
if [ ${#problems[@]} -gt 0 ]; then
	printf -v why '%s; ' "${problems[@]}"
	echo "test-linux-tpm: FAILED (${why%; }; log $log)"
	exit 1
fi
echo "test-linux-tpm: passed"
