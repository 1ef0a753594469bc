# Attestation service: the manifest and native evidence (OpenSSL).
portable-y += manifest.c report_native.c
sysinc-y += manifest.c report_native.c
