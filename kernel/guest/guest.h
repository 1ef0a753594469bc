/*
 * What the SVSM runs at lower privilege, as the platform-neutral kernel sees it: the one
 * guest-physical map (RAM = RAM of the memory map minus the SVSM region; the interrupt
 * controllers' pages), the launch (the test guest is loaded by test_guest.c; SNP firmware
 * comes in the launch image), and stopping the whole guest after a violation.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/addr.h"
#include "svsm/err.h"

struct vcpu;
struct plat_guest_start;

#define GUEST_PAGE_SIZE 4096ull
#define GUEST_IOAPIC_GPA GPA_C(0xfec00000ull)
#define GUEST_LAPIC_DEFAULT_GPA GPA_C(0xfee00000ull)

/**
 * guest_ram_map_init - build the guest RAM map from boot_info (every platform, once) and
 * give it to guest_mem: the paravisor layout for OS guests (guest_kind_is_os()).
 */
enum svsm_err guest_ram_map_init(void) SVSM_MUST_CHECK;
/** guest_lapic_gpa - the page of the local APIC (from the MADT, else the default). */
gpa_t guest_lapic_gpa(void);

/**
 * guest_launch - build the guest map, let the platform protect the SVSM, load the guest
 * if the kernel loads it, and create the boot vCPU (@bsp). SVSM_E_NOT_FOUND: no guest.
 */
enum svsm_err guest_launch(struct vcpu **bsp) SVSM_MUST_CHECK;

/** test_guest_load - load the test guest from fw_cfg and describe how it starts. */
enum svsm_err test_guest_load(struct plat_guest_start *start) SVSM_MUST_CHECK;

/**
 * linux_boot_load - load a bzImage, initrd and command line from fw_cfg for the 64-bit
 * boot protocol and describe its start (kernel/guest/linux_boot.c). SVSM_E_NOT_FOUND: no
 * opt/svsm/kernel; SVSM_E_FORMAT: a file the host gave is malformed; SVSM_E_NOMEM: it does
 * not fit in guest RAM.
 */
enum svsm_err linux_boot_load(struct plat_guest_start *start) SVSM_MUST_CHECK;

/** guest_stop - stop every vCPU of the guest (after a violation); logs @why once. */
void guest_stop(const char *why);
/** guest_stopped - guest_stop() was called. */
bool guest_stopped(void);
/** guest_stop_reset - forget a guest_stop() (host unit tests). */
void guest_stop_reset(void);

struct e820_entry;

/** enum guest_kind - what the SVSM runs, chosen at launch from the fw_cfg files it finds. */
enum guest_kind {
	GUEST_KIND_NONE,
	GUEST_KIND_TEST,  /* opt/svsm/guest: the flat test guest (test_guest.c) */
	GUEST_KIND_OVMF,  /* opt/svsm/firmware: OVMF at the reset vector; it boots
			   * opt/svsm/kernel + initrd + cmdline through the fw_cfg view */
	GUEST_KIND_LINUX, /* opt/svsm/kernel without firmware: direct 64-bit boot */
};

/** guest_kind - the kind chosen by guest_launch() (GUEST_KIND_NONE before). */
enum guest_kind guest_kind(void);
/** guest_set_kind - set at launch, before guest_ram_map_init() (and by host tests). */
void guest_set_kind(enum guest_kind kind);
/** guest_kind_is_os - an unenlightened OS guest (OVMF or Linux): the paravisor layout. */
bool guest_kind_is_os(void);
/**
 * guest_ram_map_set_flash - before guest_ram_map_init(): guest-physical [@start, @end) is
 * firmware flash backed by the SVSM pages at @pa (guest memory, not RAM in the e820);
 * @readonly: the SVSM never writes it either (guest_mem_set_readonly()).
 */
void guest_ram_map_set_flash(gpa_t start, gpa_t end, paddr_t pa, bool readonly);
/** ovmf_load - read opt/svsm/firmware into SVSM pages for the flash below 4 GiB. */
enum svsm_err ovmf_load(void) SVSM_MUST_CHECK;

/**
 * guest_e820 - the guest's e820 map, sorted by address: its RAM (guest_mem's ranges,
 * without firmware windows) and the machine's non-RAM ranges that do not overlap it
 * (reserved, ACPI), never the SVSM region. Fills at most @max entries of @out and returns
 * how many the map has (more than @max: @out holds the first @max).
 */
unsigned guest_e820(struct e820_entry *out, unsigned max);
