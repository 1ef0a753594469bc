/*
 * uefi_mm_test.c: the MM communicate buffer decoder (lib/uefi_mm.c) on a store: every
 * function as EDK2's VariableSmmRuntimeDxe lays it out, the reply in place, and every
 * malformed buffer class (outer sizes, MessageLength, GUID, NameSize/DataSize overflow and
 * offsets, names without NUL, odd sizes, unknown functions) answered with an error.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "lib/uefi_mm.h"

static const efi_guid_t var_guid = EFI_SMM_VARIABLE_PROTOCOL_GUID;
static const efi_guid_t vendor = EFI_GUID_INIT(0x12345678, 0x1234, 0x5678, 1, 2, 3, 4, 5, 6, 7, 8);

#define NV EFI_VARIABLE_NON_VOLATILE
#define BS EFI_VARIABLE_BOOTSERVICE_ACCESS
#define RT EFI_VARIABLE_RUNTIME_ACCESS

static uint8_t buf[UEFI_MM_BUFFER_MAX + 64];

static struct uefi_vars *mk(void)
{
	struct uefi_vars_limits l = {UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE};

	return uefi_vars_new(&l);
}

/* Write the two headers for @function with a payload of @payload bytes; returns the size. */
static size_t hdrs(uint64_t function, size_t payload)
{
	uint64_t len = 16 + payload;
	uint64_t st = 0x1234;

	memset(buf, 0xcc, sizeof(buf));
	memcpy(buf, &var_guid, 16);
	memcpy(buf + 16, &len, 8);
	memcpy(buf + 24, &function, 8);
	memcpy(buf + 32, &st, 8);
	return UEFI_MM_HEADERS_SIZE + payload;
}

static uint64_t rd64(size_t off)
{
	uint64_t x;

	memcpy(&x, buf + off, 8);
	return x;
}

static void wr64(size_t off, uint64_t x)
{
	memcpy(buf + off, &x, 8);
}

/* The EFI status of the reply. */
static uint64_t status(void)
{
	return rd64(32);
}

#define P UEFI_MM_HEADERS_SIZE /* payload offset */

/* An ACCESS_VARIABLE message: @name (ASCII), @data_size bytes of room/data. */
static size_t access(uint64_t function, const char *name, uint32_t attr, const void *data,
		     uint64_t data_size)
{
	size_t ns = (strlen(name) + 1) * 2, i, size;

	size = hdrs(function, SMM_VARIABLE_ACCESS_NAME_OFFSET + ns + data_size);
	memcpy(buf + P, &vendor, 16);
	wr64(P + 16, data_size);
	wr64(P + 24, ns);
	memcpy(buf + P + 32, &attr, 4);
	for (i = 0; i <= strlen(name); i++) {
		uint16_t c = (uint8_t)name[i];

		memcpy(buf + P + 36 + 2 * i, &c, 2);
	}
	if (data != NULL) {
		memcpy(buf + P + 36 + ns, data, data_size);
	}
	return size;
}

TEST(uefi_mm, set_get_roundtrip)
{
	struct uefi_vars *v = mk();
	size_t size, reply = 0;
	uint32_t attr;

	ASSERT_TRUE(v != NULL);
	size = access(SMM_VARIABLE_FUNCTION_SET_VARIABLE, "Boot0001", NV | BS | RT, "payload", 7);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_SUCCESS);
	EXPECT_EQ(reply, size);
	/* GET with 3 bytes of room: too small, DataSize says 7. */
	size = access(SMM_VARIABLE_FUNCTION_GET_VARIABLE, "Boot0001", 0, NULL, 3);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_BUFFER_TOO_SMALL);
	EXPECT_EQ(rd64(P + 16), 7);
	/* GET with room. */
	size = access(SMM_VARIABLE_FUNCTION_GET_VARIABLE, "Boot0001", 0, NULL, 64);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_SUCCESS);
	EXPECT_EQ(rd64(P + 16), 7);
	memcpy(&attr, buf + P + 32, 4);
	EXPECT_EQ(attr, NV | BS | RT);
	EXPECT_MEMEQ(buf + P + 36 + 18, "payload", 7);
	EXPECT_EQ(reply, size);
	/* Unknown variable. */
	size = access(SMM_VARIABLE_FUNCTION_GET_VARIABLE, "Nope", 0, NULL, 64);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_NOT_FOUND);
	uefi_vars_free(v);
}

