/*
 * The native platform's side of the small platform hooks of the panic and trap paths and of
 * the boot sequence: nothing to wipe on panic (native holds no platform keys), no #VC, and
 * the result of the test guest from native.c. No state.
 */
#include <stdbool.h>

#include "kernel/platform/native/native.h"
#include "kernel/platform/platform.h"

void plat_panic_hook(void)
{
}

bool plat_handle_vc(struct trap_frame *frame)
{
	(void)frame;
	return false; /* a #VC on native is an unexpected exception: trap_handle() panics */
}

int plat_guest_result(void)
{
	return native_guest_result();
}
