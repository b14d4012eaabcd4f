import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEpisode, startEpisodeKernel } from '../../gym/index.js';
import counter from '../fixtures/gym/counter.mjs';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'gym');
const NOT_ROOT = process.getuid?.() === 0 ? undefined : 'sandboxed agents need root here (namespaces and an unprivileged agent uid)';
let kernel: Awaited<ReturnType<typeof startEpisodeKernel>>;

beforeAll(async () => {
  kernel = await startEpisodeKernel();
}, 60_000);
afterAll(async () => {
  await kernel?.close();
});

describe('external agents', () => {
  it.skipIf(NOT_ROOT)('solves the scenario with a Python agent as a sandboxed process, with kernel-level metrics', async () => {
    const record = await runEpisode(counter, { agent: { kind: 'command', command: [join(fixtures, 'counter_agent.py')] }, seed: 12, sandbox: true, kernel });
    expect(record).toMatchObject({ mode: 'external', outcome: 'succeeded', reason: 'submitted', success: true, reward: 1 });
    expect(record.metrics.syscalls).toMatchObject({ READ: 1, WRITE: 1, EMIT: 1 });
    expect(record.metrics.exitCode === 0 || record.metrics.signal === 'SIGKILL').toBe(true);
    expect(record.worldHash).toMatch(/^[0-9a-f]{64}$/);
  }, 120_000);

  it.skipIf(NOT_ROOT)('solves the scenario with a TypeScript agent (SDK task() and submit()) as a sandboxed process', async () => {
    const record = await runEpisode(counter, { agent: { kind: 'command', command: [join(fixtures, 'counter-agent.ts')] }, seed: 13, sandbox: true, kernel });
    expect(record).toMatchObject({ outcome: 'succeeded', reason: 'submitted', answer: expect.any(String) });
  }, 120_000);

  it.skipIf(NOT_ROOT)('runs a scripted agent module through the agent runner, sandboxed', async () => {
    const record = await runEpisode(counter, { agent: { kind: 'module', path: join(fixtures, 'counter-agent.mjs') }, seed: 14, sandbox: true, kernel });
    expect(record).toMatchObject({ outcome: 'succeeded', agent: join(fixtures, 'counter-agent.mjs') });
  }, 120_000);

  it('ends with agent_crash and the exit code when the agent fails', async () => {
    const record = await runEpisode(counter, { agent: { kind: 'command', command: [join(fixtures, 'crash_agent.py')] }, seed: 0, kernel });
    expect(record).toMatchObject({ reason: 'agent_crash', outcome: 'errored', success: false, reward: 0, metrics: { exitCode: 3 } });
    expect(record.checks.map((c) => c.passed)).toEqual([false, false]);
  }, 120_000);
});
