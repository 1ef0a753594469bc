#!/bin/sh
# svsm-demo: a short look at the guest from inside (svsm.demo=1, or run it from the shell).
echo "svsm-demo: kernel $(uname -r), packages: $(tr '\n' ' ' </etc/svsm-packages)"
echo "\$ cat /proc/cpuinfo | grep -c processor"
grep -c processor /proc/cpuinfo
echo "\$ dmesg | head"
dmesg | head
echo "\$ uptime"
uptime
echo "\$ grep 'System RAM' /proc/iomem"
grep 'System RAM' /proc/iomem
echo "\$ ls /dev/tpm*"
ls /dev/tpm* 2>/dev/null || echo "(no TPM device)"
echo "\$ tpm2_getrandom --version"
tpm2_getrandom --version
echo "\$ tpm2_getrandom -T device:/dev/tpmrm0 --hex 8"
tpm2_getrandom -T device:/dev/tpmrm0 --hex 8 2>&1 | head -n 3
