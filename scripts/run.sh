#!/usr/bin/env bash
# `make run`: boots the SVSM under QEMU TCG (native platform, serial on stdio) with the
# test guest, which calls the SVSM; the SVSM logs each call at log=debug.
# Environment: SMP (default 2), MEM (default 512M), APPEND (kernel command line,
# default "log=debug", which logs every call), GUEST (guest binary, default build/guest.bin; GUEST= for none).
set -uo pipefail
case "${1:-}" in -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
guest="${GUEST-build/guest.bin}"
extra=()
[ -n "$guest" ] && extra=(-- -fw_cfg "name=opt/svsm/guest,file=$guest")
scripts/qemu.sh --smp "${SMP:-2}" --mem "${MEM:-512M}" --timeout "${TIMEOUT:-600}" \
	--append "${APPEND:-log=debug}" build/svsm.elf "${extra[@]}"
rc=$?
# 33: the SVSM finished and reported success through isa-debug-exit.
if [ "$rc" -eq 33 ]; then
	exit 0
fi
echo "run: QEMU exited with status $rc" >&2
exit 1
