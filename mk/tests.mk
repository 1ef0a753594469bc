# Test tiers and benchmarks beyond test-unit (mk/unit.mk), test-kernel and the fuzzers
# (mk/fuzz.mk): what each runs, in the order `make check` runs them (CHECK_TIERS), and the
# benchmarks `make bench` runs (BENCH_TARGETS). docs/testing.md describes each tier.

.PHONY: test-state-tool test-state bench-state test-gdb test-uefi-flash bench-uefi-flash
.PHONY: test-guest-os test-linux test-linux-tpm test-qemu-trixie bench-linux bench-linux-tpm test-kernel test-e2e test-igvm test-igvm-boot test-snp-build test-interop \
	bench-e2e bench-igvm bench-kvtpm bench-vtpm

## test-kernel: boot the test kernel under QEMU TCG (-smp 4); pass only if every test passed.
test-kernel: $(TEST_KERNEL_ELF)
	$(Q)scripts/test-kernel.sh $(TEST_KERNEL_ELF)

## test-e2e: boot the SVSM with the test guest (-smp 3); every guest check and the SVSM must pass.
test-e2e: $(KERNEL_ELF) $(GUEST_BIN)
	$(Q)scripts/test-e2e.sh

## test-igvm: IGVM tools round trip, digest stability, corrupted files (tests/igvm/run.sh).
test-igvm: $(IGVM_TOOLS)
	$(Q)timeout 170 tests/igvm/run.sh $(BUILD)

## test-igvm-boot: build an IGVM, load it with igvm-load and the PVH shim, and run the
## test guest through the kernel's IGVM entry.
test-igvm-boot: $(IGVM_TOOLS) $(IGVM_LOAD) $(IGVM_SHIM) $(KERNEL_ELF) $(GUEST_BIN)
	$(Q)tests/igvm/boot.sh

