#!/usr/bin/env bash
# Persistent state tier (make test-state): the SVSM's encrypted state on its own disk,
# unlocked at boot through tools/svsm-proxy and the test KBS (tests/kbs/kbs-server.py, with
# its rollback policy on). docs/state.md and docs/attestation.md.
#   persist   a blank 4 MiB image (svsm-state create); boot 1: SVSM -> OVMF -> Linux with
#             svsm.tpmpersist=1 defines an NV index, writes 32 random bytes, seals a secret
#             to PCR 23 in a persistent object, reads the EK; power-off. Boot 2 from the same
#             image: the same EK, the NV bytes back, the secret unseals. Both SVSM boots'
#             manifest EK digests equal the guest's.
#   refusals  boots that must stop before any guest with one "state:" line, the image
#             unchanged byte for byte: the image after boot 1 copied back (rollback: the KBS
#             refuses the older generation); a KBS that denies; a KBS with another secret
#             (wrong key); JWE with the wrong algorithm, a bad tag, or replayed from an
#             earlier session; the proxy truncating or dropping the reply; no proxy device;
#             a flipped ciphertext byte in both slots.
#   commit-wait  the test guest: a second vCPU's SVSM calls are served while a commit waits
#   faults    20 SIGKILLs of QEMU at random moments while the test guest makes commits: each
#             next boot unlocks the old or the new generation
# Usage: scripts/test-state.sh [--only persist|refusals|commit-wait|faults] [--timeout S]
#          [--keep DIR]
# Logs: in the work directory (printed; --keep DIR to choose and keep it).
set -uo pipefail

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
only="" tmo=500 keep=""
while [ $# -gt 0 ]; do
	case "$1" in
	--only) only="$2"; shift 2 ;;
	--timeout) tmo="$2"; shift 2 ;;
	--keep) keep="$2"; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "test-state: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done
PY=/usr/bin/python3
svsm=build/svsm.elf state_tool=build/tools/svsm-state
dir="${GUEST_OS_DIR:-build/guest-os}"
ovmf="${OVMF_FD:-/usr/share/ovmf/OVMF.fd}"
for f in "$svsm" "$state_tool" "$dir/vmlinuz" "$dir/initramfs.cpio.gz" "$ovmf"; do
	[ -f "$f" ] || { echo "test-state: missing $f (run make, make guest-os)" >&2; exit 2; }
done
if [ -n "$keep" ]; then
	W="$keep"
	mkdir -p "$W"
else
	W=$(mktemp -d /tmp/svsm-state-test.XXXXXX)
fi
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	# A failed run keeps its logs for the reader.
	if [ -z "$keep" ] && [ "$failed" -eq 0 ]; then
		rm -rf "$W"
	fi
}
trap cleanup EXIT
SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
passed=0 failed=0
ok() { echo "test-state: $1 PASS ($2)"; passed=$((passed + 1)); }
bad() { echo "test-state: $1 FAIL ($2)"; failed=$((failed + 1)); }

machine=""
# shellcheck source=scripts/kbs-proxy.sh
. "$(dirname "$0")/kbs-proxy.sh" # kbs_start, kbs_stop
disk_args() { echo "-drive file=$1,if=none,id=svsmstate,format=raw -device virtio-blk-pci,drive=svsmstate,disable-legacy=on,addr=0x5"; }
COM2=(-chardev "socket,id=svsmproxy,path=$W/sock,server=off"
	-device isa-serial,chardev=svsmproxy,iobase=0x2f8,irq=3)

# boot_linux LOG IMAGE: SVSM -> OVMF -> Linux with svsm.tpmpersist=1, the disk and COM2.
boot_linux() {
	# shellcheck disable=SC2046 # the disk options are words
	scripts/qemu.sh --smp 2 --mem 1G --timeout "$tmo" --append "log=info" "$svsm" -- \
		-fw_cfg "name=opt/svsm/firmware,file=$ovmf" -fw_cfg "name=opt/svsm/kernel,file=$dir/vmlinuz" \
		-fw_cfg "name=opt/svsm/initrd,file=$dir/initramfs.cpio.gz" \
		-fw_cfg "name=opt/svsm/cmdline,string=console=ttyS0 panic=-1 svsm.tpmpersist=1" \
		$(disk_args "$2") "${COM2[@]}" </dev/null >"$1" 2>&1
}
field() { grep -a "^$2 " "$1" | tr -d '\r' | tail -n 1 | awk '{print $NF}'; }

