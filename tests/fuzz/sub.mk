# libFuzzer targets: tests/fuzz/<name>.c linked with FUZZ_SRCS_<name> (paths from the top of
# the tree) and FUZZ_LDLIBS_<name>; mk/fuzz.mk builds and runs them.

# The SVSM call decoder and the PVALIDATE list decoder, on the fake platform.
FUZZ_CORE_SRCS := kernel/mm/page_alloc.c kernel/mm/heap.c kernel/mm/guest_mem.c \
	kernel/mm/mm_host.c kernel/arch/x86_64/safe_copy_host.c kernel/vcpu/vcpu.c kernel/vcpu/call.c kernel/vcpu/lifecycle.c \
	kernel/protocols/dispatch.c kernel/protocols/log_protocol.c kernel/lib/log_ring.c \
	kernel/protocols/core.c kernel/platform/native/validation.c \
	kernel/platform/fake/fake_platform.c kernel/platform/fake/fake_cpus.c kernel/lib/log_host.c kernel/protocols/services_absent.c \
	kernel/protocols/uefi_mm_absent.c
FUZZ_TARGETS += svsm_call pvalidate_list
FUZZ_SRCS_svsm_call := $(FUZZ_CORE_SRCS)
FUZZ_SRCS_pvalidate_list := $(FUZZ_CORE_SRCS)

# Boot-data parsers: PVH start_info, IGVM boot parameters, ACPI, the command line.
FUZZ_TARGETS += boot_info
FUZZ_SRCS_boot_info := kernel/init/boot_info.c kernel/arch/x86_64/acpi.c \
	kernel/init/boot_map_host.c kernel/lib/log_host.c lib/cmdline.c

# IGVM files and OVMF's SEV metadata.
FUZZ_TARGETS += igvm_parse igvm_ovmf_meta
FUZZ_SRCS_igvm_parse := lib/igvm_parse.c lib/igvm_payload.c lib/crc32.c
FUZZ_SRCS_igvm_ovmf_meta := lib/snp_measure_ovmf.c lib/snp_measure.c

# vTPM and attestation request decoders, and vtpm-server's network framing.
FUZZ_TARGETS += vtpm_envelope attest_req mssim_frame
FUZZ_SRCS_vtpm_envelope := kernel/protocols/vtpm_envelope.c
FUZZ_SRCS_attest_req := kernel/protocols/attest_req.c
FUZZ_SRCS_mssim_frame := tools/vtpm-server/mssim_frame.c lib/tpm_marshal.c

# SNP: the instruction decoder, guest messages, the #VC handler.
FUZZ_TARGETS += x86_decode snp_guest_msg snp_vc
FUZZ_SRCS_x86_decode := lib/x86_decode.c
FUZZ_SRCS_snp_guest_msg := kernel/platform/snp/guest_request.c kernel/platform/snp/secrets.c
FUZZ_LDLIBS_snp_guest_msg := -lcrypto
FUZZ_SRCS_snp_vc := kernel/platform/snp/vc.c kernel/platform/snp/ghcb.c lib/x86_decode.c \
	kernel/platform/snp/fake/fake_cpu.c

# The guest page-table walk and instruction fetch for MMIO emulation.
FUZZ_TARGETS += guest_walk
FUZZ_SRCS_guest_walk := kernel/vcpu/guest_walk.c kernel/mm/guest_mem.c kernel/mm/mm_host.c \
	kernel/arch/x86_64/safe_copy_host.c

# The guest's fw_cfg: ports, DMA descriptors, against a fake host fw_cfg.
FUZZ_TARGETS += fw_cfg_view
FUZZ_SRCS_fw_cfg_view := kernel/devices/fw_cfg_view.c kernel/devices/bus.c kernel/mm/guest_mem.c \
	kernel/mm/mm_host.c kernel/arch/x86_64/safe_copy_host.c kernel/lib/log_host.c

# The Linux boot protocol: bzImage header checks and placement in the guest's e820.
FUZZ_TARGETS += linux_layout
FUZZ_SRCS_linux_layout := kernel/guest/linux_layout.c kernel/lib/log_host.c
# The interrupt-controller filters: LAPIC registers, IOAPIC entries, the 8259 ICWs.
FUZZ_TARGETS += intc_filter
FUZZ_SRCS_intc_filter := lib/intc_filter.c

