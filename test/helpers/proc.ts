import { readdirSync, readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, ...]; undefined when there is no such process. */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The state letter of /proc/<pid>/stat (R, S, Z, ...), or undefined when there is no such process. */
export function procState(pid: number): string | undefined {
  return statFields(pid)?.[0];
}

/** Running, not a zombie awaiting its parent. */
export function running(pid: number): boolean {
  const state = procState(pid);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** Whether a process runs, with its pid, state and command line for assertion messages. */
export function processState(pid: number): { alive: boolean; state: string } {
  const state = procState(pid);
  if (state === undefined) return { alive: false, state: `${pid} gone` };
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    // exited meanwhile
  }
  return { alive: state !== 'Z' && state !== 'X', state: `${pid} ${state} ${cmd}` };
}

/** Pids of the processes /proc lists now, whose entry satisfies `keep` (processes that exit meanwhile are skipped). */
function pidsWhere(keep: (pid: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (keep(entry)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Pids of the live processes in a process group (an agent's group id is its pid). */
export function groupMembers(pgid: number): number[] {
  return pidsWhere((pid) => {
    const fields = statFields(pid);
    return fields !== undefined && Number(fields[2]) === pgid && fields[0] !== 'Z';
  });
}

/** Pids of the processes whose /proc/<pid>/cgroup contains `marker`. */
export function pidsInCgroup(marker: string): number[] {
  return pidsWhere((pid) => readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(marker));
}

/** Mount points of the cgroup hierarchies (v1: one per controller; v2: the unified root). */
export function cgroupMounts(): string[] {
  const mounts: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    const fstype = right?.split(' ')[0];
    const path = left?.split(' ')[4];
    if (path && (fstype === 'cgroup' || fstype === 'cgroup2')) mounts.push(path);
  }
  return mounts;
}
