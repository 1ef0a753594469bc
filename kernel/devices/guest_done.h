/*
 * The test guest's completion port (isa-debug-exit style): the guest writes its failure
 * count to it once its checks are done, which ends the writing vCPU's run.
 */
#pragma once

#include <stdint.h>

#include "svsm/err.h"

/** guest_done_register - own @port on the device bus. */
enum svsm_err guest_done_register(uint16_t port) SVSM_MUST_CHECK;
/** guest_done_result - the failure count the guest reported (low byte of AL), or -1. */
int guest_done_result(void);
