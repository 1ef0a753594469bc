/*
 * The interrupt controllers the guest does not get yet: the local APIC and IOAPIC pages.
 * Through the ICR or an IOAPIC redirection entry a guest could send INIT/SIPI to a CPU the
 * SVSM runs on, so until they are virtualised an access stops the guest (docs/native.md).
 */
#pragma once

#include "svsm/err.h"

/** intc_absent_register - own the local APIC and IOAPIC pages of the guest map. */
enum svsm_err intc_absent_register(void) SVSM_MUST_CHECK;
