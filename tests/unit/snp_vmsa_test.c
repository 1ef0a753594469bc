/*
 * VMSA layout, the initial firmware VMSA and CREATE_VCPU checks (kernel/platform/snp/
 * vmsa_snp.c), and the guest's secrets page (secrets.c). Offsets are checked at run time too,
 * against the numbers of svsm-abi.md section 6 and Linux struct sev_es_save_area.
 */
#include "kernel/platform/snp/vmsa_snp.h"

#include <stdlib.h>

#include "kernel/platform/snp/secrets.h"
#include "svsm/abi/snp.h"
#include "svsm/abi/svsm.h"
#include "tests/unit/harness.h"

static uint64_t rd64(const void *p, size_t off)
{
	uint64_t v = 0;

	memcpy(&v, (const uint8_t *)p + off, sizeof(v));
	return v;
}

TEST(snp_vmsa, offsets)
{
	EXPECT_EQ(offsetof(struct vmsa, cs), 0x10);
	EXPECT_EQ(offsetof(struct vmsa, tr), 0x90);
	EXPECT_EQ(offsetof(struct vmsa, vmpl), 0xca);
	EXPECT_EQ(offsetof(struct vmsa, efer), 0xd0);
	EXPECT_EQ(offsetof(struct vmsa, cr0), 0x158);
	EXPECT_EQ(offsetof(struct vmsa, rflags), 0x170);
	EXPECT_EQ(offsetof(struct vmsa, rip), 0x178);
	EXPECT_EQ(offsetof(struct vmsa, rax), 0x1f8);
	EXPECT_EQ(offsetof(struct vmsa, g_pat), 0x268);
	EXPECT_EQ(offsetof(struct vmsa, rcx), 0x308);
	EXPECT_EQ(offsetof(struct vmsa, r8), 0x340);
	EXPECT_EQ(offsetof(struct vmsa, sev_features), 0x3b0);
	EXPECT_EQ(offsetof(struct vmsa, vintr_ctrl), 0x3b8);
	EXPECT_EQ(offsetof(struct vmsa, guest_exit_code), 0x3c0);
	EXPECT_EQ(offsetof(struct vmsa, xcr0), 0x3e8);
	EXPECT_EQ(offsetof(struct vmsa, mxcsr), 0x408);
	EXPECT_EQ(offsetof(struct vmsa, x87_fcw), 0x410);
	EXPECT_EQ(sizeof(struct vmsa), 4096);
}

TEST(snp_vmsa, firmware_vmsa)
{
	struct vmsa *v = malloc(sizeof(*v));
	struct snp_fw_vmsa_params p = {0xfffffff0u, 0, false, 2};
	const uint8_t *b = (const uint8_t *)v;

	/* SVSM runs with SNP, restricted injection, debug swap: the guest gets neither of the
	 * latter two. */
	p.sev_features = VMSA_SEV_FEAT_SNP_ACTIVE | VMSA_SEV_FEAT_RESTRICTED_INJ |
			 VMSA_SEV_FEAT_DEBUG_SWAP | VMSA_SEV_FEAT_SECURE_TSC;
	snp_vmsa_init_fw(v, &p);
	EXPECT_EQ(b[0xca], 2);                                   /* vmpl */
	EXPECT_EQ(rd64(v, 0xd0), 0x1000);                        /* efer = SVME */
	EXPECT_EQ(rd64(v, 0x158), 0x60000010);                   /* cr0 */
	EXPECT_EQ(rd64(v, 0x170), 0x2);                          /* rflags */
	EXPECT_EQ(rd64(v, 0x178), 0xfff0);                       /* rip */
	EXPECT_EQ(rd64(v, 0x10), 0x0000ffff009bf000ull);         /* cs sel/attr/limit */
	EXPECT_EQ(rd64(v, 0x18), 0xffff0000);                    /* cs base */
	EXPECT_EQ(rd64(v, 0x30), 0x0000ffff00930000ull);         /* ds */
	EXPECT_EQ(rd64(v, 0x70), 0x0000ffff00820000ull);         /* ldtr */
	EXPECT_EQ(rd64(v, 0x90), 0x0000ffff008b0000ull);         /* tr */
	EXPECT_EQ(rd64(v, 0x60), 0x0000ffff00000000ull);         /* gdtr limit */
	EXPECT_EQ(rd64(v, 0x168), 0xffff0ff0);                   /* dr6 */
	EXPECT_EQ(rd64(v, 0x160), 0x400);                        /* dr7 */
	EXPECT_EQ(rd64(v, 0x268), 0x0007040600070406ull);        /* g_pat */
	EXPECT_EQ(rd64(v, 0x3e8), 1);                            /* xcr0 */
	EXPECT_EQ(rd64(v, 0x408), 0x0000555500001f80ull);        /* mxcsr @0x408, ftw @0x40c */
	EXPECT_EQ(b[0x410], 0x40);                               /* fcw */
	EXPECT_EQ(rd64(v, 0x3b0), VMSA_SEV_FEAT_SNP_ACTIVE | VMSA_SEV_FEAT_SECURE_TSC);
	EXPECT_EQ(rd64(v, 0x3b8), 0);
	p.apic_emulation = true;
	snp_vmsa_init_fw(v, &p);
	EXPECT_EQ(rd64(v, 0x3b0), VMSA_SEV_FEAT_SNP_ACTIVE | VMSA_SEV_FEAT_SECURE_TSC |
					  VMSA_SEV_FEAT_ALTERNATE_INJ);
	EXPECT_EQ(rd64(v, 0x3b8), SNP_VINTR_CTRL_V_GIF);
	free(v);
}

