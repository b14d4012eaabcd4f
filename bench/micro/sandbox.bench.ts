/**
 * Spawn → first output, unsandboxed vs each isolation level, measured in one run (interleaved so
 * machine noise hits every level alike). Includes `prepare` (cgroup creation) and the launcher.
 * Run: node --import tsx bench/micro/sandbox.bench.ts [--runs 41] [--json]
 */
import { spawn } from 'node:child_process';
import { selectBackend, type SandboxBackend, type SandboxSpec } from '../../kernel/sandbox/index.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 41;
const json = process.argv.includes('--json');

function firstOutput(command: string, args: string[], env: Record<string, string>, cwd: string, detached: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, detached, stdio: ['ignore', 'pipe', 'inherit', 'pipe'] });
    let resolved = false;
    child.stdout!.once('data', () => {
      resolved = true;
      resolve(performance.now());
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (!resolved) reject(new Error(`${command} exited ${code} without output`));
    });
  });
}

let id = 0;
const spec = (overrides: Partial<SandboxSpec>): SandboxSpec => ({
  agentId: ++id,
  name: `bench${id}`,
  command: '/bin/echo',
  args: ['ready'],
  cwd: '/',
  env: { PATH: '/usr/bin:/bin' },
  sandboxed: true,
  network: false,
  limits: {},
  readablePaths: [],
  writablePaths: [],
  ...overrides,
});

async function viaBackend(backend: SandboxBackend, s: Partial<SandboxSpec>): Promise<number> {
  const t0 = performance.now();
  const launch = await backend.prepare(spec(s));
  const end = await firstOutput(launch.command, launch.args, launch.env, launch.cwd, launch.detached);
  const elapsed = end - t0;
  await launch.handle.destroy();
  return elapsed;
}

const limits = { memory: '256M', cpu_quota: 1, max_pids: 64 };
const sandbox = await selectBackend({});
const levels: Array<[string, () => Promise<number>]> = [
  ['unsandboxed (raw spawn)', async () => {
    const t0 = performance.now();
    return (await firstOutput('/bin/echo', ['ready'], { PATH: '/usr/bin:/bin' }, '/', false)) - t0;
  }],
  ['plain + cgroup limits', () => viaBackend(sandbox.plain, { sandboxed: false, limits })],
  [`${sandbox.isolating.name}: network: true (no net ns), cgroup without limits`, () => viaBackend(sandbox.isolating, { network: true })],
  [`${sandbox.isolating.name}: full (pid net mnt uts ipc, uid, nnp, cgroup limits)`, () => viaBackend(sandbox.isolating, { limits })],
];
const userns = (await selectBackend({ mode: 'userns' })).isolating;
if (userns.name === 'userns') levels.push(['userns: full (user namespace) + cgroup limits', () => viaBackend(userns, { limits })]);

const samples = levels.map(() => [] as number[]);
for (let warm = 0; warm < 3; warm++) for (const [, fn] of levels) await fn();
for (let i = 0; i < runs; i++) {
  for (let l = 0; l < levels.length; l++) samples[l]!.push(await levels[l]![1]());
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const base = median(samples[0]!);
const rows = levels.map(([name], l) => ({ level: name, median_ms: +median(samples[l]!).toFixed(2), added_ms: +(median(samples[l]!) - base).toFixed(2), ratio: +(median(samples[l]!) / base).toFixed(2) }));
if (json) console.log(JSON.stringify({ runs, cgroup: sandbox.probe().cgroup?.version ?? null, rows }, null, 2));
else {
  console.log(`spawn -> first output, ${runs} runs each, cgroup ${sandbox.probe().cgroup?.version ?? 'none'}`);
  console.table(rows);
  const full = rows[3]!;
  console.log(`full sandbox adds ${full.added_ms} ms median (target <= 10 ms): ${full.added_ms <= 10 ? 'PASS' : 'FAIL'}`);
}
