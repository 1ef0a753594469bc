# Reads every directory's sub.mk (OP-TEE's idea): each source directory names its own files
# and says which builds they go into. A sub.mk appends names relative to its directory to:
#   lib-y             lib/ code: both kernels, the host unit tests (tools and guest pick theirs)
#   kernel-y          both kernels (native and SEV-SNP)
#   portable-y        both kernels and the host unit tests (runs against fakes on the host)
#   native-y          the native kernel (build/svsm.elf, build/svsm-test.elf)
#   native-portable-y the native kernel and the host unit tests
#   snp-y             the SEV-SNP kernel (build/svsm-snp.elf)
#   snp-portable-y    the SEV-SNP kernel and the host unit tests
#   host-y            the host unit tests only (host stand-ins, fakes, the tests themselves)
#   ktest-y           the test kernel only (tests/kernel/)
#   guest-y           the native test guest (guest/)
#   sysinc-y          kernel files compiled against the system (glibc) headers that the
#                     kernel/libc shim implements (OpenSSL users; see docs/kernel-libc.md)
#   tpminc-y          kernel files that include <libtpms/...>
#   debug-y           the debug image only (build/svsm-debug.elf: the GDB stub, docs/gdb.md)
#   nodebug-y         every kernel but the debug image (what the debug image replaces)
# A file that is optional goes into <list>-$(CONFIG) with CONFIG y or n (see
# kernel/platform/snp/sub.mk). Adding a directory needs only its sub.mk.

# y when the option is 1 or y, n otherwise: for <list>-$(call cfg,OPTION) in a sub.mk.
cfg = $(if $(filter 1 y,$($(1))),y,n)
cfg-not = $(if $(filter 1 y,$($(1))),n,y)

SUBMK_LISTS := lib kernel portable native native-portable snp snp-portable host ktest guest \
	sysinc tpminc debug nodebug
SUBMK_FILES := $(sort $(shell find lib kernel tests tools guest -name sub.mk))
$(foreach l,$(SUBMK_LISTS),$(eval SRCS_$(l) :=))

define read_submk
d := $(patsubst %/,%,$(dir $(1)))
$(foreach l,$(SUBMK_LISTS),$(l)-y :=
)
include $(1)
$(foreach l,$(SUBMK_LISTS),SRCS_$(l) += $$(addprefix $$(d)/,$$($(l)-y))
)
endef
$(foreach f,$(SUBMK_FILES),$(eval $(call read_submk,$(f))))