TEST(snp_vmsa, create_vcpu_checks)
{
	struct vmsa *v = calloc(1, sizeof(*v));

	v->vmpl = 2;
	v->efer = VMSA_EFER_SVME | 0x500;
	v->sev_features = 0x21;
	EXPECT_EQ(snp_vmsa_check_create_vcpu(v, 2, 0x21), SVSM_OK);
	EXPECT_EQ(snp_vmsa_check_create_vcpu(v, 2, 0x1), SVSM_E_INVALID_PARAM);
	v->vmpl = 0; /* a guest must not create a VMPL0 vCPU */
	EXPECT_EQ(snp_vmsa_check_create_vcpu(v, 2, 0x21), SVSM_E_INVALID_PARAM);
	v->vmpl = 2;
	v->efer = 0x500;
	EXPECT_EQ(snp_vmsa_check_create_vcpu(v, 2, 0x21), SVSM_E_INVALID_PARAM);
	free(v);
}

TEST(snp_secrets, copy_for_vmpl2)
{
	struct snp_secrets_page *src = malloc(sizeof(*src));
	struct snp_secrets_page *dst = malloc(sizeof(*dst));
	const uint8_t *d = (const uint8_t *)dst;
	struct snp_svsm_info info = {0x8000000, 0x1000000, 0x9000};
	uint8_t zero[32] = {0};

	memset(src, 0xa5, sizeof(*src));
	ASSERT_EQ(snp_secrets_copy_for_vmpl(dst, src, 2, &info), SVSM_OK);
	EXPECT_MEMEQ(d + 0x20, zero, 32);                /* VMPCK0 gone */
	EXPECT_MEMEQ(d + 0x40, zero, 32);                /* VMPCK1 gone */
	EXPECT_EQ(d[0x60], 0xa5);                        /* VMPCK2 kept */
	EXPECT_EQ(d[0x9f], 0xa5);                        /* VMPCK3 kept */
	EXPECT_EQ(d[0x10], 0xa5);                        /* gosvw kept */
	EXPECT_EQ(rd64(dst, 0x140), 0x8000000);
	EXPECT_EQ(rd64(dst, 0x148), 0x1000000);
	EXPECT_EQ(rd64(dst, 0x150), 0x9000);
	EXPECT_EQ(rd64(dst, 0x158) & 0xffffffff, 1);     /* svsm_max_version */
	EXPECT_EQ(d[0x15c], 2);                          /* svsm_guest_vmpl */
	EXPECT_EQ(d[0x15d], 0);
	EXPECT_EQ(snp_secrets_copy_for_vmpl(dst, src, 0, &info), SVSM_E_INVALID_PARAM);
	EXPECT_EQ(snp_secrets_copy_for_vmpl(dst, src, 4, &info), SVSM_E_INVALID_PARAM);
	ASSERT_EQ(snp_secrets_copy_for_vmpl(dst, src, 3, &info), SVSM_OK);
	EXPECT_MEMEQ(d + 0x60, zero, 32);
	EXPECT_EQ(d[0x80], 0xa5);
	free(src);
	free(dst);
}

