#!/bin/sh
# svsm-check: what the guest checks about itself in a test boot (svsm.check=1). One line
# "svsm-check <name> PASS|FAIL (<detail>)" per check, then "svsm-check done <passed> <failed>".
#   cpus    /proc/cpuinfo lists exactly svsm.cpus=N processors (N from the command line)
#   memory  MemTotal in /proc/meminfo is above 0
#   timer   /proc/uptime and jiffies advance over a one-second sleep
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

mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
[ "${mem_kb:-0}" -gt 0 ]
result memory $? "MemTotal ${mem_kb:-?} kB"

jiffies() { awk '/^jiffies:/ {print $2; exit}' /proc/timer_list 2>/dev/null; }
up_cs() { awk '{sub(/\./, "", $1); print $1 + 0}' /proc/uptime; }
u0=$(up_cs)
j0=$(jiffies)
sleep 1
u1=$(up_cs)
j1=$(jiffies)
ok=1
[ "$((u1 - u0))" -ge 50 ] && ok=0
if [ -n "$j0" ] && [ -n "$j1" ] && [ "$j1" -le "$j0" ]; then
	ok=1
fi
result timer $ok "uptime +$((u1 - u0))0 ms over sleep 1, jiffies ${j0:-?} -> ${j1:-?}"

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

echo "svsm-check done $passed $failed"