## test-snp-build: build svsm-snp.elf; it must have no undefined symbols and a PVH entry note;
## build its IGVM file twice, dump it, print its launch digest (the same for both builds).
test-snp-build: $(SNP_ELF) $(IGVM_TOOLS)
	$(Q)scripts/check-archives.sh --undefined --externals $(KERNEL_EXTERNALS) $(SNP_ELF)
	$(Q)readelf -n $(SNP_ELF) | grep -Eq 'Xen[[:space:]]+0x00000008[[:space:]]+Unknown note type: .0x00000012.' || \
		{ echo "test-snp-build: $(SNP_ELF) has no PVH (Xen type 18) note" >&2; exit 1; }
	$(Q)nm $(SNP_ELF) | grep -q ' T plat_handle_vc$$' && ! nm $(SNP_ELF) | grep -q ' native_' || \
		{ echo "test-snp-build: $(SNP_ELF) does not hold the SNP platform alone" >&2; exit 1; }
	$(Q)nm $(SNP_ELF) | grep -q ' T plat_ap_start$$' && \
		s=$$(nm $(SNP_ELF) | awk '/ __start_svsm_extable$$/ {print $$1}') && \
		e=$$(nm $(SNP_ELF) | awk '/ __stop_svsm_extable$$/ {print $$1}') && \
		[ -n "$$s" ] && [ $$((16#$$e - 16#$$s)) -ge 32 ] || \
		{ echo "test-snp-build: $(SNP_ELF) lacks plat_ap_start or PVALIDATE/RMPADJUST fixups" >&2; exit 1; }
	$(Q)if [ "$(SNP_KERNEL_CRYPTO)" = 1 ] && ! nm $(SNP_ELF) | grep -q ' T snp_guest_report$$'; then \
		echo "test-snp-build: SNP_KERNEL_CRYPTO=1 but the guest-request path is not linked" >&2; exit 1; fi
	$(Q)$(BUILD)/tools/igvm-build --output $(BUILD)/snp/a.igvm $(SNP_IGVM_ARGS) $(SNP_ELF)
	$(Q)$(BUILD)/tools/igvm-build --output $(SNP_IGVM) $(SNP_IGVM_ARGS) $(SNP_ELF)
	$(Q)$(BUILD)/tools/igvm-dump $(SNP_IGVM) | tail -n 1
	$(Q)d1=$$($(BUILD)/tools/igvm-measure $(BUILD)/snp/a.igvm) && \
		d2=$$($(BUILD)/tools/igvm-measure $(SNP_IGVM)) && rm -f $(BUILD)/snp/a.igvm && \
		echo "test-snp-build: $(SNP_IGVM) launch digest $$d2" && \
		{ [ "$$d1" = "$$d2" ] || { echo "test-snp-build: digest differs between builds ($$d1)" >&2; exit 1; }; }
	@echo "test-snp-build: $(SNP_ELF) links the SNP platform, no undefined symbols, PVH note present"

## test-gdb: the GDB stub (scripts/test-gdb.sh, docs/gdb.md): no stub symbols in the release and
## SNP images; Debian's gdb in batch mode against build/svsm-debug.elf (breakpoints, step,
## variables, registers, hbreak, watch, Ctrl-C stopping every CPU, attach/detach/kill).
test-gdb: $(KERNEL_ELF) $(SNP_ELF) $(DEBUG_ELF) $(GUEST_BIN)
	$(Q)timeout 900 scripts/test-gdb.sh

## test-interop: tpm2-tools and IBM TSS against build/tools/vtpm-server (under 4 minutes).
test-interop: $(VTPM_SERVER)
	$(Q)timeout 230 tests/interop/tpm2-tools.sh $(VTPM_SERVER)

## test-guest-os: the guest OS on bare QEMU, no SVSM (docs/guest-os.md): OVMF and direct
## boot with -smp 2 and svsm.check=1; fails on a missing init marker or any failed check.
## Not in CHECK_TIERS yet.
test-guest-os: $(GUEST_OS_KERNEL) $(GUEST_OS_INITRD)
	$(Q)scripts/boot-bare.sh --mode both --smp 2 --check --timeout 240

## test-linux: the guest OS under the SVSM as a paravisor (scripts/test-linux.sh): OVMF and
## direct boot with -smp 2 and svsm.check=1, then one boot running every svsm-hostile attack.
## The guest checks that no System RAM covers the range reserved for the SVSM: with -m 1G and
## the default 64 MiB (docs/paravisor.md "Memory") it is [0x3be00000, 0x3ffe0000).
test-linux: $(KERNEL_ELF) $(GUEST_OS_KERNEL) $(GUEST_OS_INITRD)
	$(Q)timeout 1500 scripts/test-linux.sh --hole 3be00000-3ffe0000

## test-linux-tpm: the guest OS's TPM under the SVSM (scripts/test-linux-tpm.sh): two boots
## (svsm.tpm=1 svsm.reboot=1), every svsm-tpm check must pass in both, the reset must be a TPM
## reset, and the SVSM's manifest EK digest must equal the guest's. TPM_TARGET=swtpm runs the
## same against bare QEMU + swtpm.
test-linux-tpm: $(KERNEL_ELF) $(GUEST_OS_KERNEL) $(GUEST_OS_INITRD)
	$(Q)timeout 900 scripts/test-linux-tpm.sh --target $(or $(TPM_TARGET),svsm) --timeout 800

## test-state-tool: build/tools/svsm-state against swtpm 0.7 and tpm2-tools (swtpm TCTI,
## unix sockets): an NV index survives swtpm -> image -> swtpm both ways; refusals leave the
## image unchanged (tests/interop/svsm-state.sh, a few seconds).
test-state-tool: $(SVSM_STATE)
	$(Q)timeout 120 tests/interop/svsm-state.sh $(SVSM_STATE)


## test-qemu-trixie: test-kernel, test-e2e, test-linux and test-linux-tpm again under Debian
## 13's QEMU 10.0 (QEMU=trixie, scripts/qemu-bin.sh; its root is built once into
## ~/.cache/svsm-c/trixie-<key>): TCG with x2APIC, so the kernel's x2APIC path runs, and a
## QEMU as current as the ones users deploy. The other tiers run under the host's QEMU only.
TRIXIE_TIERS := test-kernel test-e2e test-linux test-linux-tpm
test-qemu-trixie: $(TEST_KERNEL_ELF) $(KERNEL_ELF) $(GUEST_BIN) $(GUEST_OS_KERNEL) $(GUEST_OS_INITRD)
	$(Q)QEMU=trixie scripts/qemu-bin.sh --describe
	$(Q)set -e; for t in $(TRIXIE_TIERS); do \
		echo "=== make $$t QEMU=trixie"; $(MAKE) --no-print-directory $$t QEMU=trixie; done

## test-state: the SVSM's persistent state end to end (scripts/test-state.sh): two OVMF+Linux
## runs over one image (same EK, NV data back, unseal), refusals that leave the image unchanged
## (rollback, KBS deny, wrong key, proxy faults, no proxy, flipped byte), a second vCPU served
## while a commit waits, and 20 kills during commits (old or new state, never a failure).
test-state: $(KERNEL_ELF) $(GUEST_BIN) $(SVSM_STATE) $(GUEST_OS_KERNEL) $(GUEST_OS_INITRD)
	$(Q)timeout 1500 scripts/test-state.sh

.PHONY: test-log-persist
## test-log-persist: the persistent log (scripts/test-log-persist.sh): a forced panic's log
## read with svsm-state logs after the next boot (boot counters 1 and 2); an entry removed,
## swapped, changed or cut off, and a flipped ciphertext byte, each reported; a panic during
## another vCPU's commit does not wait and does not save.
test-log-persist: $(KERNEL_ELF) $(GUEST_BIN) $(SVSM_STATE)
	$(Q)timeout 900 scripts/test-log-persist.sh

## test-uefi-mm: the SVSM UEFI MM protocol with the test guest (scripts/test-uefi-mm.sh):
## malformed buffers and messages, variables, Secure Boot enrolment with efitools payloads
## made at test time (PK, KEK, db; unsigned, wrongly signed and replayed updates refused), the
## same image without payloads must fail, and two boots over a state image (record uefi-mm).
.PHONY: test-uefi-mm bench-uefi-mm
test-uefi-mm: $(KERNEL_ELF) $(GUEST_BIN) $(SVSM_STATE)
	$(Q)timeout 600 scripts/test-uefi-mm.sh

## test-uefi-flash: UEFI variables persist (scripts/test-uefi-flash.sh): split OVMF with the
## SVSM's flash device over a state image; two OVMF+Linux boots (a boot entry and a variable
## back in boot 2, the store's SHA-256 equal at commit, load and in svsm-state's record);
## guest writes to the read-only code flash dropped.
test-uefi-flash: $(KERNEL_ELF) $(SVSM_STATE) $(GUEST_OS_KERNEL) $(GUEST_OS_INITRD)
	$(Q)timeout 1200 scripts/test-uefi-flash.sh

CHECK_TIERS := test-e2e test-linux test-linux-tpm test-igvm test-igvm-boot test-snp-build test-interop \
	test-state-tool test-kbs test-kbs-kernel test-state test-uefi-flash test-log-persist test-uefi-mm \
	test-qemu-trixie test-gdb


## bench-e2e: SVSM call round trip vs bare VMMCALL, measured by the guest in one run.
bench-e2e: $(KERNEL_ELF) $(GUEST_BIN)
	$(Q)scripts/bench-e2e.sh

## bench-igvm: igvm-measure throughput vs sha384sum over the same file.
bench-igvm: $(IGVM_TOOLS)
	$(Q)nice tests/igvm/bench.sh $(BUILD)

## bench-kvtpm: EK creation time (ECC P-256, RSA-2048) inside the kernel under QEMU TCG.
bench-kvtpm: $(TEST_KERNEL_ELF)
	$(Q)timeout 600 scripts/bench-kvtpm.sh $(TEST_KERNEL_ELF)

## bench-vtpm: EK creation times and the vtpm-server vs swtpm ratio (tpm2-tools loop).
bench-vtpm: $(VTPM_SERVER) $(VTPM_EK_BENCH)
	$(Q)timeout 120 $(VTPM_EK_BENCH)
	$(Q)timeout 300 tests/interop/bench-vs-swtpm.sh $(VTPM_SERVER)

## bench-linux: SVSM -> OVMF -> Linux boot time vs bare QEMU's OVMF boot of the same kernel
## (ratios of medians) and the SVSM's exit counts.
bench-linux: $(KERNEL_ELF) $(GUEST_OS_KERNEL) $(GUEST_OS_INITRD)
	$(Q)timeout 1500 scripts/bench-linux.sh

## bench-linux-tpm: guest TPM command latency (tpm2-tools in the Linux guest, svsm.tpmbench=N)
## under the SVSM vs bare QEMU + swtpm, ratios of medians, and the share spent in libtpms
## (scripts/bench-linux-tpm.sh).
bench-linux-tpm: $(KERNEL_ELF) $(GUEST_OS_KERNEL) $(GUEST_OS_INITRD)
	$(Q)timeout 2400 scripts/bench-linux-tpm.sh

## bench-state: persistence costs: attestation unlock time, boot time with a state disk vs
## without (ratio), and one commit (scripts/bench-state.sh).
bench-state: $(KERNEL_ELF) $(GUEST_BIN) $(SVSM_STATE)
	$(Q)timeout 900 scripts/bench-state.sh

## bench-uefi-mm: SetVariable/GetVariable latency through the UEFI MM protocol from the test
## guest (medians), volatile and with the state disk side by side (scripts/bench-uefi-mm.sh).
bench-uefi-mm: $(KERNEL_ELF) $(GUEST_BIN) $(SVSM_STATE)
	$(Q)timeout 600 scripts/bench-uefi-mm.sh

## bench-uefi-flash: split OVMF with the flash device and its commits vs bare QEMU's pflash and vs OVMF.fd as RAM, both
## under the SVSM with a state disk: boot-time ratio, commits per boot, one commit, the commit
## time per SetVariable (scripts/bench-uefi-flash.sh).
bench-uefi-flash: $(KERNEL_ELF) $(SVSM_STATE) $(GUEST_OS_KERNEL) $(GUEST_OS_INITRD)
	$(Q)timeout 2400 scripts/bench-uefi-flash.sh

BENCH_TARGETS := bench-e2e bench-igvm bench-kvtpm bench-vtpm bench-linux bench-linux-tpm bench-state \
	bench-uefi-mm bench-uefi-flash

.PHONY: test-kbs
## test-kbs: the attestation chain on the host: kbs-client-host -> frames -> svsm-proxy ->
## test KBS (jwcrypto) -> JWE -> client; refusals, JWE faults, replay, rollback, proxy faults.
test-kbs: $(KBS_CLIENT_HOST)
	$(Q)timeout 300 tests/kbs/test-kbs.sh $(KBS_CLIENT_HOST)

.PHONY: test-kbs-kernel
## test-kbs-kernel: the test kernel runs the KBS client through COM2, svsm-proxy and the
## test KBS (secret, refusal, no COM2 device).
test-kbs-kernel: $(TEST_KERNEL_ELF)
	$(Q)timeout 400 tests/kbs/test-kbs-kernel.sh $(TEST_KERNEL_ELF)
