/*
 * Internal error codes of the SVSM (not guest-visible). Functions that can fail return
 * enum svsm_err; protocols/dispatch.c maps them to SVSM_ERR_* for the guest.
 */
#pragma once

enum svsm_err {
	SVSM_OK = 0,
	SVSM_E_NOMEM,           /* out of memory */
	SVSM_E_INVALID_ADDRESS, /* address outside what the caller may use */
	SVSM_E_INVALID_PARAM,   /* malformed argument */
	SVSM_E_INVALID_REQUEST, /* well-formed request not valid in this state */
	SVSM_E_UNSUPPORTED,     /* not implemented on this platform */
	SVSM_E_BUSY,            /* resource in use, retry */
	SVSM_E_EXISTS,          /* object already present */
	SVSM_E_NOT_FOUND,       /* object absent */
	SVSM_E_FORMAT,          /* bytes do not parse */
	SVSM_E_IO,              /* device or host failure */
	SVSM_E_CRYPTO,          /* cryptographic failure (bad tag, bad key) */
	SVSM_E_HW,              /* hardware instruction failed; detail is in the caller */
	SVSM_E_UNSUPPORTED_PROTOCOL, /* no such protocol (guest call) */
	SVSM_E_PVALIDATE_FAIL_INPUT,     /* PVALIDATE rejected its input */
	SVSM_E_PVALIDATE_SIZEMISMATCH,   /* 4K/2M size disagrees with the page's state */
	SVSM_E_PVALIDATE_NO_CHANGE,      /* validation state already as requested */
};

#define SVSM_MUST_CHECK __attribute__((warn_unused_result))
