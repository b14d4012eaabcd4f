/**
 * Supervision: the kernel restarts a flaky sandboxed agent itself (policy on-failure, exponential
 * backoff) until it recovers, and gives up on one that never does (AGENT_GAVE_UP). Prints the
 * event timeline of each.
 *
 *   node --import tsx examples/sandbox/supervisor.ts      (as root, for namespaces and cgroups)
 */
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type AgentRecord, type KernelEvent, type RestartPolicy } from '../../sdk/index.js';
import { agent, startDemo } from './demo.js';

const demo = await startDemo('Clove sandbox: supervisor');
const { client: c } = demo;
const workspace = mkdtempSync(join(tmpdir(), 'clove-demo-ws-'));
if (process.getuid?.() === 0) chownSync(workspace, 65534, 65534);

interface Run {
  record: AgentRecord;
  spawnedAt: number;
  events: KernelEvent[];
}

/** Spawns a flaky agent under a restart policy and collects its events until it has ended for good. */
async function supervise(name: string, succeedOn: number, restart: RestartPolicy): Promise<Run> {
  const events = await connect({ socketPath: demo.kernel.socketPath, token: demo.kernel.token });
  await events.subscribe(['AGENT_SPAWNED', 'AGENT_EXITED', 'AGENT_RESTARTED', 'AGENT_GAVE_UP']);
  const spawnedAt = Date.now();
  const spawned = await c.spawn({ script: agent('flaky.py'), name, args: [name, String(succeedOn)], cwd: workspace, sandboxed: true, limits: { memory: '64M', maxPids: 16 }, restart });
  const record = await c.wait(spawned.id, 30_000);
  const seen: KernelEvent[] = [];
  for (;;) {
    const { events: batch } = await events.pollEvents({ timeoutMs: 200 });
    seen.push(...batch.filter((e) => e.source === spawned.id));
    if (batch.length === 0) break;
  }
  events.close();
  return { record, spawnedAt, events: seen };
}

function timeline(run: Run): void {
  for (const e of run.events) {
    const at = `+${((e.time - run.spawnedAt) / 1000).toFixed(3)}s`.padStart(9);
    const d = e.data;
    const what =
      e.type === 'AGENT_SPAWNED' ? `spawned (pid ${String(d.pid ?? '-')})`
      : e.type === 'AGENT_EXITED' ? `exited with code ${String(d.exitCode ?? d.signal)}${d.restartingInMs !== undefined ? ` -> restarting in ${String(d.restartingInMs)} ms` : ''}`
      : e.type === 'AGENT_RESTARTED' ? `restarted (restart #${String(d.restarts)}, pid ${String(d.pid)})`
      : `GAVE UP: ${String(d.reason)}`;
    demo.note(`${at}  ${e.type.padEnd(15)}  ${what}`);
  }
}

const delaysOf = (run: Run) => run.events.filter((e) => e.type === 'AGENT_EXITED' && e.data.restartingInMs !== undefined).map((e) => Number(e.data.restartingInMs));

/** Measured gap between each announced restart and the restart itself. */
function gapsOf(run: Run): number[] {
  const gaps: number[] = [];
  run.events.forEach((e, i) => {
    if (e.type !== 'AGENT_EXITED' || e.data.restartingInMs === undefined) return;
    const next = run.events.slice(i + 1).find((x) => x.type === 'AGENT_RESTARTED');
    if (next) gaps.push(next.time - e.time);
  });
  return gaps;
}

const backoff = { backoff_initial_ms: 100, backoff_factor: 2, backoff_max_ms: 1000, window_ms: 60_000 };

demo.section('flaky-recovers: fails twice, succeeds on attempt 3 (on-failure, max 5 restarts, backoff 100 ms x2)');
const recovers = await supervise('flaky-recovers', 3, { policy: 'on-failure', maxRestarts: 5, ...backoff });
timeline(recovers);
demo.claim(recovers.record.restarts === 2 && recovers.record.exitCode === 0, 'restarted twice, then ended cleanly', `restarts ${recovers.record.restarts}, exit ${recovers.record.exitCode}`);
demo.claim(!recovers.events.some((e) => e.type === 'AGENT_GAVE_UP'), 'no AGENT_GAVE_UP');
demo.claim(JSON.stringify(delaysOf(recovers)) === JSON.stringify([100, 200]), 'backoff grew 100 ms -> 200 ms', `announced ${delaysOf(recovers).join(', ')} ms; measured ${gapsOf(recovers).join(', ')} ms`);

demo.section('flaky-never: never succeeds (on-failure, max 3 restarts, backoff 100 ms x2)');
const never = await supervise('flaky-never', 0, { policy: 'on-failure', maxRestarts: 3, ...backoff });
timeline(never);
const delays = delaysOf(never);
const gaps = gapsOf(never);
demo.claim(JSON.stringify(delays) === JSON.stringify([100, 200, 400]), 'backoff doubled on each failure', `announced ${delays.join(', ')} ms`);
demo.claim(gaps.length === 3 && gaps.every((g, i) => g >= (delays[i] ?? 0) - 5), 'each restart waited at least its backoff', `measured ${gaps.join(', ')} ms`);
demo.claim(never.events.some((e) => e.type === 'AGENT_GAVE_UP'), 'the kernel gave up after the limit (AGENT_GAVE_UP)');
demo.claim(never.record.restarts === 3 && never.record.state === 'exited' && never.record.exitCode === 1, 'final record: 3 restarts, exited with code 1', `state ${never.record.state}, restarts ${never.record.restarts}`);
demo.claim(never.record.isolation.sandboxed && never.record.isolation.limits.memory.enforced, 'every run was sandboxed with its limits', `${never.record.isolation.backend}, cgroup ${never.record.isolation.cgroup.version}`);
const leftover = [recovers, never].map((r) => r.record.isolation.cgroup.path).filter((p): p is string => p !== null && existsSync(p));
demo.claim(leftover.length === 0, 'no cgroup left behind by any run', leftover.join(', ') || undefined);

rmSync(workspace, { recursive: true, force: true });
process.exitCode = await demo.finish();
