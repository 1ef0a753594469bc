/*
 * The native test guest: runs at lower privilege under the SVSM, finds its calling
 * area, calls every core-protocol call with valid arguments, then with hostile ones,
 * and reports one line per check and a summary. The failure count goes to the SVSM
 * through the completion port. guest_args selects other modes: "bench" measures an SVSM
 * call against a bare VMMCALL; "touch_svsm" reads SVSM memory and "touch_apic" writes the
 * local APIC's ICR (the SVSM must stop us in both).
 */
#include <stddef.h>
#include <string.h>

#include "guest/guest.h"
#include "svsm/abi/vmsa.h"

extern unsigned guest_passed, guest_failed;
extern char __load_start[], __guest_mem_size[];
extern char guest_gdt[], guest_gdt_desc[], guest_pml4[];
void guest_entry32(void);
void guest_ap_entry64(void);
void guest_main(const struct native_boot_info *bi);
void guest_ap_main(void *arg);


__attribute__((section(".header"), used)) static const struct native_guest_header header = {
	.magic = NATIVE_GUEST_MAGIC,
	.header_size = sizeof(struct native_guest_header),
	.load_gpa = (uint64_t)__load_start,
	.entry_gpa = (uint64_t)guest_entry32,
	.mem_size = (uint64_t)__guest_mem_size,
};

#define PAGE 4096ull
#define MB2 0x200000ull

static const struct native_boot_info *boot;
static volatile struct svsm_ca *ca;
static uint64_t scratch; /* 2 MiB-aligned scratch area in guest RAM above the SVSM */

/* Layout of the scratch area. */
#define S_HUGE      (scratch)                 /* 2 MiB for 2M validation */
#define S_HUGE2     (scratch + MB2)           /* 2 MiB for the 4K-then-2M case */
#define S_PAGES     (scratch + 2 * MB2)       /* 4K pages to validate */
#define S_VMSA      (scratch + 3 * MB2)
#define S_AP_CA     (S_VMSA + PAGE)
#define S_REQ       (S_VMSA + 2 * PAGE)       /* request page (not the CA) */
#define S_CA2       (S_VMSA + 3 * PAGE)       /* REMAP_CA target */
#define S_AP_STACK  (S_VMSA + 8 * PAGE)       /* top of a 16 KiB stack */
#define S_SHARED    (S_VMSA + 9 * PAGE)       /* AP <-> BSP shared data */
#define S_TPM       (S_VMSA + 16 * PAGE)      /* vTPM buffer and attestation pages */
#define S_VMSA2     (S_VMSA + 32 * PAGE)      /* the racing vCPU: VMSA, CA, stack, data */
#define S_AP_CA2    (S_VMSA2 + PAGE)
#define S_AP_STACK2 (S_VMSA2 + 8 * PAGE)
#define S_SHARED2   (S_VMSA2 + 9 * PAGE)

struct ap_shared {
	volatile uint64_t mode;       /* 0 idle loop, 1 count, 2 scribble on S_REQ, 3 delete racer,
				       * 4 write the counter to *target */
	volatile uint64_t counter;
	volatile uint64_t query_rax;
	volatile uint64_t query_rcx;
	volatile uint64_t calls_ok;
	uint64_t ca;                  /* this vCPU's calling area */
	volatile uint64_t deleted;    /* mode 3: DELETE_VCPU calls that succeeded */
	volatile uint64_t bad;        /* mode 3: answers that are not an SVSM result */
	volatile uint64_t *target;    /* mode 4 */
};

static struct call mk(uint32_t protocol, uint32_t id, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	return (struct call){SVSM_CALL(protocol, id), rcx, rdx, r8, 0};
}

static uint64_t call_rax(uint32_t protocol, uint32_t id, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	struct call c = mk(protocol, id, rcx, rdx, r8);

	if (!svsm_call(ca, &c)) {
		gprintf("[guest] call %u/%u left call_pending set\n", protocol, id);
		return ~0ull;
	}
	return c.rax;
}

static uint64_t core(uint32_t id, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	return call_rax(SVSM_CORE_PROTOCOL, id, rcx, rdx, r8);
}

/* PVALIDATE with a request built at @req_gpa; returns RAX and the final `next`. */
static uint64_t pvalidate_at(uint64_t req_gpa, const uint64_t *entries, uint16_t count,
			     uint16_t next, uint16_t *next_out)
{
	struct svsm_pvalidate_call *req = (struct svsm_pvalidate_call *)req_gpa;
	uint64_t rax;

	req->entry_count = count;
	req->next = next;
	memset(req->reserved, 0, sizeof(req->reserved));
	for (uint16_t i = 0; i < count; i++) {
		req->entries[i] = entries[i];
	}
	rax = core(SVSM_CORE_PVALIDATE, req_gpa, 0, 0);
	if (next_out != NULL) {
		*next_out = req->next;
	}
	return rax;
}

