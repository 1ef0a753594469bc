#!/usr/bin/env bash
# Linux-guest tier (make test-linux): the guest OS (build/guest-os) under the SVSM as a
# paravisor, through scripts/boot-svsm.sh. Four boots, each must pass boot-svsm's checks:
#   ovmf     SVSM -> OVMF -> Linux, -smp 2, svsm.check=1 (CPUs, memory and the SVSM hole,
#            timer ticks on every CPU, TPM tools, clean power-off)
#   ovmf4    the same with -smp 4 and the SVSM's default console policy (log=host): the
#            guest reads the SVSM's log through the log device (svsm-check log); the host
#            console shows no ring-only line
#   direct   SVSM -> Linux (Linux boot protocol), the same checks, ending with reboot -f
#            (the SVSM must see the guest's reset)
#   hostile  SVSM -> OVMF -> Linux, -smp 2, svsm.hostile=all: every attack CONTAINED, no
#            BREACH; and the SVSM is still alive at the end: it handled the guest's power-off
#            and printed its "svsm-exits" lines
# Usage: scripts/test-linux.sh [--only ovmf|ovmf4|direct|hostile] [--hole START-END] [--timeout S]
#   --hole   passed to the guest as svsm.hole=START-END (hex, END exclusive): no System RAM
#            may cover it (default: none; the hostile programs then find it in /proc/iomem)
# Environment: SVSM_APPEND (the SVSM's command line, default empty). Logs: build/guest-os/.
set -uo pipefail

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
only="" hole="" tmo=400
while [ $# -gt 0 ]; do
	case "$1" in
	--only) only="$2"; shift 2 ;;
	--hole) hole="$2"; shift 2 ;;
	--timeout) tmo="$2"; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "test-linux: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done
dir="${GUEST_OS_DIR:-build/guest-os}"
append=""
[ -z "$hole" ] || append="svsm.hole=$hole"
passed=0 failed=0

# runs NAME: this run boots NAME (no --only, or --only NAME).
runs() { [ -z "$only" ] || [ "$only" = "$1" ]; }

# boot NAME ARGS...: one boot-svsm.sh run; counts it.
boot() {
	local name="$1"
	shift
	[ -z "$only" ] || [ "$only" = "$name" ] || return 0
	echo "test-linux: $name"
	if scripts/boot-svsm.sh --timeout "$tmo" --log "$dir/test-linux-$name.log" \
		--svsm-append "${SVSM_APPEND:-}" --append "$append" "$@"; then
		passed=$((passed + 1))
		return 0
	fi
	failed=$((failed + 1))
	return 1
}

boot ovmf --mode ovmf --smp 2 --check
# ovmf4 runs with the SVSM's default console policy (log=host; docs/logging.md): svsm-check
# reads the ring through the log device (ring-only lines included), while the host console
# shows none of the ring-only lines, except those mirrored while the check's debug switch is on.
if SVSM_APPEND="log=host ${SVSM_APPEND:-}" boot ovmf4 --mode ovmf --smp 4 --check && runs ovmf4; then
	log="$dir/test-linux-ovmf4.log"
	if grep -aq 'mm: SVSM memory' "$log" || ! grep -aq 'boot: [0-9]* CPUs online' "$log" ||
		! grep -aq 'log: debug mode on (vCPU [0-9]*, log device)' "$log"; then
		echo "test-linux: ovmf4: the host console does not follow the log policy (log $log)" >&2
		passed=$((passed - 1)) failed=$((failed + 1))
	fi
fi
boot direct --mode direct --smp 2 --check --reboot
if boot hostile --mode ovmf --smp 2 --hostile all && runs hostile; then
	log="$dir/test-linux-hostile.log"
	# The SVSM outlived the attacks: it saw the guest's power-off and reported its exits.
	if ! grep -aq '^svsm-exits ' "$log"; then
		echo "test-linux: hostile: no 'svsm-exits' line after the attacks (SVSM not alive?)" >&2
		passed=$((passed - 1)) failed=$((failed + 1))
	fi
fi
echo "test-linux: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
