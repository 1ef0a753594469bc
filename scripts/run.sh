#!/usr/bin/env bash
# `make run`: boots the SVSM under QEMU TCG (native platform, serial on stdio).
# Environment: SMP (default 2), MEM (default 512M), APPEND (kernel command line).
set -uo pipefail
case "${1:-}" in -h|--help) sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
scripts/qemu.sh --smp "${SMP:-2}" --mem "${MEM:-512M}" --timeout "${TIMEOUT:-600}" \
	--append "${APPEND:-log=info}" build/svsm.elf
rc=$?
# 33: the SVSM finished and reported success through isa-debug-exit.
if [ "$rc" -eq 33 ]; then
	exit 0
fi
echo "run: QEMU exited with status $rc" >&2
exit 1