static uint64_t pval1(uint64_t gpa, unsigned size, bool validate, bool ignore_cf)
{
	uint64_t e = svsm_pvalidate_entry_make(gpa, size, validate, ignore_cf);

	return pvalidate_at((uint64_t)ca->buffer, &e, 1, 0, NULL);
}

static bool page_is(uint64_t gpa, uint8_t v)
{
	const uint8_t *p = (const uint8_t *)gpa;

	for (unsigned i = 0; i < PAGE; i++) {
		if (p[i] != v) {
			return false;
		}
	}
	return true;
}

static void test_discovery_and_queries(void)
{
	struct call c;

	check("ca_from_msr_svsm_caa", guest_rdmsr(MSR_SVSM_CAA) == boot->ca_gpa);
	c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, (0ull << 32) | 1, 0, 0);
	check("query_core_v1", svsm_call(ca, &c) && c.rax == SVSM_SUCCESS &&
				       c.rcx == ((1ull << 32) | 1));
	c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, (0ull << 32) | 2, 0, 0);
	check("query_core_v2_absent", svsm_call(ca, &c) && c.rax == SVSM_SUCCESS && c.rcx == 0);
	c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, (99ull << 32) | 1, 0, 0);
	check("query_unknown_protocol", svsm_call(ca, &c) && c.rax == SVSM_SUCCESS && c.rcx == 0);
	c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_CONFIGURE_VTOM, 1, 0, 0);
	check("configure_vtom_query", svsm_call(ca, &c) && c.rax == SVSM_SUCCESS && c.rcx == 0);
	check("configure_vtom_set", core(SVSM_CORE_CONFIGURE_VTOM, 0, 0, 0) == SVSM_ERR_INVALID_REQUEST);
	check("deposit_mem_unsupported", core(SVSM_CORE_DEPOSIT_MEM, 0, 0, 0) == SVSM_ERR_UNSUPPORTED_CALL);
	check("withdraw_mem_unsupported", core(SVSM_CORE_WITHDRAW_MEM, 0, 0, 0) == SVSM_ERR_UNSUPPORTED_CALL);
	check("unknown_core_call", core(99, 0, 0, 0) == SVSM_ERR_UNSUPPORTED_CALL);
	check("unknown_protocol", call_rax(77, 0, 0, 0, 0) == SVSM_ERR_UNSUPPORTED_PROTOCOL);
	check("bare_vmmcall_ignored", bare_vmmcall(0x1234) == 0x1234);
	check("call_pending_cleared", ca->call_pending == 0);
}

static void test_remap_ca(void)
{
	volatile struct svsm_ca *old = ca;
	struct call c;
	bool ok;

	memset((void *)S_CA2, 0, PAGE);
	ok = core(SVSM_CORE_REMAP_CA, S_CA2, 0, 0) == SVSM_SUCCESS;
	ca = (volatile struct svsm_ca *)S_CA2;
	ok = ok && guest_rdmsr(MSR_SVSM_CAA) == S_CA2 && old->call_pending == 0;
	c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0);
	ok = ok && svsm_call(ca, &c) && c.rax == SVSM_SUCCESS;
	ok = ok && core(SVSM_CORE_REMAP_CA, (uint64_t)old, 0, 0) == SVSM_SUCCESS;
	ca = old;
	check("remap_ca_and_back", ok && guest_rdmsr(MSR_SVSM_CAA) == boot->ca_gpa);
	check("remap_ca_svsm_memory", core(SVSM_CORE_REMAP_CA, boot->svsm_base, 0, 0) ==
					      SVSM_ERR_INVALID_ADDRESS);
	check("remap_ca_unaligned", core(SVSM_CORE_REMAP_CA, S_CA2 + 8, 0, 0) ==
					    SVSM_ERR_INVALID_PARAMETER);
	check("remap_ca_mmio", core(SVSM_CORE_REMAP_CA, 0xfee00000, 0, 0) == SVSM_ERR_INVALID_ADDRESS);
	check("ca_unchanged_after_bad_remaps", guest_rdmsr(MSR_SVSM_CAA) == boot->ca_gpa);
}

/*
 * fw_cfg DMA would let a guest make QEMU write anywhere in physical memory: the SVSM must
 * not let it through. Ask for the 4-byte signature ("QEMU") by DMA into our own memory:
 * the buffer and the request must stay untouched.
 */
static void test_fw_cfg_dma_blocked(void)
{
	struct {
		uint32_t control, length;
		uint64_t address;
	} __attribute__((aligned(16))) req;
	volatile uint32_t buf = 0x11223344;
	uint64_t a = (uint64_t)&req;

	req.control = __builtin_bswap32((0u << 16) | 0x08 | 0x02); /* select 0, read */
	req.length = __builtin_bswap32(4);
	req.address = __builtin_bswap64((uint64_t)&buf);
	__asm__ volatile("outl %0, %1" ::"a"(__builtin_bswap32((uint32_t)(a >> 32))), "Nd"(0x514));
	__asm__ volatile("outl %0, %1" ::"a"(__builtin_bswap32((uint32_t)a)), "Nd"(0x518)
			 : "memory");
	check("fw_cfg_dma_blocked", buf == 0x11223344 && req.control != 0);
}

