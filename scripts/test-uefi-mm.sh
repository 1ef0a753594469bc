#!/usr/bin/env bash
# UEFI MM protocol tier (make test-uefi-mm; docs/protocols.md "The SVSM UEFI MM protocol"):
# the test guest against the SVSM's UEFI variable service, with Secure Boot payloads made
# now by openssl and Debian's efitools (tests/uefi/make-payloads.sh) and appended to the
# guest image at its payload area (guest/guest.ld __payload_start; the SVSM loads the whole
# fw_cfg file, so the guest finds them in its own memory).
#   checks    guest_args=uefi_mm: discovery, every malformed buffer (GPA 0, unaligned, SVSM
#             memory, beyond RAM, sizes, MessageLength lies, unknown GUID/function, names
#             without NUL, overflowing sizes), get/set/delete/enumerate/query, PK, KEK, db
#             enrolment, refusals of an unsigned, a wrongly signed and a replayed db and of a
#             KEK not signed by PK, SetupMode/SecureBoot and the attestation manifest following
#             the mode (PK deleted again at the end); no request may reach the kernel C
#             library's failing stubs (the SVSM would log it).
#   no-payloads  the same guest image without the payloads must fail (the tier cannot pass
#             without real efitools output).
#   persist   two boots over one state image unlocked through svsm-proxy and the test KBS:
#             boot 1 enrols the keys and sets variables (each change committed as record
#             uefi-mm before its answer), boot 2 finds the non-volatile ones and the keys
#             (timestamps still enforced), not the volatile one; svsm-state dumps the record.
#   commit-wait  2 vCPUs, each commit's disk phase stretched to 3 s: while one vCPU's
#             SetVariable waits for its commit, the other's attestation calls (library lock)
#             keep completing.
# Usage: scripts/test-uefi-mm.sh [--only checks|no-payloads|persist|commit-wait] [--keep DIR]
set -uo pipefail

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }
only="" keep="" tmo=300
while [ $# -gt 0 ]; do
	case "$1" in
	--only) only="$2"; shift 2 ;;
	--keep) keep="$2"; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "test-uefi-mm: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done
PY=/usr/bin/python3
svsm=build/svsm.elf guest=build/guest.bin guest_elf=build/guest.elf state_tool=build/tools/svsm-state
for f in "$svsm" "$guest" "$guest_elf" "$state_tool"; do
	[ -f "$f" ] || { echo "test-uefi-mm: missing $f (run make)" >&2; exit 2; }
done
if [ -n "$keep" ]; then
	W="$keep"
	mkdir -p "$W"
else
	W=$(mktemp -d /tmp/svsm-uefi-mm-test.XXXXXX)
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
ok() { echo "test-uefi-mm: $1 PASS ($2)"; passed=$((passed + 1)); }
bad() { echo "test-uefi-mm: $1 FAIL ($2)"; failed=$((failed + 1)); }
want() { [ -z "$only" ] || [ "$only" = "$1" ]; }

# The payloads, made now, and the guest image with them appended.
tests/uefi/make-payloads.sh "$W/payloads" >/dev/null || { echo "test-uefi-mm: make-payloads.sh failed" >&2; exit 1; }
"$PY" scripts/uefi-payload-image.py "$guest" "$guest_elf" "$W/guest-uefi.bin" "$W/payloads" \
	PK.auth KEK.auth db.auth db.esl db-stranger.auth db-replay.auth db-unsigned.esl \
	KEK-by-KEK.auth PK-delete.auth || { echo "test-uefi-mm: could not build the guest image" >&2; exit 1; }

run_guest() { # LOG IMAGE ARGS [qemu args...]
	local log=$1 img=$2 args=$3
	shift 3
	scripts/qemu.sh --smp 2 --mem 256M --timeout "$tmo" --append "log=info $args" "$svsm" -- \
		-fw_cfg "name=opt/svsm/guest,file=$img" "$@" </dev/null >"$log" 2>&1
}
summary() { grep -aE '^\[guest\] [0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1 | tr -d '\r'; }
fails() { grep -a '^\[guest\] .* FAIL' "$1" | tr -d '\r' | head -n 5 | tr '\n' ';'; }

checks() {
	local log="$W/checks.log" rc s n
	run_guest "$log" "$W/guest-uefi.bin" "guest_args=uefi_mm"
	rc=$?
	s=$(summary "$log")
	n=$(grep -acE '^\[guest\] uefi_(mm|sb)_[a-z0-9_]+ PASS' "$log")
	if [ "$rc" -eq 33 ] && [[ "$s" =~ \]\ [0-9]+\ passed,\ 0\ failed ]] && [ "$n" -ge 45 ] &&
		grep -aq 'uefi_sb_replayed_older_timestamp_refused PASS' "$log" &&
		grep -aq 'uefi_sb_wrongly_signed_db_refused PASS' "$log" &&
		! grep -aq 'uefi: a request reached' "$log" && ! grep -aq PANIC "$log"; then
		ok checks "$s; $n UEFI checks"
	else
		bad checks "QEMU status $rc; '$s'; $n UEFI checks; $(fails "$log") (log $log)"
	fi
}

