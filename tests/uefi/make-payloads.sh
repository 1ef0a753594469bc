#!/usr/bin/env bash
# tests/uefi/make-payloads.sh OUTDIR: Secure Boot keys and signed variable updates made with
# openssl and Debian's efitools (cert-to-efi-sig-list, sign-efi-sig-list), for the store's
# host test (tests/unit/uefi_vars_test.c) and the in-guest enrolment test. Standalone: needs
# only openssl and efitools (scripts/deps.sh). docs/uefi-mm.md lists the outputs:
#   {PK,KEK,db,db2,stranger}.{key,crt,esl}  RSA-2048 keys, self-signed certs, one-cert ESLs
#   PK.auth            PK <- PK.esl, self-signed (PK key), 2024-01-01 00:00:01
#   KEK.auth           KEK <- KEK.esl, signed by PK, 2024-01-01 00:00:02
#   db.auth            db <- db.esl, signed by KEK, 2024-01-01 00:00:03
#   db-by-pk.auth      db <- db.esl, signed by PK, 2024-01-01 00:00:09
#   db-stranger.auth   db <- db2.esl, signed by stranger, 2024-01-01 00:00:05 (must be refused)
#   db-replay.auth     db <- db2.esl, signed by KEK, 2024-01-01 00:00:02 (older: refused once
#                      db.auth is in)
#   db-append.auth     db += db2.esl (APPEND_WRITE), signed by KEK, 2024-01-01 00:00:02
#   db-append-dup.auth db += db.esl (APPEND_WRITE, already present), signed by KEK, 00:00:06
#   KEK-by-KEK.auth    KEK <- KEK.esl, signed by KEK (not PK), 2024-01-01 00:00:07 (refused)
#   PK-delete.auth     PK <- empty, signed by PK, 2024-01-01 00:00:08 (back to setup mode)
#   db-unsigned.esl    a copy of db.esl: a raw update without EFI_VARIABLE_AUTHENTICATION_2
#   priv.dat           5 bytes "hello": the data of a private authenticated variable
#   priv-1.auth        MyVar (vendor GUID VENDOR below) <- priv.dat, signed by db, 00:00:10
#   priv-stranger.auth MyVar <- priv.dat, signed by stranger, 00:00:11 (refused: not the
#                      variable's first signer)
#   priv-2.auth        MyVar <- priv.dat, signed by db, 00:00:12
# Every *.auth is an EFI_VARIABLE_AUTHENTICATION_2 followed by the data, the attributes are
# NV|BS|RT|TIME_BASED_AUTHENTICATED_WRITE_ACCESS (plus APPEND_WRITE for db-append*).
# The signature owner GUID of every ESL is OWNER below.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
OWNER=5356534d-5445-5354-0000-000000000001
VENDOR=12345678-1234-5678-0102-030405060708
mkdir -p "$out"
cd "$out"

for n in PK KEK db db2 stranger; do
	openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
		-subj "/CN=svsm test $n/" -keyout "$n.key" -out "$n.crt" 2>/dev/null
	cert-to-efi-sig-list -g "$OWNER" "$n.crt" "$n.esl" >/dev/null
done

# sign VAR ESL OUT SIGNER SECONDS [-a | -g VENDOR_GUID]: sign-efi-sig-list picks the vendor
# GUID of PK, KEK (global) and db (image security database) itself; -g gives any other's.
sign() {
	local var=$1 esl=$2 outf=$3 signer=$4 sec=$5
	shift 5
	sign-efi-sig-list "$@" -t "2024-01-01 00:00:$sec" \
		-k "$signer.key" -c "$signer.crt" "$var" "$esl" "$outf" >/dev/null
}

sign PK PK.esl PK.auth PK 01
sign KEK KEK.esl KEK.auth PK 02
sign db db.esl db.auth KEK 03
sign db db.esl db-by-pk.auth PK 09
sign db db2.esl db-stranger.auth stranger 05
sign db db2.esl db-replay.auth KEK 02
sign db db2.esl db-append.auth KEK 02 -a
sign db db.esl db-append-dup.auth KEK 06 -a
sign KEK KEK.esl KEK-by-KEK.auth KEK 07
: >empty.esl
sign PK empty.esl PK-delete.auth PK 08
cp db.esl db-unsigned.esl
printf hello >priv.dat
sign MyVar priv.dat priv-1.auth db 10 -g "$VENDOR"
sign MyVar priv.dat priv-stranger.auth stranger 11 -g "$VENDOR"
sign MyVar priv.dat priv-2.auth db 12 -g "$VENDOR"
echo "make-payloads: keys and signed updates in $out"