/*
 * The MSRs that hold the SVSM's SVM set-up are intercepted: VM_HSAVE_PA reads as 0 and a
 * write is dropped (were it not, the SVSM's next VMRUN would save its state at our address).
 */
static void test_svm_msrs_hidden(void)
{
	uint64_t hsave = guest_rdmsr(0xc0010117u);

	__asm__ volatile("wrmsr" ::"c"(0xc0010117u), "a"(0x1000u), "d"(0u));
	__asm__ volatile("wrmsr" ::"c"(0xc0010114u), "a"(0x10u), "d"(0u)); /* VM_CR.SVMDIS */
	check("svm_msrs_hidden", hsave == 0 && guest_rdmsr(0xc0010117u) == 0 &&
					 core(SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0) == SVSM_SUCCESS);
}

static uint8_t port_in8(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/*
 * Shared machine state behind I/O ports is refused (reads all-ones, writes dropped): the
 * A20 gate (clearing it hung the whole machine), the legacy PIC and PIT (an unmasked timer
 * at the BIOS vector base 0x08 reached the SVSM as a "double fault"), and isa-debug-exit
 * beyond its first port (a write there would end the run with the SVSM's success status).
 */
static void test_legacy_ports_refused(void)
{
	check("a20_port_refused", port_in8(0x92) == 0xff);
	guest_outb(0x92, 0x00);                     /* A20 off */
	guest_outb(0x20, 0x11), guest_outb(0x21, 0x08); /* PIC ICW1/ICW2: vector base 0x08 */
	guest_outb(0x21, 0x04), guest_outb(0x21, 0x01), guest_outb(0x21, 0xfe); /* IRQ0 on */
	guest_outb(0x43, 0x34), guest_outb(0x40, 0x00), guest_outb(0x40, 0x01); /* PIT running */
	guest_outb(0xf5, 0x10);                     /* isa-debug-exit's second port */
	for (volatile unsigned i = 0; i < 2000000; i++) {
	}
	check("legacy_ports_harmless", core(SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0) == SVSM_SUCCESS);
}

/* The guest gets no PCI configuration space: reads through 0xCF8/0xCFC find no device. */
static void test_pci_config_hidden(void)
{
	uint32_t id;

	__asm__ volatile("outl %0, %1" ::"a"(0x80000000u), "Nd"(0xcf8));
	__asm__ volatile("inl %1, %0" : "=a"(id) : "Nd"(0xcfc));
	check("pci_config_space_hidden", id == 0xffffffffu);
}

static void test_pvalidate_valid(void)
{
	uint64_t p = S_PAGES;
	uint64_t list[5];
	uint16_t next = 0;
	uint64_t rax;

	memset((void *)p, 0xaa, PAGE);
	check("pvalidate_4k", pval1(p, 0, true, false) == SVSM_SUCCESS);
	check("pvalidate_zeroes_page", page_is(p, 0));
	check("pvalidate_double_no_change", pval1(p, 0, true, false) == SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE);
	check("pvalidate_double_ignore_cf", pval1(p, 0, true, true) == SVSM_SUCCESS);
	check("pvalidate_invalidate", pval1(p, 0, false, false) == SVSM_SUCCESS);
	check("pvalidate_invalidate_twice", pval1(p, 0, false, false) == SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE);

	check("pvalidate_2m", pval1(S_HUGE, 1, true, false) == SVSM_SUCCESS);
	check("pvalidate_4k_in_2m_mismatch",
	      pval1(S_HUGE + 5 * PAGE, 0, false, false) == SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH);
	check("pvalidate_2m_invalidate", pval1(S_HUGE, 1, false, false) == SVSM_SUCCESS);
	check("pvalidate_4k_then_2m_mismatch",
	      pval1(S_HUGE2 + PAGE, 0, true, false) == SVSM_SUCCESS &&
		      pval1(S_HUGE2, 1, true, false) == SVSM_ERR_PVALIDATE_FAIL_SIZEMISMATCH);

	/* A list stops at its first failure and `next` says where. */
	for (unsigned i = 0; i < 5; i++) {
		list[i] = svsm_pvalidate_entry_make(p + (8 + i) * PAGE, 0, true, false);
	}
	list[2] = svsm_pvalidate_entry_make(S_HUGE2 + PAGE, 0, true, false); /* already valid */
	rax = pvalidate_at((uint64_t)ca->buffer, list, 5, 0, &next);
	check("pvalidate_list_stops_at_failure", rax == SVSM_ERR_PVALIDATE_FAIL_NO_CHANGE && next == 2);
	rax = pvalidate_at((uint64_t)ca->buffer, list, 5, 3, &next);
	check("pvalidate_list_resumes_from_next", rax == SVSM_SUCCESS && next == 5);

	/* The most entries the CA buffer holds, in a separate request page as well. */
	{
		static uint64_t many[SVSM_PVALIDATE_MAX_COUNT];

		for (unsigned i = 0; i < SVSM_PVALIDATE_MAX_COUNT; i++) {
			many[i] = svsm_pvalidate_entry_make(S_HUGE + i * PAGE, 0, true, false);
		}
		rax = pvalidate_at((uint64_t)ca->buffer, many, SVSM_PVALIDATE_MAX_COUNT, 0, &next);
		check("pvalidate_510_entries", rax == SVSM_SUCCESS && next == SVSM_PVALIDATE_MAX_COUNT);
		for (unsigned i = 0; i < SVSM_PVALIDATE_MAX_COUNT; i++) {
			many[i] &= ~SVSM_PVALIDATE_ENTRY_VALIDATE;
		}
		rax = pvalidate_at(S_REQ, many, SVSM_PVALIDATE_MAX_COUNT, 0, &next);
		check("pvalidate_510_invalidate_outside_ca", rax == SVSM_SUCCESS);
	}
}

static void test_pvalidate_hostile(void)
{
	uint64_t e = svsm_pvalidate_entry_make(S_PAGES, 0, true, false);
	uint64_t buf = (uint64_t)ca->buffer;
	uint16_t next;

	check("pvalidate_svsm_page", pval1(boot->svsm_base, 0, true, false) == SVSM_ERR_INVALID_ADDRESS);
	check("pvalidate_svsm_2m", pval1(boot->svsm_base, 1, true, false) == SVSM_ERR_INVALID_ADDRESS);
	check("pvalidate_svsm_last_page", pval1(boot->svsm_base + boot->svsm_size - PAGE, 0, false,
						 false) == SVSM_ERR_INVALID_ADDRESS);
	check("pvalidate_beyond_ram", pval1(0x3ff000000000ull, 0, true, false) == SVSM_ERR_INVALID_ADDRESS);
	check("pvalidate_mmio", pval1(0xfee00000, 0, true, false) == SVSM_ERR_INVALID_ADDRESS);
	check("pvalidate_request_in_svsm", core(SVSM_CORE_PVALIDATE, boot->svsm_base + PAGE, 0, 0) ==
						   SVSM_ERR_INVALID_ADDRESS);
	check("pvalidate_request_unaligned", core(SVSM_CORE_PVALIDATE, buf + 4, 0, 0) ==
						     SVSM_ERR_INVALID_PARAMETER);
	/* Two entries starting 16 bytes before a page end would cross into the next page. */
	check("pvalidate_request_crosses_page",
	      pvalidate_at(S_REQ + PAGE - 16, (uint64_t[]){e, e}, 2, 0, NULL) ==
		      SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_count_zero", pvalidate_at(buf, &e, 0, 0, NULL) == SVSM_ERR_INVALID_PARAMETER);
	((struct svsm_pvalidate_call *)buf)->entry_count = SVSM_PVALIDATE_MAX_COUNT + 1;
	((struct svsm_pvalidate_call *)buf)->next = 0;
	check("pvalidate_count_exceeds_buffer", core(SVSM_CORE_PVALIDATE, buf, 0, 0) ==
							SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_next_beyond_count",
	      pvalidate_at(buf, (uint64_t[]){e, e}, 2, 3, &next) == SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_next_equals_count",
	      pvalidate_at(buf, (uint64_t[]){e, e}, 2, 2, &next) == SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_reserved_bits", pvalidate_at(buf, (uint64_t[]){e | 0x10}, 1, 0, NULL) ==
						 SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_bad_size", pvalidate_at(buf, (uint64_t[]){e | 2}, 1, 0, NULL) ==
					    SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_2m_unaligned",
	      pval1(S_HUGE + PAGE, 1, true, false) == SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_request_null", core(SVSM_CORE_PVALIDATE, 0, 0, 0) == SVSM_ERR_INVALID_PARAMETER ||
						core(SVSM_CORE_PVALIDATE, 0, 0, 0) == SVSM_ERR_INVALID_ADDRESS);
}

/*
 * INVD must not discard data (the SVSM intercepts it and runs WBINVD; QEMU TCG would treat
 * an unintercepted INVD as a no-op too, so test-e2e also checks the SVSM counted the exits:
 * QEMU up to 8.0 reports a guest INVD as a WBINVD exit, which the SVSM intercepts as well).
 */
static void test_invd(void)
{
	volatile uint64_t value = 0;
	bool ok = true;

	for (uint64_t i = 1; i <= 3; i++) {
		value = 0x1234567800000000ull | i;
		__asm__ volatile("invd" ::: "memory");
		ok = ok && value == (0x1234567800000000ull | i);
	}
	check("invd_keeps_data", ok);
}

/* ---- vCPUs ------------------------------------------------------------------------- */

static void build_ap_vmsa(struct vmsa *s, uint32_t apic_id, uint8_t vmpl);

/*
 * Two vCPUs delete the same vCPU at once, while it is created again and again: every
 * deletion must succeed exactly once per creation or answer "not found"/"busy", and the
 * SVSM must stay healthy (a double free here once corrupted its heap). Needs 3 CPUs.
 */
static void test_delete_race(void)
{
	struct ap_shared *racer = (struct ap_shared *)S_SHARED2;
	struct ap_shared *sh = (struct ap_shared *)S_SHARED;
	unsigned created = 0, deleted_here = 0, rounds = 150;
	bool ok = true;

	if (boot->cpu_count < 3) {
		gprintf("[guest] delete race skipped: needs 3 CPUs\n");
		return;
	}
	memset(racer, 0, sizeof(*racer));
	memset((void *)S_AP_CA2, 0, PAGE);
	racer->ca = S_AP_CA2;
	racer->mode = 3;
	build_ap_vmsa((struct vmsa *)S_VMSA2, boot->apic_ids[2], (uint8_t)boot->guest_vmpl);
	((struct vmsa *)S_VMSA2)->rsp = S_AP_STACK2;
	((struct vmsa *)S_VMSA2)->rdi = S_SHARED2;
	ok = core(SVSM_CORE_CREATE_VCPU, S_VMSA2, S_AP_CA2, boot->apic_ids[2]) == SVSM_SUCCESS;
	for (unsigned i = 0; ok && i < rounds; i++) {
		uint64_t rax;

		memset(sh, 0, sizeof(*sh));
		sh->ca = S_AP_CA;
		build_ap_vmsa((struct vmsa *)S_VMSA, boot->apic_ids[1], (uint8_t)boot->guest_vmpl);
		rax = core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, boot->apic_ids[1]);
		if (rax == SVSM_SUCCESS) {
			created++;
		} else if (rax != SVSM_ERR_BUSY && rax != SVSM_ERR_INVALID_PARAMETER) {
			ok = false;
		}
		/* Until it is gone (success, or "not found" once the racer is done), the VMSA
		 * page is not ours to write: "busy" means a deletion is under way. */
		do {
			rax = core(SVSM_CORE_DELETE_VCPU, S_VMSA, 0, 0);
		} while (rax == SVSM_ERR_BUSY);
		if (rax == SVSM_SUCCESS) {
			deleted_here++;
		} else if (rax != SVSM_ERR_INVALID_PARAMETER) {
			ok = false;
		}
	}
	racer->mode = 0;
	ok = ok && core(SVSM_CORE_DELETE_VCPU, S_VMSA2, 0, 0) == SVSM_SUCCESS;
	check("delete_race_every_vcpu_deleted_once",
	      ok && racer->bad == 0 && created > 0 && deleted_here + racer->deleted == created);
	check("delete_race_svsm_still_answers",
	      core(SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0) == SVSM_SUCCESS);
	gprintf("[guest] delete race: %u created, %u deleted by the BSP, %lu by the racer\n",
		created, deleted_here, racer->deleted);
}

static void build_ap_vmsa(struct vmsa *s, uint32_t apic_id, uint8_t vmpl)
{
	const struct vmsa_seg data = {0x10, 0xc93, 0xffffffff, 0};
	const uint8_t *gdtd = (const uint8_t *)guest_gdt_desc;
	uint16_t limit;

	(void)apic_id;
	memcpy(&limit, gdtd, 2);
	memset(s, 0, sizeof(*s));
	s->cs = (struct vmsa_seg){0x08, 0x29b, 0xffffffff, 0};
	s->ds = s->es = s->ss = s->fs = s->gs = data;
	s->gdtr = (struct vmsa_seg){0, 0, limit, (uint64_t)guest_gdt};
	s->ldtr = (struct vmsa_seg){0, 0x82, 0xffff, 0};
	s->tr = (struct vmsa_seg){0, 0x8b, 0x67, 0};
	s->cr0 = 0x80010033;
	s->cr3 = (uint64_t)guest_pml4;
	s->cr4 = 0x20;
	s->efer = 0x1500; /* SVME | LMA | LME */
	s->rflags = 2;
	s->rip = (uint64_t)guest_ap_entry64;
	s->rsp = S_AP_STACK;
	s->rdi = S_SHARED;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = 0x0007040600070406ull;
	s->vmpl = vmpl;
}

void guest_ap_main(void *arg)
{
	struct ap_shared *sh = arg;
	volatile struct svsm_ca *my_ca = (volatile struct svsm_ca *)sh->ca;
	struct call c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0);
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	if (svsm_call(my_ca, &c)) {
		sh->query_rax = c.rax;
		sh->query_rcx = c.rcx;
	}
	for (;;) {
		if (sh->mode == 2) {
			/* Rewrite the request the BSP is submitting, as fast as we can. */
			struct svsm_pvalidate_call *req = (struct svsm_pvalidate_call *)S_REQ;

			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			req->entry_count = (uint16_t)(seed & 0x3ff);
			req->next = (uint16_t)((seed >> 10) & 0x3);
			req->entries[(seed >> 20) % 8] = (seed & 1) ? boot->svsm_base | (seed & 0xff7)
								    : S_PAGES + ((seed >> 30) & 7) * PAGE;
		} else if (sh->mode == 4) {
			*sh->target = sh->counter;
		} else if (sh->mode == 3) {
			/* Delete the counting vCPU whenever it exists, racing the BSP. */
			struct call d = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_DELETE_VCPU, S_VMSA, 0, 0);

			if (!svsm_call(my_ca, &d)) {
				sh->bad++;
			} else if (d.rax == SVSM_SUCCESS) {
				sh->deleted++;
			} else if (d.rax != SVSM_ERR_INVALID_PARAMETER && d.rax != SVSM_ERR_BUSY) {
				sh->bad++;
			}
		}
		sh->counter++;
	}
}

