# Host unit tests: every *_test.c and the harness.
host-y += harness.c $(notdir $(wildcard $(d)/*_test.c))
