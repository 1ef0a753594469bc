# Host glue of the IGVM tools (file I/O, SHA-384), also used by the unit tests.
host-y += host.c
