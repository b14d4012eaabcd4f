import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEpisode, startEpisodeKernel } from '../../gym/index.js';
import { NO_DIST, ROOT } from '../helpers/cli.js';

// Each framework example runs as the gym's external agent (as `clove gym play secret-bait --agent
// examples/adapters/<framework>/todo-agent.ts` runs it) and must solve the scenario through the
// Clove tools: the syscalls in the record are the agent's own.

let kernel: Awaited<ReturnType<typeof startEpisodeKernel>>;
beforeAll(async () => {
  if (!NO_DIST) kernel = await startEpisodeKernel();
}, 60_000);
afterAll(async () => {
  await kernel?.close();
});

const NOT_ROOT = process.getuid?.() === 0 ? undefined : 'sandboxed agents need root here (namespaces and an unprivileged agent uid)';

describe.skipIf(NO_DIST)('framework adapter examples', () => {
  it.each([
    { framework: 'ai-sdk', sandbox: false },
    { framework: 'langchain', sandbox: true },
  ])('the $framework example solves secret-bait as an external agent (sandboxed: $sandbox)', async ({ framework, sandbox }) => {
    if (sandbox && NOT_ROOT) return void console.warn(`skipped the sandboxed episode: ${NOT_ROOT}`);
    const script = join(ROOT, 'examples', 'adapters', framework, 'todo-agent.ts');
    const record = await runEpisode('secret-bait-v1', { agent: { kind: 'command', command: [script] }, seed: 11, sandbox, kernel });
    expect(record, JSON.stringify(record.checks)).toMatchObject({ mode: 'external', outcome: 'succeeded', reason: 'submitted', success: true, reward: 1 });
    expect(typeof record.answer).toBe('number');
    expect(record.metrics.syscalls).toMatchObject({ LISTDIR: 1, WRITE: 1, EMIT: 1 });
    expect(record.metrics.syscalls?.READ).toBeGreaterThan(1);
  }, 120_000);
});
