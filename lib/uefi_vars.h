/*
 * The UEFI variable store (docs/uefi-mm.md): GetVariable, GetNextVariableName, SetVariable
 * and QueryVariableInfo with the semantics of UEFI 2.10 §8.2 and EDK2's variable driver,
 * time-based authenticated variables (EFI_VARIABLE_AUTHENTICATION_2, PKCS#7 verified with
 * libcrypto), the Secure Boot key hierarchy (PK, KEK, db/dbx/dbt/dbr), the read-only mode
 * variables, and a versioned serialized record of the non-volatile variables for the
 * SVSM's persistent state.
 *
 * Heap memory (malloc) and libcrypto; no global state: callers serialise use of one store
 * (in the kernel, every call that may verify a signature runs inside services_run()).
 * Names are UCS-2 (CHAR16) strings; sizes are in bytes and include the terminating NUL.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/efi_var.h"
#include "svsm/err.h"

struct uefi_vars;

/**
 * struct uefi_vars_limits - sizes the store enforces.
 * @max_storage:  bytes that all variables together may use; each variable costs
 *                UEFI_VARS_ENTRY_OVERHEAD + name size + data size (the mode variables
 *                are free). QueryVariableInfo reports this as MaximumVariableStorageSize.
 * @max_var_size: largest name size + data size of one variable (after the
 *                EFI_VARIABLE_AUTHENTICATION_2 header is removed); larger sets fail with
 *                EFI_INVALID_PARAMETER as in EDK2.
 */
struct uefi_vars_limits {
	uint64_t max_storage;
	uint64_t max_var_size;
};
#define UEFI_VARS_ENTRY_OVERHEAD 64u
/* Defaults the kernel uses (OVMF's 128 KiB variable store, PcdMaxVariableSize 0x2000 ... */
#define UEFI_VARS_DEFAULT_MAX_STORAGE  (256u * 1024u)
/* ... raised to 32 KiB so that a dbx update fits). */
#define UEFI_VARS_DEFAULT_MAX_VAR_SIZE (32u * 1024u)
/* Largest max_var_size uefi_vars_new() accepts. */
#define UEFI_VARS_MAX_VAR_SIZE_LIMIT (1024u * 1024u)
/* Largest name size (bytes, NUL included) a record or a set may carry. */
#define UEFI_VARS_MAX_NAME_SIZE 1024u

/** uefi_vars_new - an empty store (setup mode). NULL on bad limits or no memory. */
struct uefi_vars *uefi_vars_new(const struct uefi_vars_limits *limits);
/** uefi_vars_free - release @v and every variable in it (NULL is fine). */
void uefi_vars_free(struct uefi_vars *v);

/**
 * uefi_vars_get - GetVariable(). @name is @name_size bytes (NUL-terminated CHAR16).
 * On entry *@data_size is the room at @data; on EFI_SUCCESS or EFI_BUFFER_TOO_SMALL it
 * becomes the variable's size and *@attributes (if not NULL) its attributes.
 * After ExitBootServices, variables without EFI_VARIABLE_RUNTIME_ACCESS are EFI_NOT_FOUND.
 */
efi_status_t uefi_vars_get(struct uefi_vars *v, const uint16_t *name, size_t name_size,
			   const efi_guid_t *guid, uint32_t *attributes, uint64_t *data_size,
			   void *data);

/**
 * uefi_vars_get_next_name - GetNextVariableName(). @name is a buffer of *@name_size bytes
 * holding the previous name (an empty string to start) and @guid its GUID; on EFI_SUCCESS
 * they hold the next variable and *@name_size its size. EFI_BUFFER_TOO_SMALL sets
 * *@name_size to the size needed, EFI_NOT_FOUND ends the list, EFI_INVALID_PARAMETER if
 * the name has no NUL within *@name_size or names no variable. Order: creation order.
 */
efi_status_t uefi_vars_get_next_name(struct uefi_vars *v, uint64_t *name_size, uint16_t *name,
				     efi_guid_t *guid);

/**
 * uefi_vars_set - SetVariable(). @data/@data_size are what the caller passed (for
 * time-based authenticated variables: EFI_VARIABLE_AUTHENTICATION_2 then the data).
 */
efi_status_t uefi_vars_set(struct uefi_vars *v, const uint16_t *name, size_t name_size,
			   const efi_guid_t *guid, uint32_t attributes, const void *data,
			   uint64_t data_size);

/** uefi_vars_query_info - QueryVariableInfo(). */
efi_status_t uefi_vars_query_info(struct uefi_vars *v, uint32_t attributes,
				  uint64_t *max_storage, uint64_t *remaining,
				  uint64_t *max_var_size);

/** uefi_vars_ready_to_boot / uefi_vars_exit_boot_services - the MM notifications. */
void uefi_vars_ready_to_boot(struct uefi_vars *v);
void uefi_vars_exit_boot_services(struct uefi_vars *v);
/** uefi_vars_at_runtime - true after ExitBootServices (until uefi_vars_reset()). */
bool uefi_vars_at_runtime(const struct uefi_vars *v);

/**
 * uefi_vars_reset - a guest reset: volatile variables are dropped, boot-services state
 * is restored; non-volatile variables and the mode they imply stay.
 */
void uefi_vars_reset(struct uefi_vars *v);

/** struct uefi_vars_mode - the read-only mode variables' values (0 or 1 each). */
struct uefi_vars_mode {
	uint8_t setup_mode;    /* 1: no PK */
	uint8_t secure_boot;   /* 1: PK enrolled (user mode) */
	uint8_t audit_mode;    /* always 0: audit mode is not implemented */
	uint8_t deployed_mode; /* always 0: deployed mode is not implemented */
};
void uefi_vars_mode(const struct uefi_vars *v, struct uefi_vars_mode *out);

/**
 * uefi_vars_changes - counts every change to a non-volatile variable since
 * uefi_vars_new(); persistence saves when it differs from the value it last saved.
 */
uint64_t uefi_vars_changes(const struct uefi_vars *v);

/**
 * uefi_vars_serialize - the state record of every non-volatile variable
 * (docs/uefi-mm.md "Record format"). With @buf NULL only *@size is set (the size needed);
 * otherwise *@size is the room at @buf and becomes the bytes written.
 * SVSM_E_INVALID_PARAM if the room is too small.
 */
enum svsm_err uefi_vars_serialize(const struct uefi_vars *v, void *buf, size_t *size)
	SVSM_MUST_CHECK;

/**
 * uefi_vars_parse - replace the non-volatile variables of @v by those of a record (bytes
 * untrusted: every field is checked, and the limits of @v apply). On failure (SVSM_E_FORMAT,
 * SVSM_E_NOMEM) @v is unchanged. The mode variables follow the PK found.
 */
enum svsm_err uefi_vars_parse(struct uefi_vars *v, const void *buf, size_t size)
	SVSM_MUST_CHECK;
