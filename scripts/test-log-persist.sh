#!/usr/bin/env bash
# Persistent log tier (make test-log-persist): the SVSM's log kept in its encrypted state
# (record 4), across a crash, read by the owner with svsm-state logs (docs/logging.md
# "Persistence"). The test guest on a blank state image, unlocked through svsm-proxy and the
# test KBS as in make test-state:
#   panic    boot 1 churns TPM NV (guest_args=commit_loop) until test_panic_after_ms makes
#            the SVSM panic; boot 2 runs the test guest to its end. svsm-state logs must
#            verify and show boot 1's lines up to the PANIC line and the panic's
#            backtrace, then boot 2's lines from seq 0, boot counters 1 and 2.
#   tamper   the log record taken out (svsm-state dump --record log), one entry removed,
#            two swapped, one text byte changed, the last entry cut off, each put back
#            re-encrypted (svsm-state put): logs exits 1 naming the break; a flipped
#            ciphertext byte of the record: logs (and dump) exit 1. The SVSM booted on the
#            image with the removed entry says its saved log does not verify and starts a
#            new one (boot 1), which verifies.
#   panic-busy  a panic while another vCPU's commit holds the state (state_commit_delay_ms,
#            guest_args=commit_wait): "panic: log not saved: a state commit was in
#            progress" and the halt at once; the next boot unlocks, its log verifies.
# Usage: scripts/test-log-persist.sh [--only panic|tamper|panic-busy] [--timeout S] [--keep DIR]
set -uo pipefail

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }
only="" tmo=300 keep=""
while [ $# -gt 0 ]; do
	case "$1" in
	--only) only="$2"; shift 2 ;;
	--timeout) tmo="$2"; shift 2 ;;
	--keep) keep="$2"; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "test-log-persist: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done
PY=/usr/bin/python3
svsm=build/svsm.elf tool=build/tools/svsm-state guest=build/guest.bin
for f in "$svsm" "$tool" "$guest"; do
	[ -f "$f" ] || { echo "test-log-persist: missing $f (run make)" >&2; exit 2; }
done
if [ -n "$keep" ]; then
	W="$keep"
	mkdir -p "$W"
else
	W=$(mktemp -d /tmp/svsm-logpersist-test.XXXXXX)
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
ok() { echo "test-log-persist: $1 PASS ($2)"; passed=$((passed + 1)); }
bad() { echo "test-log-persist: $1 FAIL ($2)"; failed=$((failed + 1)); }
# A kept directory keeps its secret (--only tamper reuses the panic run's image).
if [ -s "$W/key.hex" ] && [ -f "$W/good.img" ]; then
	SECRET=$(tr -d ' \n' <"$W/key.hex")
else
	SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
	echo "$SECRET" >"$W/key.hex"
fi

machine=""
# shellcheck source=scripts/kbs-proxy.sh
. "$(dirname "$0")/kbs-proxy.sh" # kbs_start, kbs_stop
# boot LOG IMAGE SVSM-CMDLINE: the test guest with the state disk and the COM2 proxy.
boot() {
	kbs_start
	scripts/qemu.sh --smp 2 --mem 512M --timeout "$tmo" --append "$3" "$svsm" -- \
		-fw_cfg "name=opt/svsm/guest,file=$guest" \
		-drive "file=$2,if=none,id=svsmstate,format=raw" \
		-device virtio-blk-pci,drive=svsmstate,disable-legacy=on,addr=0x5 \
		-chardev "socket,id=svsmproxy,path=$W/sock,server=off" \
		-device isa-serial,chardev=svsmproxy,iobase=0x2f8,irq=3 </dev/null >"$1" 2>&1
	local rc=$?
	kbs_stop
	return $rc
}