/*
 * Mode vmsa_tlb: a second vCPU writes a page in a loop (its nested TLB holds a writable
 * translation) while we make that page the VMSA of a third vCPU. Once CREATE_VCPU returns,
 * no write may land: the SVSM must flush every nested TLB and stop the guest at the next
 * write ("write to a VMSA page"). If the page still changes, we report it.
 */
static void vmsa_tlb_test(void)
{
	struct ap_shared *writer = (struct ap_shared *)S_SHARED;
	struct vmsa *target = (struct vmsa *)S_VMSA2;
	volatile uint64_t *word = (volatile uint64_t *)(S_VMSA2 + 0x800); /* unused by VMRUN */
	uint64_t before, spins;

	memset(writer, 0, sizeof(*writer));
	memset((void *)S_AP_CA, 0, PAGE);
	memset((void *)S_AP_CA2, 0, PAGE);
	memset((void *)S_SHARED2, 0, sizeof(struct ap_shared));
	((struct ap_shared *)S_SHARED2)->ca = S_AP_CA2;
	writer->ca = S_AP_CA;
	writer->target = word;
	writer->mode = 4;
	build_ap_vmsa((struct vmsa *)S_VMSA, boot->apic_ids[1], (uint8_t)boot->guest_vmpl);
	build_ap_vmsa(target, boot->apic_ids[2], (uint8_t)boot->guest_vmpl);
	target->rsp = S_AP_STACK2;
	target->rdi = S_SHARED2;
	if (boot->cpu_count < 3 ||
	    core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, boot->apic_ids[1]) != SVSM_SUCCESS) {
		gprintf("[guest] vmsa_tlb: no writer vCPU\n");
		guest_outb(NATIVE_GUEST_DONE_PORT, 0xfc);
		return;
	}
	for (spins = 0; writer->counter < 100000 && spins < 2000000000ull; spins++) {
		__asm__ volatile("pause");
	}
	gprintf("[guest] vmsa_tlb: writer running; making its page a VMSA\n");
	if (core(SVSM_CORE_CREATE_VCPU, S_VMSA2, S_AP_CA2, boot->apic_ids[2]) != SVSM_SUCCESS) {
		gprintf("[guest] vmsa_tlb: CREATE_VCPU failed\n");
		guest_outb(NATIVE_GUEST_DONE_PORT, 0xfc);
		return;
	}
	before = *word;
	for (spins = 0; spins < 50000000ull; spins++) {
		__asm__ volatile("pause");
	}
	if (*word == before) {
		gprintf("[guest] vmsa_tlb: the VMSA page stayed unchanged\n");
		guest_outb(NATIVE_GUEST_DONE_PORT, 0xfa);
		return;
	}
	gprintf("[guest] vmsa_tlb: the VMSA page changed from %lu to %lu: the SVSM did not stop "
		"us\n", before, *word);
	guest_outb(NATIVE_GUEST_DONE_PORT, 0xfb);
}

