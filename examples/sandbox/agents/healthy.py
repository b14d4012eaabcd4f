"""A well-behaved agent: counts, keeps a little memory, prints a line every 100 ms."""
import time

ballast = bytearray(8 << 20)
n = 0
while True:
    print("tick %d" % n, flush=True)
    n += 1
    time.sleep(0.1)
