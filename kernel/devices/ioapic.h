/* The guest's IOAPIC at GUEST_IOAPIC_GPA, filtered onto the physical IOAPIC. */
#pragma once

#include "svsm/err.h"

/** ioapic_register - own the IOAPIC page for an OS guest. Set-up time only. */
enum svsm_err ioapic_register(void) SVSM_MUST_CHECK;
