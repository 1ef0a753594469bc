# lib/: freestanding code built for the kernels, the host unit tests, the tools and the guest.
lib-y += format.c cmdline.c sha512.c tpm_cmd.c tpm_marshal.c x86_decode.c intc_filter.c tpm_crb.c log_dev.c
# The CFI flash behind the firmware's variable store (docs/uefi-vars.md).
lib-y += cfi_flash.c
# IGVM parser/encoder and launch digests (docs/igvm.md).
lib-y += crc32.c igvm_parse.c igvm_payload.c igvm_build.c igvm_measure.c snp_measure.c \
	snp_measure_ovmf.c
# The ACPI tables describing the TPM CRB device to OS guests (docs/vtpm.md).
lib-y += acpi_tpm.c
# The persistent state store (docs/state.md): an OpenSSL user, so compiled against the
# system headers in the kernel; its crypto halves run inside services_run().
lib-y += state_store.c
sysinc-y += state_store.c
# The persistent log's record (docs/logging.md "Persistence"): entry chain, HMAC (libcrypto).
lib-y += log_store.c
sysinc-y += log_store.c
# Early attestation to a Trustee KBS (docs/attestation.md): strict JSON and base64 for
# untrusted replies, the proxy framing, and the RCAR client (libcrypto: system headers).
lib-y += base64.c json.c proxy_frame.c kbs_client.c
sysinc-y += kbs_client.c
# The UEFI variable store with authenticated variables and the MM communicate buffer
# decoder of the SVSM UEFI MM protocol (docs/uefi-mm.md); the store verifies PKCS#7 with
# libcrypto (system headers), in services_run() in the kernel.
lib-y += uefi_vars.c uefi_mm.c
sysinc-y += uefi_vars.c