TEST(snp_secrets, wipe_vmpcks)
{
	struct snp_secrets_page *own = malloc(sizeof(*own));
	uint8_t key[32];
	uint8_t zero[128] = {0};

	memset(own, 0x5a, sizeof(*own));
	memset(key, 0x77, sizeof(key));
	snp_secrets_register_page(own);
	ASSERT_EQ(snp_secrets_register_key(key, sizeof(key)), SVSM_OK);
	snp_wipe_vmpcks();
	EXPECT_MEMEQ(own->vmpck, zero, sizeof(own->vmpck));
	EXPECT_MEMEQ(key, zero, sizeof(key));
	EXPECT_EQ(own->os_area.guest_usage[0], 0x5a); /* nothing else touched */
	snp_secrets_unregister_key(key);
	snp_secrets_register_page(NULL);
	free(own);
}

/* The VMPL0 VMSA of an SVSM AP, read back at the APM offsets (not through struct vmsa). */
TEST(snp_vmsa, ap_vmsa_long_mode_vmpl0)
{
	struct vmsa *v = malloc(sizeof(*v));
	const uint8_t *b = (const uint8_t *)v;
	struct snp_ap_vmsa_params p = {
	    .rip = 0xffffffff80123450, .rdi = 0xffffffff80400000, .stack_top = 0xffffc00000014000,
	    .cr0 = 0x80010033, .cr3 = 0x8000000000345000, .cr4 = 0x6a0,
	    .gdtr_base = 0xffffffff80401000, .gdtr_limit = 0x27,
	    .idtr_base = 0xffffffff80402000, .idtr_limit = 0xfff,
	    .code_sel = 0x08, .data_sel = 0x10, .sev_features = 0x1,
	};

	ASSERT_TRUE(v != NULL);
	memset(v, 0xa5, sizeof(*v));
	snp_vmsa_init_ap(v, &p);
	/* CS: selector 0x08, attrib 0x29b (L=1), limit 0xffffffff at 0x10. */
	EXPECT_EQ(rd64(b, 0x10), 0xffffffff029b0008ull);
	EXPECT_EQ(rd64(b, 0x20), 0xffffffff0c930010ull); /* SS */
	EXPECT_EQ(rd64(b, 0x30), 0xffffffff0c930010ull); /* DS */
	EXPECT_EQ(rd64(b, 0x60), 0x0000002700000000ull); /* GDTR limit */
	EXPECT_EQ(rd64(b, 0x68), 0xffffffff80401000ull);
	EXPECT_EQ(rd64(b, 0x88), 0xffffffff80402000ull); /* IDTR base */
	EXPECT_EQ(b[0xca], 0);                            /* VMPL0 */
	EXPECT_EQ(rd64(b, 0xd0), 0x1d00ull);              /* EFER: SVME NXE LMA LME */
	EXPECT_EQ(rd64(b, 0x148), 0x6a0ull);              /* CR4 */
	EXPECT_EQ(rd64(b, 0x150), 0x8000000000345000ull); /* CR3 */
	EXPECT_EQ(rd64(b, 0x158), 0x80010033ull);         /* CR0 */
	EXPECT_EQ(rd64(b, 0x170), 0x2ull);                /* RFLAGS: IF clear */
	EXPECT_EQ(rd64(b, 0x178), 0xffffffff80123450ull); /* RIP */
	EXPECT_EQ(rd64(b, 0x1d8), 0xffffc00000013ff8ull); /* RSP: as after a call */
	EXPECT_EQ(rd64(b, 0x338), 0xffffffff80400000ull); /* RDI */
	EXPECT_EQ(rd64(b, 0x3b0), 0x1ull);                /* sev_features */
	EXPECT_EQ(rd64(b, 0x3e8), 0x1ull);                /* XCR0 */
	EXPECT_EQ(rd64(b, 0x268), 0x0007040600070406ull); /* PAT */
	EXPECT_EQ(rd64(b, 0xfff & ~7u), 0ull);            /* the rest of the page zeroed */
	free(v);
}
