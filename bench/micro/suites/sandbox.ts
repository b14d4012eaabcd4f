import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKernel } from '../../../kernel/index.js';
import { connect } from '../../../sdk/index.js';
import type { MicroSuite } from '../suite.js';

/** Agent processes: spawn -> exit -> wait, unsandboxed and in the sandbox the machine allows. */
export const sandboxSuite: MicroSuite = {
  group: 'sandbox',
  async setup() {
    const dir = mkdtempSync(join(tmpdir(), 'clove-micro-sandbox-'));
    const script = join(dir, 'exit.js');
    writeFileSync(script, 'process.exit(0)\n');
    const kernel = await startKernel({ socketPath: join(dir, 'k.sock'), handleSignals: false, auditLog: false });
    const client = await connect({ socketPath: kernel.socketPath, token: kernel.token });
    const run = async (sandboxed: boolean) => {
      const agent = await client.spawn({ script, sandboxed, cwd: dir });
      return client.wait(agent.id, 10_000);
    };
    return {
      tasks: [
        { name: 'spawn + exit (plain)', fn: () => run(false) },
        { name: 'spawn + exit (sandboxed)', fn: () => run(true) },
      ],
      async teardown() {
        client.close();
        await kernel.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