static bool result_is_svsm_code(uint64_t rax)
{
	return rax == SVSM_SUCCESS || (rax >= SVSM_ERR_INCOMPLETE && rax <= SVSM_ERR_BUSY) ||
	       (rax >= SVSM_ERR_PROTOCOL_BASE && rax <= SVSM_ERR_PROTOCOL_BASE + 0x10);
}

static void test_vcpus(void)
{
	struct vmsa *vmsa = (struct vmsa *)S_VMSA;
	struct ap_shared *sh = (struct ap_shared *)S_SHARED;
	uint32_t ap_apic;
	uint64_t c0, spins;
	bool ok;

	if (boot->cpu_count < 2) {
		check("create_vcpu_needs_two_cpus", false);
		return;
	}
	ap_apic = boot->apic_ids[1];
	memset(sh, 0, sizeof(*sh));
	sh->ca = S_AP_CA;
	memset((void *)S_AP_CA, 0, PAGE);

	/* Hostile first: nothing may start. */
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	check("create_vcpu_vmsa_in_svsm", core(SVSM_CORE_CREATE_VCPU, boot->svsm_base, S_AP_CA,
					       ap_apic) == SVSM_ERR_INVALID_ADDRESS);
	check("create_vcpu_ca_in_svsm", core(SVSM_CORE_CREATE_VCPU, S_VMSA, boot->svsm_base,
					     ap_apic) == SVSM_ERR_INVALID_ADDRESS);
	check("create_vcpu_unaligned", core(SVSM_CORE_CREATE_VCPU, S_VMSA + 8, S_AP_CA, ap_apic) ==
					       SVSM_ERR_INVALID_PARAMETER);
	check("create_vcpu_vmsa_is_ca", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_VMSA, ap_apic) ==
						SVSM_ERR_INVALID_PARAMETER);
	check("create_vcpu_ca_is_boot_ca", core(SVSM_CORE_CREATE_VCPU, S_VMSA, boot->ca_gpa,
						ap_apic) == SVSM_ERR_INVALID_PARAMETER);
	check("create_vcpu_bad_apic", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, 200) ==
					      SVSM_ERR_INVALID_PARAMETER);
	check("create_vcpu_busy_apic", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA,
					    boot->apic_ids[0]) == SVSM_ERR_INVALID_PARAMETER);
	vmsa->vmpl = 0;
	check("create_vcpu_wrong_vmpl", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, ap_apic) ==
						SVSM_ERR_INVALID_PARAMETER);
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	vmsa->efer &= ~0x1000ull;
	check("create_vcpu_no_svme", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, ap_apic) ==
					     SVSM_ERR_INVALID_PARAMETER);
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	vmsa->sev_features = 1;
	check("create_vcpu_wrong_sev_features", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA,
						     ap_apic) == SVSM_ERR_INVALID_PARAMETER);
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	vmsa->cr4 = 0; /* long mode without PAE */
	check("create_vcpu_inconsistent_state", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA,
						     ap_apic) == SVSM_ERR_INVALID_PARAMETER);
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	vmsa->g_pat = 0x0202020202020202ull; /* memory type 2 is reserved */
	check("create_vcpu_bad_pat", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, ap_apic) ==
					     SVSM_ERR_INVALID_PARAMETER);
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	vmsa->cr0 |= 1ull << 29; /* NW without CD */
	check("create_vcpu_nw_without_cd", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA,
						ap_apic) == SVSM_ERR_INVALID_PARAMETER);
	check("delete_vcpu_unknown", core(SVSM_CORE_DELETE_VCPU, S_VMSA, 0, 0) ==
					     SVSM_ERR_INVALID_PARAMETER);
	check("no_vcpu_started_by_bad_calls", sh->counter == 0);

	/* A real second vCPU. */
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	ok = core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, ap_apic) == SVSM_SUCCESS;
	check("create_vcpu", ok);
	for (spins = 0; ok && sh->counter < 1000 && spins < 2000000000ull; spins++) {
		__asm__ volatile("pause");
	}
	check("second_vcpu_runs", sh->counter >= 1000);
	check("second_vcpu_svsm_call", sh->query_rax == SVSM_SUCCESS &&
					       sh->query_rcx == ((1ull << 32) | 1));
	check("create_vcpu_twice", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, ap_apic) ==
					   SVSM_ERR_INVALID_PARAMETER);
	check("pvalidate_running_vmsa", pval1(S_VMSA, 0, true, false) == SVSM_ERR_INVALID_ADDRESS);
	check("remap_ca_onto_vmsa", core(SVSM_CORE_REMAP_CA, S_VMSA, 0, 0) == SVSM_ERR_INVALID_PARAMETER);

	/* The second vCPU rewrites a request while the SVSM serves it. */
	sh->mode = 2;
	ok = true;
	for (unsigned i = 0; i < 300; i++) {
		uint64_t rax = core(SVSM_CORE_PVALIDATE, S_REQ, 0, 0);

		ok = ok && result_is_svsm_code(rax);
	}
	sh->mode = 0;
	check("request_rewritten_while_served", ok);
	check("svsm_answers_during_race", core(SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0) == SVSM_SUCCESS);

	check("delete_vcpu", core(SVSM_CORE_DELETE_VCPU, S_VMSA, 0, 0) == SVSM_SUCCESS);
	c0 = sh->counter;
	for (spins = 0; spins < 20000000ull; spins++) {
		__asm__ volatile("pause");
	}
	check("deleted_vcpu_stopped", sh->counter == c0);
	check("delete_vcpu_twice", core(SVSM_CORE_DELETE_VCPU, S_VMSA, 0, 0) ==
					   SVSM_ERR_INVALID_PARAMETER);
	/* The VMSA page is the guest's again: writable and validatable. */
	vmsa->rax = 1;
	check("vmsa_page_returned", vmsa->rax == 1);
	build_ap_vmsa(vmsa, ap_apic, (uint8_t)boot->guest_vmpl);
	check("create_vcpu_again", core(SVSM_CORE_CREATE_VCPU, S_VMSA, S_AP_CA, ap_apic) ==
					   SVSM_SUCCESS &&
				  core(SVSM_CORE_DELETE_VCPU, S_VMSA, 0, 0) == SVSM_SUCCESS);
}

