/*
 * Test-guest checks of the UEFI MM protocol (4): discovery, the buffer checks (GPA, page
 * alignment, RAM, SVSM memory, sizes, MessageLength), malformed variable messages answered
 * with EFI statuses, Get/Set/GetNextVariableName/QueryVariableInfo, and, when the test
 * script appended efitools payloads to the guest image (scripts/test-uefi-mm.sh), Secure
 * Boot enrolment: PK, KEK, db signed by real keys, refusals of unsigned, wrongly signed and
 * replayed updates, SetupMode/SecureBoot and the attestation manifest following the mode.
 * Also the two halves of the persistence test and the latency bench.
 * Messages are built the way EDK2's VariableSmmRuntimeDxe builds them, in one 64 KiB
 * communicate buffer (RDX = 64 KiB, as EDK2's VirtMmCommunicationDxe passes).
 */
#include <stddef.h>
#include <string.h>

#include "guest/tests.h"
#include "svsm/abi/attest.h"
#include "svsm/abi/efi_var.h"
#include "svsm/abi/uefi_mm.h"

#define MM_SIZE  0x10000ull /* the communicate buffer, 16 pages */
#define SMM_HDR  16u        /* SMM_VARIABLE_COMMUNICATE_HEADER */
#define ACC_NAME SMM_VARIABLE_ACCESS_NAME_OFFSET
#define ATTR_NV_BS_RT \
	(EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)
#define ATTR_AUTH (ATTR_NV_BS_RT | EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS)

static const efi_guid_t smm_var_guid = EFI_SMM_VARIABLE_PROTOCOL_GUID;
static const efi_guid_t global_guid = EFI_GLOBAL_VARIABLE_GUID;
static const efi_guid_t db_guid = EFI_IMAGE_SECURITY_DATABASE_GUID;
static const efi_guid_t test_guid =
	EFI_GUID_INIT(0x5356534d, 0x5445, 0x5354, 0x75, 0x65, 0x66, 0x69, 0x6d, 0x6d, 0x00, 0x01);

static uint8_t *mm;    /* the communicate buffer (S_UEFI) */
static uint64_t mm_gpa;
static bool keep_keys; /* the first persistence run keeps PK, KEK and db */

/* Over the store's 32 KiB variable limit, inside the 64 KiB buffer. */
#define TOO_BIG_VAR 33000u

/* --- payloads appended to the guest image (scripts/test-uefi-mm.sh) --- */

extern char __payload_start[];
#define PAYLOAD_MAGIC 0x53444c5941504655ull /* "UFPAYLDS" */

/* Bundle: u64 magic, u32 count, u32 reserved, then per file: char name[32], u32 size,
 * u32 reserved, size bytes padded to 8. */
static const uint8_t *payload(const char *name, uint32_t *size)
{
	const uint8_t *p = (const uint8_t *)__payload_start;
	uint64_t magic;
	uint32_t count;

	memcpy(&magic, p, 8);
	memcpy(&count, p + 8, 4);
	if (magic != PAYLOAD_MAGIC) {
		return NULL;
	}
	p += 16;
	for (uint32_t i = 0; i < count && i < 64; i++) {
		uint32_t sz;

		memcpy(&sz, p + 32, 4);
		if (strncmp((const char *)p, name, 32) == 0) {
			*size = sz;
			return p + 40;
		}
		p += 40 + ((sz + 7u) & ~7u);
	}
	return NULL;
}

/* --- message builders --- */

static size_t ucs2(uint16_t *out, const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		out[n] = (uint8_t)s[n];
	}
	out[n] = 0;
	return (n + 1) * 2;
}

static struct efi_mm_communicate_header *mm_hdr(void)
{
	return (struct efi_mm_communicate_header *)mm;
}

static struct smm_variable_communicate_header *smm(void)
{
	return (struct smm_variable_communicate_header *)(mm + 24);
}

static uint8_t *payload_area(void)
{
	return mm + 24 + SMM_HDR;
}

static void begin(uint64_t function, uint64_t payload_len)
{
	memset(mm, 0xcc, 24 + SMM_HDR);
	mm_hdr()->header_guid = smm_var_guid;
	mm_hdr()->message_length = SMM_HDR + payload_len;
	smm()->function = function;
	smm()->return_status = 0x5a5a5a5a5a5a5a5aull;
}

