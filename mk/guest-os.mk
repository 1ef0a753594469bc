# The guest OS for the paravisor and its bare-QEMU baseline (docs/guest-os.md):
# build/guest-os/vmlinuz and initramfs.cpio.gz, made by scripts/guest-os.sh from Debian 12
# packages. guest-os/ holds the files that go into the initramfs (no C, so no sub.mk).
#
# packages.lock holds the resolved package versions and is rewritten only when they change;
# resolving takes a few apt-cache runs, so it is redone only when the script or the APT
# package lists (apt-get update) are newer than the last resolution (lock.checked).

GUEST_OS_DIR     := $(BUILD)/guest-os
GUEST_OS_LOCK    := $(GUEST_OS_DIR)/packages.lock
GUEST_OS_CHECKED := $(GUEST_OS_DIR)/lock.checked
GUEST_OS_KERNEL  := $(GUEST_OS_DIR)/vmlinuz
GUEST_OS_INITRD  := $(GUEST_OS_DIR)/initramfs.cpio.gz
GUEST_OS_FILES   := guest-os/init guest-os/check.sh guest-os/demo.sh guest-os/tpm-test.sh guest-os/uefi-test.sh \
		    guest-os/hostile/hostile.c guest-os/tpmping/tpmping.c guest-os/svsmlog/svsm-log.c \
		    include/svsm/abi/log.h
APT_LISTS        := $(wildcard /var/lib/apt/lists/*_Packages*)

$(GUEST_OS_CHECKED): scripts/guest-os.sh $(APT_LISTS)
	@mkdir -p $(dir $@)
	$(Q)scripts/guest-os.sh lock $(GUEST_OS_LOCK)
	$(Q)touch $@

$(GUEST_OS_LOCK): $(GUEST_OS_CHECKED) ;

$(GUEST_OS_KERNEL) $(GUEST_OS_INITRD) &: $(GUEST_OS_LOCK) scripts/guest-os.sh $(GUEST_OS_FILES)
	$(Q)scripts/guest-os.sh build $(GUEST_OS_LOCK) $(GUEST_OS_DIR)

.PHONY: guest-os
## guest-os: build/guest-os/vmlinuz and initramfs.cpio.gz from Debian 12 packages (cached .debs).
guest-os: $(GUEST_OS_KERNEL) $(GUEST_OS_INITRD)
