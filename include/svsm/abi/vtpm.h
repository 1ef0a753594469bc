/*
 * vTPM protocol (SVSM protocol 2): call IDs, the TPM_SEND_COMMAND request/response
 * envelope that the guest places in a 4 KiB buffer, and the TPM simulator ("mssim")
 * platform command numbers shared by the envelope and the host vTPM server.
 * Sources: AMD SVSM spec #58019 as Linux (drivers/char/tpm/tpm_svsm.c, struct
 * svsm_vtpm_request/response), EDK2 (Tpm2DeviceLibSvsm) and COCONUT (protocols/vtpm.rs)
 * implement it; platform numbers from the TCG/Microsoft simulator TpmTcpProtocol.h.
 * The SVSM envelope is little-endian (x86 structures); the mssim socket protocol is
 * big-endian (network order).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "svsm/abi/svsm.h"

/** SVSM protocol number of the vTPM protocol. */
/* SVSM_VTPM_PROTOCOL (2) is defined in svsm/abi/svsm.h. */

/** Call IDs (RAX[31:0]). */
#define SVSM_VTPM_QUERY 0u /* out: RCX = platform command bitmap, RDX = features (0) */
#define SVSM_VTPM_CMD   1u /* in: RCX = GPA of a 4 KiB command/response buffer */

/** Size of the buffer SVSM_VTPM_CMD reads and writes in place. */
#define SVSM_VTPM_BUFFER_SIZE 4096u

/*
 * MSSIM platform/TCP command numbers (TpmTcpProtocol.h). Only TPM_SEND_COMMAND is valid
 * in the SVSM envelope; the others are served by tools/vtpm-server.
 */
#define TPM_SIGNAL_POWER_ON            1u
#define TPM_SIGNAL_POWER_OFF           2u
#define TPM_SIGNAL_PHYS_PRES_ON        3u
#define TPM_SIGNAL_PHYS_PRES_OFF       4u
#define TPM_SIGNAL_HASH_START          5u
#define TPM_SIGNAL_HASH_DATA           6u
#define TPM_SIGNAL_HASH_END            7u
#define TPM_SEND_COMMAND               8u
#define TPM_SIGNAL_CANCEL_ON           9u
#define TPM_SIGNAL_CANCEL_OFF          10u
#define TPM_SIGNAL_NV_ON               11u
#define TPM_SIGNAL_NV_OFF              12u
#define TPM_SIGNAL_KEY_CACHE_ON        13u
#define TPM_SIGNAL_KEY_CACHE_OFF       14u
#define TPM_REMOTE_HANDSHAKE           15u
#define TPM_SET_ALTERNATIVE_RESULT     16u
#define TPM_SIGNAL_RESET               17u
#define TPM_SIGNAL_RESTART             18u
#define TPM_SESSION_END                20u
#define TPM_STOP                       21u
#define TPM_GET_COMMAND_RESPONSE_SIZES 25u
#define TPM_ACT_GET_SIGNALED           26u
#define TPM_TEST_FAILURE_MODE          30u

/** Bitmap SVSM_VTPM_QUERY returns in RCX: only TPM_SEND_COMMAND is supported. */
#define SVSM_VTPM_QUERY_PLATFORM_CMDS (1ull << TPM_SEND_COMMAND)
/** Features SVSM_VTPM_QUERY returns in RDX: none are defined. */
#define SVSM_VTPM_QUERY_FEATURES 0ull

/**
 * struct svsm_vtpm_cmd_req - TPM_SEND_COMMAND request at the start of the buffer.
 * @platform_cmd: must be TPM_SEND_COMMAND (8).
 * @locality:     TPM locality; the SVSM accepts only 0.
 * @inbuf_size:   bytes in @inbuf; must equal the TPM header's commandSize.
 * @inbuf:        the TPM command, big-endian TPM wire format.
 */
struct svsm_vtpm_cmd_req {
	uint32_t platform_cmd;
	uint8_t locality;
	uint32_t inbuf_size;
	uint8_t inbuf[];
} __attribute__((packed));
_Static_assert(offsetof(struct svsm_vtpm_cmd_req, platform_cmd) == 0, "vtpm req layout");
_Static_assert(offsetof(struct svsm_vtpm_cmd_req, locality) == 4, "vtpm req layout");
_Static_assert(offsetof(struct svsm_vtpm_cmd_req, inbuf_size) == 5, "vtpm req layout");
_Static_assert(offsetof(struct svsm_vtpm_cmd_req, inbuf) == 9, "vtpm req layout");

/**
 * struct svsm_vtpm_cmd_rsp - response written over the same buffer.
 * @outbuf_size: bytes in @outbuf.
 * @outbuf:      the TPM response.
 */
struct svsm_vtpm_cmd_rsp {
	uint32_t outbuf_size;
	uint8_t outbuf[];
};
_Static_assert(offsetof(struct svsm_vtpm_cmd_rsp, outbuf) == 4, "vtpm rsp layout");

/** Largest TPM command that fits the envelope: 4096 - 9 = 4087 bytes. */
#define SVSM_VTPM_MAX_CMD_SIZE (SVSM_VTPM_BUFFER_SIZE - offsetof(struct svsm_vtpm_cmd_req, inbuf))
/** Largest TPM response that fits the envelope: 4096 - 4 = 4092 bytes. */
#define SVSM_VTPM_MAX_RSP_SIZE (SVSM_VTPM_BUFFER_SIZE - offsetof(struct svsm_vtpm_cmd_rsp, outbuf))
_Static_assert(SVSM_VTPM_MAX_CMD_SIZE == 4087, "vtpm max command");
_Static_assert(SVSM_VTPM_MAX_RSP_SIZE == 4092, "vtpm max response");

/** mssim REMOTE_HANDSHAKE: server version and capability flags (TpmTcpProtocol.h). */
#define TPM_SIM_SERVER_VERSION        1u
#define TPM_SIM_PLATFORM_AVAILABLE    0x01u
#define TPM_SIM_USES_TBS              0x02u
#define TPM_SIM_IN_RAW_MODE           0x04u
#define TPM_SIM_SUPPORTS_PP           0x08u
