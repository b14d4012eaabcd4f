import { existsSync, readFileSync, readdirSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux
const PAGE = 4096;

interface ProcSample {
  ppid: number;
  /** utime + cutime, stime + cstime (reaped children count once they exit). */
  user: number;
  system: number;
  rss: number;
  rchar: number;
  wchar: number;
}

function readSample(pid: number): ProcSample | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    let rchar = 0;
    let wchar = 0;
    try {
      const io = readFileSync(`/proc/${pid}/io`, 'utf8');
      rchar = Number(/rchar:\s*(\d+)/.exec(io)?.[1] ?? 0);
      wchar = Number(/wchar:\s*(\d+)/.exec(io)?.[1] ?? 0);
    } catch {
      // /proc/<pid>/io needs the same uid or root.
    }
    return {
      ppid: Number(f[1]),
      user: Number(f[11]) + Number(f[13]),
      system: Number(f[12]) + Number(f[14]),
      rss: Number(f[21]) * PAGE,
      rchar,
      wchar,
    };
  } catch {
    return null;
  }
}

/** Linux's /proc/<pid>/task/<tid>/children (CONFIG_PROC_CHILDREN): walk one tree instead of all of /proc. */
const HAS_CHILDREN_FILES = existsSync(`/proc/${process.pid}/task/${process.pid}/children`);

/** Direct children of a process, from its threads' children files. */
function childrenOf(pid: number): number[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tids) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) if (c.trim() !== '') out.push(Number(c));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/**
 * Samples an agent's process tree from /proc while it runs: CPU user/system (children that exited
 * count through their parent's cutime/cstime), peak resident memory, and bytes read and written
 * (rchar/wchar, the process's own file and socket I/O). The last sample before exit is what counts,
 * so very short agents are measured coarsely.
 */
export class ProcessSampler {
  userMs = 0;
  systemMs = 0;
  peakRss = 0;
  rchar = 0;
  wchar = 0;
  samples = 0;

  sample(root: number): void {
    const all = new Map<number, ProcSample>();
    const children = new Map<number, number[]>();
    if (HAS_CHILDREN_FILES) {
      // Only the agent's own tree: a handful of /proc reads, however many processes the host runs.
      const stack = [root];
      while (stack.length > 0) {
        const pid = stack.pop()!;
        const s = readSample(pid);
        if (!s) continue;
        all.set(pid, s);
        const kids = childrenOf(pid);
        children.set(pid, kids);
        stack.push(...kids);
      }
    } else {
      let entries: string[];
      try {
        entries = readdirSync('/proc');
      } catch {
        return;
      }
      for (const e of entries) {
        if (!/^\d+$/.test(e)) continue;
        const pid = Number(e);
        if (pid === root || pid > 1) {
          const s = readSample(pid);
          if (s) all.set(pid, s);
        }
      }
      for (const [pid, s] of all) {
        const list = children.get(s.ppid);
        if (list) list.push(pid);
        else children.set(s.ppid, [pid]);
      }
    }
    if (!all.has(root)) return;
    let user = 0;
    let system = 0;
    let rss = 0;
    let rchar = 0;
    let wchar = 0;
    const stack = [root];
    while (stack.length > 0) {
      const pid = stack.pop()!;
      const s = all.get(pid);
      if (!s) continue;
      user += s.user;
      system += s.system;
      rss += s.rss;
      rchar += s.rchar;
      wchar += s.wchar;
      stack.push(...(children.get(pid) ?? []));
    }
    this.samples++;
    this.userMs = Math.max(this.userMs, user * TICK_MS);
    this.systemMs = Math.max(this.systemMs, system * TICK_MS);
    this.peakRss = Math.max(this.peakRss, rss);
    this.rchar = Math.max(this.rchar, rchar);
    this.wchar = Math.max(this.wchar, wchar);
  }
}