static uint64_t mm_call_at(uint64_t gpa, uint64_t size)
{
	return call_rax(SVSM_UEFI_MM_PROTOCOL, SVSM_UEFI_MM_REQUEST, gpa, size, 0);
}

/* One request on the buffer; returns ReturnStatus, or ~0 when RAX was not success. */
static efi_status_t mm_run(void)
{
	uint64_t rax = mm_call_at(mm_gpa, MM_SIZE);

	if (rax != SVSM_SUCCESS) {
		gprintf("[guest] uefi: request failed: RAX %#lx\n", rax);
		return ~0ull;
	}
	return smm()->return_status;
}

/* Access-variable message: name, then @room bytes of data (@data copied when not NULL). */
static struct smm_variable_communicate_access_variable *
put_access(uint64_t function, const char *name, const efi_guid_t *guid, uint32_t attrs,
	   const void *data, uint64_t data_size, uint64_t room)
{
	struct smm_variable_communicate_access_variable *a = (void *)payload_area();
	uint16_t wname[64];
	size_t ns = ucs2(wname, name);

	begin(function, ACC_NAME + ns + room);
	a->guid = *guid;
	a->data_size = data_size;
	a->name_size = ns;
	a->attributes = attrs;
	memcpy((uint8_t *)a + ACC_NAME, wname, ns);
	if (data != NULL) {
		memcpy((uint8_t *)a + ACC_NAME + ns, data, data_size);
	}
	return a;
}

static efi_status_t set_var(const char *name, const efi_guid_t *guid, uint32_t attrs,
			    const void *data, uint64_t size)
{
	put_access(SMM_VARIABLE_FUNCTION_SET_VARIABLE, name, guid, attrs, data, size, size);
	return mm_run();
}

/* GetVariable into @out (room @cap); *@size gets DataSize, *@attrs the attributes. */
static efi_status_t get_var(const char *name, const efi_guid_t *guid, void *out, uint64_t cap,
			    uint64_t *size, uint32_t *attrs)
{
	struct smm_variable_communicate_access_variable *a =
		put_access(SMM_VARIABLE_FUNCTION_GET_VARIABLE, name, guid, 0, NULL, cap, cap);
	efi_status_t st = mm_run();

	*size = a->data_size;
	if (attrs != NULL) {
		*attrs = a->attributes;
	}
	if (st == EFI_SUCCESS && out != NULL && a->data_size <= cap) {
		memcpy(out, (uint8_t *)a + ACC_NAME + a->name_size, a->data_size);
	}
	return st;
}

/* A one-byte mode variable (SetupMode, SecureBoot); 0xff when it cannot be read. */
static uint8_t mode_var(const char *name)
{
	uint8_t v = 0xff;
	uint64_t size = 0;

	if (get_var(name, &global_guid, &v, 1, &size, NULL) != EFI_SUCCESS || size != 1) {
		return 0xff;
	}
	return v;
}

/* --- checks --- */

