#!/bin/sh
# shellcheck shell=dash # busybox ash, which has local
# svsm-tpm: what the guest checks about its TPM (svsm.tpm=1; docs/guest-os.md). Every tool
# talks to the kernel's resource manager, TCTI device:/dev/tpmrm0, so transient objects are
# flushed when each tool exits. One line "svsm-tpm <name> PASS|FAIL (<detail>)" per check,
# then "svsm-tpm done <passed> <failed>".
#
# Every boot runs: devices, fresh (sha256 PCR 16 and 23 are zero before this boot extends
# them), getrandom, pcrs-measured (PCR 0-7 non-zero), eventlog (the firmware's log replays to
# the TPM's PCR values, every bank), pcrextend (PCR 16), ek, ak, quote + checkquote, nv,
# seal (PCR 23 policy; extends PCR 23). A guest reset must be a TPM reset: with svsm.reboot=1
# the next boot's "fresh" check proves it. Whether the TPM's NV survived the reset decides
# how the run ends, through the NV index 0x01500016:
#   absent  "svsm-tpm boot 1"; nv-mark defines it holding "boot1"; /init then reboots (with
#           svsm.reboot=1). A TPM whose NV is lost with the reset (the SVSM's vTPM until its
#           state persists) says "boot 1" every time: the test driver counts the boots and
#           ends the run itself.
#   present "svsm-tpm boot 2"; nv-persist (it holds "boot1"), nv-unmark removes it, and
#           /run/svsm-tpm-boot2 makes /init power off instead of rebooting (swtpm).
# Also prints "svsm-tpm ek-sha256 <hex>" (SHA-256 of the ECC EK's TPMT_PUBLIC) and
# "svsm-tpm pcr-sha256-<n> <hex>" for PCR 0-7, 16 and 23.
#
# svsm-tpm bench N (svsm.tpmbench=N): runs tpm2_pcrread, tpm2_pcrextend, tpm2_quote (ECC AK
# made persistent once) and tpm2_createprimary -G ecc N times each, printing
# "svsm-tpmbench <cmd> <total_us> <N>", then svsm-tpmping's "svsm-tpmbench roundtrip ..."
# (TPM2_GetRandom(8) on /dev/tpm0, 10*N times) and "svsm-tpmbench done".
export TPM2TOOLS_TCTI=device:/dev/tpmrm0
MARK=0x01500016
NV_TEST=0x01500017
AK_PERSIST=0x81000010
W=/tmp/svsm-tpm
passed=0
failed=0

result() {
	if [ "$2" = 0 ]; then
		echo "svsm-tpm $1 PASS ($3)"
		passed=$((passed + 1))
	else
		echo "svsm-tpm $1 FAIL ($3)"
		failed=$((failed + 1))
	fi
}

# last_err FILE: the last non-empty line of a tool's stderr, for a FAIL detail.
last_err() { grep -v '^ *$' "$1" 2>/dev/null | tail -n 1; }

# pcr_values SPEC: "bank:n value" lines (value in lower-case hex, no 0x) from tpm2_pcrread.
pcr_values() {
	tpm2_pcrread "$1" 2>"$W/err" | awk '
		/^ *[a-z0-9]+:$/ { bank = $1; sub(/:$/, "", bank); next }
		/^ *[0-9]+ *: *0x/ { n = $1; sub(/:$/, "", n); v = $NF; sub(/^0x/, "", v); print bank ":" n, tolower(v) }'
}

# nv_defined INDEX: whether the TPM lists the NV index (tpm2_nvreadpublic of an absent index
# crashes in tpm2-tools 5.4).
nv_defined() {
	tpm2_getcap handles-nv-index 2>/dev/null | awk -v i="$1" '
		function num(h,   k, n) { h = tolower(h); sub(/^0x/, "", h); n = 0
			for (k = 1; k <= length(h); k++) n = n * 16 + index("0123456789abcdef", substr(h, k, 1)) - 1
			return n }
		BEGIN { want = num(i) } $1 == "-" && num($2) == want { found = 1 } END { exit !found }'
}

