# libFuzzer targets (named with their sources in tests/fuzz/sub.mk), built with clang.
# `make fuzz` runs each for FUZZ_SECONDS; `make fuzz-smoke` (part of make check) runs each
# for FUZZ_SMOKE_RUNS executions.

FUZZCFLAGS := -std=gnu11 $(INCLUDES) -g -O1 -DSVSM_HOST=1 -DSVSM_FUZZ=1 \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

define fuzz_rule
$(BUILD)/fuzz/$(1): tests/fuzz/$(1).c $(FUZZ_SRCS_$(1)) $(wildcard include/svsm/abi/*.h)
	@mkdir -p $$(dir $$@)
	$(Q)$(CLANG) $(FUZZCFLAGS) -o $$@ tests/fuzz/$(1).c $(FUZZ_SRCS_$(1)) $(FUZZ_LDLIBS_$(1))
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

FUZZ_BINS := $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-smoke fuzz-build
fuzz-build: $(FUZZ_BINS)

## fuzz-smoke: run every fuzz target for FUZZ_SMOKE_RUNS executions (part of make check).
fuzz-smoke: $(FUZZ_BINS)
	$(Q)set -e; for f in $(FUZZ_BINS); do \
		mkdir -p $(BUILD)/fuzz/corpus-$$(basename $$f); \
		echo "fuzz-smoke $$(basename $$f)"; \
		timeout 600 $$f -runs=$(FUZZ_SMOKE_RUNS) -seed=1 $(BUILD)/fuzz/corpus-$$(basename $$f) \
			$$(ls -d tests/fuzz/seeds/$$(basename $$f) 2>/dev/null) 2>&1 | tail -n 2; \
		test $${PIPESTATUS[0]} -eq 0; done

## fuzz: run every fuzz target for FUZZ_SECONDS seconds and report executions.
fuzz: $(FUZZ_BINS)
	$(Q)set -e; for f in $(FUZZ_BINS); do \
		mkdir -p $(BUILD)/fuzz/corpus-$$(basename $$f); \
		echo "fuzz $$(basename $$f) for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/corpus-$$(basename $$f) 2>&1 | tail -n 3; \
		test $${PIPESTATUS[0]} -eq 0; done
