/*
 * uefi_vars_test.c: the UEFI variable store (lib/uefi_vars.c): Get/Set/GetNext/QueryInfo
 * semantics, attributes, size limits, enumeration order, runtime rules, the mode
 * variables, the record round trip and damaged records, and Secure Boot enrolment with
 * real keys and updates made by openssl and efitools (tests/uefi/make-payloads.sh, run
 * into a temporary directory).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "lib/uefi_vars.h"

#define NV  EFI_VARIABLE_NON_VOLATILE
#define BS  EFI_VARIABLE_BOOTSERVICE_ACCESS
#define RT  EFI_VARIABLE_RUNTIME_ACCESS
#define TA  EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS
#define AW  EFI_VARIABLE_APPEND_WRITE

static const efi_guid_t vendor = EFI_GUID_INIT(0x12345678, 0x1234, 0x5678, 1, 2, 3, 4, 5, 6, 7, 8);
static const efi_guid_t global = EFI_GLOBAL_VARIABLE_GUID;
static const efi_guid_t imgdb = EFI_IMAGE_SECURITY_DATABASE_GUID;

/* An ASCII string as a CHAR16 name; returns its size (NUL included). */
static size_t u16(uint16_t *out, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		out[i] = (uint8_t)s[i];
	}
	out[i] = 0;
	return (i + 1) * 2;
}

static struct uefi_vars *mk(uint64_t storage, uint64_t var_size)
{
	struct uefi_vars_limits l = {storage, var_size};

	return uefi_vars_new(&l);
}

static efi_status_t set_s(struct uefi_vars *v, const char *n, const efi_guid_t *g, uint32_t a,
			  const void *d, size_t size)
{
	uint16_t name[128];
	size_t ns = u16(name, n);

	return uefi_vars_set(v, name, ns, g, a, d, size);
}

static efi_status_t get_s(struct uefi_vars *v, const char *n, const efi_guid_t *g, uint32_t *a,
			  void *d, uint64_t *size)
{
	uint16_t name[128];
	size_t ns = u16(name, n);

	return uefi_vars_get(v, name, ns, g, a, size, d);
}

TEST(uefi_vars, limits_checked)
{
	struct uefi_vars_limits l = {1024, 32};

	EXPECT_TRUE(uefi_vars_new(NULL) == NULL);
	EXPECT_TRUE(uefi_vars_new(&l) == NULL); /* max_var_size < 64 */
	l.max_var_size = 2048;
	EXPECT_TRUE(uefi_vars_new(&l) == NULL); /* larger than the storage */
	l.max_var_size = UEFI_VARS_MAX_VAR_SIZE_LIMIT + 1;
	l.max_storage = 1ull << 30;
	EXPECT_TRUE(uefi_vars_new(&l) == NULL);
}

TEST(uefi_vars, set_get_basic)
{
	struct uefi_vars *v = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	uint8_t buf[16];
	uint64_t size = 2;
	uint32_t attr = 0;

	ASSERT_TRUE(v != NULL);
	EXPECT_EQ(get_s(v, "Foo", &vendor, &attr, buf, &size), EFI_NOT_FOUND);
	EXPECT_EQ(set_s(v, "Foo", &vendor, NV | BS | RT, "abcdef", 6), EFI_SUCCESS);
	EXPECT_EQ(get_s(v, "Foo", &vendor, &attr, buf, &size), EFI_BUFFER_TOO_SMALL);
	EXPECT_EQ(size, 6);
	EXPECT_EQ(attr, NV | BS | RT);
	size = sizeof(buf);
	EXPECT_EQ(get_s(v, "Foo", &vendor, &attr, buf, &size), EFI_SUCCESS);
	EXPECT_EQ(size, 6);
	EXPECT_MEMEQ(buf, "abcdef", 6);
	/* Another GUID is another variable. */
	EXPECT_EQ(get_s(v, "Foo", &global, &attr, buf, &size), EFI_NOT_FOUND);
	/* Replace. */
	EXPECT_EQ(set_s(v, "Foo", &vendor, NV | BS | RT, "xy", 2), EFI_SUCCESS);
	size = sizeof(buf);
	EXPECT_EQ(get_s(v, "Foo", &vendor, &attr, buf, &size), EFI_SUCCESS);
	EXPECT_EQ(size, 2);
	EXPECT_MEMEQ(buf, "xy", 2);
	uefi_vars_free(v);
}

TEST(uefi_vars, names_and_attributes_checked)
{
	struct uefi_vars *v = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	uint16_t name[4] = {'A', 'B', 'C', 'D'};
	uint64_t size = 0;

	ASSERT_TRUE(v != NULL);
	/* No NUL within the size. */
	EXPECT_EQ(uefi_vars_set(v, name, sizeof(name), &vendor, NV | BS, "x", 1),
		  EFI_INVALID_PARAMETER);
	EXPECT_EQ(uefi_vars_get(v, name, sizeof(name), &vendor, NULL, &size, NULL),
		  EFI_INVALID_PARAMETER);
	/* Empty name. */
	EXPECT_EQ(set_s(v, "", &vendor, NV | BS, "x", 1), EFI_INVALID_PARAMETER);
	EXPECT_EQ(get_s(v, "", &vendor, NULL, NULL, &size), EFI_NOT_FOUND);
	/* Data pointer missing. */
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS, NULL, 1), EFI_INVALID_PARAMETER);
	/* Attributes. */
	EXPECT_EQ(set_s(v, "A", &vendor, NV | RT, "x", 1), EFI_INVALID_PARAMETER);
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS | 0x100, "x", 1), EFI_INVALID_PARAMETER);
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS | EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS, "x", 1),
		  EFI_UNSUPPORTED);
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS | EFI_VARIABLE_HARDWARE_ERROR_RECORD, "x", 1),
		  EFI_UNSUPPORTED);
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS | EFI_VARIABLE_ENHANCED_AUTHENTICATED_ACCESS,
			"x", 1),
		  EFI_UNSUPPORTED);
	/* Different attributes on an existing variable. */
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS, "x", 1), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "A", &vendor, BS, "y", 1), EFI_INVALID_PARAMETER);
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS | RT, "y", 1), EFI_INVALID_PARAMETER);
	/* Trailing bytes after the NUL are ignored: the same variable. */
	{
		uint16_t n2[4] = {'A', 0, 'Z', 'Z'};
		uint8_t b[4];

		size = sizeof(b);
		EXPECT_EQ(uefi_vars_get(v, n2, sizeof(n2), &vendor, NULL, &size, b), EFI_SUCCESS);
	}
	uefi_vars_free(v);
}

TEST(uefi_vars, delete_and_append)
{
	struct uefi_vars *v = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	uint8_t buf[16];
	uint64_t size;

	ASSERT_TRUE(v != NULL);
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS, NULL, 0), EFI_NOT_FOUND);
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS | AW, NULL, 0), EFI_SUCCESS);
	size = sizeof(buf);
	EXPECT_EQ(get_s(v, "A", &vendor, NULL, buf, &size), EFI_NOT_FOUND);
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS | AW, "ab", 2), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS | AW, "cd", 2), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS | AW, NULL, 0), EFI_SUCCESS);
	size = sizeof(buf);
	EXPECT_EQ(get_s(v, "A", &vendor, NULL, buf, &size), EFI_SUCCESS);
	EXPECT_EQ(size, 4);
	EXPECT_MEMEQ(buf, "abcd", 4);
	/* Delete by zero size. */
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS, NULL, 0), EFI_SUCCESS);
	size = sizeof(buf);
	EXPECT_EQ(get_s(v, "A", &vendor, NULL, buf, &size), EFI_NOT_FOUND);
	/* Delete by attributes 0. */
	EXPECT_EQ(set_s(v, "B", &vendor, BS, "x", 1), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "B", &vendor, 0, "x", 1), EFI_SUCCESS);
	size = sizeof(buf);
	EXPECT_EQ(get_s(v, "B", &vendor, NULL, buf, &size), EFI_NOT_FOUND);
	uefi_vars_free(v);
}

