# Attestation service: the manifest (OpenSSL).
portable-y += manifest.c
sysinc-y += manifest.c
# Early attestation at boot through the host proxy (docs/attestation.md).
kernel-y += kbs_boot.c
