import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKernel } from '../../../kernel/index.js';
import { connect } from '../../../sdk/index.js';
import type { MicroSuite } from '../suite.js';

/** An embedded kernel: syscall round trips over its socket. */
export const kernelSuite: MicroSuite = {
  group: 'kernel',
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), 'clove-micro-kernel-'));
    const kernel = await startKernel({ socketPath: join(dir, 'k.sock'), handleSignals: false, auditLog: false });
    const client = await connect({ socketPath: kernel.socketPath, token: kernel.token });
    const json = await connect({ socketPath: kernel.socketPath, token: kernel.token, codec: 'json' });
    let n = 0;
    return {
      tasks: [
        { name: 'echo (msgpack)', fn: () => client.echo('x') },
        { name: 'echo (json)', fn: () => json.echo('x') },
        { name: 'store + fetch', fn: async () => {
          await client.store('k', { n: n++ });
          return client.keys({ prefix: 'k' });
        } },
        { name: 'status', fn: () => client.status() },
      ],
      async teardown() {
        client.close();
        json.close();
        await kernel.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
