/*
 * UEFI variable ABI: the EFI structures and constants that the MM communicate buffer of the
 * SVSM UEFI MM protocol (SVSM_UEFI_MM_PROTOCOL) carries, and those of authenticated
 * variables. Sources: UEFI 2.10 §8.2 (variable services, EFI_VARIABLE_AUTHENTICATION_2),
 * §32.4 (EFI_SIGNATURE_LIST), PI 1.7 vol. 4 (EFI_MM_COMMUNICATE_HEADER), and EDK2
 * MdeModulePkg/Include/Guid/SmmVariableCommon.h (SMM_VARIABLE_* payloads and function
 * numbers), MdePkg/Include/Uefi/UefiMultiPhase.h and Guid/ImageAuthentication.h.
 * x86-64 layouts: UINTN is 8 bytes, all fields little-endian, natural alignment as EDK2
 * compiles them. Used by lib/uefi_vars.c, lib/uefi_mm.c, the kernel and the tests.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/** EFI_GUID: 128 bits, Data1..Data3 little-endian. */
typedef struct {
	uint32_t data1;
	uint16_t data2;
	uint16_t data3;
	uint8_t data4[8];
} efi_guid_t;
_Static_assert(sizeof(efi_guid_t) == 16, "EFI_GUID");

#define EFI_GUID_INIT(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7) \
	{ (a), (b), (c), { (d0), (d1), (d2), (d3), (d4), (d5), (d6), (d7) } }

/** EFI_TIME (UEFI §8.3). */
typedef struct {
	uint16_t year;
	uint8_t month;
	uint8_t day;
	uint8_t hour;
	uint8_t minute;
	uint8_t second;
	uint8_t pad1;
	uint32_t nanosecond;
	int16_t time_zone;
	uint8_t daylight;
	uint8_t pad2;
} efi_time_t;
_Static_assert(sizeof(efi_time_t) == 16, "EFI_TIME");
_Static_assert(offsetof(efi_time_t, nanosecond) == 8, "EFI_TIME.Nanosecond");
_Static_assert(offsetof(efi_time_t, time_zone) == 12, "EFI_TIME.TimeZone");

typedef uint64_t efi_status_t;

/** EFI_STATUS values (UEFI Appendix D): errors have the top bit set. */
#define EFI_ERROR_BIT              (1ull << 63)
#define EFI_SUCCESS                0ull
#define EFI_LOAD_ERROR             (EFI_ERROR_BIT | 1)
#define EFI_INVALID_PARAMETER      (EFI_ERROR_BIT | 2)
#define EFI_UNSUPPORTED            (EFI_ERROR_BIT | 3)
#define EFI_BAD_BUFFER_SIZE        (EFI_ERROR_BIT | 4)
#define EFI_BUFFER_TOO_SMALL       (EFI_ERROR_BIT | 5)
#define EFI_NOT_READY              (EFI_ERROR_BIT | 6)
#define EFI_DEVICE_ERROR           (EFI_ERROR_BIT | 7)
#define EFI_WRITE_PROTECTED        (EFI_ERROR_BIT | 8)
#define EFI_OUT_OF_RESOURCES       (EFI_ERROR_BIT | 9)
#define EFI_NOT_FOUND              (EFI_ERROR_BIT | 14)
#define EFI_ACCESS_DENIED          (EFI_ERROR_BIT | 15)
#define EFI_SECURITY_VIOLATION     (EFI_ERROR_BIT | 26)

/** Variable attributes (UEFI §8.2.3). */
#define EFI_VARIABLE_NON_VOLATILE                          0x00000001u
#define EFI_VARIABLE_BOOTSERVICE_ACCESS                    0x00000002u
#define EFI_VARIABLE_RUNTIME_ACCESS                        0x00000004u
#define EFI_VARIABLE_HARDWARE_ERROR_RECORD                 0x00000008u
#define EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS            0x00000010u /* deprecated */
#define EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS 0x00000020u
#define EFI_VARIABLE_APPEND_WRITE                          0x00000040u
#define EFI_VARIABLE_ENHANCED_AUTHENTICATED_ACCESS         0x00000080u
#define EFI_VARIABLE_ATTRIBUTES_MASK                       0x000000ffu

/** EFI_MM_COMMUNICATE_HEADER (PI vol. 4): HeaderGuid, MessageLength (UINTN), Data. */
struct efi_mm_communicate_header {
	efi_guid_t header_guid;
	uint64_t message_length; /* bytes of data[], not counting this header */
	uint8_t data[];
};
_Static_assert(sizeof(struct efi_mm_communicate_header) == 24, "EFI_MM_COMMUNICATE_HEADER");
_Static_assert(offsetof(struct efi_mm_communicate_header, message_length) == 16,
	       "EFI_MM_COMMUNICATE_HEADER.MessageLength");

