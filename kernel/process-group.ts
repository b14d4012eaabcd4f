/**
 * Signals a process group, else (unless `groupOnly`) the process itself; nothing when it is gone
 * already. A null pid (never started) is a no-op.
 */
export function signalGroup(pid: number | null, signal: NodeJS.Signals, groupOnly = false): void {
  if (pid === null) return;
  try {
    process.kill(-pid, signal);
  } catch {
    if (groupOnly) return;
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already: whoever reaps it records it.
    }
  }
}