TEST(uefi_vars, size_limits_and_query_info)
{
	/* 64-byte variables, 600 bytes of storage. */
	struct uefi_vars *v = mk(600, 64);
	uint8_t big[128] = {0};
	uint64_t max, rem, maxv;
	uint64_t rem0;
	int i;

	ASSERT_TRUE(v != NULL);
	EXPECT_EQ(uefi_vars_query_info(v, NV | BS, &max, &rem0, &maxv), EFI_SUCCESS);
	EXPECT_EQ(max, 600);
	EXPECT_EQ(rem0, 600);
	EXPECT_EQ(maxv, 64);
	/* "A" is 4 bytes: 60 bytes of data fit, 61 do not. */
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS, big, 61), EFI_INVALID_PARAMETER);
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS, big, 60), EFI_SUCCESS);
	EXPECT_EQ(uefi_vars_query_info(v, NV | BS, &max, &rem, &maxv), EFI_SUCCESS);
	EXPECT_EQ(rem, 600 - UEFI_VARS_ENTRY_OVERHEAD - 64);
	/* Append past the variable size. */
	EXPECT_EQ(set_s(v, "A", &vendor, NV | BS | AW, "x", 1), EFI_INVALID_PARAMETER);
	/* Fill the storage: each costs 64 + 4 + 60 = 128; 4 more fit (5 * 128 = 640 > 600). */
	for (i = 0; i < 3; i++) {
		char n[2] = {(char)('B' + i), 0};

		EXPECT_EQ(set_s(v, n, &vendor, NV | BS, big, 60), EFI_SUCCESS);
	}
	EXPECT_EQ(set_s(v, "Z", &vendor, NV | BS, big, 60), EFI_OUT_OF_RESOURCES);
	EXPECT_EQ(set_s(v, "Z", &vendor, NV | BS, big, 20), EFI_SUCCESS);
	EXPECT_EQ(uefi_vars_query_info(v, NV | BS, &max, &rem, &maxv), EFI_SUCCESS);
	EXPECT_EQ(rem, 600 - 4 * 128 - (64 + 4 + 20));
	/* A delete gives the room back. */
	EXPECT_EQ(set_s(v, "Z", &vendor, NV | BS, NULL, 0), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "B", &vendor, NV | BS, NULL, 0), EFI_SUCCESS);
	EXPECT_EQ(uefi_vars_query_info(v, NV | BS, &max, &rem, &maxv), EFI_SUCCESS);
	EXPECT_EQ(rem, 600 - 3 * 128);
	/* QueryVariableInfo's own checks. */
	EXPECT_EQ(uefi_vars_query_info(v, 0, &max, &rem, &maxv), EFI_INVALID_PARAMETER);
	EXPECT_EQ(uefi_vars_query_info(v, NV | RT, &max, &rem, &maxv), EFI_INVALID_PARAMETER);
	EXPECT_EQ(uefi_vars_query_info(v, NV | BS | 0x1000, &max, &rem, &maxv),
		  EFI_INVALID_PARAMETER);
	EXPECT_EQ(uefi_vars_query_info(v, NV | BS | EFI_VARIABLE_HARDWARE_ERROR_RECORD, &max, &rem,
				       &maxv),
		  EFI_UNSUPPORTED);
	EXPECT_EQ(uefi_vars_query_info(v, NV | BS, NULL, &rem, &maxv), EFI_INVALID_PARAMETER);
	uefi_vars_free(v);
}

/* Collect the enumeration as "Name,Name,..." (ASCII). */
static efi_status_t enumerate(struct uefi_vars *v, char *out, size_t room)
{
	uint16_t name[128] = {0};
	efi_guid_t g = {0};
	efi_status_t st;
	size_t o = 0;

	out[0] = '\0';
	for (;;) {
		uint64_t ns = sizeof(name);
		size_t i;

		st = uefi_vars_get_next_name(v, &ns, name, &g);
		if (st != EFI_SUCCESS) {
			return st;
		}
		for (i = 0; name[i] != 0 && o + 2 < room; i++) {
			out[o++] = (char)name[i];
		}
		out[o++] = ',';
		out[o] = '\0';
	}
}

TEST(uefi_vars, enumeration_order_and_errors)
{
	struct uefi_vars *v = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	char list[512];
	uint16_t name[16];
	uint64_t ns;
	efi_guid_t g = vendor;

	ASSERT_TRUE(v != NULL);
	EXPECT_EQ(set_s(v, "Zeta", &vendor, NV | BS | RT, "1", 1), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "Alpha", &vendor, BS | RT, "1", 1), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "Mid", &global, NV | BS, "1", 1), EFI_SUCCESS);
	EXPECT_EQ(enumerate(v, list, sizeof(list)), EFI_NOT_FOUND);
	EXPECT_STREQ(list, "SetupMode,SecureBoot,AuditMode,DeployedMode,Zeta,Alpha,Mid,");
	/* An update keeps the place; delete and re-create moves to the end. */
	EXPECT_EQ(set_s(v, "Zeta", &vendor, NV | BS | RT, "2", 1), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "Alpha", &vendor, 0, NULL, 0), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "Alpha", &vendor, BS | RT, "1", 1), EFI_SUCCESS);
	EXPECT_EQ(enumerate(v, list, sizeof(list)), EFI_NOT_FOUND);
	EXPECT_STREQ(list, "SetupMode,SecureBoot,AuditMode,DeployedMode,Zeta,Mid,Alpha,");
	/* Buffer too small: the size needed. */
	ns = u16(name, "Zeta");
	EXPECT_EQ(uefi_vars_get_next_name(v, &ns, name, &g), EFI_SUCCESS); /* -> Mid */
	EXPECT_EQ(ns, 8);
	EXPECT_EQ(uefi_vars_get_next_name(v, &ns, name, &g), EFI_BUFFER_TOO_SMALL);
	EXPECT_EQ(ns, 12); /* "Alpha" */
	/* A name that is not a variable, or the right name with the wrong GUID. */
	ns = u16(name, "Nope");
	g = vendor;
	EXPECT_EQ(uefi_vars_get_next_name(v, &ns, name, &g), EFI_INVALID_PARAMETER);
	ns = u16(name, "Zeta");
	g = global;
	EXPECT_EQ(uefi_vars_get_next_name(v, &ns, name, &g), EFI_INVALID_PARAMETER);
	/* No NUL within NameSize. */
	u16(name, "Zeta");
	ns = 8;
	EXPECT_EQ(uefi_vars_get_next_name(v, &ns, name, &g), EFI_INVALID_PARAMETER);
	ns = 0;
	EXPECT_EQ(uefi_vars_get_next_name(v, &ns, name, &g), EFI_INVALID_PARAMETER);
	uefi_vars_free(v);
}

