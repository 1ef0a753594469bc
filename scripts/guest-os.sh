#!/usr/bin/env bash
# Builds the guest OS that runs under the SVSM (and on bare QEMU for the baseline) from
# Debian 12 packages, fetched by name with `apt-get download` and unpacked with `dpkg-deb -x`:
#   vmlinuz             Debian's kernel, from the package linux-image-amd64 depends on
#   initramfs.cpio.gz   busybox-static, tpm2-tools, the shared libraries they load (ELF
#                       NEEDED closure), the libtss2 TCTIs, the TPM kernel modules that are
#                       not built in (and msr, efivarfs), efibootmgr and efivar,
#                       guest-os/{init,check.sh,demo.sh,tpm-test.sh,uefi-test.sh},
#                       svsm-hostile, svsm-tpmping and svsm-log (guest-os/hostile/hostile.c,
#                       guest-os/tpmping/tpmping.c, guest-os/svsmlog/svsm-log.c, gcc -static)
# Downloaded .debs are cached in ${XDG_CACHE_HOME:-~/.cache}/svsm-c/debs/ under their
# name_version_arch.deb file names and checked against the archive's SHA256.
# Usage: scripts/guest-os.sh lock LOCKFILE      resolve package versions; rewrite LOCKFILE
#                                               only when they changed
#        scripts/guest-os.sh build LOCKFILE DIR download (if not cached) and build DIR/
#        scripts/guest-os.sh [DIR]              both (default DIR build/guest-os)
# Files: DIR/packages.lock "name version arch sha256" per package; DIR/initramfs.packages
# names the packages that contributed files to the initramfs. See docs/guest-os.md.
set -euo pipefail

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "guest-os: error: $*" >&2; exit 1; }

SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/svsm-c/debs"
# Packages the initramfs is built from; their library dependencies are resolved from
# Debian's metadata (Depends into Section: libs, recursively).
ROOT_PACKAGES=(busybox-static tpm2-tools libtss2-tcti-device0 libtss2-tcti-mssim0
	libtss2-tcti-swtpm0 libtss2-tcti-cmd0 libtss2-tctildr0 efibootmgr efivar)
# Kernel modules the TPM CRB device needs (with their dependencies), unless built in.
# msr: /dev/cpu/N/msr, which svsm-hostile needs (CONFIG_X86_MSR=m in Debian 12).
# efivarfs: /sys/firmware/efi/efivars for efibootmgr and efivar (svsm-uefi).
read -r -a MODULES <<<"${GUEST_OS_MODULES:-tpm tpm_crb msr efivarfs}"

for tool in apt-cache apt-get dpkg-deb cpio gzip readelf objcopy sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' is missing (run 'make deps')"
done

# apt-cache finds nothing before the first `apt-get update` on a fresh machine.
ensure_lists() {
	local policy
	policy=$(apt-cache policy linux-image-amd64 2>/dev/null || true)
	if ! grep -q 'Candidate: [^(]' <<<"$policy"; then
		[ "$(id -u)" -eq 0 ] || die "no Debian package lists; run 'apt-get update' as root"
		echo "guest-os: no package lists; running apt-get update"
		apt-get update >/dev/null 2>&1 || die "apt-get update failed"
	fi
}

