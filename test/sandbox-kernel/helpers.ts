import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectCgroups } from '../../kernel/sandbox/index.js';
import type { CloveClient, LogsResponse } from '../../sdk/index.js';
import { fixture } from '../helpers/kernel.js';

export const root = process.getuid?.() === 0;

const detection = await detectCgroups();
/** The cgroup controllers the kernel can use on this machine (empty without cgroups). */
export const controllers: ReadonlySet<string> = detection.driver?.controllers ?? new Set();
export const cgroupVersion = detection.driver?.version ?? null;

/**
 * Why a test that needs root and these controllers cannot run here, or undefined when it can.
 * Tests put it in their name so a skip is never silent.
 */
export function missing(...needed: string[]): string | undefined {
  if (!root) return 'needs root (namespaces, uid 65534, cgroup writes)';
  const absent = needed.filter((c) => !controllers.has(c));
  if (absent.length > 0) return `needs the cgroup controller(s) ${absent.join(', ')} (${detection.reason})`;
  return undefined;
}

export const sandboxFixture = (name: string) => fixture('sandbox', name);
/** The hostile agents the sandbox demos use (examples/sandbox/agents), shared with these tests. */
export const exampleAgent = (name: string) => join(import.meta.dirname, '..', '..', 'examples', 'sandbox', 'agents', name);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const textOf = (logs: LogsResponse) => logs.lines.map((l) => `${l.stream}: ${l.text}`).join('\n');

/** Waits for a stdout line matching `pattern` from an agent and returns it. */
export async function waitForLine(c: CloveClient, agent: number, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let since = 0;
  const seen: string[] = [];
  while (Date.now() < end) {
    const batch = await c.logs(agent, { sinceSeq: since, waitMs: Math.max(1, Math.min(1000, end - Date.now())) });
    since = batch.nextSeq;
    for (const line of batch.lines) {
      seen.push(line.text);
      if (pattern.test(line.text)) return line.text;
    }
    if (batch.lines.length === 0) {
      const [record] = (await c.list({ all: true })).filter((a) => a.id === agent);
      if (record && !['starting', 'running', 'paused', 'restarting'].includes(record.state)) break;
    }
  }
  throw new Error(`no line matching ${pattern} from agent ${agent}; saw:\n${seen.slice(-20).join('\n')}`);
}

/** The last stdout line of an agent. */
export async function lastLine(c: CloveClient, agent: number): Promise<string | undefined> {
  const logs = await c.logs(agent, { max: 100_000 });
  return logs.lines.filter((l) => l.stream === 'stdout').at(-1)?.text;
}

/** Mount points of the cgroup hierarchies (v1: one per controller; v2: the unified root). */
function cgroupMounts(): string[] {
  const mounts: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    const fstype = right?.split(' ')[0];
    const path = left?.split(' ')[4];
    if (path && (fstype === 'cgroup' || fstype === 'cgroup2')) mounts.push(path);
  }
  return mounts;
}

/** The leaf name of an agent's cgroup (`agent-<kernel pid>-<id>-<n>`) from its isolation report. */
export const leafOf = (path: string | null): string => path?.split('/').at(-1) ?? '(no cgroup)';

/** Agent cgroup directories (`<mount>/clove/agent-<kernelPid>-...`) still present, or those of `leaf`. */
export function cgroupDirsOf(kernelPid: number, leaf?: string): string[] {
  const found: string[] = [];
  for (const mount of cgroupMounts()) {
    const parent = join(mount, 'clove');
    let names: string[] = [];
    try {
      names = readdirSync(parent);
    } catch {
      continue;
    }
    for (const name of names) if (leaf ? name === leaf : name.startsWith(`agent-${kernelPid}-`)) found.push(join(parent, name));
  }
  return found;
}

/** Live processes in an agent cgroup of this kernel pid, or in the one cgroup named `leaf`. */
export function processesOf(kernelPid: number, leaf?: string): number[] {
  const marker = leaf ? `/clove/${leaf}\n` : `/clove/agent-${kernelPid}-`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cgroup`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Whether a process runs (a zombie waiting for its reaper does not), with its state and command for messages. */
export function processState(pid: number): { alive: boolean; state: string } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { alive: state !== 'Z' && state !== 'X', state: `${pid} ${state} ${cmd}` };
  } catch {
    return { alive: false, state: `${pid} gone` };
  }
}