static void test_buffer_checks(const struct native_boot_info *bi)
{
	uint64_t ram_end = 0;
	uint8_t before[64];

	for (unsigned i = 0; i < bi->mem_count; i++) {
		uint64_t e = bi->mem[i].base + bi->mem[i].size;

		ram_end = e > ram_end ? e : ram_end;
	}
	check("uefi_mm_unknown_call", call_rax(SVSM_UEFI_MM_PROTOCOL, 0, mm_gpa, MM_SIZE, 0) ==
					      SVSM_ERR_UNSUPPORTED_CALL &&
					      call_rax(SVSM_UEFI_MM_PROTOCOL, 4, mm_gpa, MM_SIZE, 0) ==
					      SVSM_ERR_UNSUPPORTED_CALL);
	check("uefi_mm_gpa_zero", mm_call_at(0, MM_SIZE) == SVSM_ERR_INVALID_PARAMETER);
	check("uefi_mm_gpa_unaligned", mm_call_at(mm_gpa + 8, PAGE) == SVSM_ERR_INVALID_ADDRESS &&
					       mm_call_at(mm_gpa + PAGE - 24, 48) ==
						       SVSM_ERR_INVALID_ADDRESS);
	check("uefi_mm_size_too_small", mm_call_at(mm_gpa, 0) == SVSM_ERR_INVALID_PARAMETER &&
						mm_call_at(mm_gpa, 23) == SVSM_ERR_INVALID_PARAMETER);
	check("uefi_mm_size_too_big",
	      mm_call_at(mm_gpa, SVSM_UEFI_MM_BUFFER_MAX + 1) == SVSM_ERR_INVALID_PARAMETER &&
		      mm_call_at(mm_gpa, ~0ull) == SVSM_ERR_INVALID_PARAMETER);
	check("uefi_mm_svsm_memory", mm_call_at(bi->svsm_base, PAGE) == SVSM_ERR_INVALID_ADDRESS &&
					     mm_call_at(bi->svsm_base - PAGE, 2 * PAGE) ==
						     SVSM_ERR_INVALID_ADDRESS &&
					     mm_call_at(bi->svsm_base + bi->svsm_size - PAGE,
							2 * PAGE) == SVSM_ERR_INVALID_ADDRESS);
	check("uefi_mm_beyond_ram", mm_call_at(ram_end, PAGE) == SVSM_ERR_INVALID_ADDRESS &&
					    mm_call_at(ram_end - PAGE, 2 * PAGE) ==
						    SVSM_ERR_INVALID_ADDRESS &&
					    mm_call_at(1ull << 52, PAGE) == SVSM_ERR_INVALID_ADDRESS &&
					    mm_call_at(~0ull & ~(PAGE - 1), PAGE) ==
						    SVSM_ERR_INVALID_ADDRESS);

	/* MessageLength lies: each refused with the buffer left as it was. */
	begin(SMM_VARIABLE_FUNCTION_QUERY_VARIABLE_INFO, 32);
	mm_hdr()->message_length = MM_SIZE - 24 + 1;
	memcpy(before, mm, sizeof(before));
	check("uefi_mm_message_length_beyond_buffer",
	      mm_call_at(mm_gpa, MM_SIZE) == SVSM_ERR_INVALID_PARAMETER &&
		      memcmp(before, mm, sizeof(before)) == 0);
	mm_hdr()->message_length = ~0ull;
	check("uefi_mm_message_length_huge", mm_call_at(mm_gpa, MM_SIZE) == SVSM_ERR_INVALID_PARAMETER);
	mm_hdr()->message_length = 200;
	check("uefi_mm_message_length_beyond_rdx", mm_call_at(mm_gpa, 24 + 199) ==
							   SVSM_ERR_INVALID_PARAMETER);
	mm_hdr()->message_length = 8; /* shorter than the SMM variable header */
	check("uefi_mm_message_shorter_than_header", mm_call_at(mm_gpa, MM_SIZE) ==
							     SVSM_ERR_INVALID_PARAMETER);
	mm_hdr()->message_length = 0x20000; /* within a 256 KiB RDX, over the 64 KiB served */
	check("uefi_mm_message_over_served_max", mm_call_at(mm_gpa, 0x40000) ==
							 SVSM_ERR_INVALID_PARAMETER);
	begin(SMM_VARIABLE_FUNCTION_QUERY_VARIABLE_INFO, 32);
	mm_hdr()->header_guid.data1 ^= 1;
	check("uefi_mm_unknown_header_guid", mm_call_at(mm_gpa, MM_SIZE) ==
						     SVSM_ERR_INVALID_PARAMETER &&
						     smm()->return_status == 0x5a5a5a5a5a5a5a5aull);
}

