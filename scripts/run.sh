#!/usr/bin/env bash
# `make run`: boots the SVSM under QEMU TCG (native platform, serial on stdio) as a
# paravisor: SVSM -> Debian's OVMF -> Debian's Linux (build/guest-os) to a root shell on the
# console. With no terminal on stdin the guest runs a short demo and powers off.
# Environment: GUEST=ovmf (default) | direct (the SVSM boots Linux itself) | test (the
# SVSM's flat test guest, which prints its self-checks); SMP (default 2), MEM (default 1G
# for OS guests, 512M for the test guest), APPEND (the SVSM's command line; by default the
# console shows only the host-visible SVSM lines, docs/logging.md; log=info shows the rest,
# log=debug also every SVSM call; GUEST=test defaults to log=debug), GUEST_APPEND (more
# words for Linux's),
# TIMEOUT (seconds, default 3600 with a terminal, 300 without), QEMU (scripts/qemu-bin.sh).
# STATE=IMAGE: the SVSM's persistent state on that image (created blank, 4 MiB, if missing;
# docs/state.md), unlocked at boot through tools/svsm-proxy: KBS=URL names the key broker;
# without KBS a test KBS (tests/kbs/kbs-server.py, development only) is started on loopback
# with the state secret kept in IMAGE.secret (mode 600) - whoever reads that file reads the state.
# GDB=1: boot the debug image build/svsm-debug.elf with its GDB stub on COM3, a TCP server on
# 127.0.0.1:GDB_PORT (default 1234), and print the gdb command; GDB=wait also stops the SVSM
# at boot until gdb continues (docs/gdb.md).
# Firmware: Debian's OVMF_CODE_4M.fd with OVMF_VARS_4M.fd as the initial variable store
# (UEFI variables persist in STATE; docs/uefi-vars.md); OVMF_CODE=/OVMF_VARS= pick others;
# OVMF_FD=FILE boots one combined image as RAM instead (variables lost at power-off).
set -uo pipefail
case "${1:-}" in -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
guest="${GUEST:-ovmf}"
ovmf="${OVMF_FD:-${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}}"
ovmf_vars=""
[ -n "${OVMF_FD:-}" ] || ovmf_vars="${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}"
os_dir="${GUEST_OS_DIR:-build/guest-os}"
smp="${SMP:-2}"
interactive=0
[ -t 0 ] && interactive=1
kernel=build/svsm.elf
gdb=() gdb_append=""
case "${GDB:-0}" in
0|"") ;;
1|wait)
	kernel=build/svsm-debug.elf
	gdb=(--gdb-port "${GDB_PORT:-1234}")
	[ "$GDB" = wait ] && gdb_append=" gdb=wait" ;;
*) echo "run: GDB=$GDB: use 1 or wait" >&2; exit 2 ;;
esac
gdb_banner() {
	[ ${#gdb[@]} -eq 0 ] && return 0
	cat <<GDBTEXT
 GDB stub: $kernel, COM3 on 127.0.0.1:${GDB_PORT:-1234}$( [ -n "$gdb_append" ] && echo " (gdb=wait: the SVSM waits at boot)"). In another terminal:
   gdb $kernel -ex 'target remote 127.0.0.1:${GDB_PORT:-1234}'
 (every CPU is a thread; Ctrl-C in gdb stops the SVSM; docs/gdb.md)
GDBTEXT
}

banner() {
	local what="$1"
	cat <<BANNER
==============================================================================
 make run: the SVSM as a paravisor under QEMU TCG (q35, -cpu max, nested SVM)
   $(scripts/qemu-bin.sh --describe)
   L1 (top, CPL0, host of the VM):  $kernel  - the SVSM; owns the vTPM, the
                                    interrupt controllers' filters, fw_cfg, PCI config
   TPM: the SVSM's vTPM as a TPM 2.0 CRB device at 0xfed40000 (OVMF measures the boot
   into it; /dev/tpm0 in Linux). $( [ -n "${STATE:-}" ] && echo "Persistent: state in $STATE." ||
	echo "Ephemeral (no STATE=): a new EK each run.")
   L2 (guest, below the SVSM):      $what
   vCPUs: $smp (each pinned to the CPU of its APIC ID)   memory: ${MEM:-1G} (the SVSM keeps
   64 MiB of it, absent from the guest's e820)
   console: this terminal is the serial port of both; SVSM lines are unprefixed
   text like "boot: ..." or "guest: ...", the guest's follow. The SVSM shows only its
   boot stages and fatal errors (APPEND=log=info shows the rest; in the guest,
   'svsm-log' reads all of them from the SVSM's log ring; docs/logging.md).
   $( [ "$interactive" = 1 ] && echo "A root shell comes up; 'poweroff' (or exit) ends the run." ||
	echo "No terminal on stdin: the guest runs a short demo and powers off.")
==============================================================================
BANNER
}

case "$guest" in
test)
	banner "the SVSM's flat test guest (build/guest.bin): it calls the SVSM and checks"
	gdb_banner
	scripts/qemu.sh --smp "$smp" --mem "${MEM:-512M}" --timeout "${TIMEOUT:-600}" \
		--append "${APPEND:-log=debug}$gdb_append" "${gdb[@]}" "$kernel" -- \
		-fw_cfg "name=opt/svsm/guest,file=build/guest.bin"
	rc=$?
	# 33: the SVSM finished and reported success through isa-debug-exit.
	[ "$rc" -eq 33 ] && exit 0
	echo "run: QEMU exited with status $rc" >&2
	exit 1 ;;
ovmf|direct) ;;
*) echo "run: GUEST=$guest: use ovmf, direct or test" >&2; exit 2 ;;
esac