TEST(uefi_vars, runtime_rules_and_reset)
{
	struct uefi_vars *v = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	char list[512];
	uint8_t b[4];
	uint64_t size = sizeof(b), m, r, mv;

	ASSERT_TRUE(v != NULL);
	EXPECT_EQ(set_s(v, "BootOnly", &vendor, NV | BS, "1", 1), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "Vol", &vendor, BS | RT, "1", 1), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "NvRt", &vendor, NV | BS | RT, "1", 1), EFI_SUCCESS);
	EXPECT_FALSE(uefi_vars_at_runtime(v));
	uefi_vars_exit_boot_services(v);
	EXPECT_TRUE(uefi_vars_at_runtime(v));
	EXPECT_EQ(get_s(v, "BootOnly", &vendor, NULL, b, &size), EFI_NOT_FOUND);
	EXPECT_EQ(enumerate(v, list, sizeof(list)), EFI_NOT_FOUND);
	EXPECT_STREQ(list, "SetupMode,SecureBoot,AuditMode,DeployedMode,Vol,NvRt,");
	EXPECT_EQ(set_s(v, "BootOnly", &vendor, NV | BS, "2", 1), EFI_WRITE_PROTECTED);
	EXPECT_EQ(set_s(v, "Vol", &vendor, BS | RT, "2", 1), EFI_WRITE_PROTECTED);
	EXPECT_EQ(set_s(v, "New", &vendor, NV | BS, "2", 1), EFI_INVALID_PARAMETER);
	EXPECT_EQ(set_s(v, "New", &vendor, BS | RT, "2", 1), EFI_INVALID_PARAMETER);
	EXPECT_EQ(set_s(v, "New", &vendor, NV | BS | RT, "2", 1), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "NvRt", &vendor, NV | BS | RT, "3", 1), EFI_SUCCESS);
	EXPECT_EQ(uefi_vars_query_info(v, NV | BS, &m, &r, &mv), EFI_INVALID_PARAMETER);
	EXPECT_EQ(uefi_vars_query_info(v, NV | BS | RT, &m, &r, &mv), EFI_SUCCESS);
	/* A reset: volatile variables go, boot services are back. */
	uefi_vars_reset(v);
	EXPECT_FALSE(uefi_vars_at_runtime(v));
	EXPECT_EQ(enumerate(v, list, sizeof(list)), EFI_NOT_FOUND);
	EXPECT_STREQ(list, "SetupMode,SecureBoot,AuditMode,DeployedMode,BootOnly,NvRt,New,");
	uefi_vars_free(v);
}

TEST(uefi_vars, mode_variables_read_only)
{
	struct uefi_vars *v = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	uint8_t b = 0xff;
	uint64_t size = 1;
	uint32_t attr = 0;
	struct uefi_vars_mode mode;

	ASSERT_TRUE(v != NULL);
	EXPECT_EQ(get_s(v, "SetupMode", &global, &attr, &b, &size), EFI_SUCCESS);
	EXPECT_EQ(b, 1);
	EXPECT_EQ(attr, BS | RT);
	size = 1;
	EXPECT_EQ(get_s(v, "SecureBoot", &global, &attr, &b, &size), EFI_SUCCESS);
	EXPECT_EQ(b, 0);
	EXPECT_EQ(set_s(v, "SetupMode", &global, BS | RT, "\0", 1), EFI_WRITE_PROTECTED);
	EXPECT_EQ(set_s(v, "SecureBoot", &global, BS | RT, "\1", 1), EFI_WRITE_PROTECTED);
	EXPECT_EQ(set_s(v, "AuditMode", &global, 0, NULL, 0), EFI_WRITE_PROTECTED);
	EXPECT_EQ(set_s(v, "DeployedMode", &global, NV | BS | RT, "\1", 1), EFI_WRITE_PROTECTED);
	/* The same names under another GUID are ordinary variables. */
	EXPECT_EQ(set_s(v, "SetupMode", &vendor, BS | RT, "\0", 1), EFI_SUCCESS);
	uefi_vars_mode(v, &mode);
	EXPECT_EQ(mode.setup_mode, 1);
	EXPECT_EQ(mode.secure_boot, 0);
	EXPECT_EQ(mode.audit_mode, 0);
	EXPECT_EQ(mode.deployed_mode, 0);
	/* PK, KEK and db need NV and time-based authentication. */
	EXPECT_EQ(set_s(v, "PK", &global, NV | BS | RT, "x", 1), EFI_INVALID_PARAMETER);
	EXPECT_EQ(set_s(v, "KEK", &global, BS | RT | TA, "x", 1), EFI_SECURITY_VIOLATION);
	{
		uint8_t hdr[64] = {0};

		hdr[16] = 24; /* dwLength: an empty signature */
		EXPECT_EQ(set_s(v, "KEK", &global, BS | RT | TA, hdr, sizeof(hdr)),
			  EFI_INVALID_PARAMETER);
	}
	EXPECT_EQ(set_s(v, "db", &imgdb, NV | BS | RT, "x", 1), EFI_INVALID_PARAMETER);
	uefi_vars_free(v);
}

TEST(uefi_vars, change_counter)
{
	struct uefi_vars *v = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	uint64_t c;

	ASSERT_TRUE(v != NULL);
	c = uefi_vars_changes(v);
	EXPECT_EQ(set_s(v, "Vol", &vendor, BS, "1", 1), EFI_SUCCESS);
	EXPECT_EQ(uefi_vars_changes(v), c);
	EXPECT_EQ(set_s(v, "Nv", &vendor, NV | BS, "1", 1), EFI_SUCCESS);
	EXPECT_EQ(uefi_vars_changes(v), c + 1);
	EXPECT_EQ(set_s(v, "Nv", &vendor, NV | BS, "1", 1), EFI_SUCCESS); /* same data */
	EXPECT_EQ(uefi_vars_changes(v), c + 1);
	EXPECT_EQ(set_s(v, "Nv", &vendor, NV | BS | AW, "2", 1), EFI_SUCCESS);
	EXPECT_EQ(uefi_vars_changes(v), c + 2);
	EXPECT_EQ(set_s(v, "Nv", &vendor, NV | BS, NULL, 0), EFI_SUCCESS);
	EXPECT_EQ(uefi_vars_changes(v), c + 3);
	EXPECT_EQ(set_s(v, "Nv", &vendor, NV | BS, NULL, 0), EFI_NOT_FOUND);
	EXPECT_EQ(uefi_vars_changes(v), c + 3);
	uefi_vars_free(v);
}

/* A store with three non-volatile variables and a volatile one, and its record. */
static struct uefi_vars *sample(uint8_t **rec, size_t *rec_size)
{
	struct uefi_vars *v = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);

	if (v == NULL) {
		return NULL;
	}
	if (set_s(v, "One", &vendor, NV | BS | RT, "first", 5) != EFI_SUCCESS ||
	    set_s(v, "Vol", &vendor, BS | RT, "volatile", 8) != EFI_SUCCESS ||
	    set_s(v, "Two", &global, NV | BS, "second!", 7) != EFI_SUCCESS ||
	    set_s(v, "Three", &vendor, NV | BS | RT, "3", 1) != EFI_SUCCESS ||
	    uefi_vars_serialize(v, NULL, rec_size) != SVSM_OK) {
		uefi_vars_free(v);
		return NULL;
	}
	*rec = malloc(*rec_size);
	if (*rec == NULL || uefi_vars_serialize(v, *rec, rec_size) != SVSM_OK) {
		free(*rec);
		uefi_vars_free(v);
		return NULL;
	}
	return v;
}

