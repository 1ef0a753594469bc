#!/usr/bin/env bash
# Runs the QEMU that the variable QEMU names, with the given arguments. Every script that
# starts QEMU runs `scripts/qemu-bin.sh ARGS...` where it would run `qemu-system-x86_64 ARGS...`;
# the QEMU process replaces this script (exec), so `timeout` and signals reach QEMU itself.
#   QEMU unset, empty or "host"  the host's qemu-system-x86_64 (Debian 12: QEMU 7.2)
#   QEMU=trixie                  Debian 13's QEMU (10.0) from a Debian 13 root that mmdebstrap
#                                builds once into ${XDG_CACHE_HOME:-~/.cache}/svsm-c/trixie-<key>
#                                (<key>: hash of its package list; rebuilt when that changes)
#                                and runs through the root's own dynamic loader: no chroot, no
#                                root needed, host paths (OVMF, kernels, sockets) work as given
#   QEMU=/path/qemu-system-x86_64  that binary (a path with a '/'), or a command name in PATH
# Usage: scripts/qemu-bin.sh QEMU-ARGS...
#        scripts/qemu-bin.sh --prepare   build the trixie root if it is missing (no-op otherwise)
#        scripts/qemu-bin.sh --describe  prepare, then print "qemu: <version> (<where>)"
# A root that cannot be built is an error (exit status 2, mmdebstrap's log named), never a
# fallback to another QEMU.
set -euo pipefail

die() { echo "qemu-bin: error: $*" >&2; exit 2; }

# The trixie root: suite, mmdebstrap variant and packages. Changing any of them changes the
# key, so the next run builds a new root and removes the old one.
ROOT_SUITE=trixie
ROOT_VARIANT=apt
ROOT_PACKAGES=(qemu-system-x86)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/svsm-c"
key=$(printf '%s\n' "$ROOT_SUITE" "$ROOT_VARIANT" "${ROOT_PACKAGES[@]}" | sha256sum | cut -c1-12)
root="$cache/$ROOT_SUITE-$key"

# root_build: builds $root under a lock (concurrent runs wait for one build). The root is
# made in a temporary directory and renamed when QEMU runs from it, so $root existing means
# it is complete.
root_build() {
	local tmp log lock_fd
	[ -d "$root" ] && return 0
	command -v mmdebstrap >/dev/null 2>&1 ||
		die "QEMU=$ROOT_SUITE needs mmdebstrap (Debian package mmdebstrap; run 'make deps')"
	mkdir -p "$cache"
	exec {lock_fd}>"$cache/$ROOT_SUITE.lock"
	flock "$lock_fd"
	if [ -d "$root" ]; then
		exec {lock_fd}>&-
		return 0
	fi
	tmp="$cache/.$ROOT_SUITE-$key.tmp.$$"
	log="$cache/$ROOT_SUITE-$key.log"
	rm -rf "$tmp"
	echo "qemu-bin: building the Debian $ROOT_SUITE root for QEMU=$ROOT_SUITE in $root" \
		"(mmdebstrap, about 300 MB; once)" >&2
	local inc
	inc=$(IFS=,; echo "${ROOT_PACKAGES[*]}")
	if ! mmdebstrap --variant="$ROOT_VARIANT" --include="$inc" "$ROOT_SUITE" "$tmp" \
		>"$log" 2>&1; then
		rm -rf "$tmp"
		tail -n 20 "$log" >&2
		die "mmdebstrap could not build the $ROOT_SUITE root (log: $log)"
	fi
	if ! run_in "$tmp" --version >>"$log" 2>&1; then
		rm -rf "$tmp"
		tail -n 5 "$log" >&2
		die "QEMU from the new $ROOT_SUITE root does not run (log: $log)"
	fi
	mv "$tmp" "$root"
	# Roots of an older package list.
	for old in "$cache/$ROOT_SUITE"-*; do
		if [ -d "$old" ] && [ "$old" != "$root" ]; then
			rm -rf "$old" "$old.log"
		fi
	done
	exec {lock_fd}>&-
	echo "qemu-bin: $ROOT_SUITE root ready: $(run_in "$root" --version | head -n 1)" >&2
}

# run_in ROOT ARGS...: QEMU from ROOT through ROOT's dynamic loader and libraries only
# (--inhibit-cache: never the host's ld.so.cache), with ROOT's firmware directories first
# (-L) and its modules. Firmware given by path (-bios /usr/share/ovmf/OVMF.fd) stays the
# host's.
run_in() {
	local r="$1" d
	local -a data=()
	shift
	for d in usr/share/qemu usr/share/seabios usr/lib/ipxe/qemu; do
		[ -d "$r/$d" ] && data+=(-L "$r/$d")
	done
	case "${1:-}" in --version | -version | --help | -help) data=() ;; esac
	QEMU_MODULE_DIR="$r/usr/lib/x86_64-linux-gnu/qemu" exec_or_run "$r/lib64/ld-linux-x86-64.so.2" \
		--inhibit-cache --library-path "$r/usr/lib/x86_64-linux-gnu:$r/lib/x86_64-linux-gnu" \
		"$r/usr/bin/qemu-system-x86_64" "${data[@]}" "$@"
}

# exec_or_run: exec when this is the final command, plain run inside root_build.
exec_or_run() {
	if [ "${QEMU_BIN_EXEC:-0}" = 1 ]; then
		exec "$@"
	fi
	"$@"
}

sel="${QEMU:-host}"
case "${1:-}" in
--prepare)
	[ "$sel" != "$ROOT_SUITE" ] || root_build
	exit 0
	;;
--describe)
	case "$sel" in
	"$ROOT_SUITE") root_build; where="Debian $ROOT_SUITE root $root" ;;
	host) where="host $(command -v qemu-system-x86_64 || echo 'qemu-system-x86_64: not found')" ;;
	*) where="QEMU=$sel" ;;
	esac
	echo "qemu: $(QEMU="$sel" "$0" --version | head -n 1) ($where)"
	exit 0
	;;
esac

QEMU_BIN_EXEC=1
case "$sel" in
host) exec qemu-system-x86_64 "$@" ;;
"$ROOT_SUITE")
	root_build
	run_in "$root" "$@"
	;;
*/*)
	[ -x "$sel" ] || die "QEMU=$sel is not an executable file"
	exec "$sel" "$@"
	;;
*)
	command -v "$sel" >/dev/null 2>&1 ||
		die "QEMU=$sel: not 'host', '$ROOT_SUITE', a path or a command in PATH"
	exec "$sel" "$@"
	;;
esac
