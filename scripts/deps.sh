#!/usr/bin/env bash
# Installs the Debian 12 packages this project needs, only those missing.
# Silent when everything is present; says clearly what failed when it cannot install.
# The list below is the single place that names the project's packages.
set -euo pipefail

# Build tools, clang + libFuzzer runtime, QEMU, OVMF, libcrypto, libtpms, TPM clients
# (tpm2-tools, IBM TSS), swtpm for the benchmark, coreutils for timeout and sha384sum.
PACKAGES=(
	make gcc binutils
	clang libclang-rt-14-dev
	qemu-system-x86
	ovmf
	libssl-dev
	libtpms-dev
	tpm2-tools libtss2-tcti-mssim0
	tss2
	swtpm swtpm-tools
	coreutils procps
)

missing=()
for p in "${PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing missing Debian packages: ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo=(sudo)
	else
		echo "deps: error: not root and sudo is not available; install as root:" >&2
		echo "  apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/svsm-deps.log 2>&1; then
	echo "deps: apt-get install failed, retrying after apt-get update" >&2
	if ! { "${sudo[@]}" apt-get update && "${sudo[@]}" apt-get install -y --no-install-recommends \
		"${missing[@]}"; } >>/tmp/svsm-deps.log 2>&1; then
		echo "deps: error: could not install: ${missing[*]} (log: /tmp/svsm-deps.log)" >&2
		tail -n 20 /tmp/svsm-deps.log >&2
		exit 1
	fi
fi
echo "deps: done"