/** SMM_VARIABLE_COMMUNICATE_HEADER: Function (UINTN), ReturnStatus, Data. */
struct smm_variable_communicate_header {
	uint64_t function;
	efi_status_t return_status;
	uint8_t data[];
};
_Static_assert(sizeof(struct smm_variable_communicate_header) == 16,
	       "SMM_VARIABLE_COMMUNICATE_HEADER");

/** SMM_VARIABLE_FUNCTION_* (SmmVariableCommon.h). */
#define SMM_VARIABLE_FUNCTION_GET_VARIABLE                        1u
#define SMM_VARIABLE_FUNCTION_GET_NEXT_VARIABLE_NAME              2u
#define SMM_VARIABLE_FUNCTION_SET_VARIABLE                        3u
#define SMM_VARIABLE_FUNCTION_QUERY_VARIABLE_INFO                 4u
#define SMM_VARIABLE_FUNCTION_READY_TO_BOOT                       5u
#define SMM_VARIABLE_FUNCTION_EXIT_BOOT_SERVICE                   6u
#define SMM_VARIABLE_FUNCTION_GET_STATISTICS                      7u
#define SMM_VARIABLE_FUNCTION_LOCK_VARIABLE                       8u
#define SMM_VARIABLE_FUNCTION_VAR_CHECK_VARIABLE_PROPERTY_SET     9u
#define SMM_VARIABLE_FUNCTION_VAR_CHECK_VARIABLE_PROPERTY_GET     10u
#define SMM_VARIABLE_FUNCTION_GET_PAYLOAD_SIZE                    11u
#define SMM_VARIABLE_FUNCTION_INIT_RUNTIME_VARIABLE_CACHE_CONTEXT 12u
#define SMM_VARIABLE_FUNCTION_SYNC_RUNTIME_CACHE                  13u
#define SMM_VARIABLE_FUNCTION_GET_RUNTIME_CACHE_INFO              14u

/**
 * SMM_VARIABLE_COMMUNICATE_ACCESS_VARIABLE (Get/SetVariable): the name (NameSize bytes of
 * CHAR16, NUL included) starts at offset 36, the data (DataSize bytes) follows the name.
 */
struct smm_variable_communicate_access_variable {
	efi_guid_t guid;
	uint64_t data_size;
	uint64_t name_size;
	uint32_t attributes;
	uint16_t name[];
} __attribute__((packed, aligned(8)));
#define SMM_VARIABLE_ACCESS_NAME_OFFSET 36u
_Static_assert(offsetof(struct smm_variable_communicate_access_variable, data_size) == 16, "");
_Static_assert(offsetof(struct smm_variable_communicate_access_variable, name_size) == 24, "");
_Static_assert(offsetof(struct smm_variable_communicate_access_variable, attributes) == 32, "");
_Static_assert(offsetof(struct smm_variable_communicate_access_variable, name) ==
		       SMM_VARIABLE_ACCESS_NAME_OFFSET,
	       "OFFSET_OF(SMM_VARIABLE_COMMUNICATE_ACCESS_VARIABLE, Name)");

/** SMM_VARIABLE_COMMUNICATE_GET_NEXT_VARIABLE_NAME: NameSize is the name buffer's size. */
struct smm_variable_communicate_get_next_variable_name {
	efi_guid_t guid;
	uint64_t name_size;
	uint16_t name[];
};
#define SMM_VARIABLE_GET_NEXT_NAME_OFFSET 24u
_Static_assert(offsetof(struct smm_variable_communicate_get_next_variable_name, name) ==
		       SMM_VARIABLE_GET_NEXT_NAME_OFFSET,
	       "OFFSET_OF(SMM_VARIABLE_COMMUNICATE_GET_NEXT_VARIABLE_NAME, Name)");

/** SMM_VARIABLE_COMMUNICATE_QUERY_VARIABLE_INFO. */
struct smm_variable_communicate_query_variable_info {
	uint64_t maximum_variable_storage_size;
	uint64_t remaining_variable_storage_size;
	uint64_t maximum_variable_size;
	uint32_t attributes;
};
_Static_assert(sizeof(struct smm_variable_communicate_query_variable_info) == 32,
	       "SMM_VARIABLE_COMMUNICATE_QUERY_VARIABLE_INFO");
_Static_assert(offsetof(struct smm_variable_communicate_query_variable_info, attributes) == 24,
	       "SMM_VARIABLE_COMMUNICATE_QUERY_VARIABLE_INFO.Attributes");

/** SMM_VARIABLE_COMMUNICATE_GET_PAYLOAD_SIZE. */
struct smm_variable_communicate_get_payload_size {
	uint64_t variable_payload_size;
};
_Static_assert(sizeof(struct smm_variable_communicate_get_payload_size) == 8, "");

/**
 * SMM_VARIABLE_COMMUNICATE_VAR_CHECK_VARIABLE_PROPERTY: Guid, NameSize (UINTN), a 24-byte
 * VAR_CHECK_VARIABLE_PROPERTY (Revision, Property, Attributes, MinSize, MaxSize), Name.
 */