static void test_malformed_messages(void)
{
	struct smm_variable_communicate_access_variable *a;
	struct smm_variable_communicate_get_next_variable_name *n;
	efi_status_t st;

	/* A name whose NUL is missing: NameSize stops before it. EDK2's SmmVariableHandler
	 * answers EFI_ACCESS_DENIED to such names; so does the SVSM. */
	a = put_access(SMM_VARIABLE_FUNCTION_GET_VARIABLE, "NoTerminator", &test_guid, 0, NULL, 16,
		       16);
	a->name_size -= 2;
	st = mm_run();
	check("uefi_mm_name_without_terminator", st == EFI_ACCESS_DENIED);
	a = put_access(SMM_VARIABLE_FUNCTION_SET_VARIABLE, "OddName", &test_guid, ATTR_NV_BS_RT,
		       "x", 1, 1);
	a->name_size = 7;
	check("uefi_mm_odd_name_size", mm_run() == EFI_ACCESS_DENIED);
	a = put_access(SMM_VARIABLE_FUNCTION_SET_VARIABLE, "Big", &test_guid, ATTR_NV_BS_RT, "x", 1,
		       1);
	a->name_size = ~0ull - 7; /* NameSize + DataSize overflows */
	st = mm_run();
	check("uefi_mm_name_size_overflow", (st & EFI_ERROR_BIT) != 0 && st != ~0ull);
	a = put_access(SMM_VARIABLE_FUNCTION_SET_VARIABLE, "Big", &test_guid, ATTR_NV_BS_RT, "x", 1,
		       1);
	a->data_size = 4096; /* more data than the message carries */
	st = mm_run();
	check("uefi_mm_data_size_beyond_message", (st & EFI_ERROR_BIT) != 0 && st != ~0ull);
	a = put_access(SMM_VARIABLE_FUNCTION_GET_VARIABLE, "Short", &test_guid, 0, NULL, 0, 0);
	mm_hdr()->message_length = SMM_HDR + 20; /* cut inside the access header */
	st = mm_run();
	check("uefi_mm_access_header_cut", (st & EFI_ERROR_BIT) != 0 && st != ~0ull);
	begin(99, 0);
	check("uefi_mm_unknown_function", mm_run() == EFI_UNSUPPORTED);
	n = (void *)payload_area();
	begin(SMM_VARIABLE_FUNCTION_GET_NEXT_VARIABLE_NAME, SMM_VARIABLE_GET_NEXT_NAME_OFFSET + 8);
	n->guid = test_guid;
	n->name_size = 8;
	memcpy(n->name, "A\0B\0C\0D\0", 8); /* no NUL within NameSize */
	check("uefi_mm_next_name_without_terminator", mm_run() == EFI_ACCESS_DENIED);
}

static void test_get_set(void)
{
	static uint8_t data[30000], back[30000];
	uint64_t size = 0;
	uint32_t attrs = 0;
	efi_status_t st;

	for (unsigned i = 0; i < sizeof(data); i++) {
		data[i] = (uint8_t)(i * 7 + 3);
	}
	check("uefi_mm_get_absent",
	      get_var("SvsmTestVar", &test_guid, back, 64, &size, NULL) == EFI_NOT_FOUND);
	check("uefi_mm_set", set_var("SvsmTestVar", &test_guid, ATTR_NV_BS_RT, data, 100) ==
				     EFI_SUCCESS);
	st = get_var("SvsmTestVar", &test_guid, back, 100, &size, &attrs);
	check("uefi_mm_get", st == EFI_SUCCESS && size == 100 && attrs == ATTR_NV_BS_RT &&
				     memcmp(back, data, 100) == 0);
	st = get_var("SvsmTestVar", &test_guid, back, 10, &size, NULL);
	check("uefi_mm_get_buffer_too_small", st == EFI_BUFFER_TOO_SMALL && size == 100);
	check("uefi_mm_other_guid_absent",
	      get_var("SvsmTestVar", &global_guid, back, 100, &size, NULL) == EFI_NOT_FOUND);
	/* A variable spanning many pages of the buffer comes back byte for byte. */
	check("uefi_mm_set_large",
	      set_var("SvsmLarge", &test_guid, ATTR_NV_BS_RT, data, sizeof(data)) == EFI_SUCCESS);
	memset(back, 0, sizeof(back));
	st = get_var("SvsmLarge", &test_guid, back, sizeof(back), &size, NULL);
	check("uefi_mm_get_large", st == EFI_SUCCESS && size == sizeof(data) &&
					   memcmp(back, data, sizeof(data)) == 0);
	/* Over the 32 KiB variable limit (but inside the 64 KiB buffer): refused. */
	{
		static uint8_t big[TOO_BIG_VAR];

		st = set_var("SvsmTooBig", &test_guid, ATTR_NV_BS_RT, big, sizeof(big));
		check("uefi_mm_set_over_variable_limit", (st & EFI_ERROR_BIT) != 0 && st != ~0ull &&
								 get_var("SvsmTooBig", &test_guid, back,
									 16, &size, NULL) ==
									 EFI_NOT_FOUND);
	}
	check("uefi_mm_set_volatile", set_var("SvsmVolatile", &test_guid,
					      EFI_VARIABLE_BOOTSERVICE_ACCESS |
						      EFI_VARIABLE_RUNTIME_ACCESS,
					      "vol", 3) == EFI_SUCCESS);
	check("uefi_mm_mode_vars_read_only",
	      set_var("SetupMode", &global_guid, EFI_VARIABLE_BOOTSERVICE_ACCESS |
						 EFI_VARIABLE_RUNTIME_ACCESS, "\0", 1) ==
		      EFI_WRITE_PROTECTED);
	check("uefi_mm_delete", set_var("SvsmLarge", &test_guid, ATTR_NV_BS_RT, NULL, 0) ==
					EFI_SUCCESS &&
					get_var("SvsmLarge", &test_guid, back, 16, &size, NULL) ==
						EFI_NOT_FOUND);
}

