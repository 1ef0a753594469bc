/*
 * Tests of the UEFI MM protocol (4) through dispatch with the real variable service
 * (kernel/protocols/uefi_mm.c, kernel/services/uefi_vars_service.c, lib/uefi_vars.c):
 * what the guest sees in RAX and in its buffer for good and malformed calls, the commit
 * before the answer (and no answer when it fails), the store coming back from a commit,
 * and the manifest entry.
 */
#include "kernel/mm/guest_mem.h"
#include "kernel/services/attest/manifest.h"
#include "kernel/services/uefi_vars_service.h"
#include "lib/uefi_vars.h"
#include "svsm/abi/efi_var.h"
#include "svsm/abi/uefi_mm.h"
#include "tests/unit/guest_fixture.h"
#include "tests/unit/harness.h"

#define PAGE 4096ull
#define MM_SIZE 0x10000ull
#define ATTR_NV_BS_RT \
	(EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)

static struct guest_fixture g;
static const efi_guid_t smm_guid = EFI_SMM_VARIABLE_PROTOCOL_GUID;
static const efi_guid_t test_guid =
	EFI_GUID_INIT(0x5356534d, 0x5445, 0x5354, 0x75, 0x65, 0x66, 0x69, 0x6d, 0x6d, 0x00, 0x01);

static struct {
	unsigned calls;
	enum svsm_err result;
	uint8_t blob[65536];
	uint32_t size;
} fake_disk;

static enum svsm_err fake_commit(const uint8_t *data, uint32_t size)
{
	fake_disk.calls++;
	if (fake_disk.result == SVSM_OK && size <= sizeof(fake_disk.blob)) {
		memcpy(fake_disk.blob, data, size);
		fake_disk.size = size;
	}
	return fake_disk.result;
}

static uint8_t *buf_at(uint64_t gpa)
{
	return (uint8_t *)(uintptr_t)gpa;
}

/* A Get/SetVariable message for "Var" at @gpa with @size data bytes (@fill). */
static void put_access(uint64_t gpa, uint64_t function, uint32_t attrs, uint64_t size,
		       uint8_t fill)
{
	uint8_t *b = buf_at(gpa);
	struct efi_mm_communicate_header *h = (void *)b;
	struct smm_variable_communicate_header *s = (void *)(b + 24);
	struct smm_variable_communicate_access_variable *a = (void *)(b + 40);
	static const uint16_t name[] = {'V', 'a', 'r', 0};

	memset(b, 0, MM_SIZE);
	h->header_guid = smm_guid;
	h->message_length = 16 + SMM_VARIABLE_ACCESS_NAME_OFFSET + sizeof(name) + size;
	s->function = function;
	s->return_status = 0x5a5a5a5a5a5a5a5aull;
	a->guid = test_guid;
	a->data_size = size;
	a->name_size = sizeof(name);
	a->attributes = attrs;
	memcpy(b + 40 + SMM_VARIABLE_ACCESS_NAME_OFFSET, name, sizeof(name));
	memset(b + 40 + SMM_VARIABLE_ACCESS_NAME_OFFSET + sizeof(name), fill, size);
}

static uint64_t status_at(uint64_t gpa)
{
	return ((struct smm_variable_communicate_header *)(buf_at(gpa) + 24))->return_status;
}

static uint64_t mm(uint64_t gpa, uint64_t size)
{
	return guest_call(&g, SVSM_UEFI_MM_PROTOCOL, SVSM_UEFI_MM_REQUEST, gpa, size, 0).rax;
}

static void setup(void)
{
	guest_fixture_setup(&g);
	uefi_vars_service_reset();
	memset(&fake_disk, 0, sizeof(fake_disk));
}

TEST(uefi_mm_protocol, not_offered_before_the_service)
{
	setup();
	EXPECT_EQ(mm(g.ram + 4 * PAGE, MM_SIZE), SVSM_ERR_UNSUPPORTED_PROTOCOL);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_QUERY_PROTOCOL, 4ull << 32 | 1, 0, 0).rcx, 0);
	ASSERT_EQ(uefi_vars_service_init(NULL, 0), SVSM_OK);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_QUERY_PROTOCOL, 4ull << 32 | 1, 0, 0).rcx,
		  1ull << 32 | 1);
	EXPECT_EQ(guest_call(&g, 0, SVSM_CORE_QUERY_PROTOCOL, 4ull << 32 | 2, 0, 0).rcx, 0);
	EXPECT_EQ(guest_call(&g, SVSM_UEFI_MM_PROTOCOL, 0, g.ram + 4 * PAGE, MM_SIZE, 0).rax,
		  SVSM_ERR_UNSUPPORTED_CALL);
	uefi_vars_service_reset();
}

