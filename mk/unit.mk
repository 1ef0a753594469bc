# Host unit tests: lib/ and the portable kernel code (lib-y, portable-y, native-portable-y,
# snp-portable-y) built for the host with ASan+UBSan against the host stand-ins and fakes
# (host-y), linked with every tests/unit/*_test.c into one runner, with Debian's libtpms.a
# and libcrypto for the vTPM service and the crypto checks.

TPM_LDLIBS  := $(firstword $(wildcard $(KERNEL_LIBDIR)/libtpms.a) -ltpms) -lcrypto
UNIT_SRCS   := $(sort $(SRCS_lib) $(SRCS_portable) $(SRCS_native-portable) \
	$(SRCS_snp-portable) $(SRCS_host))
UNIT_OBJS   := $(patsubst %.c,$(BUILD)/unit/%.o,$(UNIT_SRCS))
UNIT_BIN    := $(BUILD)/unit/unit-tests

$(BUILD)/unit/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOSTCFLAGS) $(SANFLAGS) -c $< -o $@

$(UNIT_BIN): $(UNIT_OBJS)
	$(Q)$(HOSTCC) $(SANFLAGS) -o $@ $^ $(TPM_LDLIBS)

.PHONY: test-unit
## test-unit: host unit tests of lib/ and portable kernel code (ASan+UBSan).
test-unit: $(UNIT_BIN)
	$(Q)UNIT_JUNIT=$(BUILD)/unit/junit.xml ASAN_OPTIONS=detect_leaks=1 \
		timeout 300 $(UNIT_BIN) $(UNIT_FILTER)

-include $(UNIT_OBJS:.o=.d)
