/**
 * Fault isolation: a memory hog, a CPU hog and a fork bomb run beside a healthy agent, each in its
 * own sandbox with cgroup limits. The hogs hit their limits; the healthy agent and the kernel
 * do not notice.
 *
 *   node --import tsx examples/sandbox/fault-isolation.ts      (as root, for namespaces and cgroups)
 */
import { existsSync } from 'node:fs';
import type { AgentRecord } from '../../sdk/index.js';
import { agent, mib, sleep, startDemo } from './demo.js';


const demo = await startDemo('Clove sandbox: fault isolation');
const { client: c } = demo;

const MEMORY_LIMIT = 48 * 1024 * 1024;
const CPU_QUOTA = 0.25;
const PIDS_LIMIT = 16;

const healthy = await c.spawn({ script: agent('healthy.py'), name: 'healthy', sandboxed: true, limits: { memory: '64M', cpuQuota: 0.5, maxPids: 16 } });
const memHog = await c.spawn({ script: agent('memory-hog.py'), name: 'memory-hog', sandboxed: true, limits: { memory: MEMORY_LIMIT } });
const cpuHog = await c.spawn({ script: agent('cpu-hog.py'), name: 'cpu-hog', sandboxed: true, limits: { cpuQuota: CPU_QUOTA } });
const bomb = await c.spawn({ script: agent('fork-bomb.py'), name: 'fork-bomb', sandboxed: true, limits: { maxPids: PIDS_LIMIT, cpuQuota: 0.5 } });
const all = [healthy, memHog, cpuHog, bomb];

console.log('\nspawned side by side:');
for (const a of all) {
  const l = a.isolation.limits;
  const limits = [l.memory.enforced && `memory ${mib(l.memory.requested)}`, l.cpu.enforced && `cpu ${l.cpu.requested} cores`, l.pids.enforced && `pids ${l.pids.requested}`].filter(Boolean);
  console.log(`  #${a.id} ${a.name.padEnd(11)} backend ${a.isolation.backend}, cgroup ${a.isolation.cgroup.version ?? 'none'}, limits: ${limits.join(', ') || 'none enforced'}`);
}

// Let the hogs run into their limits while the kernel keeps answering.
const firstCpu = await c.cgroupMetrics(cpuHog.id).catch(() => null);
const t0 = performance.now();
const pings: number[] = [];
let bombPeak = 0;
const healthyTicksBefore = (await c.logs(healthy.id)).nextSeq;
while (performance.now() - t0 < 3000) {
  const p0 = performance.now();
  await c.echo('ping');
  pings.push(performance.now() - p0);
  const b = await c.cgroupMetrics(bomb.id).catch(() => null);
  if (b) bombPeak = Math.max(bombPeak, b.pids.current);
  await sleep(50);
}
const wallUs = (performance.now() - t0) * 1000;
const lastCpu = await c.cgroupMetrics(cpuHog.id).catch(() => null);
const healthyStats = await c.cgroupMetrics(healthy.id).catch(() => null);
const bombStats = await c.cgroupMetrics(bomb.id).catch(() => null);
const records = new Map<number, AgentRecord>((await c.list({ all: true })).map((a) => [a.id, a]));

demo.section(`memory-hog (limit ${mib(MEMORY_LIMIT)})`);
const memEnd = records.get(memHog.id)?.state === 'running' ? null : await c.wait(memHog.id, 5000).catch(() => null);
const allocated = (await c.logs(memHog.id)).lines.map((l) => Number(/allocated (\d+) MiB/.exec(l.text)?.[1] ?? 0));
demo.note(`allocated up to ${Math.max(0, ...allocated)} MiB before it ended: state ${memEnd?.state ?? 'running'}, signal ${memEnd?.signal ?? '-'}`);
demo.claim(memEnd?.oomKilled === true, 'killed by the OOM killer at its limit, recorded as oom_killed', `signal ${memEnd?.signal ?? '-'}`);