TEST(uefi_vars, record_round_trip)
{
	uint8_t *rec = NULL, *rec2;
	size_t size = 0, size2, small;
	struct uefi_vars *v = sample(&rec, &size), *w;
	char list[512];
	uint8_t b[16];
	uint64_t bs = sizeof(b);

	ASSERT_TRUE(v != NULL);
	EXPECT_EQ(size, 32 + 3 * 80 + 16 + 16 + 16);
	small = size - 1;
	EXPECT_EQ(uefi_vars_serialize(v, rec, &small), SVSM_E_INVALID_PARAM);
	w = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	ASSERT_TRUE(w != NULL);
	EXPECT_EQ(set_s(w, "WVol", &vendor, BS, "v", 1), EFI_SUCCESS);
	EXPECT_EQ(set_s(w, "WNv", &vendor, NV | BS, "gone", 4), EFI_SUCCESS);
	EXPECT_EQ(uefi_vars_parse(w, rec, size), SVSM_OK);
	EXPECT_EQ(enumerate(w, list, sizeof(list)), EFI_NOT_FOUND);
	EXPECT_STREQ(list, "SetupMode,SecureBoot,AuditMode,DeployedMode,One,Two,Three,WVol,");
	EXPECT_EQ(get_s(w, "Two", &global, NULL, b, &bs), EFI_SUCCESS);
	EXPECT_EQ(bs, 7);
	EXPECT_MEMEQ(b, "second!", 7);
	/* The same record again. */
	EXPECT_EQ(uefi_vars_serialize(w, NULL, &size2), SVSM_OK);
	ASSERT_EQ(size2, size);
	rec2 = malloc(size2);
	ASSERT_TRUE(rec2 != NULL);
	EXPECT_EQ(uefi_vars_serialize(w, rec2, &size2), SVSM_OK);
	EXPECT_MEMEQ(rec, rec2, size);
	/* An empty store's record empties the non-volatile variables. */
	{
		struct uefi_vars *e = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
		uint8_t eb[64];
		size_t es = sizeof(eb);

		ASSERT_TRUE(e != NULL);
		EXPECT_EQ(uefi_vars_serialize(e, eb, &es), SVSM_OK);
		EXPECT_EQ(es, 32);
		EXPECT_EQ(uefi_vars_parse(w, eb, es), SVSM_OK);
		EXPECT_EQ(enumerate(w, list, sizeof(list)), EFI_NOT_FOUND);
		EXPECT_STREQ(list, "SetupMode,SecureBoot,AuditMode,DeployedMode,WVol,");
		uefi_vars_free(e);
	}
	free(rec2);
	free(rec);
	uefi_vars_free(w);
	uefi_vars_free(v);
}

/* Parse must fail and leave the store as it was. */
static bool parse_refused(const uint8_t *rec, size_t size)
{
	struct uefi_vars *w = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	char list[512];
	bool ok;

	if (w == NULL || set_s(w, "Keep", &vendor, NV | BS, "k", 1) != EFI_SUCCESS) {
		uefi_vars_free(w);
		return false;
	}
	ok = uefi_vars_parse(w, rec, size) != SVSM_OK;
	ok = ok && enumerate(w, list, sizeof(list)) == EFI_NOT_FOUND &&
	     strcmp(list, "SetupMode,SecureBoot,AuditMode,DeployedMode,Keep,") == 0;
	uefi_vars_free(w);
	return ok;
}

/* Rewrite the CRC of a record after editing it. */
static void fix_crc(uint8_t *rec, size_t size);

TEST(uefi_vars, record_damage_refused)
{
	uint8_t *rec = NULL, *copy;
	size_t size = 0, i;
	struct uefi_vars *v = sample(&rec, &size);
	unsigned refused = 0, trunc = 0;

	ASSERT_TRUE(v != NULL);
	copy = malloc(size + 8);
	ASSERT_TRUE(copy != NULL);
	/* Every byte flipped. */
	for (i = 0; i < size; i++) {
		memcpy(copy, rec, size);
		copy[i] ^= 0x5a;
		refused += parse_refused(copy, size);
	}
	EXPECT_EQ(refused, size);
	/* Every truncation, and bytes appended. */
	for (i = 0; i < size; i++) {
		trunc += parse_refused(rec, i);
	}
	EXPECT_EQ(trunc, size);
	memcpy(copy, rec, size);
	memset(copy + size, 0, 8);
	EXPECT_TRUE(parse_refused(copy, size + 8));
	/* Bad fields under a valid CRC: entry 0 starts at 32, its name at 112 ("One"). */
#define EDIT(stmt)                                  \
	do {                                        \
		memcpy(copy, rec, size);            \
		stmt;                               \
		fix_crc(copy, size);                \
		EXPECT_TRUE(parse_refused(copy, size)); \
	} while (0)
	EDIT(copy[8] = 2);                              /* version */
	EDIT(copy[28] = 1);                             /* reserved */
	EDIT(copy[12] = 4);                             /* count */
	EDIT(copy[32 + 16] &= (uint8_t)~NV);            /* not non-volatile */
	EDIT(copy[32 + 16] |= 0x40);                    /* APPEND_WRITE stored */
	EDIT(copy[32 + 20] = 7);                        /* odd name size */
	EDIT(copy[32 + 20] = 2);                        /* name of only a NUL */
	EDIT(copy[32 + 24] = 0);                        /* no data */
	EDIT(copy[32 + 27] = 0x80);                     /* huge data size */
	EDIT(copy[32 + 28] = 1);                        /* signer flag without TA */
	EDIT(copy[32 + 28] = 2);                        /* unknown flag */
	EDIT(copy[112 + 6] = 'x');                      /* name without NUL */
	EDIT(copy[112 + 2] = 0);                        /* NUL inside the name */
	EDIT(copy[32 + 80 + 8 + 5 + 2] = 1);            /* padding not zero */
	/* A duplicate: the third entry renamed to the first ("Three" -> "One"), same GUID. */
	{
		size_t e3 = 32 + 96 + 96; /* "One"+5 -> 16, "Two"+7 -> 16 */
		uint16_t one[6] = {'O', 'n', 'e', 0, 0, 0};
		uint32_t ns = 8;

		memcpy(copy, rec, size);
		memcpy(copy + e3 + 20, &ns, 4);
		memcpy(copy + e3 + 80, one, 12); /* name 8 bytes, then data "3" moved */
		copy[e3 + 80 + 8] = '3';
		memset(copy + e3 + 80 + 9, 0, 7);
		fix_crc(copy, size);
		/* Sanity: with another name the edit parses. */
		EXPECT_TRUE(parse_refused(copy, size));
		one[0] = 'Q';
		memcpy(copy + e3 + 80, one, 8);
		fix_crc(copy, size);
		EXPECT_FALSE(parse_refused(copy, size));
	}
	/* A mode variable in a record. */
	{
		struct uefi_vars *w = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);

		ASSERT_TRUE(w != NULL);
		memcpy(copy, rec, size);
		EXPECT_EQ(uefi_vars_parse(w, copy, size), SVSM_OK);
		uefi_vars_free(w);
	}
	/* Limits: the same record into a store whose variables are too small. */
	{
		struct uefi_vars *w = mk(4096, 64);

		ASSERT_TRUE(w != NULL);
		EXPECT_EQ(uefi_vars_parse(w, rec, size), SVSM_OK);
		uefi_vars_free(w);
		w = mk(200, 70); /* the three cost 233 */
		ASSERT_TRUE(w != NULL);
		EXPECT_EQ(uefi_vars_parse(w, rec, size), SVSM_E_FORMAT); /* storage */
		uefi_vars_free(w);
	}