persist() {
	local img="$W/state.img" l1="$W/boot1.log" l2="$W/boot2.log" e1 e2 d1 d2 s1 s2
	"$state_tool" create "$img" --size 4M >/dev/null || { bad persist "svsm-state create failed"; return; }
	kbs_start
	boot_linux "$l1" "$img"
	kbs_stop
	cp "$img" "$W/state-boot1.img"
	kbs_start
	boot_linux "$l2" "$img"
	kbs_stop
	e1=$(field "$l1" "svsm-tpm ek-sha256") e2=$(field "$l2" "svsm-tpm ek-sha256")
	s1=$(field "$l1" "svsm-vtpm ek-sha256") s2=$(field "$l2" "svsm-vtpm ek-sha256")
	d1=$(field "$l1" "svsm-tpm persist-data") d2=$(field "$l2" "svsm-tpm persist-data")
	grep -aq "state: blank disk formatted" "$l1" || { bad persist "boot 1: no 'blank disk formatted' (log $l1)"; return; }
	grep -aq "svsm-tpm persist-write PASS" "$l1" || { bad persist "boot 1: persist-write did not pass (log $l1)"; return; }
	grep -aq "state: unlocked, generation" "$l2" || { bad persist "boot 2: the state was not unlocked (log $l2)"; return; }
	grep -aq "svsm-tpm persist-verify PASS" "$l2" || { bad persist "boot 2: $(grep -a 'persist-verify' "$l2" | tr -d '\r') (log $l2)"; return; }
	grep -aq "svsm-tpm persist-unseal svsm-tpm persistent secret" "$l2" || { bad persist "boot 2: the secret did not unseal"; return; }
	[ -n "$e1" ] && [ "$e1" = "$e2" ] || { bad persist "EK changed: boot 1 $e1, boot 2 $e2"; return; }
	[ "$s1" = "$e1" ] && [ "$s2" = "$e2" ] || { bad persist "manifest EK $s1/$s2 differs from the guest's $e1/$e2"; return; }
	[ -n "$d1" ] && [ "$d1" = "$d2" ] || { bad persist "NV data: boot 1 $d1, boot 2 $d2"; return; }
	ok persist "EK ${e1:0:16}... in both boots and in both manifests; NV ${d1:0:16}... read back; secret unsealed; $(grep -a 'state: unlocked' "$l2" | tr -d '\r')"
}

# refuse NAME WANT IMAGE [kbs options] [-- proxy options] | NAME WANT IMAGE nocom2: the SVSM
# must stop before a guest with a line matching WANT and leave IMAGE unchanged.
refuse() {
	local name="$1" want="$2" img="$3" log="$W/refuse-$1.log" rc sum0 sum1
	shift 3
	sum0=$(sha256sum "$img" | awk '{print $1}')
	if [ "${1:-}" = nocom2 ]; then
		# shellcheck disable=SC2046
		scripts/qemu.sh --smp 1 --mem 512M --timeout 120 --append "log=info" "$svsm" -- $(disk_args "$img") \
			</dev/null >"$log" 2>&1
	else
		kbs_start "$@"
		# shellcheck disable=SC2046
		scripts/qemu.sh --smp 1 --mem 512M --timeout 120 --append "log=info" "$svsm" -- $(disk_args "$img") \
			"${COM2[@]}" </dev/null >"$log" 2>&1
		kbs_stop
	fi
	rc=$?
	sum1=$(sha256sum "$img" | awk '{print $1}')
	local line
	line=$(grep -a "^\[ERROR\] state: \|^state: " "$log" | tr -d '\r' | grep -aE "$want" | head -n 1)
	if [ -z "$line" ]; then
		bad "$name" "no state line matching '$want' (log $log: $(grep -a 'state:' "$log" | tr -d '\r' | tail -n 2 | tr '\n' ' '))"
	elif [ "$sum0" != "$sum1" ]; then
		bad "$name" "the image changed"
	elif ! grep -aq "boot: stopped before the guest" "$log" || grep -aq "guest: starting" "$log"; then
		bad "$name" "the boot did not stop before the guest"
	else
		ok "$name" "${line#\[ERROR\] }; image unchanged"
	fi
}

