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
echo

# The TPM banner: manufacturer (TPM2_PT_MANUFACTURER) and the SHA-256 of the ECC EK's
# TPMT_PUBLIC (tpm2_createek -u writes a TPM2B_PUBLIC: drop its 2-byte size), the digest
# the SVSM prints as "svsm-vtpm ek-sha256" in its attestation manifest.
if [ -c /dev/tpmrm0 ]; then
	export TPM2TOOLS_TCTI=device:/dev/tpmrm0
	manuf=$(tpm2_getcap properties-fixed 2>/dev/null |
		awk '/^TPM2_PT_MANUFACTURER:/ { m = 1; next } m && /value:/ { gsub(/"/, "", $2); print $2; exit }')
	d=$(mktemp -d)
	if tpm2_createek -G ecc -c "$d/ek.ctx" -u "$d/ek.pub" >/dev/null 2>&1; then
		ek=$(tail -c +3 "$d/ek.pub" | sha256sum | awk '{print $1}')
	else
		ek="(tpm2_createek -G ecc failed)"
	fi
	rm -rf "$d"
	echo "svsm-demo: TPM 2.0 at /dev/tpm0, manufacturer ${manuf:-unknown}"
	echo "svsm-demo: TPM EK (ECC P-256) sha256 $ek"
else
	echo "svsm-demo: no TPM (no /dev/tpmrm0)"
fi

# The SVSM's own log: the host console shows only its boot stages, the guest reads all of
# it through the SVSM's log device (docs/logging.md). Absent on bare QEMU.
if svsm-log status >/dev/null 2>&1; then
	echo "\$ svsm-log | tail -n 5"
	svsm-log | tail -n 5
fi
