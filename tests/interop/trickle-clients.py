#!/usr/bin/env python3
"""Slow mssim clients for the interop tier (security finding 5 of issue 10).

Opens COUNT connections to 127.0.0.1:PORT, each starting a TPM_SEND_COMMAND frame that
announces a 4096-byte command, then sends one more byte of it every INTERVAL seconds on
every connection for DURATION seconds, so no frame ever completes. Writes "ready" to
READY_FILE once every connection is open and has sent its first byte; at the end prints
one line per connection: "closed <s>" (seconds from its first byte until the server
closed it) or "open" (never closed). Loopback only; every socket is closed on exit.

Usage: trickle-clients.py PORT COUNT INTERVAL DURATION READY_FILE
"""
import select
import socket
import sys
import time

# TPM_SEND_COMMAND, locality 0, size 4096, then a TPM command header that never ends.
FRAME = bytes([0, 0, 0, 8, 0, 0, 0, 0x10, 0]) + bytes([0x80, 0x01, 0, 0, 0x10, 0]) + bytes(4096)


def main():
    port, count = int(sys.argv[1]), int(sys.argv[2])
    interval, duration, ready_file = float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    conns = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.setblocking(False)
        conns.append({"sock": s, "sent": 0, "first": None, "closed": None})
    start = time.monotonic()
    while time.monotonic() - start < duration:
        now = time.monotonic()
        for c in conns:
            if c["closed"] is not None:
                continue
            readable, _, _ = select.select([c["sock"]], [], [], 0)
            try:
                if readable and c["sock"].recv(64) == b"":
                    raise ConnectionResetError
                c["sock"].send(FRAME[c["sent"]:c["sent"] + 1])
                c["sent"] += 1
                if c["first"] is None:
                    c["first"] = now
            except (ConnectionResetError, BrokenPipeError, OSError):
                c["closed"] = now - (c["first"] if c["first"] is not None else now)
        if all(c["first"] is not None or c["closed"] is not None for c in conns):
            with open(ready_file, "w") as f:
                f.write("ready\n")
        time.sleep(interval)
    for c in conns:
        print("open" if c["closed"] is None else "closed %.2f" % c["closed"])
        c["sock"].close()


if __name__ == "__main__":
    main()
