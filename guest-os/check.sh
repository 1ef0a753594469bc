#!/bin/sh
# svsm-check: what the guest checks about itself in a test boot (svsm.check=1). One line
# "svsm-check <name> PASS|FAIL (<detail>)" per check, then "svsm-check done <passed> <failed>".
#   cpus    /proc/cpuinfo lists exactly svsm.cpus=N processors (N from the command line)
#   memory  MemTotal in /proc/meminfo is above 16 MiB and at most the System RAM in
#           /proc/iomem; with svsm.hole=START-END (hex, END exclusive) no System RAM
#           overlaps that range
#   timer   /proc/uptime and jiffies advance over a one-second sleep, and the LOC (local
#           timer) count in /proc/interrupts increases on every CPU
#   log     (with svsm.log=1: under the SVSM) svsm-log reads the SVSM's log ring through its
#           log device: its own SVSM's boot lines, the host-visible ones marked "host", and a
#           ring-only line ("mm: ..."); debug mode switches on and off again
#   tpm2    tpm2-tools runs (its libraries resolve) and its device TCTI library loads by
#           dlopen: getrandom succeeds on /dev/tpmrm0, or fails inside the device TCTI
passed=0
failed=0

result() {
	if [ "$2" = 0 ]; then
		echo "svsm-check $1 PASS ($3)"
		passed=$((passed + 1))
	else
		echo "svsm-check $1 FAIL ($3)"
		failed=$((failed + 1))
	fi
}

want=""
# shellcheck disable=SC2013 # the command line is words
for word in $(cat /proc/cmdline); do
	case "$word" in svsm.cpus=*) want="${word#svsm.cpus=}" ;; esac
done
have=$(grep -c '^processor' /proc/cpuinfo)
if [ -z "$want" ]; then
	result cpus 1 "no svsm.cpus=N on the command line; $have processors"
else
	[ "$have" = "$want" ]
	result cpus $? "$have processors, expected $want"
fi

# HEX: an awk function, hex("1fff") = 8191 (busybox awk has no strtonum).
HEX='function hex(s,   i, n) { n = 0; s = tolower(s)
	for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return n }
'
hole=""
# shellcheck disable=SC2013 # the command line is words
for word in $(cat /proc/cmdline); do
	case "$word" in svsm.hole=*) hole="${word#svsm.hole=}" ;; esac
done
mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
# System RAM in /proc/iomem (top-level lines), in kB, and the ranges overlapping the hole.
ram_kb=$(awk "$HEX"'/^[0-9a-f]+-[0-9a-f]+ : System RAM/ {
	split($1, r, "-"); t += hex(r[2]) - hex(r[1]) + 1 }
	END { printf "%.0f", t / 1024 }' /proc/iomem 2>/dev/null)
ok=1
detail="MemTotal ${mem_kb:-?} kB, System RAM ${ram_kb:-?} kB"
if [ "${mem_kb:-0}" -gt 16384 ] && { [ -z "$ram_kb" ] || [ "$ram_kb" = 0 ] || [ "$mem_kb" -le "$ram_kb" ]; }; then
	ok=0
fi
if [ -n "$hole" ]; then
	over=$(awk -v h="$hole" "$HEX"'BEGIN { split(h, x, "-"); hs = hex(x[1]); he = hex(x[2]) }
		/System RAM/ { sub(/^ +/, ""); split($1, r, "-")
			if (hex(r[1]) < he && hex(r[2]) >= hs) printf "%s ", $1 }' /proc/iomem)
	if [ -n "$over" ]; then
		ok=1 detail="$detail; System RAM $over overlaps svsm.hole=$hole"
	else
		detail="$detail; no System RAM in svsm.hole=$hole"
	fi
fi
result memory $ok "$detail"

jiffies() { awk '/^jiffies:/ {print $2; exit}' /proc/timer_list 2>/dev/null; }
up_cs() { awk '{sub(/\./, "", $1); print $1 + 0}' /proc/uptime; }
loc() { awk '$1 == "LOC:" { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) printf "%s ", $i }' /proc/interrupts; }
u0=$(up_cs)
j0=$(jiffies)
l0=$(loc)
sleep 1
u1=$(up_cs)
j1=$(jiffies)
l1=$(loc)
ok=1
[ "$((u1 - u0))" -ge 50 ] && ok=0
if [ -n "$j0" ] && [ -n "$j1" ] && [ "$j1" -le "$j0" ]; then
	ok=1
fi
# Every CPU's local timer ticked (a CPU in NO_HZ idle still takes a few per second).
stalled=$(awk -v a="$l0" -v b="$l1" 'BEGIN { n = split(a, x, " "); m = split(b, y, " ")
	if (n == 0 || n != m) { print "unreadable"; exit }
	for (i = 1; i <= n; i++) if (y[i] + 0 <= x[i] + 0) s = s " cpu" (i - 1); print s }')
[ -z "$stalled" ] || ok=1
result timer $ok "uptime +$((u1 - u0))0 ms over sleep 1, jiffies ${j0:-?} -> ${j1:-?}, LOC ${l0:-?}-> ${l1:-?}${stalled:+ stalled:$stalled}"

out=$(tpm2_getrandom -T device:/dev/tpmrm0 --hex 8 2>&1)
rc=$?
ok=1
if tpm2_getrandom --version >/dev/null 2>&1; then
	if [ "$rc" = 0 ]; then
		ok=0 detail="getrandom on /dev/tpmrm0: $out"
	elif echo "$out" | grep -q 'Tss2_Tcti_Device_Init'; then
		ok=0 detail="tools run, device TCTI loaded; $(ls /dev/tpmrm0 2>/dev/null || echo 'no /dev/tpmrm0')"
	else
		detail="device TCTI did not load: $(echo "$out" | head -n 1)"
	fi
else
	detail="tpm2_getrandom --version failed"
fi
result tpm2 $ok "$detail"

# The SVSM's log ring through its log device (paravisor mode: no SVSM calls).
want_log=0
# shellcheck disable=SC2013 # the command line is words
for word in $(cat /proc/cmdline); do
	case "$word" in svsm.log=1) want_log=1 ;; esac
done
if [ "$want_log" = 0 ]; then
	: # bare QEMU has no SVSM log device
elif command -v svsm-log >/dev/null 2>&1; then
	ring=$(svsm-log read 2>&1)
	rc=$?
	n=$(echo "$ring" | grep -c '' || true)
	ok=1
	if [ "$rc" = 0 ] && echo "$ring" | grep -q ' raw host SVSM: booting$' &&
		echo "$ring" | grep -q ' info host boot: [0-9]* CPUs online' &&
		echo "$ring" | grep -q ' info mm: SVSM memory'; then
		ok=0
	fi
	on=$(svsm-log debug on 2>&1)
	off=$(svsm-log debug off 2>&1)
	[ "$on" = "svsm-log debug on" ] && [ "$off" = "svsm-log debug off" ] || ok=1
	result log $ok "$n records read; $(svsm-log status 2>&1); switch: $on, $off"
else
	result log 1 "no svsm-log in the initramfs"
fi

echo "svsm-check done $passed $failed"
