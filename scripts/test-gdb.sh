#!/usr/bin/env bash
# GDB stub tier (docs/gdb.md), loopback only, every process under a timeout and cleaned up.
# 1. Symbols: build/svsm.elf and build/svsm-snp.elf contain no GDB stub (no symbol or string
#    of it); build/svsm-debug.elf does.
# 2. The release image refuses gdb=wait with a clear line and boots on.
# 3. Debug image, 3 CPUs, gdb=wait, the test guest making SVSM calls forever: Debian's gdb in
#    batch mode attaches, lists one thread per CPU, steps CPU 1 alone (vCont), breaks at
#    core_protocol_call, continues
#    there, reads an argument, globals and a local, next/step/finish, info registers, a
#    hardware breakpoint (hbreak) and a write watchpoint hit, Ctrl-C (gdb's `interrupt`)
#    stops the running SVSM with every CPU stopped, kill ends QEMU.
# 4. Debug image without gdb=wait: gdb attaches to the running SVSM and is killed (-9) while
#    the SVSM is stopped; a second gdb attaches, reads, detaches; the SVSM runs on; a third
#    attaches and kills it.
# KEEP=1 keeps the logs (gdb and QEMU output) in the temporary directory it names.
set -uo pipefail
case "${1:-}" in -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
rel=build/svsm.elf snp=build/svsm-snp.elf dbg=build/svsm-debug.elf guest=build/guest.bin
work=$(mktemp -d /tmp/svsm-test-gdb.XXXXXX)
qpid=""
declare -a calls
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
	if [ -n "${KEEP:-}" ]; then echo "test-gdb: logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "test-gdb: FAILED: $*" >&2; exit 1; }

# --- 1. symbols
for f in "$rel" "$snp" "$dbg" "$guest"; do [ -f "$f" ] || fail "$f missing (make all svsm-snp)"; done
# (nm's output is kept in a variable: `nm | grep -q` fails under pipefail when grep exits early)
for f in "$rel" "$snp"; do
	nmout=$(nm "$f") || fail "nm $f"
	syms=$(grep -ci 'gdb' <<<"$nmout")
	[ "$syms" -eq 0 ] || fail "$f has $syms GDB stub symbols: $(grep -i gdb <<<"$nmout" | head -n 3 | tr '\n' ' ')"
	grep -aq 'GDB stub on COM3' "$f" && fail "$f holds the stub's strings"
	grep -q ' T debug_init$' <<<"$nmout" || fail "$f lacks debug_init (debug_absent.c)"
done
nmout=$(nm "$dbg") || fail "nm $dbg"
for s in gdbstub_proto_handle_packet gdbstub_proto_rx_feed gdbstub_proto_frame debug_trap debug_poll; do
	grep -q " T $s\$" <<<"$nmout" || fail "$dbg lacks $s"
done
echo "test-gdb: symbols: $(basename "$rel") and $(basename "$snp") have no GDB stub symbol;" \
	"$(basename "$dbg") has $(grep -ci gdb <<<"$nmout")"

# --- 2. the release image refuses gdb=
log="$work/release.log"
scripts/qemu.sh --smp 1 --mem 256M --timeout 120 --append "log=info gdb=wait" "$rel" \
	>"$log" 2>&1
rc=$?
grep -aq 'debug: gdb= refused: this image has no GDB stub' "$log" ||
	{ cat "$log"; fail "release image: no refusal line for gdb=wait"; }
[ "$rc" -eq 33 ] || { cat "$log"; fail "release image with gdb=wait: QEMU status $rc, expected 33"; }
echo "test-gdb: release image: gdb=wait refused, boot went on (status $rc)"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# boot APPEND: start the debug image in the background with COM3 on a fresh port.
boot() {
	port=$(free_port)
	qlog="$work/qemu-$port.log"
	scripts/qemu.sh --smp 3 --mem 256M --timeout 300 --gdb-port "$port" \
		--append "log=info $1 guest_args=spin" "$dbg" -- \
		-fw_cfg "name=opt/svsm/guest,file=$guest" >"$qlog" 2>&1 &
	qpid=$!
}