#undef EDIT
	free(copy);
	free(rec);
	uefi_vars_free(v);
}

#include "lib/crc32.h"

static void fix_crc(uint8_t *rec, size_t size)
{
	uint32_t crc = crc32_update(0, rec + 32, size - 32);

	memcpy(rec + 24, &crc, 4);
}

/* ---- enrolment with efitools payloads ---- */

struct blob {
	uint8_t *p;
	size_t n;
};

static struct blob load(const char *dir, const char *file)
{
	char path[512];
	struct blob b = {NULL, 0};
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "rb");
	if (f == NULL) {
		return b;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		b.p = malloc((size_t)n + 1);
		if (b.p != NULL && fread(b.p, 1, (size_t)n, f) == (size_t)n) {
			b.n = (size_t)n;
		}
	}
	fclose(f);
	return b;
}

static efi_status_t apply(struct uefi_vars *v, const char *dir, const char *file, const char *var,
			  const efi_guid_t *g, uint32_t attr)
{
	struct blob b = load(dir, file);
	efi_status_t st;

	if (b.p == NULL) {
		unit_fail(__FILE__, __LINE__, "cannot read %s/%s", dir, file);
		return EFI_DEVICE_ERROR;
	}
	st = set_s(v, var, g, attr, b.p, b.n);
	free(b.p);
	return st;
}

/* Number of X.509 entries in db (all lists). */
static unsigned db_certs(struct uefi_vars *v)
{
	uint8_t buf[8192];
	uint64_t size = sizeof(buf);
	size_t off = 0;
	unsigned n = 0;

	if (get_s(v, "db", &imgdb, NULL, buf, &size) != EFI_SUCCESS) {
		return 0;
	}
	while (off + sizeof(struct efi_signature_list) <= size) {
		struct efi_signature_list l;

		memcpy(&l, buf + off, sizeof(l));
		n += (l.signature_list_size - 28 - l.signature_header_size) / l.signature_size;
		off += l.signature_list_size;
	}
	return n;
}

static char payload_dir[64];

/* Make the payloads once per run into a temporary directory. */
static const char *payloads(void)
{
	char cmd[256];

	if (payload_dir[0] != '\0') {
		return payload_dir;
	}
	strcpy(payload_dir, "/tmp/uefi-payloads.XXXXXX");
	if (mkdtemp(payload_dir) == NULL) {
		payload_dir[0] = '\0';
		return NULL;
	}
	snprintf(cmd, sizeof(cmd), "tests/uefi/make-payloads.sh %s >/dev/null", payload_dir);
	if (system(cmd) != 0) {
		return NULL;
	}
	return payload_dir;
}

__attribute__((destructor)) static void payloads_cleanup(void)
{
	char cmd[128];

	if (payload_dir[0] != '\0' && strncmp(payload_dir, "/tmp/uefi-payloads.", 19) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", payload_dir);
		if (system(cmd) != 0) {
			fprintf(stderr, "cannot remove %s\n", payload_dir);
		}
	}
}

#define AUTH (NV | BS | RT | TA)

TEST(uefi_vars, efitools_enrolment)
{
	const char *d = payloads();
	struct uefi_vars *v;
	struct uefi_vars_mode m;
	uint8_t b;
	uint64_t size = 1;
	uint64_t c;

	ASSERT_TRUE(d != NULL);
	v = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	ASSERT_TRUE(v != NULL);
	uefi_vars_mode(v, &m);
	EXPECT_EQ(m.setup_mode, 1);
	EXPECT_EQ(m.secure_boot, 0);

	/* Setup mode: a PK that another key signed is refused; the self-signed one enrols. */
	EXPECT_EQ(apply(v, d, "KEK-by-KEK.auth", "PK", &global, AUTH), EFI_SECURITY_VIOLATION);
	c = uefi_vars_changes(v);
	EXPECT_EQ(apply(v, d, "PK.auth", "PK", &global, AUTH), EFI_SUCCESS);
	EXPECT_EQ(uefi_vars_changes(v), c + 1);
	uefi_vars_mode(v, &m);
	EXPECT_EQ(m.setup_mode, 0);
	EXPECT_EQ(m.secure_boot, 1);
	EXPECT_EQ(get_s(v, "SecureBoot", &global, NULL, &b, &size), EFI_SUCCESS);
	EXPECT_EQ(b, 1);
	size = 1;
	EXPECT_EQ(get_s(v, "SetupMode", &global, NULL, &b, &size), EFI_SUCCESS);
	EXPECT_EQ(b, 0);

	/* User mode: KEK must be signed by PK. */
	EXPECT_EQ(apply(v, d, "KEK-by-KEK.auth", "KEK", &global, AUTH), EFI_SECURITY_VIOLATION);
	EXPECT_EQ(apply(v, d, "KEK.auth", "KEK", &global, AUTH), EFI_SUCCESS);
	/* The wrong attributes for the signed data. */
	EXPECT_EQ(apply(v, d, "db.auth", "db", &imgdb, AUTH | AW), EFI_SECURITY_VIOLATION);
	/* db by KEK. */
	EXPECT_EQ(apply(v, d, "db.auth", "db", &imgdb, AUTH), EFI_SUCCESS);
	EXPECT_EQ(db_certs(v), 1);
	/* Unsigned (raw ESL) and stranger-signed updates. */
	EXPECT_EQ(apply(v, d, "db-unsigned.esl", "db", &imgdb, AUTH), EFI_SECURITY_VIOLATION);
	EXPECT_EQ(apply(v, d, "db-stranger.auth", "db", &imgdb, AUTH), EFI_SECURITY_VIOLATION);
	/* Replay of an older timestamp; the same one again. */
	EXPECT_EQ(apply(v, d, "db-replay.auth", "db", &imgdb, AUTH), EFI_SECURITY_VIOLATION);
	EXPECT_EQ(apply(v, d, "db.auth", "db", &imgdb, AUTH), EFI_SECURITY_VIOLATION);
	EXPECT_EQ(db_certs(v), 1);
	/* Append (older timestamp allowed), then a duplicate append adds nothing. */
	EXPECT_EQ(apply(v, d, "db-append.auth", "db", &imgdb, AUTH | AW), EFI_SUCCESS);
	EXPECT_EQ(db_certs(v), 2);
	EXPECT_EQ(apply(v, d, "db-append-dup.auth", "db", &imgdb, AUTH | AW), EFI_SUCCESS);
	EXPECT_EQ(db_certs(v), 2);
	/* db signed by PK is accepted too (timestamp 04 > 03). */
	EXPECT_EQ(apply(v, d, "db-by-pk.auth", "db", &imgdb, AUTH), EFI_SUCCESS);
	EXPECT_EQ(db_certs(v), 1);
	/* A payload of one variable under another name: the signature does not cover it. */
	EXPECT_EQ(apply(v, d, "KEK.auth", "db", &imgdb, AUTH), EFI_SECURITY_VIOLATION);
	/* An authenticated variable cannot be deleted without authentication. */
	EXPECT_EQ(set_s(v, "db", &imgdb, 0, NULL, 0), EFI_INVALID_PARAMETER);

	/* Private authenticated variable: its first signer owns it. */
	EXPECT_EQ(apply(v, d, "priv-1.auth", "MyVar", &vendor, AUTH), EFI_SUCCESS);
	EXPECT_EQ(apply(v, d, "priv-stranger.auth", "MyVar", &vendor, AUTH), EFI_SECURITY_VIOLATION);
	EXPECT_EQ(set_s(v, "MyVar", &vendor, 0, NULL, 0), EFI_WRITE_PROTECTED);
	EXPECT_EQ(apply(v, d, "priv-2.auth", "MyVar", &vendor, AUTH), EFI_SUCCESS);
	EXPECT_EQ(apply(v, d, "priv-1.auth", "MyVar", &vendor, AUTH), EFI_SECURITY_VIOLATION);

	/* The state survives a record round trip, authentication state included. */
	{
		size_t rs = 0;
		uint8_t *rec;
		struct uefi_vars *w = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);

		ASSERT_TRUE(w != NULL);
		ASSERT_EQ(uefi_vars_serialize(v, NULL, &rs), SVSM_OK);
		rec = malloc(rs);
		ASSERT_TRUE(rec != NULL);
		ASSERT_EQ(uefi_vars_serialize(v, rec, &rs), SVSM_OK);
		EXPECT_EQ(uefi_vars_parse(w, rec, rs), SVSM_OK);
		uefi_vars_mode(w, &m);
		EXPECT_EQ(m.secure_boot, 1);
		EXPECT_EQ(apply(w, d, "db-replay.auth", "db", &imgdb, AUTH), EFI_SECURITY_VIOLATION);
		EXPECT_EQ(apply(w, d, "priv-stranger.auth", "MyVar", &vendor, AUTH),
			  EFI_SECURITY_VIOLATION);
		EXPECT_EQ(apply(w, d, "PK-delete.auth", "PK", &global, AUTH), EFI_SUCCESS);
		uefi_vars_free(w);
		free(rec);
	}

	/* Deleting PK (signed by PK) returns to setup mode; KEK updates need no signature. */
	EXPECT_EQ(apply(v, d, "PK-delete.auth", "PK", &global, AUTH), EFI_SUCCESS);
	uefi_vars_mode(v, &m);
	EXPECT_EQ(m.setup_mode, 1);
	EXPECT_EQ(m.secure_boot, 0);
	EXPECT_EQ(apply(v, d, "KEK-by-KEK.auth", "KEK", &global, AUTH), EFI_SUCCESS);
	/* Setup mode still needs the authentication header. */
	EXPECT_EQ(apply(v, d, "db-unsigned.esl", "db", &imgdb, AUTH), EFI_SECURITY_VIOLATION);
	uefi_vars_free(v);
}