#define SMM_VARIABLE_VAR_CHECK_PROPERTY_NAME_OFFSET 48u

/** WIN_CERTIFICATE (UEFI §32.2.4). */
struct win_certificate {
	uint32_t dw_length; /* of the whole certificate, this header included */
	uint16_t w_revision;
	uint16_t w_certificate_type;
};
_Static_assert(sizeof(struct win_certificate) == 8, "WIN_CERTIFICATE");
#define WIN_CERT_REVISION_2_0   0x0200u
#define WIN_CERT_TYPE_EFI_GUID  0x0EF1u

/** WIN_CERTIFICATE_UEFI_GUID: CertData starts at offset 24. */
struct win_certificate_uefi_guid {
	struct win_certificate hdr;
	efi_guid_t cert_type;
	uint8_t cert_data[];
};
_Static_assert(sizeof(struct win_certificate_uefi_guid) == 24, "WIN_CERTIFICATE_UEFI_GUID");

/**
 * EFI_VARIABLE_AUTHENTICATION_2: the TimeStamp, then a WIN_CERTIFICATE_UEFI_GUID whose
 * CertType is EFI_CERT_TYPE_PKCS7_GUID and CertData a DER PKCS#7 SignedData
 * (AuthInfo.Hdr.dwLength - 24 bytes); the new variable data follows it.
 */
struct efi_variable_authentication_2 {
	efi_time_t time_stamp;
	struct win_certificate_uefi_guid auth_info;
};
_Static_assert(sizeof(struct efi_variable_authentication_2) == 40, "EFI_VARIABLE_AUTHENTICATION_2");
/* OFFSET_OF_AUTHINFO2_CERT_DATA in EDK2. */
#define EFI_VARIABLE_AUTHENTICATION_2_CERT_DATA_OFFSET 40u

/** EFI_SIGNATURE_LIST (UEFI §32.4.1): then SignatureHeaderSize bytes, then the entries. */
struct efi_signature_list {
	efi_guid_t signature_type;
	uint32_t signature_list_size;
	uint32_t signature_header_size;
	uint32_t signature_size;
};
_Static_assert(sizeof(struct efi_signature_list) == 28, "EFI_SIGNATURE_LIST");

/** EFI_SIGNATURE_DATA: SignatureOwner, then SignatureSize - 16 bytes of data. */
struct efi_signature_data {
	efi_guid_t signature_owner;
	uint8_t signature_data[];
};
_Static_assert(sizeof(struct efi_signature_data) == 16, "EFI_SIGNATURE_DATA");

/** gEfiSmmVariableProtocolGuid: the HeaderGuid of variable MM messages. */
#define EFI_SMM_VARIABLE_PROTOCOL_GUID \
	EFI_GUID_INIT(0xed32d533, 0x99e6, 0x4209, 0x9c, 0xc0, 0x2d, 0x72, 0xcd, 0xd9, 0x98, 0xa7)
/** gEfiGlobalVariableGuid (PK, KEK, SetupMode, SecureBoot, ...). */
#define EFI_GLOBAL_VARIABLE_GUID \
	EFI_GUID_INIT(0x8be4df61, 0x93ca, 0x11d2, 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c)
/** gEfiImageSecurityDatabaseGuid (db, dbx, dbt, dbr). */
#define EFI_IMAGE_SECURITY_DATABASE_GUID \
	EFI_GUID_INIT(0xd719b2cb, 0x3d3a, 0x4596, 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f)
/** EFI_CERT_TYPE_PKCS7_GUID (gEfiCertPkcs7Guid). */
#define EFI_CERT_TYPE_PKCS7_GUID \
	EFI_GUID_INIT(0x4aafd29d, 0x68df, 0x49ee, 0x8a, 0xa9, 0x34, 0x7d, 0x37, 0x56, 0x65, 0xa7)
/** EFI_CERT_X509_GUID: SignatureData is a DER X.509 certificate. */
#define EFI_CERT_X509_GUID \
	EFI_GUID_INIT(0xa5c059a1, 0x94e4, 0x4aa7, 0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72)
/** EFI_CERT_SHA256_GUID: SignatureData is a 32-byte SHA-256 digest. */
#define EFI_CERT_SHA256_GUID \
	EFI_GUID_INIT(0xc1c41626, 0x504c, 0x4092, 0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28)
/** EFI_CERT_RSA2048_GUID: SignatureData is a 256-byte RSA modulus. */
#define EFI_CERT_RSA2048_GUID \
	EFI_GUID_INIT(0x3c5766e8, 0x269c, 0x4e34, 0xaa, 0x14, 0xed, 0x77, 0x6e, 0x85, 0xb3, 0xb6)

/** Values of SetupMode/SecureBoot/AuditMode/DeployedMode (one byte each). */
#define EFI_SETUP_MODE 1u
#define EFI_USER_MODE  0u
