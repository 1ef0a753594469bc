# SVSM protocols: call dispatch, core, attestation and vTPM request decoders, UEFI MM, log export.
portable-y += dispatch.c core.c vtpm.c attest.c vtpm_envelope.c attest_req.c log_protocol.c
portable-y += uefi_mm.c