/*
 * Alternates blocks of SVSM calls and bare VMMCALLs and reports the median of the
 * per-round ratios, which is robust against the host's scheduling noise.
 */
static void bench(void)
{
	enum { ROUNDS = 21, N = 100 };
	uint64_t ratio[ROUNDS];
	uint64_t svsm_sum = 0, bare_sum = 0;
	struct call c;

	for (unsigned r = 0; r < ROUNDS; r++) {
		uint64_t t0 = guest_rdtsc(), svsm, bare;

		for (unsigned i = 0; i < N; i++) {
			c = mk(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0);
			svsm_call(ca, &c);
		}
		svsm = guest_rdtsc() - t0;
		t0 = guest_rdtsc();
		for (unsigned i = 0; i < N; i++) {
			bare_vmmcall(SVSM_CALL(SVSM_CORE_PROTOCOL, SVSM_CORE_QUERY_PROTOCOL));
		}
		bare = guest_rdtsc() - t0;
		ratio[r] = svsm * 1000 / bare;
		svsm_sum += svsm;
		bare_sum += bare;
		for (unsigned k = r; k > 0 && ratio[k - 1] > ratio[k]; k--) {
			uint64_t t = ratio[k];

			ratio[k] = ratio[k - 1];
			ratio[k - 1] = t;
		}
	}
	gprintf("[guest] query_protocol %lu cycles, bare vmmcall %lu cycles per round trip\n",
		svsm_sum / (ROUNDS * N), bare_sum / (ROUNDS * N));
	gprintf("bench svsm_call_vs_vmmcall_ratio %lu.%03lu ratio\n", ratio[ROUNDS / 2] / 1000,
		ratio[ROUNDS / 2] % 1000);
}