TEST(uefi_mm, get_next_query_payload_notifications)
{
	struct uefi_vars *v = mk();
	size_t size, reply = 0;
	uint16_t c;
	int n = 0;
	struct smm_variable_communicate_query_variable_info q;

	ASSERT_TRUE(v != NULL);
	size = access(SMM_VARIABLE_FUNCTION_SET_VARIABLE, "BootOnly", NV | BS, "x", 1);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_SUCCESS);
	/* Enumerate: a 64-byte name buffer starting with an empty name. */
	hdrs(SMM_VARIABLE_FUNCTION_GET_NEXT_VARIABLE_NAME, 24 + 64);
	memset(buf + P, 0, 24 + 64);
	for (;;) {
		wr64(P + 16, 64);
		memset(buf + P + 24 + 48, 0, 16); /* the end of the name buffer is NUL */
		ASSERT_EQ(uefi_mm_handle(v, buf, P + 24 + 64, &reply), SVSM_OK);
		if (status() != EFI_SUCCESS) {
			break;
		}
		n++;
		ASSERT_TRUE(n < 10);
	}
	EXPECT_EQ(status(), EFI_NOT_FOUND);
	EXPECT_EQ(n, 5); /* four mode variables and BootOnly */
	/* Buffer too small: NameSize 4 (but the name buffer is still NUL-terminated). */
	hdrs(SMM_VARIABLE_FUNCTION_GET_NEXT_VARIABLE_NAME, 24 + 64);
	memset(buf + P, 0, 24 + 64);
	wr64(P + 16, 4);
	ASSERT_EQ(uefi_mm_handle(v, buf, P + 24 + 64, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_BUFFER_TOO_SMALL);
	EXPECT_EQ(rd64(P + 16), 20); /* "SetupMode" */
	wr64(P + 16, 64);
	ASSERT_EQ(uefi_mm_handle(v, buf, P + 24 + 64, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_SUCCESS);
	memcpy(&c, buf + P + 24, 2);
	EXPECT_EQ(c, 'S');
	/* QueryVariableInfo. */
	size = hdrs(SMM_VARIABLE_FUNCTION_QUERY_VARIABLE_INFO, sizeof(q));
	memset(&q, 0, sizeof(q));
	q.attributes = NV | BS;
	memcpy(buf + P, &q, sizeof(q));
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_SUCCESS);
	memcpy(&q, buf + P, sizeof(q));
	EXPECT_EQ(q.maximum_variable_storage_size, UEFI_VARS_DEFAULT_MAX_STORAGE);
	EXPECT_EQ(q.maximum_variable_size, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	EXPECT_EQ(q.remaining_variable_storage_size,
		  UEFI_VARS_DEFAULT_MAX_STORAGE - UEFI_VARS_ENTRY_OVERHEAD - 18 - 1);
	size = hdrs(SMM_VARIABLE_FUNCTION_QUERY_VARIABLE_INFO, sizeof(q) - 1);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_ACCESS_DENIED);
	/* Payload size. */
	size = hdrs(SMM_VARIABLE_FUNCTION_GET_PAYLOAD_SIZE, 8);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_SUCCESS);
	EXPECT_EQ(rd64(P), UEFI_MM_BUFFER_MAX - UEFI_MM_HEADERS_SIZE);
	size = hdrs(SMM_VARIABLE_FUNCTION_GET_PAYLOAD_SIZE, 7);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_ACCESS_DENIED);
	/* Property get: valid name -> EFI_NOT_FOUND. */
	size = hdrs(SMM_VARIABLE_FUNCTION_VAR_CHECK_VARIABLE_PROPERTY_GET, 48 + 4);
	memset(buf + P, 0, 48 + 4);
	wr64(P + 16, 4);
	buf[P + 48] = 'A';
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_NOT_FOUND);
	wr64(P + 16, 6);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_ACCESS_DENIED);
	/* ReadyToBoot, ExitBootServices: BootOnly disappears. */
	size = hdrs(SMM_VARIABLE_FUNCTION_READY_TO_BOOT, 0);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_SUCCESS);
	size = hdrs(SMM_VARIABLE_FUNCTION_EXIT_BOOT_SERVICE, 0);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_SUCCESS);
	EXPECT_TRUE(uefi_vars_at_runtime(v));
	size = access(SMM_VARIABLE_FUNCTION_GET_VARIABLE, "BootOnly", 0, NULL, 8);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_NOT_FOUND);
	uefi_vars_free(v);
}

