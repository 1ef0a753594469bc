# The native test guest: a flat binary the SVSM loads and runs at lower privilege.
guest-y += main.c support.c tpm.c entry.S
