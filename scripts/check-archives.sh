#!/usr/bin/env bash
# Checks the Debian static archives the kernel links against the versions the glibc-ABI
# shim (kernel/libc/) was written for, and (with --undefined) that linked kernels have no
# undefined symbols, weak ones included (a weak undefined reference silently becomes 0).
# Usage: scripts/check-archives.sh                 check package versions and symbol inventory
#        scripts/check-archives.sh --undefined ELF...  check ELF files for undefined symbols
set -euo pipefail

# The versions the shim was written and tested against (docs/kernel-libc.md).
WANT_LIBTPMS="0.9.2-3.1+deb12u1"
WANT_LIBSSL="3.0.22-1~deb12u2"
LIBDIR=/usr/lib/x86_64-linux-gnu
# sha256 of the sorted list of external symbols all archive members reference (155 names;
# 141 of them are reached from the vTPM, plus getentropy which libcrypto references weakly).
WANT_INVENTORY=4d54bbbda398c648796a66b89173528e7d24f053f8bc0b0af94981b0bdb67af9

fail() {
	echo "check-archives: $*" >&2
	exit 1
}

if [ "${1:-}" = "--undefined" ]; then
	shift
	bad=0
	for elf in "$@"; do
		undef=$(nm "$elf" | awk '$1 ~ /^[Uwv]$/ {print $2}' | sort -u)
		if [ -n "$undef" ]; then
			echo "check-undefined: $elf has undefined symbols (add them to kernel/libc/):" >&2
			echo "$undef" | sed 's/^/  /' >&2
			bad=1
		fi
	done
	[ "$bad" -eq 0 ] || exit 1
	echo "check-undefined: no undefined symbols in $*"
	exit 0
fi

have_tpms=$(dpkg-query -W -f='${Version}' libtpms-dev 2>/dev/null || echo "not installed")
have_ssl=$(dpkg-query -W -f='${Version}' libssl-dev 2>/dev/null || echo "not installed")
if [ "$have_tpms" != "$WANT_LIBTPMS" ] || [ "$have_ssl" != "$WANT_LIBSSL" ]; then
	cat >&2 <<MSG
check-archives: the Debian archives differ from the ones kernel/libc/ was written for:
  libtpms-dev: have $have_tpms, shim written for $WANT_LIBTPMS
  libssl-dev:  have $have_ssl, shim written for $WANT_LIBSSL
What to do (docs/kernel-libc.md, "When Debian updates the archives"):
  1. make KVTPM_ARCHIVE_CHECK=symbols check-archives  (does the glibc symbol set change?)
  2. implement any new symbol in kernel/libc/ (real, or failing the way callers check),
  3. run make test-kernel and make bench-kvtpm, then update WANT_* in $0.
MSG
	[ "${KVTPM_ARCHIVE_CHECK:-}" = "symbols" ] || exit 1
fi

# Symbol inventory: what the archives need from outside themselves.
for a in libtpms.a libcrypto.a; do
	[ -f "$LIBDIR/$a" ] || fail "$LIBDIR/$a missing (apt-get install libtpms-dev libssl-dev)"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm -u "$LIBDIR/libtpms.a" "$LIBDIR/libcrypto.a" 2>/dev/null | awk 'NF == 2 {print $2}' |
	sort -u >"$tmp/undef"
nm --defined-only "$LIBDIR/libtpms.a" "$LIBDIR/libcrypto.a" 2>/dev/null |
	awk 'NF == 3 {print $3}' | sort -u >"$tmp/def"
comm -23 "$tmp/undef" "$tmp/def" | grep -v '^_GLOBAL_OFFSET_TABLE_$' >"$tmp/external" || true
have_inv=$(sha256sum <"$tmp/external" | cut -d' ' -f1)
if [ "$have_inv" != "$WANT_INVENTORY" ]; then
	echo "check-archives: the archives' external symbol inventory changed; it is now:" >&2
	tr '\n' ' ' <"$tmp/external" | fold -s -w 100 | sed 's/^/  /' >&2
	echo >&2
	fail "review the new symbols against kernel/libc/, then set WANT_INVENTORY=$have_inv"
fi
# No TLS, no .ctors/.fini_array surprises: the shim supports .init and .init_array only.
if objdump -h "$LIBDIR/libtpms.a" "$LIBDIR/libcrypto.a" 2>/dev/null |
	grep -qE ' \.(tdata|tbss|ctors|preinit_array)'; then
	fail "the archives now carry TLS or .ctors/.preinit_array sections the shim does not support"
fi
echo "check-archives: libtpms-dev $have_tpms, libssl-dev $have_ssl," \
	"$(wc -l <"$tmp/external") external symbols referenced by the archive members"
