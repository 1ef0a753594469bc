#!/usr/bin/env bash
# Benchmark: the same unmodified tpm2-tools loop (pcrextend, pcrread, quote with a
# persistent ECC AK) against build/tools/vtpm-server (mssim TCTI) and Debian's swtpm
# (swtpm TCTI), timed side by side in one run in alternating rounds. Prints
#   bench vtpm_server_vs_swtpm_ratio <swtpm_time / our_time> x
# plus per-iteration times on stderr. Both servers are always stopped (trap).
# Usage: tests/interop/bench-vs-swtpm.sh [path/to/vtpm-server] [iterations]
set -u

SERVER=$(realpath "${1:-build/tools/vtpm-server}")
ITER=${2:-20}
ROUNDS=2
T=30
WORK=$(mktemp -d /tmp/vtpm-bench.XXXXXX)
PIDS=()

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "bench-vs-swtpm: $*" >&2; exit 1; }
free_port() { # an even port whose successor is free too (checked by bash connect)
	local p
	for _ in $(seq 50); do
		p=$(( (RANDOM % 20000) * 2 + 20000 ))
		if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null &&
		   ! (exec 3<>/dev/tcp/127.0.0.1/$((p + 1))) 2>/dev/null; then
			echo "$p"; return 0
		fi
	done
	return 1
}
wait_ready() { # tcti
	for _ in $(seq 100); do
		TPM2TOOLS_TCTI=$1 timeout 5 tpm2_getrandom 4 >/dev/null 2>&1 && return 0
		TPM2TOOLS_TCTI=$1 timeout 5 tpm2_startup -c >/dev/null 2>&1
		sleep 0.05
	done
	return 1
}

# ours
P1=$(free_port) || die "no free port"
"$SERVER" --port "$P1" >"$WORK/ours.out" 2>&1 &
PIDS+=($!)
OURS="mssim:host=127.0.0.1,port=$P1"
# swtpm, as docs/reference/tpm-clients.md starts it
P2=$(free_port) || die "no free port"
mkdir -p "$WORK/swtpm-state"
swtpm socket --tpm2 --server "type=tcp,port=$P2,bindaddr=127.0.0.1" \
	--ctrl "type=tcp,port=$((P2 + 1)),bindaddr=127.0.0.1" \
	--tpmstate "dir=$WORK/swtpm-state" --flags not-need-init,startup-clear \
	>"$WORK/swtpm.out" 2>&1 &
PIDS+=($!)
SWTPM="swtpm:host=127.0.0.1,port=$P2"

cd "$WORK" || exit 1
setup() { # tcti name: startup, EK, AK made persistent at 0x81010002
	export TPM2TOOLS_TCTI=$1
	wait_ready "$1" || die "$2 did not come up"
	timeout $T tpm2_startup -c >/dev/null 2>&1
	timeout $T tpm2_createek -c "ek-$2.ctx" -G ecc -u "ek-$2.pub" >/dev/null &&
	timeout $T tpm2_flushcontext -t && timeout $T tpm2_flushcontext -s &&
	timeout $T tpm2_createak -C "ek-$2.ctx" -c "ak-$2.ctx" -G ecc -g sha256 -s ecdsa \
		-u "ak-$2.pub" >/dev/null &&
	timeout $T tpm2_flushcontext -t && timeout $T tpm2_flushcontext -s &&
	timeout $T tpm2_evictcontrol -C o -c "ak-$2.ctx" 0x81010002 >/dev/null &&
	timeout $T tpm2_flushcontext -t || die "$2 setup failed"
}
cpu_ns() { # CPU time of every thread of process $1, from /proc/PID/task/*/schedstat
	local s=0 t
	for t in /proc/"$1"/task/*/schedstat; do s=$((s + $(cut -d' ' -f1 "$t"))); done
	echo "$s"
}
loop() { # tcti iterations -> elapsed ns on stdout
	local t0 t1 i
	export TPM2TOOLS_TCTI=$1
	t0=$(date +%s%N)
	for i in $(seq "$2"); do
		timeout $T tpm2_pcrextend "16:sha256=$(printf '%064x' "$i")" >/dev/null &&
		timeout $T tpm2_pcrread sha256:0,16 >/dev/null &&
		timeout $T tpm2_quote -c 0x81010002 -l sha256:0,16 -q 0011223344556677 \
			-m q.msg -s q.sig -o q.pcrs -g sha256 >/dev/null ||
		{ echo "bench-vs-swtpm: loop failed on $1" >&2; return 1; }
	done
	t1=$(date +%s%N)
	echo $((t1 - t0))
}

setup "$OURS" ours
setup "$SWTPM" swtpm
loop "$OURS" 2 >/dev/null || exit 1	# warm both page caches and code paths
loop "$SWTPM" 2 >/dev/null || exit 1
OURS_NS=0
SWTPM_NS=0
OURS_CPU=0
SWTPM_CPU=0
PER=$((ITER / ROUNDS))
for _ in $(seq $ROUNDS); do
	c0=$(cpu_ns "${PIDS[0]}")
	n=$(loop "$OURS" $PER) || exit 1; OURS_NS=$((OURS_NS + n))
	OURS_CPU=$((OURS_CPU + $(cpu_ns "${PIDS[0]}") - c0))
	c0=$(cpu_ns "${PIDS[1]}")
	n=$(loop "$SWTPM" $PER) || exit 1; SWTPM_NS=$((SWTPM_NS + n))
	SWTPM_CPU=$((SWTPM_CPU + $(cpu_ns "${PIDS[1]}") - c0))
done
N=$((PER * ROUNDS))
BASE0=$(date +%s%N)
for _ in $(seq $((N * 3))); do tpm2_print --help >/dev/null 2>&1; done
BASE_NS=$(( $(date +%s%N) - BASE0 ))
awk -v o="$OURS_NS" -v s="$SWTPM_NS" -v n="$N" -v oc="$OURS_CPU" -v sc="$SWTPM_CPU" -v b="$BASE_NS" 'BEGIN {
	printf "  vtpm-server: %.2f ms per iteration (pcrextend+pcrread+quote, %d iterations), server CPU %.0f us\n", o / n / 1e6, n, oc / n / 1e3 > "/dev/stderr";
	printf "  swtpm:       %.2f ms per iteration, server CPU %.0f us\n", s / n / 1e6, sc / n / 1e3 > "/dev/stderr";
	printf "  tpm2-tools process start alone (3 x tpm2_print --help): %.2f ms per iteration\n", b / n / 1e6 > "/dev/stderr";
	printf "bench vtpm_server_vs_swtpm_ratio %.2f x\n", s / o;
	printf "bench vtpm_server_vs_swtpm_cpu_ratio %.2f x\n", (oc > 0 ? sc / oc : 0) }'
