import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKernel, type KernelHandle } from '../../kernel/index.js';
import { connect, type CloveClient } from '../../sdk/index.js';

/** What every sandbox demo shares: an embedded kernel in a temporary directory and a ✓/✗ tally. */
export interface Demo {
  kernel: KernelHandle;
  client: CloveClient;
  /** The kernel's state directory (socket, operator token, audit log). */
  dir: string;
  /** Prints `✓ text` or `✗ text` and remembers a failure. */
  claim(ok: boolean, text: string, detail?: string): boolean;
  /** A heading line. */
  section(title: string): void;
  /** A plain figure line under a heading. */
  note(text: string): void;
  /** Stops the kernel, removes its directory, prints the tally; the process exit code to use. */
  finish(): Promise<number>;
}

export const agent = (name: string) => join(import.meta.dirname, 'agents', name);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const mib = (bytes: number | null | undefined) => (bytes === null || bytes === undefined ? '-' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);

export async function startDemo(title: string): Promise<Demo> {
  const dir = mkdtempSync(join(tmpdir(), 'clove-demo-'));
  const kernel = await startKernel({ socketPath: join(dir, 'kernel.sock'), killGraceMs: 1000 });
  const client = await connect({ socketPath: kernel.socketPath, token: kernel.token });
  const status = await client.status();
  const sandbox = status.sandbox as { backend?: string; cgroup?: { version?: string; controllers?: string[] } | null; notes?: string[] };
  console.log(`${title}\n${'='.repeat(title.length)}`);
  console.log(`kernel pid ${status.pid}; sandbox backend ${sandbox.backend ?? 'none'}, cgroup ${sandbox.cgroup?.version ?? 'none'} (${sandbox.cgroup?.controllers?.join(', ') ?? 'no controllers'})`);
  for (const n of sandbox.notes ?? []) console.log(`  note: ${n}`);
  let passed = 0;
  let failed = 0;
  return {
    kernel,
    client,
    dir,
    claim(ok, text, detail) {
      if (ok) passed++;
      else failed++;
      console.log(`  ${ok ? '✓' : '✗'} ${text}${detail ? `  (${detail})` : ''}`);
      return ok;
    },
    section(heading) {
      console.log(`\n${heading}`);
    },
    note(text) {
      console.log(`    ${text}`);
    },
    async finish() {
      client.close();
      await kernel.close();
      rmSync(dir, { recursive: true, force: true });
      console.log(`\n${failed === 0 ? '✓' : '✗'} ${passed} of ${passed + failed} claims held`);
      return failed === 0 ? 0 : 1;
    },
  };
}
