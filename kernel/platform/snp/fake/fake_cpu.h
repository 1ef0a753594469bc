/*
 * Fake SNP CPU for host unit tests: implements kernel/platform/snp/insn.h by recording every
 * PVALIDATE, RMPADJUST and VMGEXIT and emulating an RMP over a window of 4 KiB pages, plus a
 * default hypervisor that answers the GHCB MSR protocol and GHCB page-state changes on that
 * RMP. Tests replace the hypervisor with fake_cpu_set_hv() to play a hostile host.
 * Addresses are identity mapped: the "virtual" address given to PVALIDATE is the GPA, and a
 * GHCB GPA is the host pointer of the GHCB.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAKE_RMP_PAGES 4096u /* 16 MiB window */

/** struct fake_rmp_entry - RMP state of one 4 KiB page. */
struct fake_rmp_entry {
	bool assigned;     /* private (guest-owned); false = shared/hypervisor */
	bool validated;
	bool size_2m;      /* covered by a 2 MiB RMP entry */
	bool vmsa;
	uint8_t perms[4];  /* per-VMPL R/W/Xu/Xs in bits 0..3; VMPL0 always 0xf when assigned */
};

enum fake_op_kind { FAKE_OP_PVALIDATE, FAKE_OP_RMPADJUST, FAKE_OP_VMGEXIT };

/** struct fake_op - one recorded instruction. */
struct fake_op {
	enum fake_op_kind kind;
	uint64_t vaddr;      /* PVALIDATE/RMPADJUST address; VMGEXIT: GHCB MSR value */
	unsigned int size;
	uint64_t arg;        /* validate flag, RMPADJUST attrs, or GHCB sw_exit_code */
	uint32_t rc;
	bool no_change;
};

#define FAKE_OP_LOG 4096u

typedef void (*fake_hv_fn)(void *ctx);

/** struct fake_cpu - everything the fake knows; tests read and tweak it directly. */
struct fake_cpu {
	uint64_t rmp_base;                  /* GPA of the first page of the window */
	struct fake_rmp_entry rmp[FAKE_RMP_PAGES];
	unsigned int vmpl;                  /* VMPL the code under test runs at */
	uint64_t msr_ghcb;                  /* MSR 0xC0010130 */
	uint64_t msr_sev_status;            /* MSR 0xC0010131 */
	struct fake_op log[FAKE_OP_LOG];
	size_t op_count;                    /* total ops (log wraps) */
	size_t pvalidate_count, rmpadjust_count, vmgexit_count;
	size_t faults;
	size_t svsm_access_faults;          /* SVSM accesses refused by the access model */
	bool terminated;
	uint64_t term_request;
	/* Default hypervisor configuration. */
	fake_hv_fn hv;
	void *hv_ctx;
	uint64_t hv_sev_info;               /* answer to SEV_INFO_REQ */
	uint64_t hv_features;               /* answer to HV_FT_REQ (bitmap) */
	uint64_t hv_registered_ghcb;        /* GPA registered via REG_GPA */
	bool hv_psc_4k_only;                /* back 2M private requests with 4K RMP entries */
	unsigned int hv_psc_per_call;       /* entries processed per PSC VMGEXIT (0 = all) */
	size_t hv_run_vmpl_count;
	uint32_t hv_cpuid_value;
};

extern struct fake_cpu fake_cpu;

/** fake_cpu_reset() - empty RMP (all shared) at @rmp_base, VMPL0, default hypervisor. */
void fake_cpu_reset(uint64_t rmp_base);

/** fake_cpu_set_hv() - replace the hypervisor called on VMGEXIT (NULL: default). */
void fake_cpu_set_hv(fake_hv_fn fn, void *ctx);

/** fake_hv_default() - the default hypervisor; a test hypervisor may chain to it. */
void fake_hv_default(void *ctx);

/**
 * fake_cpu_svsm_access_faults() - the model of an SVSM data access (VMPL0, encrypted mapping)
 * for safe_copy_host_set_fault(): touching a page of the RMP window that is not private and
 * validated faults. On hardware a private page that is not validated raises #VC with error
 * code 0x404; a private access to a shared page is an RMP #NPF to the host, which (KVM with
 * guest_memfd) makes the page private and resumes, so the retry raises the same #VC. Counts
 * in fake_cpu.svsm_access_faults; pages outside the window never fault.
 */
bool fake_cpu_svsm_access_faults(uint64_t addr, uint64_t len);

/* Hypervisor-side RMP operations (RMPUPDATE, PSMASH). */
void fake_rmp_assign(uint64_t gpa, bool size_2m);
void fake_rmp_make_shared(uint64_t gpa, bool size_2m);
void fake_rmp_psmash(uint64_t gpa);
struct fake_rmp_entry *fake_rmp_entry(uint64_t gpa); /* NULL outside the window */