# The paravisor's device policy: the PCI configuration filter and the legacy ports.
FUZZ_TARGETS += pci_filter legacy_ports
FUZZ_SRCS_pci_filter := kernel/devices/pci_filter.c kernel/devices/bus.c \
	kernel/drivers/pci_host.c kernel/lib/log_host.c
FUZZ_SRCS_legacy_ports := kernel/devices/legacy.c kernel/devices/bus.c \
	kernel/drivers/port_io_host.c kernel/guest/stop.c kernel/vcpu/exit_stats.c kernel/lib/log_host.c

# The TPM CRB register state machine, with a fake TPM answering any response size.
FUZZ_TARGETS += tpm_crb
FUZZ_SRCS_tpm_crb := lib/tpm_crb.c
# The log device's register state machine over the real log ring.
FUZZ_TARGETS += log_dev
FUZZ_SRCS_log_dev := lib/log_dev.c kernel/lib/log_ring.c

# The CFI flash behind the firmware's variable store (docs/uefi-vars.md).
FUZZ_TARGETS += cfi_flash
FUZZ_SRCS_cfi_flash := lib/cfi_flash.c
# MMIO emulation and its string instructions (MOVS/STOS), through the guest's page tables.
FUZZ_TARGETS += mmio_string
FUZZ_SRCS_mmio_string := kernel/vcpu/mmio.c kernel/vcpu/mmio_string.c kernel/vcpu/guest_walk.c \
	lib/x86_decode.c kernel/devices/bus.c kernel/mm/guest_mem.c kernel/mm/mm_host.c \
	kernel/arch/x86_64/safe_copy_host.c kernel/guest/stop.c kernel/vcpu/exit_stats.c \
	kernel/lib/log_host.c

# The SVSM's virtio-blk disk: BARs and capabilities, notify offsets, used-ring elements.
FUZZ_TARGETS += virtio_blk
FUZZ_SRCS_virtio_blk := kernel/drivers/virtio_pci.c kernel/drivers/pci_host.c
# The state store's loader (docs/state.md): raw images, and genuine images damaged.
FUZZ_TARGETS += state_store
FUZZ_SRCS_state_store := lib/state_store.c
FUZZ_LDLIBS_state_store := -lcrypto
# The persistent log record (docs/logging.md "Persistence"): raw records, genuine ones damaged.
FUZZ_TARGETS += log_store
FUZZ_SRCS_log_store := lib/log_store.c
FUZZ_LDLIBS_log_store := -lcrypto
# Early attestation: the KBS replies and JWE (lib/kbs_client.c), the proxy framing.
FUZZ_TARGETS += kbs_reply proxy_frame
FUZZ_SRCS_kbs_reply := lib/kbs_client.c lib/json.c lib/base64.c
FUZZ_LDLIBS_kbs_reply := -lcrypto
FUZZ_SRCS_proxy_frame := lib/proxy_frame.c lib/crc32.c
# The UEFI variable store (docs/uefi-mm.md): the MM communicate buffer decoder over a store,
# and the parser of the store's record.
FUZZ_TARGETS += uefi_mm uefi_vars_parse
FUZZ_SRCS_uefi_mm := lib/uefi_mm.c lib/uefi_vars.c lib/crc32.c
FUZZ_LDLIBS_uefi_mm := -lcrypto
FUZZ_SRCS_uefi_vars_parse := lib/uefi_vars.c lib/crc32.c
FUZZ_LDLIBS_uefi_vars_parse := -lcrypto
# The UEFI MM protocol: registers and communicate buffers through dispatch, the protocol's
# checks and copies, and the variable service with the real store (lib/uefi_vars.c).
FUZZ_TARGETS += uefi_mm_call
FUZZ_SRCS_uefi_mm_call := $(filter-out kernel/protocols/uefi_mm_absent.c,$(FUZZ_CORE_SRCS)) \
	kernel/protocols/uefi_mm.c kernel/services/uefi_vars_service.c kernel/services/services_host.c \
	lib/uefi_vars.c lib/uefi_mm.c lib/crc32.c
FUZZ_LDLIBS_uefi_mm_call := -lcrypto

# The GDB stub's protocol layer (debug image only; docs/gdb.md): framer and packet interpreter.
FUZZ_TARGETS += gdb_packet
FUZZ_SRCS_gdb_packet := kernel/debug/gdbstub_proto.c
