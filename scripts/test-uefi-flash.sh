#!/usr/bin/env bash
# UEFI variable persistence tier (make test-uefi-flash, docs/uefi-vars.md): Debian's
# OVMF_CODE_4M.fd + OVMF_VARS_4M.fd under the SVSM, the variable store the SVSM's flash
# device backed by its encrypted state disk (unlocked through tools/svsm-proxy and the
# test KBS, as in scripts/test-state.sh).
#   persist  a blank 4 MiB image; boot 1: OVMF -> Linux with svsm.uefi=1 (guest-os/
#            uefi-test.sh) creates the boot entry Boot5356 first in BootOrder and the
#            variable SvsmFlashTest (a random token), powers off. Boot 2 from the same image:
#            efibootmgr -v shows the entry first in BootOrder, the variable holds the token.
#            The SHA-256 of the store at boot 1's last commit equals the one the SVSM loads
#            at boot 2 and that of the record build/tools/svsm-state extracts from the image.
#   code-ro  in both boots the guest's write to the read-only code flash (devmem at
#            0xfffffff0) leaves it unchanged and the SVSM logs the dropped write.
# Usage: scripts/test-uefi-flash.sh [--timeout S] [--keep DIR]
set -uo pipefail

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }
tmo=600 keep=""
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) tmo="$2"; shift 2 ;;
	--keep) keep="$2"; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "test-uefi-flash: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done
PY=/usr/bin/python3
svsm="${SVSM_ELF:-build/svsm.elf}" state_tool=build/tools/svsm-state
dir="${GUEST_OS_DIR:-build/guest-os}"
code="${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}"
vars="${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}"
for f in "$svsm" "$state_tool" "$dir/vmlinuz" "$dir/initramfs.cpio.gz" "$code" "$vars"; do
	[ -f "$f" ] || { echo "test-uefi-flash: missing $f (run make, make guest-os)" >&2; exit 2; }
done
if [ -n "$keep" ]; then
	W="$keep"
	mkdir -p "$W"
else
	W=$(mktemp -d /tmp/svsm-uefi-test.XXXXXX)
fi
PIDS=()
passed=0 failed=0
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ -z "$keep" ] && [ "$failed" -eq 0 ]; then
		rm -rf "$W"
	fi
}
trap cleanup EXIT
SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
ok() { echo "test-uefi-flash: $1 PASS ($2)"; passed=$((passed + 1)); }
bad() { echo "test-uefi-flash: $1 FAIL ($2)"; failed=$((failed + 1)); }

# shellcheck source=scripts/kbs-proxy.sh
. "$(dirname "$0")/kbs-proxy.sh" # kbs_start, kbs_stop

# boot LOG IMAGE: SVSM -> OVMF (split, flash) -> Linux with svsm.uefi=1, the disk and COM2.
boot() {
	kbs_start
	scripts/qemu.sh --smp 2 --mem 1G --timeout "$tmo" --append "log=info" "$svsm" -- \
		-fw_cfg "name=opt/svsm/firmware,file=$code" \
		-fw_cfg "name=opt/svsm/firmware-vars,file=$vars" \
		-fw_cfg "name=opt/svsm/kernel,file=$dir/vmlinuz" \
		-fw_cfg "name=opt/svsm/initrd,file=$dir/initramfs.cpio.gz" \
		-fw_cfg "name=opt/svsm/cmdline,string=console=ttyS0 panic=-1 svsm.uefi=1" \
		-drive "file=$2,if=none,id=svsmstate,format=raw" \
		-device virtio-blk-pci,drive=svsmstate,disable-legacy=on,addr=0x5 \
		-chardev "socket,id=svsmproxy,path=$W/sock,server=off" \
		-device isa-serial,chardev=svsmproxy,iobase=0x2f8,irq=3 </dev/null >"$1" 2>&1
	kbs_stop
}
# last LOG REGEX: the last word of the last line matching REGEX (CRs dropped).
last() { grep -aE "$2" "$1" | tr -d '\r' | tail -n 1 | awk '{print $NF}'; }
sha_of() { grep -aE "$2" "$1" | tr -d '\r' | tail -n 1 | sed -n 's/.*sha256 \([0-9a-f]\{64\}\).*/\1/p'; }

