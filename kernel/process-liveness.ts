import { readFileSync } from 'node:fs';

/** State and start time (clock ticks since boot) of a process from /proc, or null when it is gone. */
function procStat(pid: number): { state: string; start: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; fields follow the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', start: fields[19] ?? '' };
  } catch {
    return null;
  }
}

/** The start time of this process, recorded beside its pid so a reused pid is not taken for it. */
export function ownStartTime(): string {
  return procStat(process.pid)?.start ?? '';
}

/**
 * Whether `pid` is a running process (and, with `startTime`, the same one that recorded it). A
 * zombie (killed, not yet reaped) or a reused pid counts as dead: a dead kernel cannot hold this.
 */
export function processAlive(pid: number, startTime?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const stat = procStat(pid);
  if (stat) return stat.state !== 'Z' && stat.state !== 'X' && (!startTime || stat.start === startTime);
  // No /proc: ask the process table.
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
