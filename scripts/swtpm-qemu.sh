#!/usr/bin/env bash
# The reference TPM setup, no SVSM: bare QEMU (TCG, q35) booting Debian's OVMF, the guest
# OS's kernel and initrd, with QEMU's own TPM CRB device (-device tpm-crb) backed by swtpm
# over a unix socket. A fresh swtpm state directory per run (in a mktemp directory, removed
# afterwards) unless --state DIR keeps one. There is no -no-reboot: a guest reset is a QEMU
# system reset, which sends swtpm CMD_INIT (a TPM reset; its NV is kept), and the guest
# boots again; the run ends with the guest's power-off. The serial console goes to stdout.
# Used by scripts/test-linux-tpm.sh --target swtpm and scripts/bench-linux-tpm.sh.
# Usage: scripts/swtpm-qemu.sh [--smp N] [--mem SIZE] [--timeout S] [--state DIR]
#          [--append WORDS]
#   --append  guest command line words after "console=ttyS0 panic=-1"
# Exit status: QEMU's (0 after the guest's power-off, 124 on timeout); 2 when swtpm or an
# input is missing. swtpm is always stopped before the script exits.
set -euo pipefail

# The QEMU that $QEMU picks (scripts/qemu-bin.sh); its Debian 13 root is built here if
# missing, before any timeout starts.
qemu_bin="$(dirname "$0")/qemu-bin.sh"
"$qemu_bin" --prepare

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "swtpm-qemu: error: $*" >&2; exit 2; }

dir="${GUEST_OS_DIR:-build/guest-os}"
ovmf="${OVMF_FD:-/usr/share/ovmf/OVMF.fd}"
smp=2 mem=1G tmo=300 state="" extra=""
while [ $# -gt 0 ]; do
	case "$1" in
	--smp) smp="$2"; shift 2 ;;
	--mem) mem="$2"; shift 2 ;;
	--timeout) tmo="$2"; shift 2 ;;
	--state) state="$2"; shift 2 ;;
	--append) extra="$2"; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "swtpm-qemu: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done
kernel="$dir/vmlinuz" initrd="$dir/initramfs.cpio.gz"
{ [ -f "$kernel" ] && [ -f "$initrd" ]; } || die "no $kernel or $initrd (run 'make guest-os')"
[ -f "$ovmf" ] || die "no $ovmf (Debian package ovmf; run 'make deps')"
command -v swtpm >/dev/null 2>&1 || die "no swtpm (Debian package swtpm; run 'make deps')"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/swtpm-qemu.XXXXXX")
[ -n "$state" ] || state="$tmp/state"
mkdir -p "$state"
swtpm_pid=""
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	if [ -n "$swtpm_pid" ] && kill -0 "$swtpm_pid" 2>/dev/null; then
		kill "$swtpm_pid" 2>/dev/null || true
		wait "$swtpm_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 143" TERM INT

# swtpm under its own timeout (a little longer than QEMU's), stopped by cleanup() either way.
timeout -k 5 $((tmo + 30)) swtpm socket --tpm2 --tpmstate "dir=$state" \
	--ctrl "type=unixio,path=$tmp/sock" --log "file=$tmp/swtpm.log" </dev/null &
swtpm_pid=$!
for _ in $(seq 100); do
	[ -S "$tmp/sock" ] && break
	kill -0 "$swtpm_pid" 2>/dev/null || die "swtpm exited: $(cat "$tmp/swtpm.log" 2>/dev/null)"
	sleep 0.05
done
[ -S "$tmp/sock" ] || die "swtpm made no socket $tmp/sock"

append="console=ttyS0 panic=-1"
[ -z "$extra" ] || append+=" $extra"
rc=0
timeout --foreground -k 5 "$tmo" "$qemu_bin" -accel tcg -M q35 -cpu max -m "$mem" \
	-smp "$smp" -nodefaults -display none -serial stdio -monitor none -bios "$ovmf" \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	-chardev "socket,id=chrtpm,path=$tmp/sock" -tpmdev emulator,id=tpm0,chardev=chrtpm \
	-device tpm-crb,tpmdev=tpm0 </dev/null || rc=$?
exit "$rc"
