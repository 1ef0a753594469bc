/* The guest's 8259 pair (ports 0x20/0x21, 0xa0/0xa1), forwarded with ICW2 filtered. */
#pragma once

#include "svsm/err.h"

/**
 * pic_register - program both 8259s to bases 0x20/0x28, all masked (SeaBIOS leaves base
 * 0x08), and own their ports for an OS guest. Set-up time only, before the guest runs.
 */
enum svsm_err pic_register(void) SVSM_MUST_CHECK;