TEST(uefi_mm, outer_headers_refused)
{
	struct uefi_vars *v = mk();
	size_t size, reply = 0;
	uint8_t before[128];

	ASSERT_TRUE(v != NULL);
	size = access(SMM_VARIABLE_FUNCTION_SET_VARIABLE, "A", BS, "x", 1);
	memcpy(before, buf, sizeof(before));
	/* Buffer smaller than the headers, larger than the maximum. */
	EXPECT_EQ(uefi_mm_handle(v, buf, UEFI_MM_HEADERS_SIZE - 1, &reply), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(uefi_mm_handle(v, buf, UEFI_MM_BUFFER_MAX + 1, &reply), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(uefi_mm_handle(v, NULL, size, &reply), SVSM_E_INVALID_PARAM);
	/* MessageLength past the buffer, huge, or shorter than the variable header. */
	wr64(16, size - 24 + 1);
	EXPECT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_E_INVALID_PARAM);
	wr64(16, UINT64_MAX);
	EXPECT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_E_INVALID_PARAM);
	wr64(16, 15);
	EXPECT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_E_INVALID_PARAM);
	/* Unknown GUID. */
	wr64(16, size - 24);
	buf[0] ^= 1;
	EXPECT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_E_NOT_FOUND);
	buf[0] ^= 1;
	EXPECT_MEMEQ(buf, before, sizeof(before)); /* untouched */
	/* A MessageLength shorter than the buffer: only that much is served and replied. */
	ASSERT_EQ(uefi_mm_handle(v, buf, size + 100, &reply), SVSM_OK);
	EXPECT_EQ(reply, size);
	EXPECT_EQ(status(), EFI_SUCCESS);
	uefi_vars_free(v);
}