persist() {
	local img="$W/state.img" l1="$W/boot1.log" l2="$W/boot2.log" token t2 c1 g2 x
	"$state_tool" create "$img" --size 4M >/dev/null || { bad persist "svsm-state create failed"; return; }
	boot "$l1" "$img"
	cp "$img" "$W/state-boot1.img"
	boot "$l2" "$img"
	grep -aq "uefi-vars: loaded sha256 .*first boot of this state" "$l1" ||
		{ bad persist "boot 1: the store was not initialised from firmware-vars (log $l1)"; return; }
	grep -aq "svsm-uefi: boot 1" "$l1" || { bad persist "boot 1: the guest test did not run (log $l1)"; return; }
	! grep -aq "svsm-uefi: FAIL" "$l1" || { bad persist "boot 1: $(grep -a 'svsm-uefi: FAIL' "$l1" | tr -d '\r' | head -n 1)"; return; }
	token=$(last "$l1" "svsm-uefi: wrote SvsmFlashTest ")
	[ -n "$token" ] || { bad persist "boot 1: no token written (log $l1)"; return; }
	grep -aq "svsm-uefi: boot 2" "$l2" || { bad persist "boot 2: the guest saw no SvsmFlashTest (log $l2)"; return; }
	t2=$(last "$l2" "svsm-uefi: SvsmFlashTest raw ")
	[ "$t2" = "$token" ] || { bad persist "boot 2: SvsmFlashTest holds '$t2', boot 1 wrote '$token'"; return; }
	grep -aEq "svsm-uefi: efibootmgr: Boot5356\* svsm-uefi-test.*File\(\\\\EFI\\\\svsm\\\\test.efi\)" "$l2" ||
		{ bad persist "boot 2: efibootmgr -v shows no Boot5356 svsm-uefi-test (log $l2)"; return; }
	grep -aq "svsm-uefi: efibootmgr: BootOrder: 5356" "$l2" ||
		{ bad persist "boot 2: Boot5356 is not first: $(grep -a 'efibootmgr: BootOrder' "$l2" | tr -d '\r')"; return; }
	c1=$(sha_of "$l1" "uefi-vars: committed generation")
	g2=$(sha_of "$l2" "uefi-vars: loaded sha256")
	"$state_tool" dump "$W/state-boot1.img" --key <(echo "$SECRET") --record uefi-vars \
		--out "$W/vars-boot1.bin" >"$W/dump.log" 2>&1 ||
		{ bad persist "svsm-state dump failed: $(tail -n 1 "$W/dump.log")"; return; }
	x=$(sha256sum "$W/vars-boot1.bin" | awk '{print $1}')
	[ -n "$c1" ] && [ "$c1" = "$g2" ] && [ "$c1" = "$x" ] ||
		{ bad persist "store SHA-256: boot 1's last commit $c1, boot 2 loaded $g2, svsm-state extracts $x"; return; }
	ok persist "token $token and Boot5356 first in BootOrder back in boot 2; store ${c1:0:16}... equal at boot 1's last commit, boot 2's load and in svsm-state's record; $(grep -ac 'uefi-vars: committed' "$l1") commits in boot 1"
}

code_ro() {
	local l before after n=0
	for l in "$W/boot1.log" "$W/boot2.log"; do
		[ -f "$l" ] || { bad code-ro "no log $l"; return; }
		read -r before after < <(grep -a "svsm-uefi: code write:" "$l" | tr -d '\r' | tail -n 1 |
			awk '{print $5, $7}')
		[ -n "$before" ] && [ "$before" = "$after" ] ||
			{ bad code-ro "$(basename "$l"): the code read $before before and $after after the write"; return; }
		[ "$after" != 0x5A5A5A5A ] || { bad code-ro "the write landed"; return; }
		grep -aq "flash: guest write of 4 bytes to the firmware code at 0xfffffff0 dropped" "$l" ||
			{ bad code-ro "$(basename "$l"): the SVSM did not see the write"; return; }
		n=$((n + 1))
	done
	ok code-ro "the reset vector read $before before and after the guest's write in $n boots; the SVSM dropped it"
}

echo "test-uefi-flash: work directory $W"
persist
code_ro
echo "test-uefi-flash: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
