"""Fails until its Nth attempt: counts attempts in a file in its working directory.

argv[1]: a name for the counter file; argv[2]: the attempt that succeeds (0 = never).
"""
import os
import sys
import time

name, succeed_on = sys.argv[1], int(sys.argv[2])
path = os.path.join(os.getcwd(), "attempts-%s" % name)
attempt = int(open(path).read()) + 1 if os.path.exists(path) else 1
with open(path, "w") as f:
    f.write(str(attempt))
print("attempt %d" % attempt, flush=True)
time.sleep(0.05)
if succeed_on and attempt >= succeed_on:
    print("attempt %d: done" % attempt, flush=True)
    sys.exit(0)
print("attempt %d: crashing" % attempt, file=sys.stderr, flush=True)
sys.exit(1)