static bool args_are(const char *want)
{
	return strcmp(boot->args, want) == 0;
}

void guest_main(const struct native_boot_info *bi)
{
	boot = bi;
	if (bi->magic != NATIVE_BOOT_MAGIC) {
		gprintf("[guest] bad boot information\n");
		guest_outb(NATIVE_GUEST_DONE_PORT, 0xff);
		return;
	}
	ca = (volatile struct svsm_ca *)bi->ca_gpa;
	scratch = 0;
	for (unsigned i = 0; i < bi->mem_count && scratch == 0; i++) {
		uint64_t base = (bi->mem[i].base + MB2 - 1) & ~(MB2 - 1);

		if (base >= bi->svsm_base + bi->svsm_size && base + 4 * MB2 <= bi->mem[i].base + bi->mem[i].size) {
			scratch = base;
		}
	}
	gprintf("[guest] test guest: CA %#lx, SVSM %#lx+%#lx, %u CPUs, scratch %#lx, args '%s'\n",
		bi->ca_gpa, bi->svsm_base, bi->svsm_size, bi->cpu_count, scratch, bi->args);
	if (args_are("touch_svsm")) {
		gprintf("[guest] reading SVSM memory at %#lx\n", bi->svsm_base + 0x1000);
		gprintf("[guest] read %#lx: the SVSM did not stop us\n",
			*(volatile uint64_t *)(bi->svsm_base + 0x1000));
		guest_outb(NATIVE_GUEST_DONE_PORT, 0xfe);
		return;
	}
	if (args_are("touch_apic")) {
		/* INIT to the CPU the SVSM runs its other work on: must never reach it. */
		gprintf("[guest] writing the local APIC ICR at %#x\n", 0xfee00300u);
		*(volatile uint32_t *)0xfee00310ul = bi->apic_ids[bi->cpu_count > 1 ? 1 : 0] << 24;
		*(volatile uint32_t *)0xfee00300ul = 0x4500;
		gprintf("[guest] the SVSM did not stop us\n");
		guest_outb(NATIVE_GUEST_DONE_PORT, 0xfd);
		return;
	}
	if (scratch == 0) {
		check("scratch_memory_found", false);
	} else if (args_are("bench")) {
		bench();
	} else if (args_are("vmsa_tlb")) {
		vmsa_tlb_test();
		return;
	} else {
		test_discovery_and_queries();
		test_remap_ca();
		test_fw_cfg_dma_blocked();
		test_pci_config_hidden();
		test_svm_msrs_hidden();
		test_legacy_ports_refused();
		test_invd();
		test_pvalidate_valid();
		test_pvalidate_hostile();
		test_vcpus();
		test_delete_race();
		guest_tpm_tests(S_TPM, bi);
		check("svsm_still_answers", core(SVSM_CORE_QUERY_PROTOCOL, 1, 0, 0) == SVSM_SUCCESS &&
					    pval1(S_PAGES + 20 * PAGE, 0, true, false) == SVSM_SUCCESS);
	}
	gprintf("[guest] %u passed, %u failed\n", guest_passed, guest_failed);
	guest_outb(NATIVE_GUEST_DONE_PORT, guest_failed > 255 ? 255 : (uint8_t)guest_failed);
}