panic_run() {
	local img="$W/state.img" l1="$W/boot1.log" l2="$W/boot2.log" out="$W/logs.txt" rc1 rc2 n1 n2
	"$tool" create "$img" --size 1M >/dev/null || { bad panic "svsm-state create failed"; return; }
	boot "$l1" "$img" "log=info guest_args=commit_loop test_panic_after_ms=4000"
	rc1=$?
	boot "$l2" "$img" "log=info"
	rc2=$?
	grep -aq "PANIC on CPU .*test_panic_after_ms=4000" "$l1" || { bad panic "boot 1 did not panic (status $rc1, log $l1)"; return; }
	grep -aq "panic: log saved in generation" "$l1" || { bad panic "boot 1: $(grep -a 'panic: log' "$l1" | tr -d '\r') (log $l1)"; return; }
	grep -aq "state: log kept: .* this is boot 2" "$l2" || { bad panic "boot 2 did not keep the log (status $rc2, log $l2)"; return; }
	if ! "$tool" logs "$img" --key "$W/key.hex" >"$out" 2>"$W/logs.err"; then
		bad panic "svsm-state logs failed: $(cat "$W/logs.err")"
		return
	fi
	grep -q "^boot 1 seq 0 " "$out" || { bad panic "no boot 1 seq 0 line ($out)"; return; }
	grep -q "^boot 1 seq [0-9]* time_us [0-9]* level raw cpu 0 \(\\\\x0a\)\{0,1\}PANIC on CPU 0: test_panic_after_ms=4000" "$out" ||
		{ bad panic "the PANIC line is not in the saved log ($out)"; return; }
	grep -q "^boot 1 seq [0-9]* .* backtrace:" "$out" || { bad panic "no backtrace in the saved log ($out)"; return; }
	grep -q "^boot 2 seq 0 " "$out" || { bad panic "no boot 2 seq 0 line ($out)"; return; }
	grep -q "^boot 2 .*state: log kept: .* this is boot 2" "$out" || { bad panic "boot 2's own line missing ($out)"; return; }
	grep -q "^boot 2 .*guest: finished: reported all checks passed" "$out" || { bad panic "boot 2: no guest: finished line with all checks passed ($out)"; return; }
	# Boot counters in order: every boot 1 line before every boot 2 line.
	if awk '{print $2}' "$out" | uniq | tr '\n' ' ' | grep -qv '^1 2 $'; then
		bad panic "boot counters not 1 then 2: $(awk '{print $2}' "$out" | uniq | tr '\n' ' ')"
		return
	fi
	n1=$(grep -c "^boot 1 " "$out") n2=$(grep -c "^boot 2 " "$out")
	cp "$img" "$W/good.img"
	ok panic "$n1 lines of boot 1 up to its panic, $n2 of boot 2; $(grep -a 'panic: log saved' "$l1" | tr -d '\r'); $(tail -n 1 "$W/logs.err")"
}

# tamper NAME WANT PYTHON-EDIT: the log record edited by PYTHON-EDIT (a function of the
# record's bytes), put back with the owner's key; logs must exit 1 with WANT in its message.
tamper_one() {
	local name="$1" want="$2" edit="$3" img="$W/tamper-$1.img" rec="$W/tamper-$1.rec" msg
	cp "$W/good.img" "$img"
	"$tool" dump "$img" --key "$W/key.hex" --record log --out "$rec" >/dev/null ||
		{ bad "tamper-$name" "dump --record log failed"; return; }
	"$PY" - "$rec" "$edit" <<'EOF' || { bad "tamper-$name" "the edit failed"; return; }
import struct, sys
path, edit = sys.argv[1], sys.argv[2]
b = bytearray(open(path, "rb").read())
count = struct.unpack_from("<I", b, 12)[0]
offs, off = [], 64
for _ in range(count):
    n = struct.unpack_from("<H", b, off + 26)[0]
    offs.append((off, off + 28 + n + 16))
    off += 28 + n + 16
ents = [bytes(b[s:e]) for s, e in offs]
hdr = bytes(b[:64])
def with_entries(es, cnt):
    h = bytearray(hdr)
    struct.pack_into("<I", h, 12, cnt)
    return bytes(h) + b"".join(es)
mid = len(ents) // 2
if edit == "remove":
    out = with_entries(ents[:mid] + ents[mid + 1:], count - 1)
elif edit == "swap":
    out = with_entries(ents[:mid] + [ents[mid + 1], ents[mid]] + ents[mid + 2:], count)
elif edit == "change":
    e = bytearray(ents[mid]); e[28] ^= 0x20; ents[mid] = bytes(e)
    out = with_entries(ents, count)
elif edit == "cut-last":
    out = with_entries(ents[:-1], count - 1)
else:
    sys.exit(1)
open(path, "wb").write(out)
EOF
	"$tool" put "$img" --key "$W/key.hex" --record log --in "$rec" >/dev/null ||
		{ bad "tamper-$name" "put failed"; return; }
	if "$tool" logs "$img" --key "$W/key.hex" >"$W/tamper-$name.out" 2>"$W/tamper-$name.err"; then
		bad "tamper-$name" "logs accepted the edited log"
		return
	fi
	msg=$(tail -n 1 "$W/tamper-$name.err")
	if echo "$msg" | grep -qE "$want"; then
		ok "tamper-$name" "${msg#*: }; $(wc -l <"$W/tamper-$name.out") good lines printed before it"
	else
		bad "tamper-$name" "message '$msg' lacks '$want'"
	fi
}

