# Attestation service: the manifest (OpenSSL).
portable-y += manifest.c
sysinc-y += manifest.c
