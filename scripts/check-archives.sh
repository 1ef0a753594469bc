#!/usr/bin/env bash
# Checks Debian's static archives (libtpms.a, libcrypto.a) against the kernel's glibc-ABI
# shim (kernel/libc/) by what matters, never by package version: the archives carry no
# section kind the shim cannot run (TLS, .ctors, .preinit_array); every external symbol they
# reference that the shim does not define is named (a warning, since a kernel that never
# links the member needing it is fine); and (--undefined) a linked kernel has no undefined
# symbol, weak ones included (a weak undefined reference silently becomes address 0). That
# last check is the gate: a missing shim symbol the kernel does link is an error, by name.
# Package versions are printed for the record only. See docs/kernel-libc.md.
#
# Usage:
#   scripts/check-archives.sh [--externals FILE] [SHIM-OBJECT...]
#       inspect the archives; with objects (the kernel's own), name the archives' external
#       symbols none of them defines; with --externals, record "symbol archive:member" lines
#       for the --undefined check to explain where a missing symbol comes from
#   scripts/check-archives.sh --undefined [--externals FILE] ELF...
#       fail, naming each one, if an ELF has an undefined symbol (in its symbol table, or
#       reported by ld in ELF.ldlog when the link left that log beside it)
set -euo pipefail
export LC_ALL=C

LIBDIR=${KVTPM_LIBDIR:-/usr/lib/x86_64-linux-gnu}
ARCHIVES=("$LIBDIR/libtpms.a" "$LIBDIR/libcrypto.a")

externals=""
if [ "${1:-}" = "--undefined" ]; then
	shift
	if [ "${1:-}" = "--externals" ]; then externals=$2; shift 2; fi
	bad=0
	for elf in "$@"; do
		# A static link resolves an unresolved strong reference to 0 and keeps no symbol
		# for it, so ld's own report (kept by mk/kernel.mk as ELF.ldlog) is read as well.
		undef=$({
			nm "$elf" | awk '$1 ~ /^[Uwv]$/ {print $2}'
			[ ! -f "$elf.ldlog" ] ||
				sed -n "s/.*undefined reference to \`\([^']*\)'.*/\1/p" "$elf.ldlog"
		} | sort -u)
		[ -z "$undef" ] && continue
		echo "check-undefined: error: $elf links symbols that nothing defines;" \
			"add each to kernel/libc/ (docs/kernel-libc.md):" >&2
		while read -r sym; do
			from=""
			if [ -n "$externals" ] && [ -f "$externals" ]; then
				from=$(awk -v s="$sym" '$1 == s {print $2}' "$externals" | head -n 3 |
					paste -sd, -)
			fi
			echo "  $sym${from:+  (referenced by $from)}" >&2
		done <<<"$undef"
		bad=1
	done
	[ "$bad" -eq 0 ] || exit 1
	echo "check-undefined: no undefined symbols in $*"
	exit 0
fi

if [ "${1:-}" = "--externals" ]; then externals=$2; shift 2; fi

version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "not installed"; }
for a in "${ARCHIVES[@]}"; do
	[ -f "$a" ] || {
		echo "check-archives: error: $a is missing (apt-get install libtpms-dev libssl-dev," \
			"or make deps)" >&2
		exit 1
	}
done

# Section kinds the shim cannot support: it runs .init and .init_array only, and has no TLS.
bad_sections=$(objdump -h "${ARCHIVES[@]}" 2>/dev/null | awk '
	/^In archive/ { arch = $3; sub(":$", "", arch) }
	/file format/ { member = $1; sub(":$", "", member) }
	$2 ~ /^\.(tdata|tbss|ctors|preinit_array)/ { print "  " member ": " $2 }' | sort -u)
if [ -n "$bad_sections" ]; then
	echo "check-archives: error: the archives carry sections the shim does not support" \
		"(TLS, .ctors or .preinit_array):" >&2
	echo "$bad_sections" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# "symbol archive:member" for every undefined reference of every member, and every symbol
# the archives define themselves; what is left is what the archives need from outside.
nm -A -u "${ARCHIVES[@]}" 2>/dev/null | awk 'NF == 3 && $2 == "U" {
	split($1, p, ":"); sub(".*/", "", p[1]); print $3, p[1] ":" p[2] }' |
	sort -u >"$tmp/refs"
nm --defined-only "${ARCHIVES[@]}" 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u >"$tmp/def"
awk '{print $1}' "$tmp/refs" | sort -u | comm -23 - "$tmp/def" |
	grep -v '^_GLOBAL_OFFSET_TABLE_$' >"$tmp/external" || true
if [ -n "$externals" ]; then
	mkdir -p "$(dirname "$externals")"
	join "$tmp/external" "$tmp/refs" >"$externals"
fi

missing=""
if [ $# -gt 0 ]; then
	nm --defined-only "$@" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[A-Z]$/ {print $3}' |
		sort -u >"$tmp/shim"
	missing=$(comm -23 "$tmp/external" "$tmp/shim")
fi

echo "check-archives: libtpms-dev $(version libtpms-dev), libssl-dev $(version libssl-dev):" \
	"$(wc -l <"$tmp/external") external symbols referenced by the archive members," \
	"$(if [ $# -gt 0 ]; then echo "$(grep -c . <<<"$missing" || true) not in the shim"; else echo "shim not checked"; fi)"
if [ -n "$missing" ]; then
	# Warnings only: a kernel that links a member needing one of these fails at the link,
	# where scripts/check-archives.sh --undefined names it with that member.
	echo "check-archives: warning: kernel/libc/ does not define these symbols the archives" \
		"reference (fine while no kernel links a member that needs them):" >&2
	while read -r sym; do
		printf '%s (%s) ' "$sym" "$(join <(echo "$sym") "$tmp/refs" | awk '{print $2}' |
			sed 's/^[^:]*:\(lib[a-z]*-lib-\|libtpms_[a-z0-9]*_la-\)\{0,1\}//' | head -n 2 |
			paste -sd, -)"
	done <<<"$missing" | fold -s -w 98 | sed 's/^/  /' >&2
	echo >&2
fi
exit 0
