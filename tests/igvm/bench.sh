#!/usr/bin/env bash
# bench-igvm: throughput of igvm-measure over an IGVM file vs sha384sum over the same
# bytes, measured side by side in one run (interleaved, best of N each). Prints
#   bench igvm_measure_vs_sha384sum_ratio <x> ratio
# where x = time(sha384sum) / time(igvm-measure) (> 1: igvm-measure is faster).
# Usage: tests/igvm/bench.sh BUILD_DIR
set -euo pipefail
BUILD=${1:-build}
T=$BUILD/tools
W=$BUILD/igvm-bench
MB=${IGVM_BENCH_MB:-96}
RUNS=${IGVM_BENCH_RUNS:-7}
mkdir -p "$W"
HERE=$(cd "$(dirname "$0")" && pwd)

if [ ! -f "$W/bench.igvm" ] || [ "$(stat -c %s "$W/payload.bin" 2>/dev/null || echo 0)" != $((MB << 20)) ]; then
	head -c $((MB << 20)) /dev/urandom >"$W/payload.bin"
	cat >"$W/kernel.S" <<EOS
	.section .note.Xen, "a"
	.p2align 2
	.long 4, 4, 18
	.asciz "Xen"
	.long pvh_entry
	.section .text, "ax"
	.globl pvh_entry
pvh_entry: hlt
	.section .data, "aw"
	.p2align 12
	.incbin "$W/payload.bin"
EOS
	gcc -c "$W/kernel.S" -o "$W/kernel.o"
	ld -nostdlib -static -z max-page-size=0x1000 --no-warn-rwx-segments \
		-T "$HERE/test_kernel.ld" "$W/kernel.o" -o "$W/kernel.elf"
	"$T/igvm-build" -o "$W/bench.igvm" -f /usr/share/ovmf/OVMF.fd "$W/kernel.elf"
fi
F=$W/bench.igvm

now() { date +%s%N; }
best_m=0
best_s=0
# Warm the page cache and check the tool works.
"$T/igvm-measure" "$F" >/dev/null
sha384sum "$F" >/dev/null
for _ in $(seq "$RUNS"); do
	t0=$(now); "$T/igvm-measure" "$F" >/dev/null; t1=$(now)
	sha384sum "$F" >/dev/null; t2=$(now)
	m=$((t1 - t0)); s=$((t2 - t1))
	if [ "$best_m" -eq 0 ] || [ "$m" -lt "$best_m" ]; then best_m=$m; fi
	if [ "$best_s" -eq 0 ] || [ "$s" -lt "$best_s" ]; then best_s=$s; fi
done
size=$(stat -c %s "$F")
awk -v s="$best_s" -v m="$best_m" -v n="$size" 'BEGIN {
	printf "# igvm-measure %.1f MB/s, sha384sum %.1f MB/s over %d bytes\n", n / (m / 1e3), n / (s / 1e3), n
	printf "bench igvm_measure_vs_sha384sum_ratio %.3f ratio\n", s / m }'
