/*
 * The MM communicate buffer decoder (lib/uefi_mm.h, docs/uefi-mm.md): checks the
 * EFI_MM_COMMUNICATE_HEADER and SMM_VARIABLE_COMMUNICATE_HEADER, then decodes each
 * function's payload with EDK2 SmmVariableHandler()'s bounds rules (sizes that overflow
 * or leave the message, names without NUL: EFI_ACCESS_DENIED) and serves it on the store.
 * Names are copied to aligned private memory before use; replies are written in place.
 */
#include "lib/uefi_mm.h"

#include <stdlib.h>
#include <string.h>

static const efi_guid_t smm_variable_guid = EFI_SMM_VARIABLE_PROTOCOL_GUID;

/* The NUL-terminated name of @size bytes at @p, copied (malloc), or NULL. */
static uint16_t *copy_name(const uint8_t *p, size_t size)
{
	uint16_t *n = malloc(size);

	if (n != NULL) {
		memcpy(n, p, size);
	}
	return n;
}

/* The last CHAR16 of the @size-byte name at @p is NUL. */
static bool ends_in_nul(const uint8_t *p, size_t size)
{
	return size >= 2 && p[size - 2] == 0 && p[size - 1] == 0;
}

static void put64(uint8_t *p, uint64_t x)
{
	memcpy(p, &x, 8);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

/* GET_VARIABLE and SET_VARIABLE: SMM_VARIABLE_COMMUNICATE_ACCESS_VARIABLE in @p. */
static efi_status_t access_variable(struct uefi_vars *v, bool set, uint8_t *p, size_t payload)
{
	const size_t hdr = SMM_VARIABLE_ACCESS_NAME_OFFSET;
	uint64_t data_size, name_size;
	uint32_t attributes;
	efi_guid_t guid;
	uint16_t *name;
	efi_status_t st;

	if (payload < hdr) {
		return EFI_ACCESS_DENIED;
	}
	memcpy(&guid, p, sizeof(guid));
	data_size = get64(p + 16);
	name_size = get64(p + 24);
	memcpy(&attributes, p + 32, 4);
	/* InfoSize = 36 + DataSize + NameSize, without overflow, within the payload. */
	if (data_size > payload - hdr || name_size > payload - hdr - data_size) {
		return EFI_ACCESS_DENIED;
	}
	if (name_size < 2 || name_size % 2 != 0 || !ends_in_nul(p + hdr, name_size)) {
		return EFI_ACCESS_DENIED;
	}
	name = copy_name(p + hdr, name_size);
	if (name == NULL) {
		return EFI_OUT_OF_RESOURCES;
	}
	if (set) {
		st = uefi_vars_set(v, name, name_size, &guid, attributes, p + hdr + name_size,
				   data_size);
	} else {
		st = uefi_vars_get(v, name, name_size, &guid, &attributes, &data_size,
				   p + hdr + name_size);
		put64(p + 16, data_size);
		memcpy(p + 32, &attributes, 4);
	}
	free(name);
	return st;
}

/* GET_NEXT_VARIABLE_NAME: NameSize is the name buffer; it must hold a NUL at its end. */
static efi_status_t get_next_name(struct uefi_vars *v, uint8_t *p, size_t payload)
{
	const size_t hdr = SMM_VARIABLE_GET_NEXT_NAME_OFFSET;
	uint64_t name_size, room;
	efi_guid_t guid;
	uint16_t *name;
	efi_status_t st;

	if (payload < hdr) {
		return EFI_ACCESS_DENIED;
	}
	memcpy(&guid, p, sizeof(guid));
	name_size = get64(p + 16);
	if (name_size > payload - hdr) {
		return EFI_ACCESS_DENIED;
	}
	/* EDK2: the whole name buffer (to the end of the payload) ends in a NUL. */
	room = payload - hdr;
	if (room < 2 || room % 2 != 0 || !ends_in_nul(p + hdr, room)) {
		return EFI_ACCESS_DENIED;
	}
	if (name_size % 2 != 0) {
		return EFI_INVALID_PARAMETER;
	}
	name = copy_name(p + hdr, room);
	if (name == NULL) {
		return EFI_OUT_OF_RESOURCES;
	}
	st = uefi_vars_get_next_name(v, &name_size, name, &guid);
	if (st == EFI_SUCCESS) {
		memcpy(p + hdr, name, name_size);
		memcpy(p, &guid, sizeof(guid));
	}
	if (st == EFI_SUCCESS || st == EFI_BUFFER_TOO_SMALL) {
		put64(p + 16, name_size);
	}
	free(name);
	return st;
}

static efi_status_t query_info(struct uefi_vars *v, uint8_t *p, size_t payload)
{
	struct smm_variable_communicate_query_variable_info q;
	efi_status_t st;

	if (payload < sizeof(q)) {
		return EFI_ACCESS_DENIED;
	}
	memcpy(&q, p, sizeof(q));
	st = uefi_vars_query_info(v, q.attributes, &q.maximum_variable_storage_size,
				  &q.remaining_variable_storage_size, &q.maximum_variable_size);
	if (st == EFI_SUCCESS) {
		memcpy(p, &q, sizeof(q));
	}
	return st;
}

enum svsm_err uefi_mm_handle(struct uefi_vars *v, uint8_t *buf, size_t size, size_t *reply_size)
{
	struct efi_mm_communicate_header mm;
	struct smm_variable_communicate_header sv;
	uint8_t *payload;
	size_t payload_size;
	efi_status_t st;

	if (buf == NULL || reply_size == NULL || size > UEFI_MM_BUFFER_MAX ||
	    size < UEFI_MM_HEADERS_SIZE) {
		return SVSM_E_INVALID_PARAM;
	}
	memcpy(&mm, buf, sizeof(mm));
	if (mm.message_length > size - sizeof(mm) ||
	    mm.message_length < sizeof(struct smm_variable_communicate_header)) {
		return SVSM_E_INVALID_PARAM;
	}
	if (memcmp(&mm.header_guid, &smm_variable_guid, sizeof(efi_guid_t)) != 0) {
		return SVSM_E_NOT_FOUND;
	}
	memcpy(&sv, buf + sizeof(mm), sizeof(sv));
	payload = buf + UEFI_MM_HEADERS_SIZE;
	payload_size = (size_t)mm.message_length - sizeof(sv);

	switch (sv.function) {
	case SMM_VARIABLE_FUNCTION_GET_VARIABLE:
		st = access_variable(v, false, payload, payload_size);
		break;
	case SMM_VARIABLE_FUNCTION_SET_VARIABLE:
		st = access_variable(v, true, payload, payload_size);
		break;
	case SMM_VARIABLE_FUNCTION_GET_NEXT_VARIABLE_NAME:
		st = get_next_name(v, payload, payload_size);
		break;
	case SMM_VARIABLE_FUNCTION_QUERY_VARIABLE_INFO:
		st = query_info(v, payload, payload_size);
		break;
	case SMM_VARIABLE_FUNCTION_READY_TO_BOOT:
		uefi_vars_ready_to_boot(v);
		st = EFI_SUCCESS;
		break;
	case SMM_VARIABLE_FUNCTION_EXIT_BOOT_SERVICE:
		uefi_vars_exit_boot_services(v);
		st = EFI_SUCCESS;
		break;
	case SMM_VARIABLE_FUNCTION_GET_PAYLOAD_SIZE:
		if (payload_size < sizeof(struct smm_variable_communicate_get_payload_size)) {
			st = EFI_ACCESS_DENIED;
		} else {
			put64(payload, UEFI_MM_BUFFER_MAX - UEFI_MM_HEADERS_SIZE);
			st = EFI_SUCCESS;
		}
		break;
	case SMM_VARIABLE_FUNCTION_VAR_CHECK_VARIABLE_PROPERTY_GET:
		/* No variable has a property (EDK2 VarCheck): EFI_NOT_FOUND for a valid name. */
		if (payload_size < SMM_VARIABLE_VAR_CHECK_PROPERTY_NAME_OFFSET ||
		    get64(payload + 16) > payload_size - SMM_VARIABLE_VAR_CHECK_PROPERTY_NAME_OFFSET ||
		    get64(payload + 16) % 2 != 0 ||
		    !ends_in_nul(payload + SMM_VARIABLE_VAR_CHECK_PROPERTY_NAME_OFFSET,
				 (size_t)get64(payload + 16))) {
			st = EFI_ACCESS_DENIED;
		} else {
			st = EFI_NOT_FOUND;
		}
		break;
	default:
		/* GET_STATISTICS, LOCK_VARIABLE, PROPERTY_SET, the runtime cache (12-14; the
		 * firmware must be built with PcdEnableVariableRuntimeCache FALSE), unknown. */
		st = EFI_UNSUPPORTED;
		break;
	}
	sv.return_status = st;
	memcpy(buf + sizeof(mm) + offsetof(struct smm_variable_communicate_header, return_status),
	       &sv.return_status, sizeof(sv.return_status));
	*reply_size = sizeof(mm) + (size_t)mm.message_length;
	return SVSM_OK;
}
