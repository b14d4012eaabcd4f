import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The kernel's own module, not clove/kernel: tests look inside (agents' tokens, the audit log, the store).
import { startKernel, type KernelHandle } from '../../kernel/kernel.js';
import type { KernelOptions } from '../../kernel/index.js';
import { connect, type CloveClient, type ConnectOptions, type SpawnRequest } from '../../sdk/index.js';
export { eventually, sleep } from './wait.js';

export interface TestKernel extends KernelHandle {
  dir: string;
  client(options?: ConnectOptions): Promise<CloveClient>;
  stop(): Promise<void>;
}

/** An embedded kernel on a fresh socket in a temporary directory; `stop()` closes clients and removes it. */
export async function testKernel(options: KernelOptions = {}): Promise<TestKernel> {
  const dir = mkdtempSync(join(tmpdir(), 'clove-t-'));
  const handle = await startKernel({ socketPath: join(dir, 'k.sock'), killGraceMs: 1000, ...options });
  const clients: CloveClient[] = [];
  return {
    ...handle,
    dir,
    async client(connectOptions: ConnectOptions = {}) {
      const c = await connect({ socketPath: handle.socketPath, token: handle.token, ...connectOptions });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One embedded kernel for the calling file or `describe` block: started in `beforeAll`, stopped in
 * `afterAll` (after the block's own `afterAll` hooks, which run first). The handle it returns works
 * inside tests and hooks; `options` may be a function, called when the kernel starts, for options
 * that earlier `beforeAll` hooks compute (a server's port).
 *
 * @example
 * const k = useTestKernel({ killGraceMs: 300 });
 * it('spawns', async () => { const c = await k.client(); await c.spawn({ script }); });
 */
export function useTestKernel(options: KernelOptions | (() => KernelOptions) = {}): TestKernel {
  let started: TestKernel | undefined;
  beforeAll(async () => {
    started = await testKernel(typeof options === 'function' ? options() : options);
  });
  afterAll(async () => {
    await started?.stop();
    started = undefined;
  });
  const current = (): TestKernel => {
    if (started) return started;
    throw new Error('useTestKernel(): the kernel runs from beforeAll to afterAll of the block that called it; use it inside tests and hooks');
  };
  return {
    get kernel() {
      return current().kernel;
    },
    get socketPath() {
      return current().socketPath;
    },
    get token() {
      return current().token;
    },
    get tokenFile() {
      return current().tokenFile;
    },
    get dir() {
      return current().dir;
    },
    client: (connectOptions) => current().client(connectOptions),
    close: () => current().close(),
    stop: () => current().stop(),
  };
}

export const fixture = (...parts: string[]) => join(import.meta.dirname, '..', 'fixtures', ...parts);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Outcome = { ok?: any; error?: string; message?: string };
let scriptedRuns = 0;

/**
 * Runs the scripted agent fixture (test/fixtures/agents/scripted.ts): each step is
 * `[sdkMethod, ...args]`; returns each step's outcome, `{ ok }` or `{ error: code, message }`.
 */
export async function runScripted(client: CloveClient, steps: unknown[][], spawn: Partial<SpawnRequest> = {}): Promise<Outcome[]> {
  const prefix = `scripted-${process.pid}-${++scriptedRuns}`;
  const agent = await client.spawn({
    script: fixture('agents', 'scripted.ts'),
    ...spawn,
    env: { ...spawn.env, CLOVE_SCRIPT: JSON.stringify(steps), CLOVE_RESULT_PREFIX: prefix },
  });
  const done = await client.wait(agent.id, 30_000);
  if (done.exitCode !== 0) {
    const logs = await client.logs(agent.id);
    throw new Error(`scripted agent ended ${done.state} (${done.exitCode ?? done.signal}):\n${logs.lines.map((l) => l.text).join('\n')}`);
  }
  const out: Outcome[] = [];
  for (let i = 0; i < steps.length; i++) out.push((await client.fetch<Outcome>(`${prefix}:${i}`)).value ?? {});
  return out;
}
