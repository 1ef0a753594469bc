#!/usr/bin/env bash
# State-tool tier: build/tools/svsm-state against a real swtpm (0.7) and tpm2-tools over the
# swtpm TCTI on unix sockets. An NV index written in swtpm is imported into a state image,
# exported to a fresh swtpm directory, and read back there; the reverse direction after a
# second write; plus --help, inspect, dump, and the refusals (wrong key, flipped bytes,
# truncated image, encrypted swtpm state, create over an existing file), each leaving the
# image byte-identical. One line per check, a summary, exit 1 if any failed. Every swtpm is
# stopped at exit (trap), every command runs under `timeout`, files live in one directory.
# Usage: tests/interop/svsm-state.sh [path/to/svsm-state]
set -u

TOOL=$(realpath "${1:-build/tools/svsm-state}")
T=${STATE_TOOL_TIMEOUT:-20}
WORK=$(mktemp -d /tmp/svsm-state-test.XXXXXX)
SWTPM_PID=
PASS=0
FAIL=0
NV=0x1500016

cleanup() {
	swtpm_stop
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

result() { # name status [detail]
	if [ "$2" -eq 0 ]; then
		PASS=$((PASS + 1)); echo "state-tool PASS $1"
	else
		FAIL=$((FAIL + 1)); echo "state-tool FAIL $1${3:+ ($3)}"
	fi
}

# check NAME CMD...: CMD must succeed; output in $WORK/NAME.log.
check() {
	local name=$1; shift
	timeout "$T" "$@" >"$WORK/$name.log" 2>&1
	local rc=$?
	result "$name" $rc "$(tail -n 1 "$WORK/$name.log" 2>/dev/null)"
	return $rc
}

# refuses NAME TEXT CMD...: CMD must fail (not time out), print TEXT, and leave the image as it was.
refuses() {
	local name=$1 text=$2; shift 2
	local before after rc
	before=$(sha256sum "$WORK/s.img" | cut -d' ' -f1)
	timeout "$T" "$@" >"$WORK/$name.log" 2>&1
	rc=$?
	after=$(sha256sum "$WORK/s.img" | cut -d' ' -f1)
	if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -qF -- "$text" "$WORK/$name.log" &&
		[ "$before" = "$after" ]; then
		result "$name" 0
	else
		result "$name" 1 "rc=$rc, image $([ "$before" = "$after" ] && echo same || echo CHANGED): $(tail -n 1 "$WORK/$name.log")"
	fi
}

swtpm_start() { # DIR
	local dir=$1
	swtpm socket --tpm2 --tpmstate dir="$dir" --server type=unixio,path="$dir/sock" \
		--ctrl type=unixio,path="$dir/sock.ctrl" --flags startup-clear,not-need-init \
		>"$dir/swtpm.log" 2>&1 &
	SWTPM_PID=$!
	for _ in $(seq 50); do [ -S "$dir/sock" ] && [ -S "$dir/sock.ctrl" ] && break; sleep 0.1; done
	export TPM2TOOLS_TCTI="swtpm:path=$dir/sock"
	export TSS2_LOG=all+none
}

swtpm_stop() {
	if [ -n "$SWTPM_PID" ] && kill -0 "$SWTPM_PID" 2>/dev/null; then
		kill -TERM "$SWTPM_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$SWTPM_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$SWTPM_PID" 2>/dev/null
		wait "$SWTPM_PID" 2>/dev/null
	fi
	SWTPM_PID=
}

nv_read() { timeout "$T" tpm2_nvread "$NV" -C o -s "$1" 2>"$WORK/nvread.err"; }

cd "$WORK" || exit 1
head -c 32 /dev/urandom | od -An -tx1 -v | tr -d ' \n' >key.hex
head -c 32 /dev/urandom >wrong.key
mkdir d1 d2 d3

# --- help
check help "$TOOL" --help
for c in create inspect dump import-swtpm export-swtpm; do
	check "help-$c" sh -c "'$TOOL' $c --help | grep -q '^usage: svsm-state $c'"
done

# --- create and inspect a blank image
check create "$TOOL" create s.img --size 1M
check inspect-blank sh -c "'$TOOL' inspect s.img | grep -q 'image is blank'"
refuses create-existing "never overwrites" "$TOOL" create s.img --size 2M

# --- swtpm writes an NV index
swtpm_start "$WORK/d1"
check nvdefine timeout "$T" tpm2_nvdefine "$NV" -C o -s 32 -a "ownerread|ownerwrite"
printf 'persist-me-1' >nv1.bin
check nvwrite timeout "$T" tpm2_nvwrite "$NV" -C o -i nv1.bin
swtpm_stop

# --- import, inspect, dump
check import "$TOOL" import-swtpm s.img --key key.hex --swtpm-dir d1
check inspect "grep" -q "generation 1, 1 records" <("$TOOL" inspect s.img)
check dump sh -c "'$TOOL' dump s.img --key key.hex | grep -q 'verified: slot A, generation 1'"
check dump-record "$TOOL" dump s.img --key key.hex --record vtpm --out vtpm.bin
check record-is-libtpms-blob sh -c "tail -c +11 d1/tpm2-00.permall | cmp -s - vtpm.bin"

# --- export to an empty swtpm directory: the NV index reads back there
check export "$TOOL" export-swtpm s.img --key key.hex --swtpm-dir d2
check export-byte-identical cmp d1/tpm2-00.permall d2/tpm2-00.permall
swtpm_start "$WORK/d2"
check nvread-after-export sh -c "[ \"\$(TPM2TOOLS_TCTI='$TPM2TOOLS_TCTI' timeout $T tpm2_nvread $NV -C o -s 12)\" = persist-me-1 ]"
printf 'persist-me-2' >nv2.bin
check nvwrite-2 timeout "$T" tpm2_nvwrite "$NV" -C o -i nv2.bin
swtpm_stop

# --- and back: import the changed state (generation 2), export to a third directory
check import-2 "$TOOL" import-swtpm s.img --key key.hex --swtpm-dir d2
check inspect-2 sh -c "'$TOOL' inspect s.img | grep -q 'slot B (sector 1024): format 1, generation 2'"
check export-2 "$TOOL" export-swtpm s.img --key key.hex --swtpm-dir d3
swtpm_start "$WORK/d3"
check nvread-round-trip sh -c "[ \"\$(TPM2TOOLS_TCTI='$TPM2TOOLS_TCTI' timeout $T tpm2_nvread $NV -C o -s 12)\" = persist-me-2 ]"
swtpm_stop

# --- refusals: clear message, non-zero exit, image unchanged
refuses wrong-key-dump "key id" "$TOOL" dump s.img --key wrong.key
refuses wrong-key-import "key id" "$TOOL" import-swtpm s.img --key wrong.key --swtpm-dir d1
printf 'not a key' >bad.key
refuses bad-keyfile "expected 32 raw bytes or 64 hex digits" "$TOOL" dump s.img --key bad.key
refuses import-no-permall "tpm2-00.permall" "$TOOL" import-swtpm s.img --key key.hex --swtpm-dir d-missing
mkdir enc
{ printf '\002\001\000\012\000\001'; printf '\000\000\000\024'; head -c 10 /dev/zero; } >enc/tpm2-00.permall
refuses import-encrypted "encrypted" "$TOOL" import-swtpm s.img --key key.hex --swtpm-dir enc
refuses dump-unknown-record "unknown record type" "$TOOL" dump s.img --key key.hex --record nope --out x
# Slot B holds generation 2: its first ciphertext byte is at 512 * 1025.
cp s.img good.img
printf '\377' | dd of=s.img bs=1 seek=$((512 * 1025)) conv=notrunc status=none
refuses flipped-ciphertext "slot B generation 2: record 0 (vtpm) tag" "$TOOL" dump s.img --key key.hex
refuses flipped-ciphertext-import "record 0 (vtpm) tag" "$TOOL" import-swtpm s.img --key key.hex --swtpm-dir d1
cp good.img s.img
printf 'X' | dd of=s.img bs=1 seek=$((512 * 1024)) conv=notrunc status=none
check flipped-newest-header-falls-back sh -c "'$TOOL' dump s.img --key key.hex 2>&1 | grep -q 'generation 1'"
printf 'X' | dd of=s.img bs=1 seek=0 conv=notrunc status=none
refuses both-headers-bad "header magic" "$TOOL" dump s.img --key key.hex
cp good.img s.img
head -c $((1024 * 1024 - 100)) good.img >s.img
refuses truncated "not a multiple of 512" "$TOOL" dump s.img --key key.hex
cp good.img s.img
check still-good sh -c "'$TOOL' dump s.img --key key.hex | grep -q 'generation 2'"

echo "state-tool: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