TEST(uefi_mm_protocol, buffer_checks)
{
	uint64_t buf;
	uint8_t before[128];

	setup();
	ASSERT_EQ(uefi_vars_service_init(NULL, 0), SVSM_OK);
	buf = g.ram + 4 * PAGE;
	put_access(buf, SMM_VARIABLE_FUNCTION_GET_VARIABLE, 0, 8, 0);
	EXPECT_EQ(mm(0, MM_SIZE), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(mm(buf + 8, PAGE), SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(mm(buf, 0), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(mm(buf, 23), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(mm(buf, SVSM_UEFI_MM_BUFFER_MAX + 1), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(mm(buf, ~0ull), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(mm(g.svsm, PAGE), SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(mm(g.ram - PAGE, 2 * PAGE), SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(mm(g.ram_end - PAGE, 2 * PAGE), SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(mm(g.ram_end, PAGE), SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(mm(~0ull & ~(PAGE - 1), PAGE), SVSM_ERR_INVALID_ADDRESS);

	/* MessageLength lies: refused, and the buffer is not written. */
	((struct efi_mm_communicate_header *)buf_at(buf))->message_length = MM_SIZE - 24 + 1;
	memcpy(before, buf_at(buf), sizeof(before));
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_MEMEQ(buf_at(buf), before, sizeof(before));
	((struct efi_mm_communicate_header *)buf_at(buf))->message_length = ~0ull;
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_ERR_INVALID_PARAMETER);
	((struct efi_mm_communicate_header *)buf_at(buf))->message_length = 0x20000;
	EXPECT_EQ(mm(buf, 0x40000), SVSM_ERR_INVALID_PARAMETER); /* over the 64 KiB served */
	((struct efi_mm_communicate_header *)buf_at(buf))->message_length = 8;
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_ERR_INVALID_PARAMETER);
	put_access(buf, SMM_VARIABLE_FUNCTION_GET_VARIABLE, 0, 8, 0);
	((struct efi_mm_communicate_header *)buf_at(buf))->header_guid.data1 ^= 1;
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_ERR_INVALID_PARAMETER);
	EXPECT_EQ(status_at(buf), 0x5a5a5a5a5a5a5a5aull);
	/* A good request still works after all that. */
	put_access(buf, SMM_VARIABLE_FUNCTION_GET_VARIABLE, 0, 8, 0);
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_SUCCESS);
	EXPECT_EQ(status_at(buf), EFI_NOT_FOUND);
	uefi_vars_service_reset();
}

/* A buffer the SVSM may not write (the read-only code flash): refused before it is served,
 * so the variable is not set and nothing is committed behind the guest's back. */
TEST(uefi_mm_protocol, read_only_buffer_refused_before_serving)
{
	uint64_t buf;

	setup();
	ASSERT_EQ(uefi_vars_service_init(NULL, 0), SVSM_OK);
	uefi_vars_service_set_commit(fake_commit);
	buf = g.ram + 4 * PAGE;
	guest_mem_set_readonly(gpa_init(buf + MM_SIZE - PAGE), PAGE); /* its last page */
	put_access(buf, SMM_VARIABLE_FUNCTION_SET_VARIABLE, ATTR_NV_BS_RT, 16, 0xab);
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_ERR_INVALID_ADDRESS);
	EXPECT_EQ(status_at(buf), 0x5a5a5a5a5a5a5a5aull);
	EXPECT_EQ(fake_disk.calls, 0u);
	guest_mem_set_readonly(GPA_C(0), 0); /* none */
	put_access(buf, SMM_VARIABLE_FUNCTION_GET_VARIABLE, 0, 16, 0);
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_SUCCESS);
	EXPECT_EQ(status_at(buf), EFI_NOT_FOUND);
	uefi_vars_service_reset();
}

TEST(uefi_mm_protocol, set_commits_before_the_answer)
{
	uint64_t buf;
	uint8_t manifest[1024];
	uint32_t msize = 0;
	struct uefi_vars *copy;
	uint64_t size = 0;
	uint8_t data[16];

	setup();
	ASSERT_EQ(uefi_vars_service_init(NULL, 0), SVSM_OK);
	uefi_vars_service_set_commit(fake_commit);
	buf = g.ram + 4 * PAGE;

	put_access(buf, SMM_VARIABLE_FUNCTION_SET_VARIABLE, ATTR_NV_BS_RT, 16, 0xab);
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_SUCCESS);
	EXPECT_EQ(status_at(buf), EFI_SUCCESS);
	EXPECT_EQ(fake_disk.calls, 1u);
	EXPECT_EQ(uefi_vars_service_commits(), 1u);
	/* A read changes nothing: no commit. */
	put_access(buf, SMM_VARIABLE_FUNCTION_GET_VARIABLE, 0, 16, 0);
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_SUCCESS);
	EXPECT_EQ(status_at(buf), EFI_SUCCESS);
	EXPECT_EQ(fake_disk.calls, 1u);
	/* The committed bytes are the store: a fresh store parses them and has the variable. */
	copy = uefi_vars_new(&(struct uefi_vars_limits){UEFI_VARS_DEFAULT_MAX_STORAGE,
							UEFI_VARS_DEFAULT_MAX_VAR_SIZE});
	ASSERT_TRUE(copy != NULL);
	ASSERT_EQ(uefi_vars_parse(copy, fake_disk.blob, fake_disk.size), SVSM_OK);
	size = sizeof(data);
	EXPECT_EQ(uefi_vars_get(copy, (const uint16_t *)u"Var", 8, &test_guid, NULL, &size, data),
		  EFI_SUCCESS);
	EXPECT_EQ(size, 16u);
	EXPECT_EQ(data[15], 0xab);
	uefi_vars_free(copy);

	/* A commit that fails: the guest gets no answer (RAX BUSY, ReturnStatus untouched). */
	fake_disk.result = SVSM_E_IO;
	put_access(buf, SMM_VARIABLE_FUNCTION_SET_VARIABLE, ATTR_NV_BS_RT, 16, 0xcd);
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_ERR_BUSY);
	EXPECT_EQ(status_at(buf), 0x5a5a5a5a5a5a5a5aull);
	EXPECT_EQ(fake_disk.calls, 2u);
	/* Once the disk works again the next change carries it. */
	fake_disk.result = SVSM_OK;
	put_access(buf, SMM_VARIABLE_FUNCTION_SET_VARIABLE, ATTR_NV_BS_RT, 16, 0xef);
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_SUCCESS);
	EXPECT_EQ(fake_disk.calls, 3u);

	/* Deleting the last variable is a change too: an empty store is committed. */
	put_access(buf, SMM_VARIABLE_FUNCTION_SET_VARIABLE, ATTR_NV_BS_RT, 0, 0);
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_SUCCESS);
	EXPECT_EQ(status_at(buf), EFI_SUCCESS);
	EXPECT_EQ(fake_disk.calls, 4u);
	EXPECT_TRUE(fake_disk.size > 0);
	ASSERT_EQ(uefi_vars_service_init(fake_disk.blob, fake_disk.size), SVSM_OK);
	uefi_vars_service_set_commit(fake_commit);
	put_access(buf, SMM_VARIABLE_FUNCTION_GET_VARIABLE, 0, 16, 0);
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_SUCCESS);
	EXPECT_EQ(status_at(buf), EFI_NOT_FOUND);
	put_access(buf, SMM_VARIABLE_FUNCTION_SET_VARIABLE, ATTR_NV_BS_RT, 16, 0xef);
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_SUCCESS);
	EXPECT_EQ(fake_disk.calls, 5u);

	/* The store comes back from the committed record. */
	ASSERT_EQ(uefi_vars_service_init(fake_disk.blob, fake_disk.size), SVSM_OK);
	put_access(buf, SMM_VARIABLE_FUNCTION_GET_VARIABLE, 0, 16, 0);
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_SUCCESS);
	EXPECT_EQ(status_at(buf), EFI_SUCCESS);
	EXPECT_EQ(buf_at(buf)[40 + SMM_VARIABLE_ACCESS_NAME_OFFSET + 8 + 15], 0xef);
	/* A record that does not parse is refused (the boot stops). */
	fake_disk.blob[0] ^= 0xff;
	EXPECT_NE(uefi_vars_service_init(fake_disk.blob, fake_disk.size), SVSM_OK);
	EXPECT_EQ(mm(buf, MM_SIZE), SVSM_ERR_UNSUPPORTED_PROTOCOL);

	/* The manifest names the service while it is up. */
	ASSERT_EQ(uefi_vars_service_init(NULL, 0), SVSM_OK);
	uefi_vars_service_set_commit(fake_commit);
	ASSERT_EQ(manifest_build_single(&(struct svsm_guid)SVSM_ATTEST_UEFI_MM_GUID, manifest,
					sizeof(manifest), &msize),
		  SVSM_OK);
	EXPECT_EQ(msize, 8u);
	EXPECT_EQ(manifest[0] | manifest[1] | manifest[2] | manifest[3], 0);
	EXPECT_EQ(manifest[4], (uint8_t)SVSM_UEFI_MM_MANIFEST_PERSISTENT_NV);
	uefi_vars_service_reset();
	EXPECT_EQ(manifest_build_single(&(struct svsm_guid)SVSM_ATTEST_UEFI_MM_GUID, manifest,
					sizeof(manifest), &msize),
		  SVSM_E_UNSUPPORTED);
}
