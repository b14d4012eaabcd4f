"""Spins on one core forever."""
print("spinning", flush=True)
n = 0
while True:
    n += 1
