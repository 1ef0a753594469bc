/*
 * The native platform's side of the small platform hooks of the boot, panic and trap paths:
 * no early set-up, nothing to wipe on panic (native holds no platform keys), no #VC, the
 * guest's lazily switched vector state saved before library code runs. No state.
 */
#include <stdbool.h>

#include "kernel/arch/x86_64/svm.h"

#include "kernel/platform/platform.h"

enum svsm_err plat_early_init(void)
{
	return SVSM_OK;
}

void plat_panic_hook(void)
{
}

void plat_vector_state_release(void)
{
	svm_fpu_release(); /* a guest's vector state may still be in the registers */
}

bool plat_handle_vc(struct trap_frame *frame)
{
	(void)frame;
	return false; /* a #VC on native is an unexpected exception: trap_handle() panics */
}