/* Walks GetNextVariableName from the start; counts variables and those of test_guid. */
static bool enumerate(unsigned *total, unsigned *ours, bool *saw_test_var)
{
	struct smm_variable_communicate_get_next_variable_name *n = (void *)payload_area();
	uint16_t prev[128] = {0};
	efi_guid_t prev_guid = {0};
	uint16_t want[32];
	size_t want_size = ucs2(want, "SvsmTestVar");

	*total = *ours = 0;
	*saw_test_var = false;
	for (unsigned i = 0; i < 200; i++) {
		efi_status_t st;
		size_t len = 0;

		while (prev[len] != 0) {
			len++;
		}
		begin(SMM_VARIABLE_FUNCTION_GET_NEXT_VARIABLE_NAME,
		      SMM_VARIABLE_GET_NEXT_NAME_OFFSET + sizeof(prev));
		n->guid = prev_guid;
		n->name_size = sizeof(prev);
		memset(n->name, 0, sizeof(prev));
		memcpy(n->name, prev, (len + 1) * 2);
		st = mm_run();
		if (st == EFI_NOT_FOUND) {
			return true;
		}
		if (st != EFI_SUCCESS || n->name_size > sizeof(prev)) {
			gprintf("[guest] uefi: GetNextVariableName: status %#lx\n", st);
			return false;
		}
		memcpy(prev, n->name, n->name_size);
		prev_guid = n->guid;
		(*total)++;
		if (memcmp(&prev_guid, &test_guid, sizeof(prev_guid)) == 0) {
			(*ours)++;
			if (n->name_size == want_size && memcmp(prev, want, want_size) == 0) {
				*saw_test_var = true;
			}
		}
	}
	return false;
}

static void test_enumerate_and_query(void)
{
	struct smm_variable_communicate_get_next_variable_name *n = (void *)payload_area();
	struct smm_variable_communicate_query_variable_info *q = (void *)payload_area();
	unsigned total = 0, ours = 0;
	bool saw = false;
	efi_status_t st;

	check("uefi_mm_enumerate", enumerate(&total, &ours, &saw) && ours == 2 && saw &&
					   total >= ours);
	begin(SMM_VARIABLE_FUNCTION_GET_NEXT_VARIABLE_NAME, SMM_VARIABLE_GET_NEXT_NAME_OFFSET + 2);
	memset(&n->guid, 0, sizeof(n->guid));
	n->name_size = 2;
	n->name[0] = 0;
	st = mm_run();
	check("uefi_mm_enumerate_buffer_too_small", st == EFI_BUFFER_TOO_SMALL && n->name_size > 2);
	begin(SMM_VARIABLE_FUNCTION_QUERY_VARIABLE_INFO, sizeof(*q));
	memset(q, 0, sizeof(*q));
	q->attributes = ATTR_NV_BS_RT;
	st = mm_run();
	check("uefi_mm_query_info", st == EFI_SUCCESS && q->maximum_variable_storage_size > 0 &&
					    q->remaining_variable_storage_size <
						    q->maximum_variable_storage_size &&
					    q->maximum_variable_size >= 30000);
}

