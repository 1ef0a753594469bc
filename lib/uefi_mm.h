/*
 * The MM communicate buffer decoder of the SVSM UEFI MM protocol (docs/uefi-mm.md): one
 * EFI_MM_COMMUNICATE_HEADER message for gEfiSmmVariableProtocolGuid, served on a
 * struct uefi_vars the way EDK2's SmmVariableHandler() serves it, the reply written in
 * place. The caller copies the buffer out of guest memory first and copies the reply back.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/uefi_vars.h"
#include "svsm/err.h"

/*
 * Largest buffer (EFI_MM_COMMUNICATE_HEADER included) uefi_mm_handle() takes: 64 KiB,
 * room for a UEFI_VARS_DEFAULT_MAX_VAR_SIZE variable plus its PKCS#7 signature.
 */
#define UEFI_MM_BUFFER_MAX (64u * 1024u)
/* Header bytes before the variable payload: EFI_MM_COMMUNICATE_HEADER + SMM variable header. */
#define UEFI_MM_HEADERS_SIZE 40u

/**
 * uefi_mm_handle - serve the message in @buf (@size bytes, <= UEFI_MM_BUFFER_MAX).
 * Returns SVSM_OK when the outer headers decoded: the EFI status is then in the
 * SMM_VARIABLE_COMMUNICATE_HEADER's ReturnStatus and *@reply_size is the number of bytes
 * of @buf to copy back (the headers plus MessageLength). Otherwise, with @buf unchanged:
 *   SVSM_E_INVALID_PARAM  size > UEFI_MM_BUFFER_MAX, smaller than the two headers, or
 *                         MessageLength beyond @size or shorter than the variable header;
 *   SVSM_E_NOT_FOUND      HeaderGuid is not gEfiSmmVariableProtocolGuid.
 * Payload faults (sizes that overflow or leave the message, names without NUL, odd name
 * sizes, unknown functions) are EFI statuses (EFI_ACCESS_DENIED, EFI_INVALID_PARAMETER,
 * EFI_UNSUPPORTED) in ReturnStatus.
 */
enum svsm_err uefi_mm_handle(struct uefi_vars *v, uint8_t *buf, size_t size, size_t *reply_size)
	SVSM_MUST_CHECK;
