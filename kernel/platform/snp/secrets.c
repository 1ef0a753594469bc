/*
 * Secrets page: owns the guest's copy of the SNP secrets page and the registry of VMPCK copies
 * (the SVSM's secrets page and the guest-request contexts' keys) that snp_wipe_vmpcks() zeroes
 * on panic. The registry is written at init and by guest-request setup; the panic path only
 * reads it (no lock: the panic path must not block).
 */
#include "kernel/platform/snp/secrets.h"

#include <string.h>

#include "svsm/abi/svsm.h"

#define SNP_KEY_SLOTS 8u

struct key_slot {
	uint8_t *key;
	size_t len;
};

static struct snp_secrets_page *registered_page;
static struct key_slot key_slots[SNP_KEY_SLOTS];

void snp_memzero_explicit(void *p, size_t len)
{
	volatile uint8_t *b = p;

	for (size_t i = 0; i < len; i++) {
		b[i] = 0;
	}
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

enum svsm_err snp_secrets_copy_for_vmpl(struct snp_secrets_page *dst,
					const struct snp_secrets_page *src, unsigned int guest_vmpl,
					const struct snp_svsm_info *svsm)
{
	if (guest_vmpl == 0 || guest_vmpl > SNP_VMPL_MAX) {
		return SVSM_E_INVALID_PARAM;
	}
	memcpy(dst, src, sizeof(*dst));
	/* A guest at VMPLn may use VMPCKn..3 only: the keys of more privileged levels go. */
	for (unsigned int i = 0; i < guest_vmpl; i++) {
		snp_memzero_explicit(dst->vmpck[i], VMPCK_KEY_LEN);
		if (i == 0) {
			dst->os_area.msg_seqno_0 = 0;
		} else if (i == 1) {
			dst->os_area.msg_seqno_1 = 0;
		} else {
			dst->os_area.msg_seqno_2 = 0;
		}
	}
	dst->svsm_base = svsm->base;
	dst->svsm_size = svsm->size;
	dst->svsm_caa = svsm->caa_gpa;
	dst->svsm_max_version = SVSM_CORE_PROTOCOL_VERSION_MAX;
	dst->svsm_guest_vmpl = (uint8_t)guest_vmpl;
	memset(dst->reserved_0x15d, 0, sizeof(dst->reserved_0x15d));
	return SVSM_OK;
}

void snp_secrets_register_page(struct snp_secrets_page *page)
{
	registered_page = page;
}

enum svsm_err snp_secrets_register_key(uint8_t *key, size_t len)
{
	for (unsigned int i = 0; i < SNP_KEY_SLOTS; i++) {
		if (key_slots[i].key == NULL || key_slots[i].key == key) {
			key_slots[i].key = key;
			key_slots[i].len = len;
			return SVSM_OK;
		}
	}
	return SVSM_E_NOMEM;
}

void snp_secrets_unregister_key(uint8_t *key)
{
	for (unsigned int i = 0; i < SNP_KEY_SLOTS; i++) {
		if (key_slots[i].key == key) {
			key_slots[i].key = NULL;
			key_slots[i].len = 0;
		}
	}
}

void snp_wipe_vmpcks(void)
{
	if (registered_page != NULL) {
		snp_memzero_explicit(registered_page->vmpck, sizeof(registered_page->vmpck));
	}
	for (unsigned int i = 0; i < SNP_KEY_SLOTS; i++) {
		if (key_slots[i].key != NULL) {
			snp_memzero_explicit(key_slots[i].key, key_slots[i].len);
		}
	}
}