tamper() {
	local img="$W/flip.img" gen off msg
	[ -f "$W/good.img" ] || { echo "test-log-persist: tamper needs the panic run's image (running it)"; panic_run; }
	[ -f "$W/good.img" ] || { bad tamper "no image from the panic run"; return; }
	tamper_one remove "does NOT verify at entry [0-9]+ .*chain broken" remove
	tamper_one swap "does NOT verify at entry [0-9]+ .*chain broken" swap
	tamper_one change "does NOT verify at entry [0-9]+ .*chain broken" change
	tamper_one cut-last "header MAC" cut-last
	# The SVSM itself on an image with an edited log: it says so and starts a new log.
	if [ -f "$W/tamper-remove.img" ]; then
		boot "$W/tamper-boot.log" "$W/tamper-remove.img" "log=info"
		if ! grep -aq "state: the saved log does not verify (log chain broken at entry" "$W/tamper-boot.log"; then
			bad tamper-boot "no 'saved log does not verify' line (log $W/tamper-boot.log)"
		elif ! "$tool" logs "$W/tamper-remove.img" --key "$W/key.hex" >"$W/tamper-boot.out" 2>/dev/null ||
			! grep -q "^boot 1 .*state: the saved log does not verify" "$W/tamper-boot.out" ||
			grep -q "^boot 2 " "$W/tamper-boot.out"; then
			bad tamper-boot "the new log is not a verified boot-1 log naming the old one ($W/tamper-boot.out)"
		else
			ok tamper-boot "$(grep -a 'saved log does not verify' "$W/tamper-boot.log" | tr -d '\r' | cut -c1-90)...; a new log from boot 1 verifies"
		fi
	fi
	# A flipped ciphertext byte of the log record in the slot the SVSM loads.
	cp "$W/good.img" "$img"
	off=$("$tool" inspect "$img" | "$PY" -c '
import re, sys
slots, cur = {}, None
for line in sys.stdin:
    m = re.match(r"\s*slot ([AB]) \(sector (\d+)\):.*generation (\d+)", line)
    if m: cur = m.group(1); slots[cur] = {"lba": int(m.group(2)), "gen": int(m.group(3))}; continue
    m = re.search(r" log\s+(\d+) bytes at sector (\d+)", line)
    if m and cur: slots[cur]["sector"] = slots[cur]["lba"] + int(m.group(2))
best = max((s for s in slots.values() if "sector" in s), key=lambda s: s["gen"])
print(best["sector"])')
	[ -n "$off" ] || { bad flipped-byte "no log record in inspect's output"; return; }
	"$PY" -c 'import sys
f = open(sys.argv[1], "r+b"); f.seek(int(sys.argv[2])); b = f.read(1)
f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 0xff]))' "$img" $((off * 512 + 100))
	if "$tool" logs "$img" --key "$W/key.hex" >/dev/null 2>"$W/flip.err"; then
		bad flipped-byte "logs accepted a flipped ciphertext byte"
	else
		msg=$(tail -n 1 "$W/flip.err")
		if echo "$msg" | grep -qE "log\) tag|tag"; then
			ok flipped-byte "${msg#*: }"
		else
			bad flipped-byte "message '$msg'"
		fi
	fi
}

# panic_busy: a panic while another vCPU holds the state (a commit stretched to 3 s by
# state_commit_delay_ms, the test guest's commit_wait on 2 vCPUs): the panic must not wait
# for it - "panic: log not saved: a state commit was in progress", then the halt - and the
# image must still unlock at the next boot with a log that verifies (without the lines
# since the last commit, as documented). The panic time is tried at a few points until one
# lands inside a commit.
panic_busy() {
	local img="$W/busy.img" log t hit="" out="$W/busy-logs.txt" machine
	for t in 8500 6000 9500; do
		rm -f "$img"
		"$tool" create "$img" --size 1M >/dev/null || { bad panic-busy "svsm-state create failed"; return; }
		log="$W/busy-$t.log" machine="-busy-$t"
		boot "$log" "$img" "log=info state_commit_delay_ms=3000 guest_args=commit_wait test_panic_after_ms=$t"
		grep -aq "PANIC on CPU" "$log" || { bad panic-busy "no panic at $t ms (log $log)"; return; }
		grep -aq "system halted" "$log" || { bad panic-busy "the panic did not end (log $log)"; return; }
		if grep -aq "panic: log not saved: a state commit was in progress" "$log"; then
			hit=$t
			break
		fi
	done
	[ -n "$hit" ] || { bad panic-busy "no panic time landed inside a commit (logs $W/busy-*.log)"; return; }
	machine="-busy-$hit"
	boot "$W/busy-next.log" "$img" "log=info"
	grep -aq "state: log kept: .* this is boot 2" "$W/busy-next.log" ||
		{ bad panic-busy "the next boot did not unlock and keep the log (log $W/busy-next.log)"; return; }
	"$tool" logs "$img" --key "$W/key.hex" >"$out" 2>/dev/null || { bad panic-busy "logs failed after the busy panic"; return; }
	grep -q "^boot 1 .*state: committed generation" "$out" || { bad panic-busy "boot 1's committed lines missing ($out)"; return; }
	ok panic-busy "panic at $hit ms on $(grep -ao 'PANIC on CPU [0-9]*' "$log"): $(grep -a 'panic: log not saved' "$log" | tr -d '\r'); next boot unlocked, $(grep -c '^boot 1 ' "$out") boot-1 lines kept"
}

echo "test-log-persist: work directory $W"
[ -n "$only" ] && [ "$only" != panic ] || panic_run
[ -n "$only" ] && [ "$only" != tamper ] || tamper
[ -n "$only" ] && [ "$only" != panic-busy ] || panic_busy
echo "test-log-persist: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
