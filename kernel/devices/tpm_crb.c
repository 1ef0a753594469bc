/*
 * The TPM CRB device (tpm_crb.h): MMIO accesses to the five locality pages go to the
 * register state machine (lib/tpm_crb.c) under crb_lock; a START that the state machine
 * accepts copies the command out of the data buffer, drops the lock, runs the command in
 * the vTPM service (vtpm_exec(), the path of the SVSM vTPM protocol), and takes the lock
 * again to put the response in. While it runs, other vCPUs see START set and can cancel;
 * writes they make to the data buffer are overwritten by the response. One command at a
 * time: a second START is refused by the state machine while one runs.
 *
 * Statistics: per command code, the count and the time spent in vtpm_exec() (libtpms, plus
 * any wait for another caller of the vTPM service), printed after the exit statistics when
 * the guest stops.
 */
#include "kernel/devices/tpm_crb.h"

#include <string.h>

#include "kernel/arch/x86_64/tsc.h"
#include "kernel/devices/bus.h"
#include "kernel/devices/fw_cfg_view.h"
#include "kernel/lib/log.h"
#include "kernel/lib/spinlock.h"
#include "kernel/services/services.h"
#include "kernel/services/vtpm/exec.h"
#include "kernel/services/vtpm/vtpm.h"
#include "kernel/vcpu/exit_stats.h"
#include "lib/acpi_tpm.h"
#include "lib/tpm_crb.h"

#define STATS_MAX 64

struct cc_stat {
	uint32_t cc;
	uint32_t count;
	uint64_t us;
};

static struct spinlock crb_lock = SPINLOCK_INIT;
static struct tpm_crb crb;
/* The command being run and its response: only the vCPU that took the START uses them. */
static uint8_t crb_cmd[TPM_CRB_DATA_SIZE];
static uint8_t crb_rsp[TPM_CRB_DATA_SIZE];
static uint8_t tpm2_table[ACPI_TPM2_TABLE_SIZE];
static uint8_t ssdt[ACPI_TPM_SSDT_SIZE];
static struct spinlock stats_lock = SPINLOCK_INIT;
static struct cc_stat stats[STATS_MAX];
static unsigned stats_count;

static void stats_add(uint32_t cc, uint64_t us)
{
	uint64_t flags = spin_lock_irqsave(&stats_lock);
	unsigned i = 0;

	while (i < stats_count && stats[i].cc != cc) {
		i++;
	}
	if (i == stats_count && stats_count < STATS_MAX) {
		stats[stats_count++] = (struct cc_stat){.cc = cc};
	}
	if (i < stats_count) {
		stats[i].count++;
		stats[i].us += us;
	}
	spin_unlock_irqrestore(&stats_lock, flags);
}

void tpm_crb_stats_print(void)
{
	uint64_t flags = spin_lock_irqsave(&stats_lock);

	for (unsigned i = 0; i < stats_count; i++) {
		pr_info("svsm-vtpm-cc %#010x %u %lu\n", stats[i].cc, stats[i].count,
			(unsigned long)stats[i].us);
	}
	spin_unlock_irqrestore(&stats_lock, flags);
}

/* Run the command the state machine accepted; crb_lock is not held. */
static void run_command(uint32_t size)
{
	uint32_t rsp_size = 0;
	uint32_t cc = (uint32_t)crb_cmd[6] << 24 | (uint32_t)crb_cmd[7] << 16 |
		      (uint32_t)crb_cmd[8] << 8 | crb_cmd[9];
	uint64_t t0 = tsc_now_us();
	enum svsm_err err = vtpm_exec(0, crb_cmd, size, crb_rsp, sizeof(crb_rsp), &rsp_size);
	uint64_t flags;

	stats_add(cc, tsc_now_us() - t0);
	flags = spin_lock_irqsave(&crb_lock);
	if (err == SVSM_OK) {
		tpm_crb_complete(&crb, crb_rsp, rsp_size);
	} else {
		pr_warn("tpm_crb: command %#x failed in the vTPM service (error %d)\n", cc, (int)err);
		tpm_crb_fail(&crb);
	}
	spin_unlock_irqrestore(&crb_lock, flags);
}

static enum bus_result crb_access(void *ctx, struct vcpu *v, struct bus_access *a)
{
	uint32_t off = (uint32_t)gpa_diff(a->gpa, gpa_init(TPM_CRB_BASE));
	enum tpm_crb_action act = TPM_CRB_ACT_NONE;
	uint32_t size = 0;
	uint64_t flags;

	(void)ctx;
	(void)v;
	if (a->size == 0) {
		return BUS_DONE; /* not decoded: the MMIO path stops the guest */
	}
	flags = spin_lock_irqsave(&crb_lock);
	if (!a->write) {
		a->value = tpm_crb_read(&crb, off, a->size);
	} else {
		act = tpm_crb_write(&crb, off, a->size, a->value);
		if (act == TPM_CRB_ACT_EXECUTE) {
			const uint8_t *cmd = tpm_crb_command(&crb, &size);

			memcpy(crb_cmd, cmd, size);
		} else if (act == TPM_CRB_ACT_CANCEL) {
			/* Under the lock: no later START can slip in before the flag is set, and
			 * libtpms clears it when its next command starts. A cancel that lands while
			 * the command still waits for another caller of the vTPM service cancels
			 * that caller's command instead (TPM_RC_CANCELED for a key generation). */
			vtpm_cancel();
		}
	}
	spin_unlock_irqrestore(&crb_lock, flags);
	if (act == TPM_CRB_ACT_EXECUTE) {
		run_command(size);
	}
	return BUS_DONE;
}

/* Library context: the buffer size is set with the TPM off, then the TPM comes back on. */
static void resize_vtpm(void *arg)
{
	enum svsm_err *err = arg;

	vtpm_power_off();
	if (vtpm_set_buffer_size(TPM_CRB_DATA_SIZE) != TPM_CRB_DATA_SIZE) {
		pr_warn("tpm_crb: libtpms refused a %u-byte buffer\n", TPM_CRB_DATA_SIZE);
	}
	*err = vtpm_power_on();
}

enum svsm_err tpm_crb_register(void)
{
	enum svsm_err err = SVSM_OK;

	if (!vtpm_is_on()) { /* services_init() powered it on, or it failed */
		return SVSM_E_UNSUPPORTED;
	}
	tpm_crb_init(&crb);
	services_run(resize_vtpm, &err);
	if (err != SVSM_OK) {
		return err;
	}
	if (acpi_tpm2_table(tpm2_table, sizeof(tpm2_table), TPM_CRB_BASE + TPM_CRB_CTRL_REQ) == 0 ||
	    acpi_tpm_ssdt(ssdt, sizeof(ssdt), (uint32_t)TPM_CRB_BASE, TPM_CRB_MMIO_SIZE) == 0) {
		return SVSM_E_NOMEM;
	}
	err = fw_cfg_view_add_acpi(tpm2_table);
	if (err == SVSM_OK) {
		err = fw_cfg_view_add_acpi(ssdt);
	}
	if (err == SVSM_OK) {
		err = bus_register_mmio(gpa_init(TPM_CRB_BASE), TPM_CRB_MMIO_SIZE, crb_access, NULL);
	}
	if (err == SVSM_OK) {
		exit_stats_set_device_report(tpm_crb_stats_print);
	}
	return err;
}
