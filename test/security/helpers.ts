import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloveClient, SpawnRequest } from '../../sdk/index.js';
import { fixture } from '../helpers/kernel.js';

export const root = process.getuid?.() === 0;
/** Why these tests cannot run here (they need real sandboxed agents as uid 65534), or undefined. */
export const NOT_ROOT = root ? undefined : 'needs root: the attacks run as sandboxed agents (uid 65534, own mount namespace) against a kernel running as root';

export type Step = unknown[];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Result = { ok?: any; error?: string; message?: string; oserror?: string };

/** Starts the hostile agent (test/fixtures/security/hostile.py) with a plan; returns its id. */
export async function startHostile(c: CloveClient, plan: Step[], spawn: Partial<SpawnRequest> = {}): Promise<number> {
  const agent = await c.spawn({
    script: fixture('security', 'hostile.py'),
    sandboxed: true,
    ...spawn,
    env: { ...spawn.env, HOSTILE_PLAN: JSON.stringify(plan) },
  });
  return agent.id;
}

/** Waits for the hostile agent to end and returns one result per step. */
export async function resultsOf(c: CloveClient, id: number, steps: number, timeoutMs = 60_000): Promise<Result[]> {
  await c.wait(id, timeoutMs);
  const logs = await c.logs(id, { max: 100_000 });
  const out: Result[] = [];
  for (const line of logs.lines) {
    const m = /^RESULT (\d+) (.*)$/.exec(line.text);
    if (m && line.stream === 'stdout') out[Number(m[1])] = JSON.parse(m[2] as string) as Result;
  }
  if (out.length < steps) throw new Error(`the hostile agent ran ${out.length} of ${steps} steps:\n${logs.lines.map((l) => `${l.stream}: ${l.text}`).join('\n')}`);
  return out;
}

/** Runs a plan to the end. */
export async function hostile(c: CloveClient, plan: Step[], spawn: Partial<SpawnRequest> = {}): Promise<Result[]> {
  return resultsOf(c, await startHostile(c, plan, spawn), plan.length);
}

/**
 * A root-only secret the sandboxed agent can see the path of but may not read: a 0600 root file in
 * a 0700 root directory under `base` (which must be visible to the agent).
 */
export function rootSecret(base: string, content: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(base, 'clove-private-'));
  chmodSync(dir, 0o700);
  const file = join(dir, 'data.txt');
  writeFileSync(file, content, { mode: 0o600 });
  return { dir, file };
}
