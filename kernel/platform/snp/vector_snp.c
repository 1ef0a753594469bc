/*
 * The SNP platform's vector-state hook (platform.h): nothing to do. The guest runs at VMPL2
 * from its own VMSA, and the hardware saves its registers there and restores the SVSM's on
 * every VMPL switch (SEV-ES swap), so the SVSM never holds a guest's vector state and
 * library code always finds the SVSM's own. No state.
 */
#include "kernel/platform/platform.h"

void plat_vector_state_release(void)
{
}