# sha256_hex HEX: SHA-256 of the bytes HEX spells.
sha256_hex() { echo "$1" | xxd -r -p | sha256sum | awk '{print $1}'; }

ZERO64=0000000000000000000000000000000000000000000000000000000000000000

check_devices() {
	local have=""
	for d in /dev/tpm0 /dev/tpmrm0; do
		[ -c "$d" ] && have="$have $d"
	done
	[ "$have" = " /dev/tpm0 /dev/tpmrm0" ]
	result devices $? "character devices:${have:- none}"
}

check_getrandom() {
	local r
	r=$(tpm2_getrandom --hex 16 2>"$W/err")
	[ ${#r} = 32 ]
	result getrandom $? "${r:-$(last_err "$W/err")}"
}

check_pcrs_measured() {
	local vals bad
	vals=$(pcr_values sha256:0,1,2,3,4,5,6,7)
	bad=$(echo "$vals" | awk -v z="$ZERO64" '$2 == z || $2 ~ /^f+$/ { printf "%s ", $1 }')
	if [ "$(echo "$vals" | grep -c .)" != 8 ]; then
		result pcrs-measured 1 "tpm2_pcrread sha256:0-7 gave $(echo "$vals" | grep -c .) values: $(last_err "$W/err")"
	elif [ -n "$bad" ]; then
		result pcrs-measured 1 "zero or all-ones: $bad"
	else
		result pcrs-measured 0 "sha256 PCR 0-7 non-zero"
	fi
}

# Replays the firmware's event log and compares every PCR it lists with the TPM's.
check_eventlog() {
	local log=/sys/kernel/security/tpm0/binary_bios_measurements replay n mism specs bank
	if [ ! -r "$log" ]; then
		result eventlog 1 "no $log"
		return
	fi
	if ! tpm2_eventlog "$log" >"$W/eventlog.yaml" 2>"$W/err"; then
		result eventlog 1 "tpm2_eventlog: $(last_err "$W/err")"
		return
	fi
	# The final "pcrs:" map: "bank:n value".
	replay=$(awk '
		/^pcrs:/ { in_pcrs = 1; next }
		in_pcrs && /^[^ ]/ { in_pcrs = 0 }
		in_pcrs && /^  [a-z0-9]+:$/ { bank = $1; sub(/:$/, "", bank); next }
		in_pcrs && /^    [0-9]+ *: *0x/ { n = $1; sub(/:$/, "", n); v = $NF; sub(/^0x/, "", v); print bank ":" n, tolower(v) }' \
		"$W/eventlog.yaml")
	n=$(echo "$replay" | grep -c .)
	if [ "$n" = 0 ]; then
		result eventlog 1 "no PCR values in tpm2_eventlog's output"
		return
	fi
	# One tpm2_pcrread per bank, with that bank's PCRs.
	specs=""
	for bank in $(echo "$replay" | awk '{split($1, b, ":"); print b[1]}' | sort -u); do
		specs="$specs $bank:$(echo "$replay" | awk -v b="$bank" '{split($1, x, ":"); if (x[1] == b) { printf "%s%s", s, x[2]; s = "," } }')"
	done
	: >"$W/tpm.pcrs"
	for s in $specs; do pcr_values "$s" >>"$W/tpm.pcrs"; done
	if [ ! -s "$W/tpm.pcrs" ]; then
		result eventlog 1 "tpm2_pcrread$specs gave no values: $(last_err "$W/err")"
		return
	fi
	mism=$(echo "$replay" | awk 'NR == FNR { tpm[$1] = $2; next }
		{ if (!($1 in tpm)) { print $1 " log " $2 " tpm (unread)"; exit }
		  if (tpm[$1] != $2) { print $1 " log " $2 " tpm " tpm[$1]; exit } }' "$W/tpm.pcrs" -)
	if [ -n "$mism" ]; then
		result eventlog 1 "$n PCRs replayed; first mismatch $mism"
	else
		result eventlog 0 "$(grep -c '^- EventNum' "$W/eventlog.yaml") events; $n PCR values in banks$(echo "$specs" | sed 's/:[0-9,]*//g') equal the TPM's"
	fi
}

# Extends PCR 16 with a known digest and checks new = SHA-256(old || digest).
check_pcrextend() {
	local d old new want
	d=$(echo "svsm-tpm pcrextend" | sha256sum | awk '{print $1}')
	old=$(pcr_values sha256:16 | awk '{print $2}')
	if ! tpm2_pcrextend "16:sha256=$d" 2>"$W/err"; then
		result pcrextend 1 "tpm2_pcrextend: $(last_err "$W/err")"
		return
	fi
	new=$(pcr_values sha256:16 | awk '{print $2}')
	want=$(sha256_hex "$old$d")
	[ -n "$old" ] && [ "$new" = "$want" ]
	result pcrextend $? "PCR 16 ${old:-?} -> ${new:-?}, sha256sum says $want"
}

ek_hex=""
check_ek() {
	ek_hex=""
	if ! tpm2_createek -G ecc -c "$W/ek.ctx" -u "$W/ek.pub" >/dev/null 2>"$W/err"; then
		result ek 1 "tpm2_createek -G ecc: $(last_err "$W/err")"
		return
	fi
	# -u writes a TPM2B_PUBLIC: a 2-byte big-endian size, then the TPMT_PUBLIC.
	local size want
	size=$(stat -c %s "$W/ek.pub")
	want=$(($(dd if="$W/ek.pub" bs=1 count=2 2>/dev/null | od -An -tu1 | awk '{print $1 * 256 + $2}') + 2))
	ek_hex=$(tail -c +3 "$W/ek.pub" | sha256sum | awk '{print $1}')
	echo "svsm-tpm ek-sha256 $ek_hex"
	[ "$size" = "$want" ]
	result ek $? "ECC EK, TPM2B_PUBLIC $size bytes (size field + 2 = $want)"
}

check_ak() {
	if tpm2_createak -C "$W/ek.ctx" -c "$W/ak.ctx" -G ecc -g sha256 -s ecdsa \
		-u "$W/ak.pem" -f pem -n "$W/ak.name" >/dev/null 2>"$W/err"; then
		result ak 0 "ECC AK under the EK, ecdsa/sha256"
	else
		result ak 1 "tpm2_createak: $(last_err "$W/err")"
	fi
}

check_quote() {
	local nonce bad
	nonce=$(tpm2_getrandom --hex 16 2>/dev/null)
	[ -n "$nonce" ] || nonce=00112233445566778899aabbccddeeff
	if ! tpm2_quote -c "$W/ak.ctx" -l sha256:0,1,2,3,4,5,6,7 -q "$nonce" -g sha256 \
		-m "$W/q.msg" -s "$W/q.sig" -o "$W/q.pcrs" >/dev/null 2>"$W/err"; then
		result quote 1 "tpm2_quote: $(last_err "$W/err")"
		return
	fi
	result quote 0 "PCR 0-7 sha256, nonce $nonce"
	if ! tpm2_checkquote -u "$W/ak.pem" -m "$W/q.msg" -s "$W/q.sig" -f "$W/q.pcrs" -g sha256 \
		-q "$nonce" >/dev/null 2>"$W/err"; then
		result checkquote 1 "tpm2_checkquote: $(last_err "$W/err")"
		return
	fi
	# The same quote must not verify against another nonce.
	bad=ffeeddccbbaa99887766554433221100
	if tpm2_checkquote -u "$W/ak.pem" -m "$W/q.msg" -s "$W/q.sig" -f "$W/q.pcrs" -g sha256 \
		-q "$bad" >/dev/null 2>&1; then
		result checkquote 1 "verified with the nonce $bad as well"
	else
		result checkquote 0 "signature, PCR digest and nonce verified against the AK public; a wrong nonce is refused"
	fi
}

check_nv() {
	local why=""
	tpm2_nvundefine "$NV_TEST" -C o >/dev/null 2>&1
	dd if=/dev/urandom of="$W/nv.in" bs=32 count=1 2>/dev/null
	if ! tpm2_nvdefine "$NV_TEST" -C o -s 32 -a "ownerread|ownerwrite" >/dev/null 2>"$W/err"; then
		why="tpm2_nvdefine: $(last_err "$W/err")"
	elif ! tpm2_nvwrite "$NV_TEST" -C o -i "$W/nv.in" 2>"$W/err"; then
		why="tpm2_nvwrite: $(last_err "$W/err")"
	elif ! tpm2_nvread "$NV_TEST" -C o -s 32 -o "$W/nv.out" 2>"$W/err"; then
		why="tpm2_nvread: $(last_err "$W/err")"
	elif ! cmp -s "$W/nv.in" "$W/nv.out"; then
		why="read back differs"
	fi
	if ! tpm2_nvundefine "$NV_TEST" -C o 2>"$W/err"; then
		why="${why:+$why; }tpm2_nvundefine: $(last_err "$W/err")"
	elif nv_defined "$NV_TEST"; then
		why="${why:+$why; }index still defined after tpm2_nvundefine"
	fi
	[ -z "$why" ]
	result nv $? "${why:-index $NV_TEST: 32 random bytes written, read back equal, undefined}"
}

# Seals a secret to PCR 23's current value; unseals it; extends PCR 23; unseal must fail.
check_seal() {
	local why="" out
	if ! tpm2_createprimary -C o -G ecc -c "$W/prim.ctx" >/dev/null 2>"$W/err"; then
		why="tpm2_createprimary: $(last_err "$W/err")"
	elif ! tpm2_pcrread sha256:23 -o "$W/pcr23.bin" >/dev/null 2>"$W/err" ||
		! tpm2_createpolicy --policy-pcr -l sha256:23 -f "$W/pcr23.bin" -L "$W/pcr.policy" >/dev/null 2>"$W/err"; then
		why="tpm2_createpolicy --policy-pcr: $(last_err "$W/err")"
	elif ! echo "svsm-tpm sealed secret" | tpm2_create -C "$W/prim.ctx" -L "$W/pcr.policy" -i- \
		-u "$W/seal.pub" -r "$W/seal.priv" >/dev/null 2>"$W/err"; then
		why="tpm2_create (sealed object): $(last_err "$W/err")"
	elif ! tpm2_load -C "$W/prim.ctx" -u "$W/seal.pub" -r "$W/seal.priv" -c "$W/seal.ctx" >/dev/null 2>"$W/err"; then
		why="tpm2_load: $(last_err "$W/err")"
	else
		out=$(tpm2_unseal -c "$W/seal.ctx" -p pcr:sha256:23 2>"$W/err")
		if [ "$out" != "svsm-tpm sealed secret" ]; then
			why="unseal under the sealed PCR 23 value gave '$out': $(last_err "$W/err")"
		elif ! tpm2_pcrextend "23:sha256=$(echo "svsm-tpm seal" | sha256sum | awk '{print $1}')" 2>"$W/err"; then
			why="tpm2_pcrextend 23: $(last_err "$W/err")"
		elif tpm2_unseal -c "$W/seal.ctx" -p pcr:sha256:23 >/dev/null 2>"$W/err"; then
			why="unseal succeeded after PCR 23 was extended"
		fi
	fi
	[ -z "$why" ]
	result seal $? "${why:-sealed to PCR 23, unsealed; after extending PCR 23 unseal fails: $(grep -o 'ErrorCode (0x[0-9a-fA-F]*)' "$W/err" | head -n 1)}"
}

print_pcrs() {
	pcr_values sha256:0,1,2,3,4,5,6,7,16,23 | awk '{ sub(":", "-", $1); print "svsm-tpm pcr-" $1, $2 }'
}

# The NV index that marks boot 1: a 5-byte owner index holding "boot1".
mark_boot1() {
	local why=""
	printf boot1 >"$W/mark"
	if ! tpm2_nvdefine "$MARK" -C o -s 5 -a "ownerread|ownerwrite" >/dev/null 2>"$W/err"; then
		why="tpm2_nvdefine: $(last_err "$W/err")"
	elif ! tpm2_nvwrite "$MARK" -C o -i "$W/mark" 2>"$W/err"; then
		why="tpm2_nvwrite: $(last_err "$W/err")"
	fi
	[ -z "$why" ]
	result nv-mark $? "${why:-index $MARK defined, holds boot1}"
}

check_nv_persist() {
	local got
	got=$(tpm2_nvread "$MARK" -C o -s 5 2>"$W/err")
	[ "$got" = boot1 ]
	result nv-persist $? "index $MARK holds '${got:-$(last_err "$W/err")}' after the reset"
}

# PCR 16 and 23 read zero before this boot extends them: after a reboot from a boot that
# extended them, this is what shows that the guest's reset was a TPM reset.
check_fresh() {
	local vals bad
	vals=$(pcr_values sha256:16,23)
	bad=$(echo "$vals" | awk -v z="$ZERO64" '$2 != z { printf "%s=%s ", $1, $2 }')
	if [ "$(echo "$vals" | grep -c .)" != 2 ]; then
		result fresh 1 "tpm2_pcrread sha256:16,23: $(last_err "$W/err")"
		return
	fi
	[ -z "$bad" ]
	result fresh $? "${bad:-sha256 PCR 16 and 23 are zero before this boot extends them}"
}

unmark() {
	tpm2_nvundefine "$MARK" -C o 2>"$W/err"
	result nv-unmark $? "index $MARK undefined$(last_err "$W/err" | sed 's/^./: &/')"
}

run_tests() {
	local boot=1
	rm -rf "$W"
	mkdir -p "$W"
	[ -d /sys/kernel/security/tpm0 ] || mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
	if nv_defined "$MARK"; then
		boot=2
		echo "svsm-tpm boot 2 (NV index $MARK from an earlier boot is there)"
	else
		echo "svsm-tpm boot 1 (no NV index $MARK: a first boot, or NV did not survive the reset)"
	fi
	check_devices
	check_fresh
	check_getrandom
	check_pcrs_measured
	check_eventlog
	check_pcrextend
	check_ek
	check_ak
	check_quote
	check_nv
	check_seal
	print_pcrs
	if [ "$boot" = 1 ]; then
		mark_boot1
	else
		check_nv_persist
		unmark
		: >/run/svsm-tpm-boot2
	fi
	echo "svsm-tpm done $passed $failed"
	[ "$failed" = 0 ]
}

# bench_one NAME N CMD...: times N runs of CMD with svsm-tpmping; shows why on failure.
bench_one() {
	local name="$1" n="$2" us
	shift 2
	if us=$(svsm-tpmping time "$n" "$@"); then
		echo "svsm-tpmbench $name $us $n"
	else
		echo "svsm-tpmbench $name FAIL: $*"
		"$@" 2>&1 | tail -n 3
	fi
}

run_bench() {
	local n="$1" d nonce
	rm -rf "$W"
	mkdir -p "$W"
	echo "svsm-tpmbench start $n"
	d=$(echo "svsm-tpmbench" | sha256sum | awk '{print $1}')
	nonce=00112233445566778899aabbccddeeff
	tpm2_evictcontrol -C o -c "$AK_PERSIST" >/dev/null 2>&1
	if tpm2_createek -G ecc -c "$W/ek.ctx" >/dev/null 2>&1 &&
		tpm2_createak -C "$W/ek.ctx" -c "$W/ak.ctx" -G ecc -g sha256 -s ecdsa >/dev/null 2>&1 &&
		tpm2_evictcontrol -C o -c "$W/ak.ctx" "$AK_PERSIST" >/dev/null 2>&1; then
		:
	else
		echo "svsm-tpmbench setup FAIL: no ECC AK at $AK_PERSIST"
	fi
	bench_one pcrread "$n" tpm2_pcrread sha256:0,1,2,3,4,5,6,7
	bench_one pcrextend "$n" tpm2_pcrextend "16:sha256=$d"
	bench_one quote "$n" tpm2_quote -c "$AK_PERSIST" -l sha256:0,1,2,3,4,5,6,7 -q "$nonce" -g sha256
	bench_one createprimary "$n" tpm2_createprimary -C o -G ecc -c "$W/bp.ctx"
	svsm-tpmping ping $((n * 10)) /dev/tpm0 || echo "svsm-tpmbench roundtrip FAIL"
	tpm2_evictcontrol -C o -c "$AK_PERSIST" >/dev/null 2>&1
	echo "svsm-tpmbench done"
}

# svsm-tpm persist (svsm.tpmpersist=1): the two-run persistence test of the SVSM's state
# (make test-state). First run (no index PERSIST_NV): define it and write 32 random bytes, seal
# a secret to PCR 23's fresh value in an object made persistent at PERSIST_SEAL. Later runs
# (the index is there): read it back and unseal. Both print "svsm-tpm persist-data <hex>",
# "svsm-tpm ek-sha256 <hex>" and, on later runs, "svsm-tpm persist-unseal <secret>"; the
# driver compares them across the runs.
PERSIST_NV=0x01500020
PERSIST_SEAL=0x81000020
run_persist() {
	local why="" data out phase
	mkdir -p "$W"
	check_fresh
	if ! nv_defined "$PERSIST_NV"; then
		phase=write
		dd if=/dev/urandom of="$W/pdata" bs=32 count=1 2>/dev/null
		if ! tpm2_nvdefine "$PERSIST_NV" -C o -s 32 -a "ownerread|ownerwrite" >/dev/null 2>"$W/err"; then
			why="tpm2_nvdefine: $(last_err "$W/err")"
		elif ! tpm2_nvwrite "$PERSIST_NV" -C o -i "$W/pdata" 2>"$W/err"; then
			why="tpm2_nvwrite: $(last_err "$W/err")"
		elif ! tpm2_createprimary -C o -G ecc -c "$W/prim.ctx" >/dev/null 2>"$W/err" ||
			! tpm2_pcrread sha256:23 -o "$W/pcr23.bin" >/dev/null 2>"$W/err" ||
			! tpm2_createpolicy --policy-pcr -l sha256:23 -f "$W/pcr23.bin" -L "$W/pcr.policy" >/dev/null 2>"$W/err" ||
			! echo "svsm-tpm persistent secret" | tpm2_create -C "$W/prim.ctx" -L "$W/pcr.policy" -i- \
				-u "$W/seal.pub" -r "$W/seal.priv" >/dev/null 2>"$W/err" ||
			! tpm2_load -C "$W/prim.ctx" -u "$W/seal.pub" -r "$W/seal.priv" -c "$W/seal.ctx" >/dev/null 2>"$W/err" ||
			! tpm2_evictcontrol -C o -c "$W/seal.ctx" "$PERSIST_SEAL" >/dev/null 2>"$W/err"; then
			why="sealing to a persistent object: $(last_err "$W/err")"
		fi
	else
		phase=verify
		tpm2_nvread "$PERSIST_NV" -C o -s 32 -o "$W/pdata" 2>"$W/err" || why="tpm2_nvread: $(last_err "$W/err")"
		out=$(tpm2_unseal -c "$PERSIST_SEAL" -p pcr:sha256:23 2>"$W/err")
		echo "svsm-tpm persist-unseal $out"
		[ "$out" = "svsm-tpm persistent secret" ] || why="${why:+$why; }unseal of $PERSIST_SEAL gave '$out': $(last_err "$W/err")"
		# A change of the permanent state in this run too: the state's generation moves on,
		# so the image of the first run is older (the test's rollback case).
		if ! tpm2_nvdefine 0x01500021 -C o -s 8 -a "ownerread|ownerwrite" >/dev/null 2>"$W/err" ||
			! tpm2_nvundefine 0x01500021 -C o 2>"$W/err"; then
			why="${why:+$why; }a second NV index: $(last_err "$W/err")"
		fi
	fi
	data=$(xxd -p -c 64 "$W/pdata" 2>/dev/null)
	echo "svsm-tpm persist-data $data"
	[ -z "$why" ]
	result "persist-$phase" $? "${why:-index $PERSIST_NV and sealed object $PERSIST_SEAL}"
	check_ek
	echo "svsm-tpm done $passed $failed"
}

case "${1:-}" in
bench) run_bench "${2:-20}" ;;
persist) run_persist ;;
"") run_tests ;;
*) echo "usage: svsm-tpm [bench N | persist]" >&2; exit 2 ;;
esac
