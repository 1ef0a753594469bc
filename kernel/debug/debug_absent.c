/*
 * The release and SEV-SNP images' debugger: none (debug.h). A `gdb=` boot option is
 * refused with a message naming the image that has the stub; the hooks do nothing. No state.
 */
#include "kernel/debug/debug.h"
#include "kernel/init/boot_info.h"
#include "kernel/lib/log.h"
#include "lib/cmdline.h"

void debug_init(void)
{
	if (cmdline_has(boot_info.cmdline, "gdb")) {
		pr_err("debug: gdb= refused: this image has no GDB stub (it is only in the debug "
		       "image build/svsm-debug.elf; docs/gdb.md)\n");
	}
}

bool debug_trap(struct trap_frame *f)
{
	(void)f;
	return false;
}

void debug_poll(void)
{
}

enum svsm_err debug_guest_register(void)
{
	return SVSM_OK;
}
