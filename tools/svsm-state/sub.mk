# svsm-state's pure pieces, also unit-tested: swtpm's blob header. (The tool itself is built
# by mk/tools.mk.)
host-y += swtpm_blob.c
