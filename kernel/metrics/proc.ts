import { readFileSync, readdirSync, statfsSync } from 'node:fs';
import { cpus, loadavg, totalmem, freemem } from 'node:os';

/** Readers of /proc. Each returns zeros rather than throwing where a file is missing (non-Linux, gone pid). */

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export interface CpuTimes {
  total: number;
  idle: number;
}

/** Aggregate then per-core jiffies from /proc/stat. */
export function readCpuTimes(): CpuTimes[] {
  const out: CpuTimes[] = [];
  for (const line of read('/proc/stat').split('\n')) {
    if (!line.startsWith('cpu')) continue;
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    out.push({ total, idle });
  }
  return out;
}

export function cpuPercent(before: CpuTimes | undefined, after: CpuTimes | undefined): number {
  if (!before || !after) return 0;
  const total = after.total - before.total;
  if (total <= 0) return 0;
  return round(100 * (1 - (after.idle - before.idle) / total));
}

export function readMemory(): { total: number; available: number; used: number; percent: number } {
  const info = read('/proc/meminfo');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? NaN) * 1024;
  const total = Number.isFinite(kb('MemTotal')) ? kb('MemTotal') : totalmem();
  const available = Number.isFinite(kb('MemAvailable')) ? kb('MemAvailable') : freemem();
  return { total, available, used: total - available, percent: round((100 * (total - available)) / total) };
}

export function readDisk(path: string): { path: string; total: number; free: number; used: number; read_bytes: number; write_bytes: number } {
  let total = 0;
  let free = 0;
  try {
    const s = statfsSync(path);
    total = s.blocks * s.bsize;
    free = s.bavail * s.bsize;
  } catch {
    // Unknown filesystem: report zeros.
  }
  let readBytes = 0;
  let writeBytes = 0;
  for (const line of read('/proc/diskstats').split('\n')) {
    const f = line.trim().split(/\s+/);
    const name = f[2] ?? '';
    // Whole devices only, so partitions are not counted twice.
    if (!/^(sd[a-z]+|vd[a-z]+|xvd[a-z]+|nvme\d+n\d+|mmcblk\d+)$/.test(name)) continue;
    readBytes += Number(f[5] ?? 0) * 512;
    writeBytes += Number(f[9] ?? 0) * 512;
  }
  return { path, total, free, used: total - free, read_bytes: readBytes, write_bytes: writeBytes };
}

export function readNetwork(): { rx_bytes: number; tx_bytes: number } {
  let rx = 0;
  let tx = 0;
  for (const line of read('/proc/net/dev').split('\n').slice(2)) {
    const [iface, rest] = line.split(':');
    if (!rest || iface?.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(Number);
    rx += f[0] ?? 0;
    tx += f[8] ?? 0;
  }
  return { rx_bytes: rx, tx_bytes: tx };
}

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime in clock ticks. */
  ticks: number;
  threads: number;
  vms: number;
  rss: number;
}

const PAGE = 4096;
export const CLOCK_TICKS = 100;

export function readProcStat(pid: number): ProcStat | undefined {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return undefined;
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    ppid: Number(f[1]),
    ticks: Number(f[11]) + Number(f[12]),
    threads: Number(f[17]),
    vms: Number(f[20]),
    rss: Number(f[21]) * PAGE,
  };
}

export function countFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** Every pid whose ancestry reaches `root`, root included. */
export function processTree(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [root];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid);
    if (list) list.push(stat.pid);
    else children.set(stat.ppid, [stat.pid]);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

export function systemCpuCount(): number {
  return cpus().length;
}

export function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = loadavg();
  return [round(a), round(b), round(c)];
}

export function round(n: number): number {
  return Math.round(n * 100) / 100;
}
