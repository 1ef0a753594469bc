#!/bin/bash
# The attestation chain from inside the SVSM (make test-kbs-kernel): boots the test kernel
# with the proxy UART (COM2) on a UNIX socket served by tools/svsm-proxy, in front of the
# test KBS; the kernel test proxy_serial.fetch_through_com2 runs the KBS client through
# kernel/drivers/proxy_serial.c. Cases: the secret arrives; the KBS refuses; no COM2
# device. Every process is started here, bounded by timeout and killed by its PID.
set -u
KERNEL=${1:-build/svsm-test.elf}
PY=/usr/bin/python3
DIR=$(mktemp -d /tmp/svsm-kbsk.XXXXXX)
SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
PIDS=()
fail=0
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT

start() { # kbs args
	rm -f "$DIR/port" "$DIR/sock"
	timeout 200 "$PY" tests/kbs/kbs-server.py --port-file "$DIR/port" --secret-hex "$SECRET" "$@" \
		>>"$DIR/kbs.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 100); do [ -s "$DIR/port" ] && break; sleep 0.05; done
	timeout 200 tools/svsm-proxy/svsm-proxy --kbs "http://127.0.0.1:$(cat "$DIR/port")" \
		--listen "$DIR/sock" --once >>"$DIR/proxy.log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 100); do [ -S "$DIR/sock" ] && break; sleep 0.05; done
}
stop() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	PIDS=()
}
boot() { # name append [qemu args]
	local name=$1 append=$2 log="$DIR/$1.log"
	shift 2
	scripts/qemu.sh --smp 1 --mem 256M --timeout 90 \
		--append "log=info ktest=fetch_through_com2 $append" "$KERNEL" -- "$@" >"$log" 2>&1
	local rc=$?
	if [ "$rc" -eq 33 ] && grep -aq '^\[svsm-test\] proxy_serial.fetch_through_com2 PASS' "$log"; then
		echo "test-kbs-kernel: $name PASS ($(grep -a 'kbs-com2:' "$log" | tr -d '\r' | head -1))"
	else
		echo "test-kbs-kernel: $name FAIL (QEMU status $rc)"
		tail -15 "$log"
		fail=1
	fi
}
COM2=(-chardev "socket,id=svsmproxy,path=$DIR/sock,server=off"
	-device isa-serial,chardev=svsmproxy,iobase=0x2f8,irq=3)

start
boot secret-through-com2 "kbs_com2=ok kbs_secret=$SECRET kbs_gen=3" "${COM2[@]}"
stop
start --deny
boot kbs-refuses "kbs_com2=refused" "${COM2[@]}"
stop
boot no-com2-device "kbs_com2=absent"
if [ "$fail" -ne 0 ]; then
	echo "--- kbs log"; tail -20 "$DIR/kbs.log"; echo "--- proxy log"; tail -20 "$DIR/proxy.log"
	exit 1
fi
echo "test-kbs-kernel: 3 passed, 0 failed"