TEST(uefi_vars, auth_header_checks)
{
	const char *d = payloads();
	struct uefi_vars *v;
	struct blob b;
	struct efi_variable_authentication_2 a;

	ASSERT_TRUE(d != NULL);
	v = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	ASSERT_TRUE(v != NULL);
	b = load(d, "PK.auth");
	ASSERT_TRUE(b.p != NULL);
	memcpy(&a, b.p, sizeof(a));
	/* Too short for the header; dwLength beyond the data or below its own header. */
	EXPECT_EQ(set_s(v, "PK", &global, AUTH, b.p, 39), EFI_SECURITY_VIOLATION);
	b.p[16] = 0xff;
	b.p[17] = 0xff;
	EXPECT_EQ(set_s(v, "PK", &global, AUTH, b.p, b.n), EFI_SECURITY_VIOLATION);
	memcpy(b.p, &a, sizeof(a));
	b.p[16] = 23;
	b.p[17] = 0;
	EXPECT_EQ(set_s(v, "PK", &global, AUTH, b.p, b.n), EFI_SECURITY_VIOLATION);
	/* Certificate type, CertType GUID, timestamp fields that must be zero. */
	memcpy(b.p, &a, sizeof(a));
	b.p[22] = 0;
	EXPECT_EQ(set_s(v, "PK", &global, AUTH, b.p, b.n), EFI_SECURITY_VIOLATION);
	memcpy(b.p, &a, sizeof(a));
	b.p[24] ^= 1;
	EXPECT_EQ(set_s(v, "PK", &global, AUTH, b.p, b.n), EFI_SECURITY_VIOLATION);
	memcpy(b.p, &a, sizeof(a));
	b.p[8] = 1; /* Nanosecond */
	EXPECT_EQ(set_s(v, "PK", &global, AUTH, b.p, b.n), EFI_SECURITY_VIOLATION);
	memcpy(b.p, &a, sizeof(a));
	b.p[12] = 1; /* TimeZone */
	EXPECT_EQ(set_s(v, "PK", &global, AUTH, b.p, b.n), EFI_SECURITY_VIOLATION);
	/* One byte of the signature or of the data changed. */
	memcpy(b.p, &a, sizeof(a));
	b.p[b.n - 1] ^= 1;
	EXPECT_NE(set_s(v, "PK", &global, AUTH, b.p, b.n), EFI_SUCCESS);
	b.p[b.n - 1] ^= 1;
	b.p[40 + 100] ^= 1;
	EXPECT_EQ(set_s(v, "PK", &global, AUTH, b.p, b.n), EFI_SECURITY_VIOLATION);
	b.p[40 + 100] ^= 1;
	/* Intact, it enrols. */
	EXPECT_EQ(set_s(v, "PK", &global, AUTH, b.p, b.n), EFI_SUCCESS);
	free(b.p);
	uefi_vars_free(v);
}

/*
 * Review: the store must never reach a state its own record parser refuses (a refused record
 * loses every non-volatile variable, PK/KEK/db included, at the next load). The record holds
 * at most 4096 entries; with a max_storage larger than 4096 of the smallest variables, the
 * guest could create more non-volatile variables than that without any key.
 */
TEST(uefi_vars, nv_count_stays_within_record_limit)
{
	struct uefi_vars *v = mk(1024u * 1024u, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	struct uefi_vars *w = mk(1024u * 1024u, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	uint8_t one = 1, *rec;
	size_t rs = 0;
	unsigned i, made = 0;
	efi_status_t st = EFI_SUCCESS;

	ASSERT_TRUE(v != NULL && w != NULL);
	for (i = 0; i < 4100 && st == EFI_SUCCESS; i++) {
		char n[16];

		snprintf(n, sizeof(n), "V%04x", i);
		st = set_s(v, n, &vendor, NV | BS, &one, 1);
		made += st == EFI_SUCCESS;
	}
	EXPECT_EQ(st, EFI_OUT_OF_RESOURCES);
	EXPECT_EQ(made, 4096u);
	/* Volatile variables do not go into the record: they are still allowed. */
	EXPECT_EQ(set_s(v, "Volatile", &vendor, BS, &one, 1), EFI_SUCCESS);
	/* Updating an existing one is fine, and a deleted slot can be used again. */
	EXPECT_EQ(set_s(v, "V0000", &vendor, NV | BS, "x", 1), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "V0001", &vendor, 0, NULL, 0), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "Again", &vendor, NV | BS, &one, 1), EFI_SUCCESS);
	ASSERT_EQ(uefi_vars_serialize(v, NULL, &rs), SVSM_OK);
	rec = malloc(rs);
	ASSERT_TRUE(rec != NULL);
	ASSERT_EQ(uefi_vars_serialize(v, rec, &rs), SVSM_OK);
	EXPECT_EQ(uefi_vars_parse(w, rec, rs), SVSM_OK);
	free(rec);
	uefi_vars_free(v);
	uefi_vars_free(w);
}

