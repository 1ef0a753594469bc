/*
 * The log device (SVSM_LOG_DEV_* in include/svsm/abi/log.h): 32 ports through which a
 * guest that makes no SVSM calls (paravisor mode) reads the log ring and switches debug
 * mode. Registered for every guest.
 */
#pragma once

#include "svsm/err.h"

enum svsm_err log_dev_register(void) SVSM_MUST_CHECK;