# commit_wait: the test guest on 2 vCPUs (guest_args=commit_wait) with each commit's disk
# phase stretched to 3 s (state_commit_delay_ms): its second vCPU's attestation calls, which
# need the SVSM's library lock, must complete while the first one's TPM2_Shutdown waits for
# its commit (docs/design.md "Waiting on the host without stalling the guest").
commit_wait() {
	local img="$W/wait.img" log="$W/commit-wait.log" rc line machine=-wait
	"$state_tool" create "$img" --size 1M >/dev/null || { bad commit-wait "svsm-state create failed"; return; }
	kbs_start
	# shellcheck disable=SC2046
	scripts/qemu.sh --smp 2 --mem 512M --timeout 300 \
		--append "log=info state_commit_delay_ms=3000 guest_args=commit_wait" "$svsm" -- \
		-fw_cfg "name=opt/svsm/guest,file=build/guest.bin" $(disk_args "$img") "${COM2[@]}" \
		</dev/null >"$log" 2>&1
	rc=$?
	kbs_stop
	line=$(grep -a "commit_wait:" "$log" | tr -d '\r' | tail -n 1)
	if [ "$rc" -eq 33 ] && grep -aq "commit_wait_other_vcpu_served PASS" "$log" &&
		grep -aqE '^\[guest\] [0-9]+ passed, 0 failed' "$log"; then
		ok commit-wait "${line#\[guest\] }"
	else
		bad commit-wait "QEMU status $rc; ${line:-no commit_wait line} (log $log)"
	fi
}

# faults [RUNS]: the test guest changes the TPM's NV in a loop (guest_args=commit_loop), each
# change a state commit; QEMU is killed (SIGKILL) at a random moment 0.3-2.5 s after the
# state was unlocked, RUNS times over one image. Each next boot must unlock the generation
# last reported committed ("old": the kill hit between commits or before a commit's header)
# or the one after it ("new": the kill came after the header's flush, before the log line);
# a failure to unlock the genuine image, or any other generation, fails the test.
faults() {
	local runs="${1:-20}" img="$W/faults.img" log prev_commit="" old=0 new=0 i pid got t machine=-faults
	"$state_tool" create "$img" --size 1M >/dev/null || { bad faults "svsm-state create failed"; return; }
	for i in $(seq 0 "$runs"); do
		log="$W/fault-$i.log"
		kbs_start
		# shellcheck disable=SC2046
		setsid scripts/qemu.sh --smp 1 --mem 512M --timeout 120 \
			--append "log=info guest_args=commit_loop" "$svsm" -- \
			-fw_cfg "name=opt/svsm/guest,file=build/guest.bin" $(disk_args "$img") "${COM2[@]}" \
			</dev/null >"$log" 2>&1 &
		pid=$!
		# Until the guest runs (its first line), so that the kill lands among its commits.
		for _ in $(seq 1200); do
			grep -aqE "\[guest\] test guest:|boot: stopped" "$log" && break
			sleep 0.1
		done
		got=$(grep -aoE "state: unlocked, generation [0-9]+" "$log" | awk '{print $NF}')
		if [ "$i" -gt 0 ]; then
			if [ -z "$got" ]; then
				bad faults "run $i: the image did not unlock after kill $((i - 1)): $(grep -a 'state:' "$log" | tr -d '\r' | tail -n 1) (log $log)"
				kill -9 -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null; kbs_stop
				return
			elif [ "$got" = "$prev_commit" ]; then
				old=$((old + 1))
			elif [ "$got" = "$((prev_commit + 1))" ]; then
				new=$((new + 1))
			else
				bad faults "run $i: generation $got after a kill whose last commit was $prev_commit"
				kill -9 -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null; kbs_stop
				return
			fi
		fi
		[ "$i" -lt "$runs" ] || { kill -9 -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null; kbs_stop; break; }
		t=$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.3 + (r % 2200) / 1000 }')
		sleep "$t"
		kill -9 -- -"$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		kbs_stop
		prev_commit=$(grep -aoE "state: committed generation [0-9]+" "$log" | tail -n 1 | awk '{print $NF}')
		[ -n "$prev_commit" ] || prev_commit=$(grep -aoE "state: (unlocked, generation|blank disk formatted \([0-9]+ sectors\), generation) [0-9]+" "$log" | awk '{print $NF}')
		if [ -z "$prev_commit" ]; then
			bad faults "run $i: no commit before the kill at ${t}s (log $log)"
			return
		fi
	done
	ok faults "$runs kills during commits; every next boot unlocked: $old old, $new new; no other generation, no refusal"
}