demo.section(`cpu-hog (quota ${CPU_QUOTA} cores)`);
if (firstCpu && lastCpu) {
  const share = (lastCpu.cpu.usageUsec - firstCpu.cpu.usageUsec) / wallUs;
  const throttled = lastCpu.cpu.nrThrottled - firstCpu.cpu.nrThrottled;
  const periods = lastCpu.cpu.nrPeriods - firstCpu.cpu.nrPeriods;
  demo.note(`used ${(share * 100).toFixed(1)}% of one core over ${(wallUs / 1e6).toFixed(1)} s; throttled in ${throttled} of ${periods} periods (${(lastCpu.cpu.throttledUsec / 1000).toFixed(0)} ms in all)`);
  // One 100 ms period of slack: the window's edges need not line up with CFS periods.
  demo.claim(share <= CPU_QUOTA + 100_000 / wallUs + 0.02, `stayed within its quota of ${CPU_QUOTA * 100}% of a core`, `${(share * 100).toFixed(1)}%`);
  demo.claim(throttled > 0, 'was throttled by the scheduler', `${throttled} periods`);
} else {
  demo.claim(false, 'cgroup CPU figures available', 'METRICS_CGROUP failed');
}

demo.section(`fork-bomb (max_pids ${PIDS_LIMIT})`);
const forkFailures = (await c.logs(bomb.id, { max: 100_000 })).lines.filter((l) => l.text.startsWith('fork failed')).length;
demo.note(`peak ${bombPeak} tasks in its cgroup (now ${bombStats?.pids.current ?? '-'}); ${forkFailures} processes saw fork() fail`);
demo.claim(bombPeak <= PIDS_LIMIT && bombPeak >= PIDS_LIMIT - 2, `stopped at its pids limit`, `peak ${bombPeak} of ${PIDS_LIMIT}`);
pings.sort((a, b) => a - b);
const median = pings[Math.floor(pings.length / 2)] ?? Infinity;
const worst = pings.at(-1) ?? Infinity;
demo.note(`kernel NOOP round trips meanwhile: ${pings.length} calls, median ${median.toFixed(2)} ms, worst ${worst.toFixed(1)} ms`);
// The claim is that every call was answered; the figures are shown, not judged (they depend on the machine's load).
demo.claim(worst < 5000, 'the kernel stayed responsive: every call answered', `median ${median.toFixed(2)} ms, worst ${worst.toFixed(1)} ms`);

demo.section('healthy');
const healthyRecord = records.get(healthy.id);
const ticks = (await c.logs(healthy.id)).nextSeq - healthyTicksBefore;
demo.note(`state ${healthyRecord?.state}; ${ticks} new log lines in ${(wallUs / 1e6).toFixed(1)} s; memory ${mib(healthyStats?.memory.current)} of ${mib(healthyStats?.memory.max)}; cpu ${((healthyStats?.cpu.usageUsec ?? 0) / 1000).toFixed(0)} ms`);
demo.claim(healthyRecord?.state === 'running' && healthyRecord.oomKilled === false, 'kept running, untouched by its neighbours');
demo.claim(ticks > 0, 'kept making progress', `${ticks} lines`);

demo.section('cleanup');
for (const a of [healthy, cpuHog, bomb]) await c.kill(a.id, { signal: 'SIGKILL' });
const ended = await Promise.all(all.map((a) => c.wait(a.id, 5000)));
demo.claim(
  ended.every((a) => a.state !== 'running'),
  'every agent ended',
  ended.map((a) => `${a.name}: ${a.state}`).join(', '),
);
const leftovers = ended.map((a) => a.isolation.cgroup.path).filter((p): p is string => p !== null && existsSync(p));
demo.claim(leftovers.length === 0, 'no cgroup directory left behind', leftovers.join(', ') || undefined);

process.exitCode = await demo.finish();
