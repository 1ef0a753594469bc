# The SEV-SNP kernel build/svsm-snp.elf (docs/snp.md): the objects of both kernels
# (build/kernel/, identical for both platforms: nothing above kernel/platform/ depends on the
# platform at compile time) plus the SNP platform's (snp-y, snp-portable-y), and entry.S
# assembled a second time with SVSM_SNP (C-bit in the early page tables). So `make svsm-snp`
# costs the native build plus about a dozen files. Its IGVM file and test-snp-build.

SNP_ELF   := $(BUILD)/svsm-snp.elf
SNP_ENTRY := kernel/arch/x86_64/entry.S
SNP_ELF_OBJS := $(filter-out $(call kobj,$(SNP_ENTRY)), \
	$(call kobj,$(sort $(KERNEL_COMMON_SRCS) $(SRCS_snp) $(SRCS_snp-portable)))) \
	$(BUILD)/snp/$(SNP_ENTRY:.S=.o)

$(BUILD)/snp/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KASFLAGS) -DSVSM_SNP=1 -c $< -o $@

$(BUILD)/snp/objs.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(SNP_ELF_OBJS) $(KERNEL_LIBS)' | cmp -s - $@ || echo '$(SNP_ELF_OBJS) $(KERNEL_LIBS)' > $@

$(SNP_ELF): $(SNP_ELF_OBJS) $(KERNEL_LDS) $(KERNEL_LIBS) $(BUILD)/snp/objs.list \
		$(KERNEL_ARCHIVE_STAMP)
	$(call klink,$(SNP_ELF_OBJS),$(BUILD)/svsm-snp.map)

SNP_IGVM := $(BUILD)/svsm-snp.igvm
SNP_IGVM_ARGS = -p snp $(if $(filter 1,$(OVMF)),--firmware $(IGVM_OVMF))

.PHONY: svsm-snp igvm-snp
## svsm-snp: build build/svsm-snp.elf, the kernel for the SEV-SNP platform (docs/snp.md).
svsm-snp: $(SNP_ELF)

## igvm-snp: build build/svsm-snp.igvm (-p snp) from build/svsm-snp.elf and print its SNP
## launch digest (OVMF=1 adds $(IGVM_OVMF)).
igvm-snp: $(SNP_IGVM)
	$(Q)$(BUILD)/tools/igvm-measure $(SNP_IGVM)

$(SNP_IGVM): $(SNP_ELF) $(IGVM_TOOLS) FORCE
	$(Q)$(BUILD)/tools/igvm-build --output $@ $(SNP_IGVM_ARGS) $(SNP_ELF)

-include $(SNP_ELF_OBJS:.o=.d)