refusals() {
	local img="$W/state.img" old="$W/state-boot1.img" flip="$W/flipped.img"
	if [ ! -f "$old" ] || [ ! -f "$img" ]; then
		echo "test-state: refusals need the persist run's images (running it)"
		persist
	fi
	# One more boot of the current image: the KBS learns its generation (it learns one per
	# attestation, docs/state.md "Rollback"), so the image of run 1 is older than that.
	kbs_start
	# shellcheck disable=SC2046
	scripts/qemu.sh --smp 1 --mem 512M --timeout 120 --append "log=info" "$svsm" -- \
		$(disk_args "$img") "${COM2[@]}" </dev/null >"$W/advance.log" 2>&1
	kbs_stop
	grep -aq "state: unlocked" "$W/advance.log" || bad rollback "the boot before the rollback did not unlock (log $W/advance.log)"
	refuse rollback "KBS refused \(401\)" "$old"
	refuse kbs-denies "KBS refused \(401\)" "$img" --deny
	SECRET_SAVED=$SECRET
	SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
	refuse wrong-key "key|MAC|key id" "$img"
	SECRET=$SECRET_SAVED
	refuse proxy-truncates "attestation failed" "$img" -- --truncate
	refuse jwe-wrong-alg "JWE alg" "$img" --wrong-alg
	refuse jwe-bad-tag "JWE tag" "$img" --bad-tag
	# A reply saved from an earlier session (a boot of a throwaway copy), served again.
	cp "$img" "$W/replay-source.img"
	kbs_start --replay-from "$W/replay.jwe"
	# shellcheck disable=SC2046
	scripts/qemu.sh --smp 1 --mem 512M --timeout 120 --append "log=info" "$svsm" -- \
		$(disk_args "$W/replay-source.img") "${COM2[@]}" </dev/null >"$W/replay-save.log" 2>&1
	kbs_stop
	if [ -s "$W/replay.jwe" ]; then
		refuse jwe-replayed "unwrap|JWE" "$img" --replay-from "$W/replay.jwe"
	else
		bad jwe-replayed "no JWE was saved for the replay (log $W/replay-save.log)"
	fi
	refuse proxy-drops "attestation failed" "$img" -- --drop
	refuse no-proxy "no attestation proxy" "$img" nocom2
	cp "$img" "$flip"
	# A ciphertext byte of the first record in both slots (A at sector 0, B at sector 4096
	# of the 4 MiB image; records start at each slot's sector 1).
	printf '\xff' | dd of="$flip" bs=1 seek=$((512 + 40)) conv=notrunc 2>/dev/null
	printf '\xff' | dd of="$flip" bs=1 seek=$((4096 * 512 + 512 + 40)) conv=notrunc 2>/dev/null
	refuse flipped-byte "tag|MAC|record" "$flip"
}

echo "test-state: work directory $W"
[ -n "$only" ] && [ "$only" != persist ] || persist
[ -n "$only" ] && [ "$only" != refusals ] || refusals
[ -n "$only" ] && [ "$only" != commit-wait ] || commit_wait
[ -n "$only" ] && [ "$only" != faults ] || faults 20
echo "test-state: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
