#!/usr/bin/env bash
# Boots a kernel ELF under QEMU TCG (q35, -cpu max, nested SVM) with serial on stdio and
# isa-debug-exit on port 0xf4. Every run is bounded by `timeout`.
# Usage: scripts/qemu.sh [--smp N] [--mem SIZE] [--timeout S] [--append CMDLINE] [--allow-reboot]
#          [--gdb-port PORT] KERNEL [-- QEMU-ARGS...]
#   --allow-reboot  no -no-reboot: a reset reboots the machine instead of ending QEMU
#   --gdb-port      COM3 (0x3e8) as a TCP server on 127.0.0.1:PORT for the debug image's GDB stub
# Exit status: QEMU's (33 = kernel reported success, 35 = failure), 124 on timeout.
set -euo pipefail

# The QEMU that $QEMU picks (scripts/qemu-bin.sh); its Debian 13 root is built here if
# missing, before any timeout starts.
qemu_bin="$(dirname "$0")/qemu-bin.sh"
"$qemu_bin" --prepare

usage() {
	sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
}

smp=1 mem=256M tmo=120 append="" kernel="" no_reboot=-no-reboot gdb=()
while [ $# -gt 0 ]; do
	case "$1" in
	--smp) smp="$2"; shift 2 ;;
	--mem) mem="$2"; shift 2 ;;
	--timeout) tmo="$2"; shift 2 ;;
	--append) append="$2"; shift 2 ;;
	--allow-reboot) no_reboot=""; shift ;;
	--gdb-port) gdb=(-chardev "socket,id=gdbstub,host=127.0.0.1,port=$2,server=on,wait=off"
		-device isa-serial,chardev=gdbstub,iobase=0x3e8,irq=4); shift 2 ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) echo "qemu.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	*) kernel="$1"; shift ;;
	esac
done
if [ -z "$kernel" ] || [ ! -f "$kernel" ]; then
	echo "qemu.sh: kernel '$kernel' not found (run make first)" >&2
	exit 2
fi
exec timeout --foreground -k 5 "$tmo" "$qemu_bin" -accel tcg -M q35 -cpu max \
	-m "$mem" -smp "$smp" -nodefaults -display none -serial stdio -monitor none \
	${no_reboot:+"$no_reboot"} -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$kernel" -append "$append" "${gdb[@]}" "$@"
