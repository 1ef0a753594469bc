/*
 * The TPM 2.0 CRB device of OS guests (tpm_crb.c; docs/vtpm.md "CRB device"): the vTPM as a
 * PC Client TPM at TPM_CRB_BASE, described by the ACPI TPM2 table and the MSFT0101 device
 * the fw_cfg view adds to the firmware's tables.
 */
#pragma once

#include "svsm/err.h"

/**
 * tpm_crb_register - own the CRB window on the bus, add the ACPI tables to the fw_cfg view
 * (call before fw_cfg_view_register()), and reset the vTPM with the CRB's buffer size so that
 * TPM_PT_MAX_COMMAND/RESPONSE_SIZE match it. SVSM_E_UNSUPPORTED when the vTPM is not up.
 */
enum svsm_err tpm_crb_register(void) SVSM_MUST_CHECK;

/** tpm_crb_stats_print - one "svsm-vtpm-cc <cc> <count> <us>" line per command code run
 * (exit_stats_print() calls it once the device is registered). */
void tpm_crb_stats_print(void);
