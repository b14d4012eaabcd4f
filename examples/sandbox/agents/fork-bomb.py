"""Forks without end: every process keeps forking; a failed fork is reported once per process."""
import os
import time

reported = False
while True:
    try:
        pid = os.fork()
    except OSError as error:
        if not reported:
            print("fork failed: %s" % error.strerror, flush=True)
            reported = True
        time.sleep(0.05)
        continue
    if pid == 0:
        reported = False
