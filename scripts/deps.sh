#!/usr/bin/env bash
# Installs the Debian 12 packages this project needs, only those missing, and never upgrades
# a package the user already has. Silent when everything is present; says clearly what it
# does, and what failed when it cannot install. The list below is the single place that names
# the project's packages (`make test-fresh` proves it complete on a fresh Debian 12 root).
# Usage: scripts/deps.sh             the project's packages
#        scripts/deps.sh PACKAGE...  these packages instead (e.g. debootstrap for test-fresh)
set -euo pipefail

# Build tools, clang + libFuzzer runtime, QEMU, OVMF, libcrypto, libtpms, TPM clients
# (tpm2-tools, IBM TSS), swtpm for the benchmark, python3 for test servers and checks,
# coreutils and procps for timeout, sha384sum and pkill; cpio to pack the guest OS initramfs
# (scripts/guest-os.sh; its packages come from the archive by apt-get download, not here).
# python3-jwcrypto: the test KBS (tests/kbs/) makes its JWE replies with it, independently of the SVSM.
# libc6-dev: libc.a for the static svsm-hostile in the guest OS initramfs.
# gdb: the debugger `make test-gdb` drives against the debug image's GDB stub (docs/gdb.md).
# mmdebstrap: the Debian 13 root that holds the second QEMU, QEMU=trixie (scripts/qemu-bin.sh;
# as root, or as a user through unshare, which needs uidmap and /etc/subuid entries).
# efitools and openssl: tests/uefi/make-payloads.sh makes the Secure Boot keys and signed
# variable updates (docs/uefi-mm.md).
PACKAGES=(
	make gcc binutils libc6-dev
	clang libclang-rt-14-dev
	qemu-system-x86
	ovmf
	libssl-dev
	libtpms-dev
	tpm2-tools libtss2-tcti-mssim0
	tss2
	swtpm swtpm-tools
	python3
	python3-jwcrypto
	coreutils procps
	cpio
	mmdebstrap
	efitools openssl gdb
)
[ $# -gt 0 ] && PACKAGES=("$@")

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

missing=()
for p in "${PACKAGES[@]}"; do
	installed "$p" || missing+=("$p")
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
export DEBIAN_FRONTEND=noninteractive LC_ALL=C
log=$(mktemp /tmp/svsm-deps.XXXXXX.log)

# A fresh image may have no package lists yet: fetch them when a package has no candidate.
for p in "${missing[@]}"; do
	policy=$(apt-cache policy "$p" 2>/dev/null || true)
	if ! grep -q 'Candidate: [^(]' <<<"$policy"; then
		echo "deps: no package lists for $p; running apt-get update"
		"${sudo[@]}" apt-get update >>"$log" 2>&1 || {
			echo "deps: error: apt-get update failed (log: $log)" >&2
			tail -n 20 "$log" >&2
			exit 1
		}
		break
	fi
done

# A package built from the same source as one already installed (libssl-dev beside the
# user's libssl3) is asked for at the installed version when the archive serves it, so that
# its exact-version dependency does not upgrade the installed one.
request=()
for p in "${missing[@]}"; do
	src=$(apt-cache show --no-all-versions "$p" 2>/dev/null |
		awk '/^Package:/ && !pkg {pkg = $2} /^Source:/ && !src {src = $2}
			END {print (src ? src : pkg)}')
	have=$(dpkg-query -W -f='${db:Status-Abbrev} ${source:Package} ${Version}\n' 2>/dev/null |
		awk -v s="$src" '$1 == "ii" && $2 == s && !v {v = $3} END {print v}')
	served=$(apt-cache madison "$p" 2>/dev/null | awk '{print $3}')
	if [ -n "$have" ] && grep -qxF "$have" <<<"$served"; then
		request+=("$p=$have")
	else
		request+=("$p")
	fi
done

# Refuse rather than upgrade what the user has: simulate first.
if ! sim=$(apt-get -s install -y --no-install-recommends "${request[@]}" 2>&1); then
	echo "deps: error: apt cannot install ${request[*]}:" >&2
	echo "$sim" | grep -E '^(E:| )' | head -n 20 >&2
	exit 1
fi
upgrades=$(echo "$sim" | awk '/^Inst / && $3 ~ /^\[/ {gsub(/[][]/, "", $3); print "  " $2 " " $3 " -> " substr($4, 2)}')
if [ -n "$upgrades" ]; then
	echo "deps: error: installing ${request[*]} would upgrade packages you already have:" >&2
	echo "$upgrades" >&2
	echo "deps: upgrade them yourself if you want that (apt-get install ${request[*]})," \
		"or install versions matching them" >&2
	exit 1
fi

if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${request[@]}" >>"$log" 2>&1; then
	echo "deps: error: could not install: ${request[*]} (log: $log)" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
rm -f "$log"
echo "deps: done"