/*
 * An EFI_VARIABLE_AUTHENTICATION_2 update of @var signed here with libcrypto by
 * @signer.{key,crt} of the payload directory (a DER ContentInfo, SHA-256, detached), for
 * updates make-payloads.sh does not make. Returns a malloc'ed buffer (NULL on error).
 */
static uint8_t *sign_update_x(const char *dir, const char *signer, const char *extra,
			      const char *var, const efi_guid_t *g, uint32_t attr, uint8_t second,
			      const void *data, size_t size, size_t *out_size)
{
	char path[512];
	uint16_t name[64];
	size_t ns = u16(name, var) - 2;
	efi_time_t ts;
	uint8_t *tbs, *der = NULL, *out = NULL;
	size_t tbs_size = ns + 16 + 4 + sizeof(ts) + size;
	FILE *f;
	EVP_PKEY *key = NULL;
	X509 *crt = NULL, *xc = NULL;
	STACK_OF(X509) *chain = NULL;
	bool extra_ok = true;
	BIO *bio = NULL;
	PKCS7 *p7 = NULL;
	int der_len;

	memset(&ts, 0, sizeof(ts));
	ts.year = 2024;
	ts.month = 1;
	ts.day = 1;
	ts.second = second;
	tbs = malloc(tbs_size + 1);
	if (tbs == NULL) {
		return NULL;
	}
	memcpy(tbs, name, ns);
	memcpy(tbs + ns, g, 16);
	memcpy(tbs + ns + 16, &attr, 4);
	memcpy(tbs + ns + 20, &ts, sizeof(ts));
	if (size != 0) {
		memcpy(tbs + ns + 36, data, size);
	}
	snprintf(path, sizeof(path), "%s/%s.key", dir, signer);
	if ((f = fopen(path, "r")) != NULL) {
		key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/%s.crt", dir, signer);
	if ((f = fopen(path, "r")) != NULL) {
		crt = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (extra != NULL) {
		snprintf(path, sizeof(path), "%s/%s.crt", dir, extra);
		if ((f = fopen(path, "r")) != NULL) {
			xc = PEM_read_X509(f, NULL, NULL, NULL);
			fclose(f);
		}
		chain = sk_X509_new_null();
		if (xc == NULL || chain == NULL || sk_X509_push(chain, xc) <= 0) {
			extra_ok = false;
		}
	}
	bio = BIO_new_mem_buf(tbs, (int)tbs_size);
	if (key != NULL && crt != NULL && bio != NULL && extra_ok) {
		p7 = PKCS7_sign(crt, key, chain, bio,
				PKCS7_BINARY | PKCS7_DETACHED | PKCS7_NOSMIMECAP);
	}
	if (p7 != NULL && (der_len = i2d_PKCS7(p7, &der)) > 0) {
		struct efi_variable_authentication_2 a;
		static const efi_guid_t pkcs7 = EFI_CERT_TYPE_PKCS7_GUID;

		out = malloc(sizeof(a) + (size_t)der_len + size + 1);
		if (out != NULL) {
			memset(&a, 0, sizeof(a));
			a.time_stamp = ts;
			a.auth_info.hdr.dw_length = (uint32_t)(24 + der_len);
			a.auth_info.hdr.w_revision = WIN_CERT_REVISION_2_0;
			a.auth_info.hdr.w_certificate_type = WIN_CERT_TYPE_EFI_GUID;
			a.auth_info.cert_type = pkcs7;
			memcpy(out, &a, sizeof(a));
			memcpy(out + sizeof(a), der, (size_t)der_len);
			if (size != 0) {
				memcpy(out + sizeof(a) + der_len, data, size);
			}
			*out_size = sizeof(a) + (size_t)der_len + size;
		}
	}
	OPENSSL_free(der);
	PKCS7_free(p7);
	BIO_free(bio);
	X509_free(crt);
	sk_X509_free(chain);
	X509_free(xc);
	EVP_PKEY_free(key);
	free(tbs);
	return out;
}

static uint8_t *sign_update(const char *dir, const char *signer, const char *var,
			    const efi_guid_t *g, uint32_t attr, uint8_t second,
			    const void *data, size_t size, size_t *out_size)
{
	return sign_update_x(dir, signer, NULL, var, g, attr, second, data, size, out_size);
}

/*
 * Review: APPEND_WRITE on PK. PK must stay exactly one list with one X.509 certificate
 * (the record parser and esl_first_cert() rely on it): a PK-signed append of a second
 * certificate is refused, and the record still loads.
 */
TEST(uefi_vars, pk_append_keeps_one_certificate)
{
	const char *d = payloads();
	struct uefi_vars *v, *w;
	struct blob esl;
	uint8_t *upd, *rec;
	size_t n = 0, rs = 0;
	uint8_t buf[4096];
	uint64_t size = sizeof(buf);

	ASSERT_TRUE(d != NULL);
	v = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	w = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	ASSERT_TRUE(v != NULL && w != NULL);
	ASSERT_EQ(apply(v, d, "PK.auth", "PK", &global, AUTH), EFI_SUCCESS);
	esl = load(d, "KEK.esl");
	ASSERT_TRUE(esl.p != NULL);
	upd = sign_update(d, "PK", "PK", &global, AUTH | AW, 20, esl.p, esl.n, &n);
	ASSERT_TRUE(upd != NULL);
	EXPECT_EQ(set_s(v, "PK", &global, AUTH | AW, upd, n), EFI_INVALID_PARAMETER);
	EXPECT_EQ(get_s(v, "PK", &global, NULL, buf, &size), EFI_SUCCESS);
	ASSERT_EQ(uefi_vars_serialize(v, NULL, &rs), SVSM_OK);
	rec = malloc(rs);
	ASSERT_TRUE(rec != NULL);
	ASSERT_EQ(uefi_vars_serialize(v, rec, &rs), SVSM_OK);
	EXPECT_EQ(uefi_vars_parse(w, rec, rs), SVSM_OK);
	free(rec);
	free(upd);
	free(esl.p);
	/* The sign_update() helper itself is sound: a PK-signed KEK enrols. */
	esl = load(d, "KEK.esl");
	ASSERT_TRUE(esl.p != NULL);
	upd = sign_update(d, "PK", "KEK", &global, AUTH, 21, esl.p, esl.n, &n);
	ASSERT_TRUE(upd != NULL);
	EXPECT_EQ(set_s(v, "KEK", &global, AUTH, upd, n), EFI_SUCCESS);
	free(upd);
	free(esl.p);
	uefi_vars_free(v);
	uefi_vars_free(w);
}

/*
 * Review: private authenticated variables in the UEFI namespaces. UEFI reserves the global
 * and image security database GUIDs for UEFI-defined variables, and none but PK, KEK and
 * db/dbx/dbt/dbr is time-based authenticated (EDK2 UefiVarCheckLib refuses other
 * attributes). Without that rule any guest key could claim BootOrder, Boot####, ConIn...
 * as its private variable, and the firmware could never rewrite them again.
 */
TEST(uefi_vars, no_private_auth_vars_in_uefi_namespaces)
{
	const char *d = payloads();
	struct uefi_vars *v;
	static const uint8_t order[2] = {0, 0};
	uint8_t *upd;
	size_t n = 0;

	ASSERT_TRUE(d != NULL);
	v = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	ASSERT_TRUE(v != NULL);
	upd = sign_update(d, "stranger", "BootOrder", &global, AUTH, 30, order, sizeof(order), &n);
	ASSERT_TRUE(upd != NULL);
	EXPECT_EQ(set_s(v, "BootOrder", &global, AUTH, upd, n), EFI_INVALID_PARAMETER);
	free(upd);
	upd = sign_update(d, "stranger", "dbq", &imgdb, AUTH, 31, order, sizeof(order), &n);
	ASSERT_TRUE(upd != NULL);
	EXPECT_EQ(set_s(v, "dbq", &imgdb, AUTH, upd, n), EFI_INVALID_PARAMETER);
	free(upd);
	/* The firmware's own write of BootOrder still works. */
	EXPECT_EQ(set_s(v, "BootOrder", &global, NV | BS | RT, order, sizeof(order)), EFI_SUCCESS);
	/* A vendor GUID's private authenticated variable is still fine. */
	upd = sign_update(d, "stranger", "Mine", &vendor, AUTH, 32, order, sizeof(order), &n);
	ASSERT_TRUE(upd != NULL);
	EXPECT_EQ(set_s(v, "Mine", &vendor, AUTH, upd, n), EFI_SUCCESS);
	free(upd);
	uefi_vars_free(v);
}

/*
 * Review: the signer must chain to a trusted certificate (PK or a KEK entry); carrying the
 * trusted certificate inside the PKCS#7 is not enough, nor is a signer that is only in db.
 * Unsigned and foreign-signed deletes of PK and attribute changes are refused too.
 */
TEST(uefi_vars, signer_must_chain_to_pk_or_kek)
{
	const char *d = payloads();
	struct uefi_vars *v;
	struct uefi_vars_mode m;
	struct blob esl;
	uint8_t *upd;
	size_t n = 0;

	ASSERT_TRUE(d != NULL);
	v = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	ASSERT_TRUE(v != NULL);
	ASSERT_EQ(apply(v, d, "PK.auth", "PK", &global, AUTH), EFI_SUCCESS);
	ASSERT_EQ(apply(v, d, "KEK.auth", "KEK", &global, AUTH), EFI_SUCCESS);
	ASSERT_EQ(apply(v, d, "db.auth", "db", &imgdb, AUTH), EFI_SUCCESS);
	esl = load(d, "db2.esl");
	ASSERT_TRUE(esl.p != NULL);
	/* Signed by the stranger, with the KEK and PK certificates carried along. */
	upd = sign_update_x(d, "stranger", "KEK", "db", &imgdb, AUTH, 40, esl.p, esl.n, &n);
	ASSERT_TRUE(upd != NULL);
	EXPECT_EQ(set_s(v, "db", &imgdb, AUTH, upd, n), EFI_SECURITY_VIOLATION);
	free(upd);
	upd = sign_update_x(d, "stranger", "PK", "KEK", &global, AUTH, 41, esl.p, esl.n, &n);
	ASSERT_TRUE(upd != NULL);
	EXPECT_EQ(set_s(v, "KEK", &global, AUTH, upd, n), EFI_SECURITY_VIOLATION);
	free(upd);
	/* Signed by a db key: db does not authorise db updates. */
	upd = sign_update(d, "db", "db", &imgdb, AUTH, 42, esl.p, esl.n, &n);
	ASSERT_TRUE(upd != NULL);
	EXPECT_EQ(set_s(v, "db", &imgdb, AUTH, upd, n), EFI_SECURITY_VIOLATION);
	free(upd);
	/* PK deletes: without attributes, signed by KEK, signed by the stranger. */
	EXPECT_EQ(set_s(v, "PK", &global, 0, NULL, 0), EFI_INVALID_PARAMETER);
	upd = sign_update(d, "KEK", "PK", &global, AUTH, 43, NULL, 0, &n);
	ASSERT_TRUE(upd != NULL);
	EXPECT_EQ(set_s(v, "PK", &global, AUTH, upd, n), EFI_SECURITY_VIOLATION);
	free(upd);
	upd = sign_update_x(d, "stranger", "PK", "PK", &global, AUTH, 44, NULL, 0, &n);
	ASSERT_TRUE(upd != NULL);
	EXPECT_EQ(set_s(v, "PK", &global, AUTH, upd, n), EFI_SECURITY_VIOLATION);
	free(upd);
	uefi_vars_mode(v, &m);
	EXPECT_EQ(m.setup_mode, 0);
	EXPECT_EQ(m.secure_boot, 1);
	/* A PK-signed db update that drops RUNTIME_ACCESS: the attributes must not change. */
	upd = sign_update(d, "PK", "db", &imgdb, NV | BS | TA, 45, esl.p, esl.n, &n);
	ASSERT_TRUE(upd != NULL);
	EXPECT_EQ(set_s(v, "db", &imgdb, NV | BS | TA, upd, n), EFI_INVALID_PARAMETER);
	free(upd);
	/* The same signer chain done right: KEK-signed db update is accepted. */
	upd = sign_update(d, "KEK", "db", &imgdb, AUTH, 46, esl.p, esl.n, &n);
	ASSERT_TRUE(upd != NULL);
	EXPECT_EQ(set_s(v, "db", &imgdb, AUTH, upd, n), EFI_SUCCESS);
	free(upd);
	free(esl.p);
	uefi_vars_free(v);
}

/*
 * Review: the UEFI-defined read-only variables the firmware sets during boot (EDK2
 * UefiVarCheckLib: PKDefault, KEKDefault, dbDefault, dbxDefault, dbtDefault, VendorKeys,
 * SignatureSupport) are write-protected once ReadyToBoot is signalled (EDK2 treats
 * READY_TO_BOOT as EndOfDxe if that was not seen), so the OS cannot plant default keys the
 * firmware would enrol on "restore default keys".
 */
TEST(uefi_vars, firmware_read_only_vars_locked_at_ready_to_boot)
{
	struct uefi_vars *v = mk(UEFI_VARS_DEFAULT_MAX_STORAGE, UEFI_VARS_DEFAULT_MAX_VAR_SIZE);
	static const char *const names[] = {"PKDefault", "KEKDefault", "dbDefault", "dbxDefault",
					    "dbtDefault", "dbrDefault", "VendorKeys",
					    "SignatureSupport"};
	uint8_t b = 1;
	size_t i;

	ASSERT_TRUE(v != NULL);
	/* Before ReadyToBoot the firmware sets them. */
	EXPECT_EQ(set_s(v, "dbDefault", &global, BS | RT, &b, 1), EFI_SUCCESS);
	uefi_vars_ready_to_boot(v);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		EXPECT_EQ(set_s(v, names[i], &global, NV | BS | RT, &b, 1), EFI_WRITE_PROTECTED);
	}
	EXPECT_EQ(set_s(v, "dbDefault", &global, 0, NULL, 0), EFI_WRITE_PROTECTED);
	uefi_vars_exit_boot_services(v);
	EXPECT_EQ(set_s(v, "KEKDefault", &global, NV | BS | RT, &b, 1), EFI_WRITE_PROTECTED);
	/* Other variables are unaffected; the same names under a vendor GUID too. */
	EXPECT_EQ(set_s(v, "BootOrder", &global, NV | BS | RT, "\0\0", 2), EFI_SUCCESS);
	EXPECT_EQ(set_s(v, "dbDefault", &vendor, NV | BS | RT, &b, 1), EFI_SUCCESS);
	/* A reset returns to boot services: the firmware may set them again. */
	uefi_vars_reset(v);
	EXPECT_EQ(set_s(v, "PKDefault", &global, BS | RT, &b, 1), EFI_SUCCESS);
	uefi_vars_free(v);
}
