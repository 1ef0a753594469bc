# vtpm-server's pure pieces, also unit-tested: the connection policy. (The server itself is
# built by mk/tools.mk.)
host-y += conn_policy.c
