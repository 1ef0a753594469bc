# The SEV-SNP platform (docs/snp.md). SNP_KERNEL_CRYPTO=1 (default) links the guest-request
# path so that plat_attest_report() returns AMD-signed reports; 0 links attest_snp_absent.c.
SNP_KERNEL_CRYPTO ?= 1
snp-portable-y += ghcb_msr.c ghcb.c psc.c pvalidate.c rmpadjust.c vmsa_snp.c secrets.c \
	run_vmpl.c vc.c guest_snp.c
snp-y += platform_snp.c ap_snp.c run_snp.c vcpu_snp.c vector_snp.c insn_hw.c
snp-$(call cfg,SNP_KERNEL_CRYPTO) += guest_request.c attest_snp.c
snp-$(call cfg-not,SNP_KERNEL_CRYPTO) += attest_snp_absent.c
host-y += guest_request.c
sysinc-y += guest_request.c
# The test kernel (native) links the real SNP instruction wrappers too: there PVALIDATE and
# RMPADJUST raise #UD, which tests/kernel/extable_test.c uses to check their fixups.
ktest-y += insn_hw.c