no_payloads() {
	local log="$W/no-payloads.log" rc
	run_guest "$log" "$guest" "guest_args=uefi_mm"
	rc=$?
	if [ "$rc" -ne 33 ] && grep -aq 'uefi_sb_payloads_present FAIL' "$log"; then
		ok no-payloads "without the efitools payloads the guest reports uefi_sb_payloads_present FAIL"
	else
		bad no-payloads "QEMU status $rc: the run did not fail without payloads (log $log)"
	fi
}

# The test KBS and svsm-proxy for one boot (as scripts/test-state.sh).
SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
# shellcheck source=scripts/kbs-proxy.sh
. "$(dirname "$0")/kbs-proxy.sh" # kbs_start, kbs_stop
# shellcheck disable=SC2054 # the commas are QEMU's option syntax
disk_args=(-drive "file=$W/state.img,if=none,id=svsmstate,format=raw"
	-device virtio-blk-pci,drive=svsmstate,disable-legacy=on,addr=0x5
	-chardev "socket,id=svsmproxy,path=$W/sock,server=off"
	-device isa-serial,chardev=svsmproxy,iobase=0x2f8,irq=3)

persist() {
	local l1="$W/persist1.log" l2="$W/persist2.log" rc1 rc2 s1 s2 c1 saved rec
	"$state_tool" create "$W/state.img" --size 1M >/dev/null || { bad persist "svsm-state create failed"; return; }
	kbs_start
	run_guest "$l1" "$W/guest-uefi.bin" "guest_args=uefi_persist1" "${disk_args[@]}"
	rc1=$?
	kbs_stop
	kbs_start
	run_guest "$l2" "$W/guest-uefi.bin" "guest_args=uefi_persist2" "${disk_args[@]}"
	rc2=$?
	kbs_stop
	s1=$(summary "$l1")
	s2=$(summary "$l2")
	c1=$(grep -ac 'state: committed generation [0-9]* (uefi-mm' "$l1")
	saved=$(grep -aoE 'uefi: variable store persistent \([0-9]+ bytes saved\)' "$l2" | grep -oE '[0-9]+')
	printf '%s' "$SECRET" >"$W/secret.hex"
	rec=$("$state_tool" dump "$W/state.img" --key "$W/secret.hex" --record uefi-mm --out - 2>/dev/null | wc -c)
	if [ "$rc1" -eq 33 ] && [ "$rc2" -eq 33 ] && [[ "$s1" =~ \ 0\ failed ]] &&
		[[ "$s2" =~ \ 0\ failed ]] && [ "$c1" -ge 4 ] && [ "${saved:-0}" -gt 0 ] &&
		[ "$rec" -eq "${saved:-0}" ] && grep -aq 'uefi_persist_replay_still_refused PASS' "$l2"; then
		ok persist "boot 1 '$s1' with $c1 uefi-mm commits; boot 2 '$s2' from a $saved-byte record (svsm-state dump: $rec bytes)"
	else
		bad persist "status $rc1/$rc2; '$s1' / '$s2'; $c1 commits; saved '${saved:-}'; record $rec bytes; $(fails "$l1")$(fails "$l2") (logs $l1 $l2)"
	fi
}

commit_wait() {
	local log="$W/commit-wait.log" rc line
	rm -f "$W/state.img" "$W/generations" # another machine to the test KBS
	"$state_tool" create "$W/state.img" --size 1M >/dev/null || { bad commit-wait "svsm-state create failed"; return; }
	kbs_start
	run_guest "$log" "$W/guest-uefi.bin" "state_commit_delay_ms=3000 guest_args=uefi_commit_wait" \
		"${disk_args[@]}"
	rc=$?
	kbs_stop
	line=$(grep -a "uefi_commit_wait:" "$log" | tr -d '\r' | tail -n 1)
	if [ "$rc" -eq 33 ] && grep -aq "uefi_commit_wait_other_vcpu_served PASS" "$log" &&
		grep -aq 'committed generation [0-9]* (uefi-mm' "$log"; then
		ok commit-wait "${line#\[guest\] }"
	else
		bad commit-wait "QEMU status $rc; ${line:-no uefi_commit_wait line} (log $log)"
	fi
}

want checks && checks
want no-payloads && no_payloads
want persist && persist
want commit-wait && commit_wait
echo "test-uefi-mm: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || { echo "test-uefi-mm: logs in $W" >&2; exit 1; }
