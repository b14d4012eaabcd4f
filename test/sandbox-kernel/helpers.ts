import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectCgroups } from '../../kernel/sandbox/index.js';
import { fixture } from '../helpers/kernel.js';
import { cgroupMounts, pidsInCgroup } from '../helpers/proc.js';


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

/** The leaf name of an agent's cgroup (`agent-<kernel pid>-<id>-<n>`) from its isolation report. */
export const leafOf = (path: string | null): string => path?.split('/').at(-1) ?? '(no cgroup)';

/** Agent cgroup directories (`<mount>/<parent>/agent-<kernelPid>-...`) still present, or those of `leaf`. */
export function cgroupDirsOf(kernelPid: number, leaf?: string, parentName = 'clove'): string[] {
  const found: string[] = [];
  for (const mount of cgroupMounts()) {
    const parent = join(mount, parentName);
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
export function processesOf(kernelPid: number, leaf?: string, parentName = 'clove'): number[] {
  return pidsInCgroup(leaf ? `/${parentName}/${leaf}\n` : `/${parentName}/agent-${kernelPid}-`);
}