/* The UEFI entry of the services manifest: its flags, or ~0 when it is missing. */
static uint32_t manifest_uefi_flags(uint64_t area)
{
	const struct svsm_guid want = SVSM_ATTEST_UEFI_MM_GUID;
	const uint8_t *m = (const uint8_t *)(area + 0x1000);
	uint32_t count, off, len, flags = ~0u;

	if (!guest_attest_once(area)) {
		return ~0u;
	}
	memcpy(&count, m + 20, 4);
	for (uint32_t i = 0; i < count && i < 8; i++) {
		const uint8_t *e = m + 24 + 24 * i;

		memcpy(&off, e + 16, 4);
		memcpy(&len, e + 20, 4);
		if (memcmp(e, &want, 16) == 0 && len == 8 && off + 8 <= 4096 &&
		    m[off] == 0 && m[off + 1] == 0 && m[off + 2] == 0 && m[off + 3] == 0) {
			memcpy(&flags, m + off + 4, 4);
		}
	}
	return flags;
}

/* Secure Boot enrolment with efitools payloads (tests/uefi/make-payloads.sh). */
static void test_secure_boot(uint64_t attest_area)
{
	static uint8_t back[8192];
	const uint8_t *pk, *kek, *db, *db_esl, *stranger, *replay, *unsigned_db, *kek_by_kek,
		*pk_delete;
	uint32_t pk_n = 0, kek_n = 0, db_n = 0, db_esl_n = 0, stranger_n = 0, replay_n = 0,
		 unsigned_n = 0, kek_by_kek_n = 0, pk_delete_n = 0;
	uint64_t size = 0;
	efi_status_t st;

	pk = payload("PK.auth", &pk_n);
	kek = payload("KEK.auth", &kek_n);
	db = payload("db.auth", &db_n);
	db_esl = payload("db.esl", &db_esl_n);
	stranger = payload("db-stranger.auth", &stranger_n);
	replay = payload("db-replay.auth", &replay_n);
	unsigned_db = payload("db-unsigned.esl", &unsigned_n);
	kek_by_kek = payload("KEK-by-KEK.auth", &kek_by_kek_n);
	pk_delete = payload("PK-delete.auth", &pk_delete_n);
	if (pk == NULL || kek == NULL || db == NULL || db_esl == NULL || stranger == NULL ||
	    replay == NULL || unsigned_db == NULL || kek_by_kek == NULL || pk_delete == NULL) {
		check("uefi_sb_payloads_present", false);
		return;
	}
	check("uefi_sb_setup_mode_initially", mode_var("SetupMode") == 1 &&
						      mode_var("SecureBoot") == 0 &&
						      (manifest_uefi_flags(attest_area) &
						       SVSM_UEFI_MM_MANIFEST_SECUREBOOT) == 0);
	check("uefi_sb_enrol_pk", set_var("PK", &global_guid, ATTR_AUTH, pk, pk_n) == EFI_SUCCESS);
	check("uefi_sb_user_mode_after_pk", mode_var("SetupMode") == 0 &&
						    mode_var("SecureBoot") == 1);
	check("uefi_sb_manifest_secure_boot",
	      (manifest_uefi_flags(attest_area) & SVSM_UEFI_MM_MANIFEST_SECUREBOOT) != 0);
	st = set_var("KEK", &global_guid, ATTR_AUTH, kek_by_kek, kek_by_kek_n);
	check("uefi_sb_kek_not_signed_by_pk_refused", st == EFI_SECURITY_VIOLATION &&
							      get_var("KEK", &global_guid, back,
								      sizeof(back), &size, NULL) ==
								      EFI_NOT_FOUND);
	check("uefi_sb_enrol_kek", set_var("KEK", &global_guid, ATTR_AUTH, kek, kek_n) ==
					   EFI_SUCCESS);
	st = set_var("db", &db_guid, ATTR_AUTH, unsigned_db, unsigned_n);
	check("uefi_sb_unsigned_db_refused", (st & EFI_ERROR_BIT) != 0 && st != ~0ull);
	st = set_var("db", &db_guid, ATTR_NV_BS_RT, unsigned_db, unsigned_n);
	check("uefi_sb_db_without_auth_attribute_refused", (st & EFI_ERROR_BIT) != 0 &&
								   st != ~0ull);
	st = set_var("db", &db_guid, ATTR_AUTH, stranger, stranger_n);
	check("uefi_sb_wrongly_signed_db_refused",
	      st == EFI_SECURITY_VIOLATION &&
		      get_var("db", &db_guid, back, sizeof(back), &size, NULL) == EFI_NOT_FOUND);
	check("uefi_sb_enrol_db", set_var("db", &db_guid, ATTR_AUTH, db, db_n) == EFI_SUCCESS);
	st = get_var("db", &db_guid, back, sizeof(back), &size, NULL);
	check("uefi_sb_db_content", st == EFI_SUCCESS && size == db_esl_n &&
					    memcmp(back, db_esl, db_esl_n) == 0);
	st = set_var("db", &db_guid, ATTR_AUTH, replay, replay_n);
	check("uefi_sb_replayed_older_timestamp_refused",
	      st == EFI_SECURITY_VIOLATION &&
		      get_var("db", &db_guid, back, sizeof(back), &size, NULL) == EFI_SUCCESS &&
		      size == db_esl_n && memcmp(back, db_esl, db_esl_n) == 0);
	if (keep_keys) {
		return; /* the persistence run keeps the keys for its second boot */
	}
	check("uefi_sb_delete_pk", set_var("PK", &global_guid, ATTR_AUTH, pk_delete, pk_delete_n) ==
					   EFI_SUCCESS);
	check("uefi_sb_setup_mode_after_pk_delete", mode_var("SetupMode") == 1 &&
							    mode_var("SecureBoot") == 0 &&
							    (manifest_uefi_flags(attest_area) &
							     SVSM_UEFI_MM_MANIFEST_SECUREBOOT) == 0);
}

