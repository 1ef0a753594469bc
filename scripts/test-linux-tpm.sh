#!/usr/bin/env bash
# Guest TPM tier (make test-linux-tpm): the guest OS boots twice with svsm.tpm=1
# svsm.reboot=1 and checks its TPM with unmodified tpm2-tools (guest-os/tpm-test.sh, in the
# guest as svsm-tpm): boot 1 runs every check (devices, getrandom, measured PCRs, event log
# replay, PCR extend, EK, AK, quote + checkquote, NV, sealing to a PCR policy), leaves an NV
# index behind and reboots; boot 2 finds the index (NV survived) and checks that the reset
# was a TPM reset (PCR 16 and 23 zero again, PCR 0-7 measured again, the event log replays),
# removes the index and powers off.
# Targets:
#   svsm   (default) build/svsm.elf as a paravisor, SVSM -> OVMF -> Linux, through
#          scripts/boot-svsm.sh --mode ovmf: the TPM is the SVSM's vTPM behind its CRB device.
#          Also requires the SVSM's "svsm-vtpm ek-sha256 <hex>" line (attestation manifest)
#          to equal the guest's "svsm-tpm ek-sha256 <hex>".
#   swtpm  the reference: bare QEMU + OVMF + QEMU's tpm-crb backed by swtpm
#          (scripts/swtpm-qemu.sh)
# Passes when the log holds two "svsm-tpm done N 0" lines with N > 0 (boots 1 and 2, in that
# order), no "svsm-tpm ... FAIL" line, equal EK digests in both boots, the guest's
# "svsm-guest: powering off" and QEMU's own exit (status 0, or 33 under the SVSM).
# Usage: scripts/test-linux-tpm.sh [--target svsm|swtpm] [--timeout S] [--log FILE] [--smp N]
#          [--expect-fail]
#   --timeout S    the whole two-boot run (default 600)
#   --log FILE     serial log (default build/guest-os/test-linux-tpm-<target>.log)
#   --expect-fail  negative self-test: boots once with svsm.tpm=1 but no svsm.reboot=1, so
#                  boot 2 never comes; passes only if this script's checks then fail
# Environment: SVSM_APPEND (the SVSM's command line). Last line: "test-linux-tpm: passed" or
# "test-linux-tpm: FAILED (<reasons>)".
set -uo pipefail

usage() { sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "test-linux-tpm: error: $*" >&2; exit 2; }

dir="${GUEST_OS_DIR:-build/guest-os}"
target=svsm tmo=600 log="" smp=2 expect_fail=0
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
[ -n "$log" ] || log="$dir/test-linux-tpm-$target.log"
mkdir -p "$(dirname "$log")"
words="svsm.tpm=1 svsm.reboot=1"
[ "$expect_fail" = 0 ] || words="svsm.tpm=1"

echo "test-linux-tpm: target $target, -smp $smp, guest: $words; log $log"
rc=0
t0=$SECONDS
if [ "$target" = swtpm ]; then
	scripts/swtpm-qemu.sh --smp "$smp" --timeout "$tmo" --append "$words" >"$log" 2>&1 || rc=$?
else
	# boot-svsm.sh checks the init marker, the SVSM's health and the final power-off (it
	# is not given --reboot: the run must end with boot 2's power-off, not at the reset).
	scripts/boot-svsm.sh --mode ovmf --smp "$smp" --timeout "$tmo" --log "$log" \
		--svsm-append "${SVSM_APPEND:-}" --append "$words" || rc=$?
fi
echo "test-linux-tpm: the run took $((SECONDS - t0)) s (status $rc)"

txt=$(tr -d '\r' <"$log")
problems=()
lines() { grep -a "$1" <<<"$txt" || true; }
lines '^svsm-tpm ' | sed 's/^/  /'
mapfile -t boots < <(lines '^svsm-tpm boot ' | awk '{print $3}')
mapfile -t dones < <(lines '^svsm-tpm done ')
[ "${boots[*]:-}" = "1 2" ] || problems+=("boots seen: '${boots[*]:-none}', expected '1 2'")
if [ ${#dones[@]} != 2 ]; then
	problems+=("${#dones[@]} 'svsm-tpm done' lines, expected 2")
fi
for d in "${dones[@]}"; do
	read -r _ _ np nf <<<"$d"
	{ [ "${np:-0}" -gt 0 ] && [ "${nf:-1}" = 0 ]; } || problems+=("'$d'")
done
nfail=$(lines '^svsm-tpm .* FAIL' | grep -c . || true)
[ "$nfail" = 0 ] || problems+=("$nfail FAIL lines, first: $(lines '^svsm-tpm .* FAIL' | head -n 1)")
mapfile -t eks < <(lines '^svsm-tpm ek-sha256 ' | awk '{print $3}')
if [ ${#eks[@]} -lt 1 ]; then
	problems+=("no 'svsm-tpm ek-sha256' line")
elif [ ${#eks[@]} -ge 2 ] && [ "${eks[0]}" != "${eks[1]}" ]; then
	problems+=("the EK changed across the reset: ${eks[0]} then ${eks[1]}")
fi
if [ "$target" = svsm ]; then
	host_ek=$(lines '^svsm-vtpm ek-sha256 ' | awk '{print $3}' | tail -n 1)
	if [ -z "$host_ek" ]; then
		problems+=("no 'svsm-vtpm ek-sha256' line from the SVSM")
	elif [ "$host_ek" != "${eks[0]:-}" ]; then
		problems+=("SVSM EK $host_ek differs from the guest's ${eks[0]:-none}")
	else
		echo "test-linux-tpm: the SVSM's manifest EK digest equals the guest's: $host_ek"
	fi
	lines '^svsm-vtpm' | sed 's/^/  /'
fi
grep -aq 'svsm-guest: powering off' <<<"$txt" || problems+=("the guest did not power off")
[ "$rc" = 124 ] && problems+=("timeout after ${tmo}s")
[ "$rc" = 0 ] || [ "$rc" = 33 ] || problems+=("exit status $rc")

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