# Each apt-cache run re-reads the package lists (about a second here), so the lock is
# resolved with three: the kernel's name, the dependency graph, the candidates' fields.
cmd_lock() {
	local lock="$1" kernel_pkg graph fields tmp
	kernel_pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	if [ -z "$kernel_pkg" ]; then
		ensure_lists
		kernel_pkg=$(apt-cache depends linux-image-amd64 |
			awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	fi
	[ -n "$kernel_pkg" ] || die "cannot resolve the package linux-image-amd64 depends on"
	# "pkg dep" edges, the first alternative of each group; virtual packages dropped.
	graph=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "${ROOT_PACKAGES[@]}" | awk '
		/^[^ ]/ { pkg = $1; alt = 0; next }
		/^ *\|Depends:/ { if (!alt && $2 !~ /^</) print pkg, $2; alt = 1; next }
		/^ *(Pre)?Depends:/ { if (!alt && $2 !~ /^</) print pkg, $2; alt = 0; next }
		{ alt = 0 }') || die "apt-cache depends failed for ${ROOT_PACKAGES[*]}"
	# "name version arch sha256 section" of each candidate.
	fields=$( { echo "$kernel_pkg"; printf '%s\n' "${ROOT_PACKAGES[@]}"; awk '{print $1; print $2}' <<<"$graph"; } |
		sort -u | xargs apt-cache show --no-all-versions | awk '
		/^Package:/ {p = $2} /^Version:/ {v = $2} /^Architecture:/ {a = $2}
		/^SHA256:/ {h = $2} /^Section:/ {s = $2}
		/^$/ { if (p) print p, v, a, h, s; p = v = a = h = s = "" }
		END { if (p) print p, v, a, h, s }') || die "apt-cache show failed"
	tmp="$lock.tmp.$$"
	mkdir -p "$(dirname "$lock")"
	# The roots, then every dependency reached through packages in Section libs.
	awk -v roots="${ROOT_PACKAGES[*]}" -v kernel="$kernel_pkg" '
		FILENAME == "-" && NF == 5 { f[$1] = $1 " " $2 " " $3 " " $4; sec[$1] = $5; next }
		FILENAME != "-" { dep[$1] = dep[$1] " " $2; next }
		END {
			n = split(roots, q, " ")
			for (i = 1; i <= n; i++) take[q[i]] = 1
			for (i = 1; i <= n; i++) {
				m = split(dep[q[i]], d, " ")
				for (j = 1; j <= m; j++)
					if (sec[d[j]] == "libs" && !(d[j] in take)) { take[d[j]] = 1; q[++n] = d[j] }
			}
			print "# guest-os packages: name version arch sha256 (scripts/guest-os.sh lock)"
			if (!(kernel in f)) { print "no fields for " kernel > "/dev/stderr"; exit 1 }
			print f[kernel]
			fflush()
			for (p in take) {
				if (!(p in f)) { print "no fields for " p > "/dev/stderr"; exit 1 }
				print f[p] | "LC_ALL=C sort"
			}
			close("LC_ALL=C sort")
		}' - <(echo "$graph") <<<"$fields" >"$tmp" ||
		{ rm -f "$tmp"; die "apt-cache did not show every package"; }
	if cmp -s "$tmp" "$lock"; then
		rm -f "$tmp"
	else
		mv "$tmp" "$lock"
		echo "guest-os: resolved $(grep -vc '^#' "$lock") packages into $lock"
	fi
}

deb_name() { echo "${1}_${2//:/%3a}_${3}.deb"; }

# Downloads the lock's packages that the cache lacks; each file is checked against the
# archive's SHA256 in a private directory before it is moved into the cache.
fetch_debs() {
	local lock="$1" name v a h f p missing=() failed=() dl got
	mkdir -p "$CACHE_DIR"
	while read -r name v a h; do
		[ -f "$CACHE_DIR/$(deb_name "$name" "$v" "$a")" ] || missing+=("$name=$v")
	done < <(grep -v '^#' "$lock")
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "guest-os: downloading ${#missing[@]} packages into $CACHE_DIR"
	dl=$(mktemp -d "$CACHE_DIR/.download.XXXXXX")
	# _apt must be able to write the directory, or apt warns that it runs unsandboxed.
	chmod 0777 "$dl"
	failed=()
	if ! (cd "$dl" && apt-get download "${missing[@]}" >"$dl/log" 2>&1); then
		# Retry one at a time so that the message names the packages that failed and the
		# others still reach the cache.
		for p in "${missing[@]}"; do
			if ! (cd "$dl" && apt-get download "$p" >"$dl/log" 2>&1); then
				grep -v 'W: Download is performed unsandboxed' "$dl/log" | sed 's/^/  /' >&2 || true
				failed+=("${p%%=*} ${p#*=}")
			fi
		done
	fi
	while read -r name v a h; do
		f=$(deb_name "$name" "$v" "$a")
		if [ -f "$CACHE_DIR/$f" ] || [ ! -f "$dl/$f" ]; then
			continue
		fi
		got=$(sha256sum "$dl/$f" | awk '{print $1}')
		if [ "$got" != "$h" ]; then
			failed+=("$name $v (SHA256 $got, the archive says $h)")
			continue
		fi
		chmod 0644 "$dl/$f"
		mv "$dl/$f" "$CACHE_DIR/$f"
	done < <(grep -v '^#' "$lock")
	rm -rf "$dl"
	if [ ${#failed[@]} -gt 0 ]; then
		printf 'guest-os: error: could not download package %s\n' "${failed[@]}" >&2
		die "${#failed[@]} package(s) missing (still in the archive? run 'apt-get update' and retry)"
	fi
	while read -r name v a h; do
		[ -f "$CACHE_DIR/$(deb_name "$name" "$v" "$a")" ] ||
			die "apt-get download left no $(deb_name "$name" "$v" "$a") for package $name"
	done < <(grep -v '^#' "$lock")
}

# Copies package files into the staging root: reads "pkg path" lines, one cp per package
# (the root's /lib is a link into /usr, so lib/... lands in usr/lib/...). Records each
# package as a contributor.
stage_files() {
	local pkg path cur="" paths=()
	flush() {
		[ -n "$cur" ] || return 0
		(cd "$PKGS/$cur" && cp -a --parents "${paths[@]}" "$ROOT/") ||
			die "cannot copy ${paths[*]} from package $cur"
		echo "$cur" >>"$CONTRIB"
	}
	while read -r pkg path; do
		if [ "$pkg" != "$cur" ]; then
			flush
			cur="$pkg"
			paths=()
		fi
		paths+=("$path")
	done < <(sort -u)
	flush
}

# Resolves requests (a library soname, or an absolute path such as the ELF interpreter)
# against the index of unpacked package files and prints "pkg path" for the file and every
# link on its way to the real file. A request nothing holds is an error naming it.
resolve_files() {
	awk -F'\t' -v index_file="$INDEX" '
	function norm(p,   n, i, out, parts, k) {
		n = split(p, parts, "/"); k = 0
		for (i = 1; i <= n; i++) {
			if (parts[i] == "" || parts[i] == ".") continue
			if (parts[i] == "..") { if (k > 0) k--; continue }
			out[++k] = parts[i]
		}
		p = ""
		for (i = 1; i <= k; i++) p = p (i > 1 ? "/" : "") out[i]
		sub(/^usr\//, "", p)	# merged /usr: /lib/x and /usr/lib/x are one file
		return p
	}
	BEGIN {
		while ((getline line < index_file) > 0) {
			split(line, f, "\t")
			key = f[1]; type[key] = f[2]; target[key] = f[3]
			pkg = key; sub(/\/.*/, "", pkg); path = substr(key, length(pkg) + 2)
			n = norm(path)
			if (!(n in bypath)) bypath[n] = key
			base = path; sub(/.*\//, "", base)
			if (path ~ /(^|\/)lib[^\/]*\// && !(base in byname)) byname[base] = key
		}
	}
	{
		req = $1
		key = (req ~ /^\//) ? bypath[norm(req)] : byname[req]
		if (key == "") { print "guest-os: error: no downloaded package holds " req > "/dev/stderr"; bad = 1; next }
		for (hops = 0; hops < 16; hops++) {
			pkg = key; sub(/\/.*/, "", pkg); path = substr(key, length(pkg) + 2)
			print pkg, path
			if (type[key] != "l") break
			t = target[key]
			dir = path; sub(/\/[^\/]*$/, "", dir)
			next_key = bypath[norm(t ~ /^\// ? t : dir "/" t)]
			if (next_key == "") { print "guest-os: error: no downloaded package holds " t " (link " key ")" > "/dev/stderr"; bad = 1; break }
			key = next_key
		}
	}
	END { exit bad }'
}

# Stages the shared libraries (and the interpreter) that the ELF files in the root need,
# read from their NEEDED entries and PT_INTERP, until nothing is missing.
stage_needed() {
	local files=() req missing resolved
	INDEX="$out/files.index"
	(cd "$PKGS" && find . -path "./$kpkg" -prune -o \( -type f -o -type l \) -printf '%P\t%y\t%l\n' |
		LC_ALL=C sort) >"$INDEX"
	mapfile -t files < <(find "$ROOT/usr" -type f)
	while [ ${#files[@]} -gt 0 ]; do
		missing=()
		while read -r req; do
			case "$req" in
			/*) [ -e "$ROOT$req" ] || missing+=("$req") ;;
			*) [ -e "$ROOT/usr/lib/x86_64-linux-gnu/$req" ] || missing+=("$req") ;;
			esac
		done < <(readelf -dlW "${files[@]}" 2>/dev/null | awk '
			/\(NEEDED\)/ { gsub(/[][]/, "", $NF); print $NF }
			/Requesting program interpreter:/ { sub(/.*interpreter: /, ""); sub(/]$/, ""); print }' |
			sort -u)
		[ ${#missing[@]} -gt 0 ] || break
		resolved=$(printf '%s\n' "${missing[@]}" | resolve_files) ||
			die "a library the initramfs needs is in no downloaded package (see above)"
		stage_files <<<"$resolved"
		mapfile -t files < <(awk -v root="$ROOT" '{ f = root "/" $2; print f }' <<<"$resolved" |
			while read -r f; do [ -L "$f" ] || echo "$f"; done)
	done
}

# depends= of a module file, from its .modinfo section.
module_depends() {
	objcopy -O binary --only-section=.modinfo "$1" /dev/stdout 2>/dev/null |
		tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '
}

# Stages MODULES and their dependencies from the kernel package; writes the load order.
stage_modules() {
	local kpkg="$1" kver="$2" mdir m f d order=() seen=" " unpacked=0
	mdir="lib/modules/$kver"
	visit() {
		local m="$1" f d
		case "$seen" in *" $m "*) return ;; esac
		seen+="$m "
		if grep -Eq "/${m//_/[_-]}\.ko$" "$PKGS/$kpkg/$mdir/modules.builtin"; then
			echo "guest-os: module $m is built into the kernel"
			return
		fi
		if [ "$unpacked" = 0 ]; then
			dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C "$PKGS/$kpkg" --wildcards "./$mdir/kernel/*" ||
				die "cannot unpack the modules of $kpkg"
			unpacked=1
		fi
		f=$(cd "$PKGS/$kpkg/$mdir" && find kernel -name "$m.ko" -o -name "${m//_/-}.ko" | head -n 1)
		[ -n "$f" ] || die "module $m is neither built in nor in $kpkg"
		for d in $(module_depends "$PKGS/$kpkg/$mdir/$f"); do visit "$d"; done
		echo "$kpkg $mdir/$f" | stage_files
		order+=("/$mdir/$f")
	}
	for m in "${MODULES[@]}"; do visit "$m"; done
	mkdir -p "$ROOT/etc"
	printf '%s\n' "${order[@]+"${order[@]}"}" >"$ROOT/etc/svsm-modules"
	cp "$PKGS/$kpkg/$mdir/modules.builtin" "$ROOT/etc/svsm-modules.builtin"
}

cmd_build() {
	local lock="$1" out="$2" name v a h kpkg kver f t0
	[ -f "$lock" ] || die "no lock file $lock (run scripts/guest-os.sh lock $lock)"
	out=$(realpath -m "$out")
	t0=$(date +%s%N)
	mkdir -p "$out"
	# A failed build leaves no output that looks valid.
	rm -f "$out/vmlinuz" "$out/initramfs.cpio.gz" "$out/initramfs.packages"
	fetch_debs "$lock"

	PKGS="$out/pkgs"
	ROOT="$out/root"
	CONTRIB="$out/contrib.tmp"
	rm -rf "$PKGS" "$ROOT" "$CONTRIB"
	mkdir -p "$PKGS"
	# The kernel package (the lock's first line) is 70 MB of xz holding 400 MB of modules:
	# unpack only the image and the module lists, on the other core while the small
	# packages are unpacked and staged (stage_modules unpacks modules if it needs any).
	read -r kpkg v a h < <(grep -v '^#' "$lock")
	kver=${kpkg#linux-image-}
	KDEB="$CACHE_DIR/$(deb_name "$kpkg" "$v" "$a")"
	mkdir -p "$PKGS/$kpkg"
	dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C "$PKGS/$kpkg" --wildcards \
		"./boot/vmlinuz-$kver" "./lib/modules/$kver/modules.builtin" &
	kpid=$!
	while read -r name v a h; do
		dpkg-deb -x "$CACHE_DIR/$(deb_name "$name" "$v" "$a")" "$PKGS/$name" ||
			die "cannot unpack package $name $v"
	done < <(grep -v '^#' "$lock" | tail -n +2)

	# A merged-/usr root: /bin, /sbin, /lib, /lib64 are links into /usr.
	mkdir -p "$ROOT"/{usr/bin,usr/sbin,usr/lib,usr/lib64,dev,proc,sys,tmp,run,root,etc}
	for d in bin sbin lib lib64; do ln -s "usr/$d" "$ROOT/$d"; done

	echo "busybox-static bin/busybox" | stage_files
	# Applet links from the busybox binary itself (static, so it runs on the build host);
	# perl (Essential in Debian) makes the ~270 links in one process.
	"$ROOT/bin/busybox" --list-full | perl -e 'chdir shift or die; while (<STDIN>) {
		chomp; s,^/,,; next if -e $_ || -l $_;
		symlink("/bin/busybox", $_) or die "guest-os: symlink $_: $!\n" }' "$ROOT" ||
		die "cannot make the busybox applet links"
	(cd "$PKGS/tpm2-tools" && find usr/bin -mindepth 1 | sed 's/^/tpm2-tools /') | stage_files
	# UEFI variables from Linux (svsm-uefi, docs/uefi-vars.md).
	printf 'efibootmgr %s\n' $(cd "$PKGS/efibootmgr" && find bin usr/bin -name efibootmgr 2>/dev/null) | stage_files
	echo "efivar usr/bin/efivar" | stage_files
	for p in libtss2-tcti-device0 libtss2-tcti-mssim0 libtss2-tcti-swtpm0 libtss2-tcti-cmd0; do
		(cd "$PKGS/$p" && find . -name 'libtss2-tcti-*.so*' | sed "s,^\./,$p ,")
	done | stage_files
	stage_needed
	wait "$kpid" || die "cannot unpack package $kpkg"
	[ -f "$PKGS/$kpkg/boot/vmlinuz-$kver" ] || die "$kpkg has no /boot/vmlinuz-$kver"
	stage_modules "$kpkg" "$kver"

	install -m 0755 "$SRC_DIR/guest-os/init" "$ROOT/init"
	install -m 0755 "$SRC_DIR/guest-os/check.sh" "$ROOT/usr/bin/svsm-check"
	install -m 0755 "$SRC_DIR/guest-os/demo.sh" "$ROOT/usr/bin/svsm-demo"
	install -m 0755 "$SRC_DIR/guest-os/tpm-test.sh" "$ROOT/usr/bin/svsm-tpm"
	install -m 0755 "$SRC_DIR/guest-os/uefi-test.sh" "$ROOT/usr/bin/svsm-uefi"
	# svsm-hostile: static, built with the host gcc against Debian's libc6-dev libc.a.
	${CC:-gcc} -static -O2 -Wall -Wextra -Werror -o "$out/svsm-hostile" \
		"$SRC_DIR/guest-os/hostile/hostile.c" || die "cannot build svsm-hostile (libc6-dev installed?)"
	install -m 0755 "$out/svsm-hostile" "$ROOT/usr/bin/svsm-hostile"
	# svsm-tpmping: TPM round trips on /dev/tpm0 and a timer for the TPM benchmark.
	${CC:-gcc} -static -O2 -Wall -Wextra -Werror -o "$out/svsm-tpmping" \
		"$SRC_DIR/guest-os/tpmping/tpmping.c" || die "cannot build svsm-tpmping (libc6-dev installed?)"
	install -m 0755 "$out/svsm-tpmping" "$ROOT/usr/bin/svsm-tpmping"
	# svsm-log: reads the SVSM's log ring through its log device (docs/logging.md).
	${CC:-gcc} -static -O2 -Wall -Wextra -Werror -I"$SRC_DIR/include" -o "$out/svsm-log" \
		"$SRC_DIR/guest-os/svsmlog/svsm-log.c" || die "cannot build svsm-log (libc6-dev installed?)"
	install -m 0755 "$out/svsm-log" "$ROOT/usr/bin/svsm-log"
	echo "root:x:0:0:root:/root:/bin/sh" >"$ROOT/etc/passwd"
	echo "root:x:0:" >"$ROOT/etc/group"
	sort -u "$CONTRIB" >"$ROOT/etc/svsm-packages"
	echo "$kver" >"$ROOT/etc/svsm-kernel"
	rm -f "$CONTRIB"

	# Reproducible archive: sorted names, owner root, one fixed time stamp.
	find "$ROOT" -exec touch -h -d @0 {} +
	(cd "$ROOT" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --null --reproducible --quiet -o -H newc -R 0:0) | gzip -6n >"$out/initramfs.cpio.gz.tmp"
	cp "$PKGS/$kpkg/boot/vmlinuz-$kver" "$out/vmlinuz.tmp"
	cp "$ROOT/etc/svsm-packages" "$out/initramfs.packages"
	mv "$out/vmlinuz.tmp" "$out/vmlinuz"
	mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
	rm -rf "$PKGS" "$INDEX"
	echo "guest-os: $out/vmlinuz ($kpkg), $out/initramfs.cpio.gz" \
		"($(stat -c %s "$out/initramfs.cpio.gz") bytes, $(wc -l <"$out/initramfs.packages") packages)" \
		"in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}

case "${1:-}" in
-h|--help) usage ;;
lock) [ $# -eq 2 ] || { usage >&2; exit 2; }; cmd_lock "$2" ;;
build)
	[ $# -eq 3 ] || { usage >&2; exit 2; }
	# shellcheck disable=SC2064 # the directory is fixed now
	trap "rm -f '$3'/*.tmp '$3'/*.tmp.*" EXIT
	cmd_build "$2" "$3"
	;;
*)
	dir="${1:-build/guest-os}"
	cmd_lock "$dir/packages.lock"
	# shellcheck disable=SC2064 # the directory is fixed now
	trap "rm -f '$dir'/*.tmp '$dir'/*.tmp.*" EXIT
	cmd_build "$dir/packages.lock" "$dir"
	;;
esac