static bool discover(void)
{
	struct call c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL,
			   (uint64_t)SVSM_UEFI_MM_PROTOCOL << 32 | 1, 0, 0);
	bool ok = svsm_call(ca, &c) && c.rax == SVSM_SUCCESS && c.rcx == (1ull << 32 | 1);

	c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL,
	       (uint64_t)SVSM_UEFI_MM_PROTOCOL << 32 | 2, 0, 0);
	check("uefi_mm_query_protocol", ok && svsm_call(ca, &c) && c.rax == SVSM_SUCCESS &&
						c.rcx == 0);
	return ok;
}

static void setup(uint64_t area)
{
	mm_gpa = area;
	mm = (uint8_t *)area;
	memset(mm, 0, MM_SIZE);
}

void guest_uefi_mm_tests(const struct native_boot_info *bi, uint64_t area, uint64_t attest_area,
			 bool need_payloads)
{
	uint32_t n = 0;
	uint32_t flags;

	setup(area);
	if (!discover()) {
		return;
	}
	flags = manifest_uefi_flags(attest_area);
	check("uefi_mm_manifest_entry", flags != ~0u &&
						(flags & ~(SVSM_UEFI_MM_MANIFEST_PERSISTENT_NV |
							   SVSM_UEFI_MM_MANIFEST_SECUREBOOT |
							   SVSM_UEFI_MM_MANIFEST_DB_UPDATE)) == 0);
	test_buffer_checks(bi);
	test_malformed_messages();
	test_get_set();
	test_enumerate_and_query();
	if (payload("PK.auth", &n) != NULL) {
		test_secure_boot(attest_area);
	} else if (need_payloads) {
		check("uefi_sb_payloads_present", false);
	} else {
		gprintf("[guest] uefi: no efitools payloads appended: Secure Boot enrolment skipped "
			"(make test-uefi-mm runs it)\n");
	}
}

/*
 * make test-uefi-mm's persistence runs over one state disk. Part 1: every check, keeping
 * PK/KEK/db, plus one non-volatile and one volatile variable. Part 2 (the next boot): the
 * non-volatile variables and the keys are back (still enforcing the db timestamp), the
 * volatile one is gone, and the manifest says persistent and Secure Boot.
 */