wait_log() { # PATTERN SECONDS
	for _ in $(seq $(($2 * 10))); do
		grep -aq "$1" "$qlog" && return 0
		kill -0 "$qpid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# end_qemu: after gdb's kill QEMU must end by itself (isa-debug-exit 35).
end_qemu() {
	for _ in $(seq 100); do kill -0 "$qpid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$qpid" 2>/dev/null && fail "QEMU still runs after gdb's kill"
	wait "$qpid"
	local rc=$?
	qpid=""
	[ "$rc" -eq 35 ] || fail "QEMU status $rc after kill, expected 35 (see $qlog)"
}

expect() { # FILE PATTERN WHAT
	grep -aqE -- "$2" "$1" || { sed 's/^/  gdb| /' "$1"; fail "$3"; }
}

# --- 3. gdb=wait: breakpoints, step, variables, registers, threads, Ctrl-C
boot "gdb=wait"
wait_log 'debug: gdb=wait: waiting for the debugger' 120 ||
	{ cat "$qlog"; fail "the debug image did not wait for gdb"; }
out="$work/gdb1.out"
cat >"$work/gdb1.cmd" <<EOF
set pagination off
set confirm off
target remote 127.0.0.1:$port
info threads
python
for a in (0x8000000000000000, 0xffff900000000000):
    try:
        gdb.execute("x/2gx %#x" % a)
    except gdb.MemoryError as e:
        print("refused:", e)
end
print cpus_online
thread 2
stepi
stepi
info threads
thread 1
break core_protocol_call
continue
print call
print boot_info.cpu_count
print cpus_online
set \$saved_r15 = \$r15
set \$r15 = 0x5eed5eed
maint flush register-cache
printf "r15 now %#lx\\n", \$r15
set \$r15 = \$saved_r15
set var vcpus[0].calls = 7000000
print vcpus[0].calls
next
step
info locals
bt 3
finish
info registers rip rsp eflags cs
delete
hbreak vcpu_handle_call
set debug remote 1
continue
set debug remote 0
print v->apic_id
delete
watch -l vcpus[0].calls
continue
delete
python
import threading
threading.Timer(3.0, lambda: gdb.post_event(lambda: gdb.execute("interrupt"))).start()
end
continue
info threads
kill
EOF
timeout 240 gdb -batch -nx -x "$work/gdb1.cmd" "$dbg" >"$out" 2>&1
grc=$?
[ "$grc" -eq 124 ] && { sed 's/^/  gdb| /' "$out"; fail "gdb timed out"; }
grep -q 'did not stop' "$out" && { sed 's/^/  gdb| /' "$out"; fail "a CPU did not stop with the others"; }
expect "$out" '^\* 1 +Thread 1 \(CPU 0, APIC ID [0-9]+\) +debug_init' "gdb=wait: not stopped in debug_init on CPU 0"
expect "$out" '^  3 +Thread 3 \(CPU 2, APIC ID [0-9]+\)' "gdb=wait: CPU 2 is not a thread"
expect "$out" 'refused: Cannot access memory at address 0x8000000000000000' "non-canonical read not refused"
expect "$out" 'refused: Cannot access memory at address 0xffff900000000000' "unmapped read not refused"
expect "$out" '^\$1 = 3$' "the stub did not survive reads of bad addresses"
expect "$out" '^\* 2 +Thread 2 \(CPU 1, APIC ID [0-9]+\) ' "stepi of thread 2 did not leave it the current thread"
expect "$out" '^  1 +Thread 1 \(CPU 0, APIC ID [0-9]+\) +debug_init' "CPU 0 ran while thread 2 stepped"
expect "$out" 'hit Breakpoint 1, core_protocol_call \(v=.*call=6' "no stop at core_protocol_call"
expect "$out" '^\$2 = 6$' "argument 'call' not read"
expect "$out" '^\$3 = 3$' "global boot_info.cpu_count not read"
expect "$out" '^\$4 = 3$' "static global cpus_online not read"
expect "$out" '^r15 now 0x5eed5eed$' "register write (P/G) not read back"
expect "$out" '^\$5 = 7000000$' "memory write (M) not read back"
expect "$out" '^core_query_protocol \(r=0x' "step did not enter core_query_protocol"
expect "$out" '^min = [0-9]+$' "local variable 'min' of core_query_protocol not read"
expect "$out" '^core_protocol_call \(v=0x[0-9a-f]+ <vcpus>, .*core\.c:[0-9]+$' "finish did not return to core_protocol_call"
expect "$out" '^rip +0xffffffff8[0-9a-f]+ ' "info registers rip"
expect "$out" '^rsp +0xffff' "info registers rsp"
expect "$out" '^eflags +0x[0-9a-f]+ +\[' "info registers eflags"
expect "$out" '^cs +0x8 ' "info registers cs"
expect "$out" 'Hardware assisted breakpoint 2 at 0x' "hbreak not set"
expect "$out" 'Sending packet: \$Z1,[0-9a-f]+,1#' "hbreak not inserted as a hardware breakpoint (Z1)"
expect "$out" 'Packet received: T05thread:1;hwbreak:;' "no hwbreak stop reply"
expect "$out" 'hit Breakpoint 2, vcpu_handle_call \(' "hardware breakpoint not hit"
expect "$out" '^\$6 = 0$' "v->apic_id at the hardware breakpoint"
expect "$out" '^Old value = 700000[0-9]$' "the watchpoint did not see the written counter"
expect "$out" 'Hardware watchpoint [0-9]+: -location vcpus\[0\]\.calls' "watchpoint not set"
expect "$out" '^Old value = [0-9]+' "write watchpoint not hit"
expect "$out" 'received signal SIGINT' "Ctrl-C (interrupt) did not stop the SVSM"
threads=$(sed -n '/received signal SIGINT/,$p' "$out" | grep -cE '^[* ] +[0-9]+ +Thread [0-9]+ \(CPU [0-9]+, APIC ID [0-9]+\) ')
[ "$threads" -eq 3 ] || { sed 's/^/  gdb| /' "$out"; fail "after Ctrl-C $threads of 3 CPUs are stopped threads"; }
sed -n '/received signal SIGINT/,$p' "$out" | grep -q 'did not stop' &&
	{ sed 's/^/  gdb| /' "$out"; fail "a CPU did not stop"; }
end_qemu
grep -aq 'PANIC' "$qlog" && fail "the SVSM panicked (see $qlog)"
echo "test-gdb: gdb=wait: break, continue, args/globals/locals, next/step/finish, registers," \
	"hbreak, watch, Ctrl-C with 3 of 3 CPUs stopped, kill: passed"

# --- 4. attach to a running SVSM, detach, attach again
boot ""
wait_log '^\[guest\] test guest' 120 || { cat "$qlog"; fail "the debug image did not start the guest"; }
out="$work/gdb2.out"
# A debugger that dies while the SVSM is stopped (after it chose no-ack mode): the next one
# must still be able to attach.
gdb -batch -nx "$dbg" -ex "target remote 127.0.0.1:$port" -ex 'info threads' \
	-ex 'shell sleep 20' >"$out.0" 2>&1 &
gpid=$!
for _ in $(seq 300); do grep -q 'Thread 3' "$out.0" && break; sleep 0.1; done
kill -9 "$gpid" 2>/dev/null
wait "$gpid" 2>/dev/null
expect "$out.0" '^[* ] +3 +Thread 3 \(CPU 2' "attach 0 to the running SVSM: CPU 2 not listed"
for round in 1 2; do
	timeout 120 gdb -batch -nx "$dbg" -ex 'set pagination off' -ex 'set confirm off' \
		-ex "target remote 127.0.0.1:$port" -ex 'info threads' -ex 'print cpus_online' -ex 'print vcpus[0].calls' \
		-ex "$([ $round = 1 ] && echo detach || echo kill)" >"$out.$round" 2>&1
	expect "$out.$round" '^\$1 = 3$' "attach $round to the running SVSM: cpus_online not read"
	expect "$out.$round" '^[* ] +3 +Thread 3 \(CPU 2' "attach $round: CPU 2 not listed"
	calls[$round]=$(sed -n 's/^\$2 = \([0-9][0-9]*\)$/\1/p' "$out.$round")
	[ -n "${calls[$round]}" ] || { sed 's/^/  gdb| /' "$out.$round"; fail "attach $round: vcpus[0].calls not read"; }
	if [ "$round" = 1 ]; then
		expect "$out.$round" 'Remote target\) detached' "detach"
		sleep 2
		kill -0 "$qpid" 2>/dev/null || fail "the SVSM ended after detach"
	fi
done
end_qemu
[ "${calls[2]}" -gt "${calls[1]}" ] || fail "the SVSM served no call between detach and the next attach (${calls[1]} -> ${calls[2]})"
echo "test-gdb: attach to a running SVSM, debugger killed, re-attach, detach (it ran on: ${calls[1]} -> ${calls[2]} calls), attach again, kill: passed"
echo "test-gdb: passed"
