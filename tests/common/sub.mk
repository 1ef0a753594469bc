# Code shared by the test programs: the test TPM client (the unit tests, the test kernel and
# the test guest each supply its transport).
host-y += tpm_client.c
ktest-y += tpm_client.c
guest-y += tpm_client.c