void guest_uefi_mm_persist(const struct native_boot_info *bi, uint64_t area,
			   uint64_t attest_area, int part)
{
	static uint8_t back[8192];
	const uint8_t *db_esl, *replay;
	uint32_t db_esl_n = 0, replay_n = 0, flags;
	uint64_t size = 0;
	efi_status_t st;

	setup(area);
	if (!discover()) {
		return;
	}
	if (part == 1) {
		keep_keys = true;
		guest_uefi_mm_tests(bi, area, attest_area, true);
		check("uefi_persist_set", set_var("SvsmPersist", &test_guid, ATTR_NV_BS_RT,
						  "kept across boots", 17) == EFI_SUCCESS);
		flags = manifest_uefi_flags(attest_area);
		check("uefi_persist_manifest_persistent",
		      flags != ~0u && (flags & SVSM_UEFI_MM_MANIFEST_PERSISTENT_NV) != 0);
		return;
	}
	db_esl = payload("db.esl", &db_esl_n);
	replay = payload("db-replay.auth", &replay_n);
	st = get_var("SvsmPersist", &test_guid, back, sizeof(back), &size, NULL);
	check("uefi_persist_variable_back", st == EFI_SUCCESS && size == 17 &&
						    memcmp(back, "kept across boots", 17) == 0);
	check("uefi_persist_volatile_gone", get_var("SvsmVolatile", &test_guid, back, sizeof(back),
						    &size, NULL) == EFI_NOT_FOUND);
	check("uefi_persist_user_mode", mode_var("SetupMode") == 0 && mode_var("SecureBoot") == 1);
	st = get_var("db", &db_guid, back, sizeof(back), &size, NULL);
	check("uefi_persist_db_back", db_esl != NULL && st == EFI_SUCCESS && size == db_esl_n &&
					      memcmp(back, db_esl, db_esl_n) == 0);
	check("uefi_persist_replay_still_refused",
	      replay != NULL && set_var("db", &db_guid, ATTR_AUTH, replay, replay_n) ==
					EFI_SECURITY_VIOLATION);
	flags = manifest_uefi_flags(attest_area);
	check("uefi_persist_manifest", flags != ~0u &&
					       (flags & SVSM_UEFI_MM_MANIFEST_PERSISTENT_NV) != 0 &&
					       (flags & SVSM_UEFI_MM_MANIFEST_SECUREBOOT) != 0);
}

static void sort64(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		for (unsigned k = i; k > 0 && v[k - 1] > v[k]; k--) {
			uint64_t t = v[k];

			v[k] = v[k - 1];
			v[k - 1] = t;
		}
	}
}

/*
 * Latency through the protocol: N SetVariable calls of a 64-byte non-volatile variable
 * (each changes it; with a state disk each is a commit) and N GetVariable calls; prints
 * the medians in TSC cycles (scripts/bench-uefi-mm.sh converts them with the SVSM's TSC).
 */
void guest_uefi_mm_bench(uint64_t area)
{
	enum { N = 41 };
	static uint64_t set_t[N], get_t[N];
	uint8_t data[64], back[64];
	uint64_t size = 0;
	bool ok = true;

	setup(area);
	if (!discover()) {
		return;
	}
	for (unsigned i = 0; i < N; i++) {
		uint64_t t0;

		memset(data, (int)i, sizeof(data));
		t0 = guest_rdtsc();
		ok = ok && set_var("SvsmBench", &test_guid, ATTR_NV_BS_RT, data, sizeof(data)) ==
				   EFI_SUCCESS;
		set_t[i] = guest_rdtsc() - t0;
		t0 = guest_rdtsc();
		ok = ok && get_var("SvsmBench", &test_guid, back, sizeof(back), &size, NULL) ==
				   EFI_SUCCESS;
		get_t[i] = guest_rdtsc() - t0;
		ok = ok && memcmp(back, data, sizeof(data)) == 0;
	}
	check("uefi_bench_calls", ok);
	sort64(set_t, N);
	sort64(get_t, N);
	gprintf("bench-cycles uefi_var_set %lu\n", set_t[N / 2]);
	gprintf("bench-cycles uefi_var_get %lu\n", get_t[N / 2]);
}

static uint32_t uefi_set_slow(void)
{
	efi_status_t st = set_var("SvsmCommitWait", &test_guid, ATTR_NV_BS_RT, "slow", 4);

	return st == EFI_SUCCESS ? 0 : (uint32_t)st | 1u;
}

/*
 * make test-uefi-mm's commit-wait part (state disk, state_commit_delay_ms): while a
 * SetVariable waits for its commit, a second vCPU's attestation calls are served.
 */
void guest_uefi_mm_commit_wait(uint64_t area)
{
	setup(area);
	if (!discover()) {
		return;
	}
	commit_wait_run("uefi_commit_wait", "SetVariable", uefi_set_slow);
}
