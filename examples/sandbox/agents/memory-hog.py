"""Allocates and touches memory in 1 MiB steps until something stops it; prints progress."""
import sys
import time

held = []
while True:
    held.append(bytearray(b"x" * (1 << 20)))
    if len(held) % 8 == 0:
        print("allocated %d MiB" % len(held), flush=True)
    time.sleep(0.002)
