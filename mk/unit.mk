# Host unit tests: lib/ and the portable kernel code built for the host with ASan+UBSan,
# linked with every test file into one runner. Fragments append to UNIT_SRCS (test files
# and the code they test) and UNIT_LDLIBS.

UNIT_SRCS   += tests/unit/harness.c kernel/mm/mm_host.c kernel/platform/fake/fake_platform.c \
               kernel/platform/fake/fake_cpus.c \
               kernel/lib/log_host.c kernel/services/services_host.c kernel/init/boot_map_host.c $(wildcard tests/unit/*_test.c) $(LIB_SRCS) $(PORTABLE_SRCS)
UNIT_SRCS   := $(sort $(UNIT_SRCS))
UNIT_OBJS   := $(patsubst %.c,$(BUILD)/unit/%.o,$(UNIT_SRCS))
UNIT_BIN    := $(BUILD)/unit/unit-tests

$(BUILD)/unit/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOSTCFLAGS) $(SANFLAGS) -c $< -o $@

$(UNIT_BIN): $(UNIT_OBJS)
	$(Q)$(HOSTCC) $(SANFLAGS) -o $@ $^ $(UNIT_LDLIBS)

.PHONY: test-unit
## test-unit: host unit tests of lib/ and portable kernel code (ASan+UBSan).
test-unit: $(UNIT_BIN)
	$(Q)UNIT_JUNIT=$(BUILD)/unit/junit.xml ASAN_OPTIONS=detect_leaks=1 \
		timeout 300 $(UNIT_BIN) $(UNIT_FILTER)

-include $(UNIT_OBJS:.o=.d)