TEST(uefi_mm, payload_faults_answered)
{
	struct uefi_vars *v = mk();
	size_t size, reply = 0;
	uint64_t f;

	ASSERT_TRUE(v != NULL);
	for (f = 0; f < 20; f++) {
		if (f == SMM_VARIABLE_FUNCTION_READY_TO_BOOT ||
		    f == SMM_VARIABLE_FUNCTION_EXIT_BOOT_SERVICE) {
			continue;
		}
		/* Empty payloads. */
		size = hdrs(f, 0);
		ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
		EXPECT_TRUE((status() & EFI_ERROR_BIT) != 0);
	}
	/* Unknown functions. */
	size = hdrs(99, 8);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_UNSUPPORTED);
	size = hdrs(UINT64_MAX, 0);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_UNSUPPORTED);
	size = hdrs(SMM_VARIABLE_FUNCTION_INIT_RUNTIME_VARIABLE_CACHE_CONTEXT, 64);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_UNSUPPORTED);

	/* Access variable: DataSize and NameSize overflowing, past the message. */
	size = access(SMM_VARIABLE_FUNCTION_SET_VARIABLE, "Name", BS, "data", 4);
	wr64(P + 16, UINT64_MAX);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_ACCESS_DENIED);
	wr64(P + 16, 4);
	wr64(P + 24, UINT64_MAX - 3);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_ACCESS_DENIED);
	wr64(P + 24, 10);
	wr64(P + 16, 5); /* one byte past */
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_ACCESS_DENIED);
	/* Name without NUL, odd name size, empty name size. */
	wr64(P + 16, 2);
	wr64(P + 24, 8); /* "Name" without its NUL; data "\0\0da" */
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_ACCESS_DENIED);
	size = access(SMM_VARIABLE_FUNCTION_SET_VARIABLE, "Name", BS, "data", 4);
	wr64(P + 24, 9);
	wr64(P + 16, 3);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_ACCESS_DENIED);
	wr64(P + 24, 0);
	wr64(P + 16, 4);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_ACCESS_DENIED);
	/* Name of only a NUL: SetVariable refuses it. */
	size = access(SMM_VARIABLE_FUNCTION_SET_VARIABLE, "", BS, "data", 4);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_INVALID_PARAMETER);
	/* Nothing was stored by any of these. */
	size = access(SMM_VARIABLE_FUNCTION_GET_VARIABLE, "Name", 0, NULL, 8);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_NOT_FOUND);

	/* GetNext: NameSize past the message, odd, the name buffer without a final NUL. */
	hdrs(SMM_VARIABLE_FUNCTION_GET_NEXT_VARIABLE_NAME, 24 + 8);
	memset(buf + P, 0, 24 + 8);
	wr64(P + 16, 10);
	ASSERT_EQ(uefi_mm_handle(v, buf, P + 32, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_ACCESS_DENIED);
	wr64(P + 16, 7);
	ASSERT_EQ(uefi_mm_handle(v, buf, P + 32, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_INVALID_PARAMETER);
	wr64(P + 16, 8);
	buf[P + 24 + 7] = 'x';
	ASSERT_EQ(uefi_mm_handle(v, buf, P + 32, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_ACCESS_DENIED);
	hdrs(SMM_VARIABLE_FUNCTION_GET_NEXT_VARIABLE_NAME, 24 + 7); /* odd name buffer */
	memset(buf + P, 0, 24 + 7);
	ASSERT_EQ(uefi_mm_handle(v, buf, P + 31, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_ACCESS_DENIED);
	uefi_vars_free(v);
}

TEST(uefi_mm, largest_buffer_served)
{
	struct uefi_vars *v = mk();
	size_t size, reply = 0;
	static uint8_t data[UEFI_VARS_DEFAULT_MAX_VAR_SIZE];

	ASSERT_TRUE(v != NULL);
	memset(data, 0x5a, sizeof(data));
	size = access(SMM_VARIABLE_FUNCTION_SET_VARIABLE, "Big", NV | BS, data, sizeof(data) - 8);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_SUCCESS);
	size = access(SMM_VARIABLE_FUNCTION_SET_VARIABLE, "Big2", NV | BS, data, sizeof(data));
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_INVALID_PARAMETER);
	/* A GET in the whole 64 KiB buffer. */
	size = access(SMM_VARIABLE_FUNCTION_GET_VARIABLE, "Big", 0, NULL,
		      UEFI_MM_BUFFER_MAX - P - 36 - 8);
	ASSERT_EQ(size, UEFI_MM_BUFFER_MAX);
	ASSERT_EQ(uefi_mm_handle(v, buf, size, &reply), SVSM_OK);
	EXPECT_EQ(status(), EFI_SUCCESS);
	EXPECT_EQ(rd64(P + 16), sizeof(data) - 8);
	EXPECT_EQ(reply, UEFI_MM_BUFFER_MAX);
	uefi_vars_free(v);
}