for f in "$os_dir/vmlinuz" "$os_dir/initramfs.cpio.gz"; do
	[ -f "$f" ] || { echo "run: $f missing (make guest-os)" >&2; exit 2; }
done
cmdline="console=ttyS0 panic=-1 ${GUEST_APPEND:-}"
[ "$interactive" = 1 ] || cmdline="$cmdline svsm.demo=1"
fw=(-fw_cfg "name=opt/svsm/kernel,file=$os_dir/vmlinuz"
    -fw_cfg "name=opt/svsm/initrd,file=$os_dir/initramfs.cpio.gz"
    -fw_cfg "name=opt/svsm/cmdline,string=${cmdline//,/,,}")
if [ "$guest" = ovmf ]; then
	[ -f "$ovmf" ] || { echo "run: $ovmf missing (Debian package ovmf; make deps)" >&2; exit 2; }
	fw+=(-fw_cfg "name=opt/svsm/firmware,file=$ovmf")
	if [ -n "$ovmf_vars" ]; then
		[ -f "$ovmf_vars" ] || { echo "run: $ovmf_vars missing (Debian package ovmf)" >&2; exit 2; }
		fw+=(-fw_cfg "name=opt/svsm/firmware-vars,file=$ovmf_vars")
	fi
	banner "Debian's OVMF ($ovmf${ovmf_vars:+ + $ovmf_vars}) at the reset vector, then Debian's Linux $(basename "$(readlink -f "$os_dir/vmlinuz")") with the project's initramfs"
else
	banner "Debian's Linux, booted by the SVSM itself (64-bit boot protocol), with the project's initramfs"
fi
tmo="${TIMEOUT:-300}"
[ "$interactive" = 1 ] && tmo="${TIMEOUT:-3600}"
state=()
pids=()
if [ -n "${STATE:-}" ]; then
	work=$(mktemp -d /tmp/svsm-run.XXXXXX)
	trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"' EXIT
	if [ ! -e "$STATE" ]; then
		build/tools/svsm-state create "$STATE" --size 4M || exit 2
	fi
	kbs="${KBS:-}"
	if [ -z "$kbs" ]; then
		if [ ! -s "$STATE.secret" ]; then
			(umask 077; od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$STATE.secret")
		fi
		timeout "$tmo" /usr/bin/python3 tests/kbs/kbs-server.py --port-file "$work/port" \
			--secret-hex "$(cat "$STATE.secret")" --min-generation-file "$STATE.generations" \
			>"$work/kbs.log" 2>&1 &
		pids+=($!)
		for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
		kbs="http://127.0.0.1:$(cat "$work/port")"
	fi
	timeout "$tmo" tools/svsm-proxy/svsm-proxy --kbs "$kbs" --listen "$work/sock" --once \
		>"$work/proxy.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 200); do [ -S "$work/sock" ] && break; sleep 0.05; done
	state=(-drive "file=$STATE,if=none,id=svsmstate,format=raw"
		-device virtio-blk-pci,drive=svsmstate,disable-legacy=on,addr=0x5
		-chardev "socket,id=svsmproxy,path=$work/sock,server=off"
		-device isa-serial,chardev=svsmproxy,iobase=0x2f8,irq=3)
	echo " state: $STATE through svsm-proxy -> $kbs (the vTPM persists: same EK every run)"
fi
gdb_banner
scripts/qemu.sh --smp "$smp" --mem "${MEM:-1G}" --timeout "$tmo" \
	--append "${APPEND:-}$gdb_append" "${gdb[@]}" "$kernel" -- "${fw[@]}" "${state[@]}"
rc=$?
# 0: the guest powered the machine off (ACPI S5, performed by the SVSM); 33: the SVSM ended.
case "$rc" in 0|33) exit 0 ;; esac
echo "run: QEMU exited with status $rc" >&2
exit 1
