/*
 * The test guest's MMIO test device (include/svsm/abi/native_guest.h): a page of
 * registers that remembers writes and reads as a known pattern otherwise, so that the test
 * guest can check MMIO emulation end to end. Registered only when the test guest is loaded.
 */
#pragma once

#include "svsm/err.h"

/** test_mmio_register - own the device's page on the bus, with its registers reset. */
enum svsm_err test_mmio_register(void) SVSM_MUST_CHECK;
