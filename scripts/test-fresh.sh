#!/usr/bin/env bash
# `make test-fresh`: proves the README's two commands work on a fresh Debian 12 machine.
# Creates a clean Debian 12 (bookworm) root under build/fresh/ with debootstrap, copies the
# tree in (the files git tracks, as they are in the working tree), and runs exactly
# `make run` and then `make check` inside it (chroot), printing each command's status. The
# root holds only debootstrap's minimal base plus `make`, which the two commands presuppose,
# so anything else the project needs must come from scripts/deps.sh.
# Needs root (debootstrap, chroot, mounts) and network access to the Debian archive.
# Environment: MIRROR (default http://deb.debian.org/debian), SECURITY_MIRROR (default
# http://deb.debian.org/debian-security), KEEP=1 keeps the root afterwards.
set -uo pipefail
case "${1:-}" in -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
cd "$(dirname "$0")/.."

MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}
base=$PWD/build/fresh
root=$base/root
log=$base/log

if [ "$(id -u)" -ne 0 ]; then
	echo "test-fresh: error: needs root (debootstrap, chroot and mounts)" >&2
	exit 1
fi
scripts/deps.sh debootstrap || exit 1

unmount_all() {
	for m in dev/pts dev proc sys; do
		mountpoint -q "$root/$m" && umount -l "$root/$m"
	done
	return 0
}
cleanup() {
	unmount_all
	[ "${KEEP:-0}" = 1 ] || rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

unmount_all
rm -rf "$root"
mkdir -p "$root" "$log"
echo "test-fresh: debootstrap bookworm (minbase + make) into $root"
if ! debootstrap --variant=minbase --include=make bookworm "$root" "$MIRROR" \
	>"$log/debootstrap.log" 2>&1; then
	echo "test-fresh: error: debootstrap failed (log: $log/debootstrap.log)" >&2
	tail -n 20 "$log/debootstrap.log" >&2
	exit 1
fi
# The suites a Debian 12 machine has: point releases, updates and security updates.
cat >"$root/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb $SECURITY_MIRROR bookworm-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

mkdir -p "$root/src"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$root/src"
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"

status=0
for cmd in "make run" "make check"; do
	name=${cmd// /-}
	start=$(date +%s)
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		TERM=dumb /bin/bash -c "cd /src && timeout 3600 $cmd" >"$log/$name.log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	if [ $rc -eq 0 ]; then
		echo "test-fresh: '$cmd' in a fresh Debian 12 root: passed (${secs} s)"
	else
		echo "test-fresh: '$cmd' in a fresh Debian 12 root: FAILED with status $rc" \
			"(${secs} s, log: $log/$name.log)"
		tail -n 25 "$log/$name.log" | sed 's/^/  | /'
		status=1
	fi
	grep -E '^deps: |test-e2e: passed|^=== make check|^\[guest\] [0-9]+ passed' "$log/$name.log" |
		sed 's/^/  /'
done
exit $status
