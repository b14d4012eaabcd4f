import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloveClient, KernelEvent } from '../../sdk/index.js';
import { useTestKernel } from '../helpers/kernel.js';
import { cgroupDirsOf, leafOf, missing, processesOf, sandboxFixture } from './helpers.js';
import { waitForLine } from '../helpers/agent-logs.js';
import { sleep } from '../helpers/wait.js';

// PAUSE/RESUME with the cgroup freezer, through the SDK and the CLI; restart supervision of a
// sandboxed agent.

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'bin.js');

let c: CloveClient;
const k = useTestKernel();
beforeAll(async () => {
  c = await k.client();
});

/** The highest count a counter agent has printed so far. */
async function progress(agent: number): Promise<number> {
  const logs = await c.logs(agent, { max: 100_000 });
  const counts = logs.lines.map((l) => /^count (\d+)$/.exec(l.text)?.[1]).filter((n): n is string => n !== undefined);
  return counts.length === 0 ? -1 : Number(counts.at(-1));
}

/** Checks that a paused agent makes no progress for a while and a resumed one does. */
async function expectFrozenThenThawed(agent: number, pause: () => Promise<unknown>, resume: () => Promise<unknown>): Promise<void> {
  await pause();
  await sleep(150); // a line written just before the freeze may still be in flight
  const frozenAt = await progress(agent);
  await sleep(600);
  expect(await progress(agent)).toBe(frozenAt);
  const [record] = (await c.list()).filter((a) => a.id === agent);
  expect(record?.state).toBe('paused');
  expect((await c.cgroupMetrics(agent)).frozen).toBe(true);

  await resume();
  await waitForLine(c, agent, new RegExp(`^count ${frozenAt + 3}$`), 5000);
  expect((await c.cgroupMetrics(agent)).frozen).toBe(false);
  const [after] = (await c.list()).filter((a) => a.id === agent);
  expect(after?.state).toBe('running');
}

const noFreezer = missing('freezer');
describe.skipIf(noFreezer)(`pause and resume${noFreezer ? ` (skipped: ${noFreezer})` : ''}`, () => {
  it('stops a counter with pause and restarts it with resume, through the SDK', async () => {
    const agent = await c.spawn({ script: sandboxFixture('counter.py'), name: 'counter-sdk', sandboxed: true });
    await waitForLine(c, agent.id, /^count 3$/);
    await expectFrozenThenThawed(
      agent.id,
      async () => expect((await c.pause(agent.id)).via).toMatch(/freezer/),
      async () => expect((await c.resume(agent.id)).via).toMatch(/freezer/),
    );
    await c.kill(agent.id, { signal: 'SIGKILL' });
  });

  const noCli = existsSync(CLI) ? undefined : `${CLI} is missing: run \`npm run build\` (npm test does it in pretest)`;
  it.skipIf(noCli)(`does the same through \`clove agent pause|resume\`${noCli ? ` (skipped: ${noCli})` : ''}`, async () => {
    const agent = await c.spawn({ script: sandboxFixture('counter.py'), name: 'counter-cli', sandboxed: true });
    await waitForLine(c, agent.id, /^count 3$/);
    const cli = (...args: string[]) => run(process.execPath, [CLI, ...args, '--socket', k.socketPath], { env: { ...process.env, NO_COLOR: '1' } });
    await expectFrozenThenThawed(
      agent.id,
      async () => expect((await cli('agent', 'pause', 'counter-cli')).stdout).toMatch(/^counter-cli \(#\d+\) paused \(via .*freezer.*\)$/m),
      async () => expect((await cli('agent', 'resume', 'counter-cli')).stdout).toMatch(/^counter-cli \(#\d+\) running \(via .*freezer.*\)$/m),
    );
    await c.kill(agent.id, { signal: 'SIGKILL' });
  });
});

const noCgroups = missing('memory', 'pids');
describe.skipIf(noCgroups)(`supervision of a sandboxed agent${noCgroups ? ` (skipped: ${noCgroups})` : ''}`, () => {
  it('restarts a crashing sandboxed agent with backoff, gives up after the limit, and leaves no cgroup', async () => {
    const events = await k.client();
    await events.subscribe(['AGENT_RESTARTED', 'AGENT_GAVE_UP', 'AGENT_EXITED']);
    const agent = await c.spawn({
      script: sandboxFixture('crash.py'),
      name: 'flaky',
      sandboxed: true,
      limits: { memory: '64M', maxPids: 16 },
      restart: { policy: 'on-failure', maxRestarts: 3, windowMs: 60_000, backoffInitialMs: 100, backoffFactor: 2 },
    });
    const seen: Array<KernelEvent & { at: number }> = [];
    const end = Date.now() + 20_000;
    const done = () => seen.some((e) => e.type === 'AGENT_GAVE_UP') && seen.filter((e) => e.type === 'AGENT_EXITED').length === 4;
    while (Date.now() < end && !done()) {
      const { events: batch } = await events.pollEvents({ timeoutMs: 500 });
      seen.push(...batch.filter((e) => e.source === agent.id).map((e) => ({ ...e, at: Date.now() })));
    }
    const types = seen.map((e) => e.type);
    // The kernel publishes AGENT_GAVE_UP just before the final AGENT_EXITED.
    expect(types).toEqual([
      'AGENT_EXITED', 'AGENT_RESTARTED',
      'AGENT_EXITED', 'AGENT_RESTARTED',
      'AGENT_EXITED', 'AGENT_RESTARTED',
      'AGENT_GAVE_UP', 'AGENT_EXITED',
    ]);
    const exits = seen.filter((e) => e.type === 'AGENT_EXITED');
    expect(exits.map((e) => e.data.exitCode)).toEqual([7, 7, 7, 7]);
    expect(exits.map((e) => e.data.restartingInMs)).toEqual([100, 200, 400, undefined]);
    // The backoff is real time: each restart follows its exit by at least the announced delay.
    for (let i = 0; i < 3; i++) {
      const exited = seen.indexOf(exits[i]!);
      const restarted = seen[exited + 1]!;
      expect(restarted.time - exits[i]!.time).toBeGreaterThanOrEqual((exits[i]!.data.restartingInMs as number) - 5);
    }
    const final = await c.wait(agent.id, 5000);
    expect(final).toMatchObject({ state: 'exited', exitCode: 7, restarts: 3 });
    expect(final.isolation).toMatchObject({ sandboxed: true, namespaces: { pid: true, net: true }, limits: { pids: { enforced: true } } });
    // Each run had its own cgroup (agent-<kernel pid>-<id>-<run>); none is left.
    expect(leafOf(final.isolation.cgroup.path)).toMatch(new RegExp(`^agent-${process.pid}-${agent.id}-\\d+$`));
    expect(cgroupDirsOf(process.pid).filter((d) => d.includes(`/agent-${process.pid}-${agent.id}-`))).toEqual([]);
    expect(processesOf(process.pid, leafOf(final.isolation.cgroup.path))).toEqual([]);
  });
});
