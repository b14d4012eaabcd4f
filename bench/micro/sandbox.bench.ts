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

// Part two: spawn -> first syscall through the kernel, the same Python agent at each isolation
// level (one kernel per level, all in this run, interleaved). The interpreter is the same for
// every level: the one a sandboxed agent's uid can reach.
const { chmodSync, mkdtempSync, rmSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const { startKernel } = await import('../../kernel/index.js');
const { connect } = await import('../../sdk/index.js');
const { resolveInterpreter } = await import('../../kernel/sandbox/index.js');
type Client = Awaited<ReturnType<typeof connect>>;

const agentScript = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'agents', 'first_call.py');
const python = resolveInterpreter('agent.py') ?? 'python3';
const dir = mkdtempSync(join(tmpdir(), 'clove-sbench-'));
// The agent's working directory, apart from the kernel's state directory (sandboxes hide that);
// sandboxed agents run as uid 65534 and must be able to enter it.
const work = mkdtempSync(join(tmpdir(), 'clove-sbench-work-'));
chmodSync(work, 0o755);
const kernelRuns = Math.max(5, Math.floor(runs / 2));
const kernels = [
  { label: 'kernel, no sandbox backend (plain child process)', options: { sandbox: false as const }, spawn: {} },
  { label: 'kernel, unsandboxed (plain + cgroup)', options: {}, spawn: {} },
  { label: 'kernel, sandboxed, network: true', options: {}, spawn: { sandboxed: true, network: true } },
  { label: 'kernel, sandboxed full + limits', options: {}, spawn: { sandboxed: true, limits } },
];
// One state directory per kernel: each keeps its operator token there.
const handles = await Promise.all(kernels.map((k, i) => startKernel({ socketPath: join(dir, `k${i}`, 'k.sock'), python, auditLog: false, ...k.options })));
const clients: Client[] = await Promise.all(handles.map((h) => connect({ socketPath: h.socketPath, token: h.token })));
const waiting = new Map<string, () => void>();
for (const c of clients) {
  await c.subscribe(['STATE_CHANGED'], { push: true });
  c.on('event', (e) => {
    if (typeof e.data.key === 'string') waiting.get(e.data.key)?.();
  });
}
let seq = 0;
async function firstSyscall(l: number): Promise<number> {
  const name = `fc${++seq}`;
  const seen = new Promise<void>((r) => waiting.set(`first/${name}`, r));
  const t0 = performance.now();
  const agent = await clients[l]!.spawn({ script: agentScript, name, cwd: work, ...kernels[l]!.spawn });
  await Promise.race([seen, new Promise((_, reject) => setTimeout(() => reject(new Error(`${kernels[l]!.label}: no syscall within 15 s`)), 15_000))]);
  const elapsed = performance.now() - t0;
  waiting.delete(`first/${name}`);
  await clients[l]!.wait(agent.id, 10_000);
  return elapsed;
}
const kSamples = kernels.map(() => [] as number[]);
for (let l = 0; l < kernels.length; l++) await firstSyscall(l);
for (let i = 0; i < kernelRuns; i++) for (let l = 0; l < kernels.length; l++) kSamples[l]!.push(await firstSyscall(l));
for (const c of clients) c.close();
await Promise.all(handles.map((h) => h.close()));
rmSync(dir, { recursive: true, force: true });
rmSync(work, { recursive: true, force: true });
const kBase = median(kSamples[0]!);
const kRows = kernels.map((k, l) => ({ level: k.label, median_ms: +median(kSamples[l]!).toFixed(2), added_ms: +(median(kSamples[l]!) - kBase).toFixed(2), ratio: +(median(kSamples[l]!) / kBase).toFixed(2) }));
if (json) console.log(JSON.stringify({ agent: 'first_call.py', python, runs: kernelRuns, rows: kRows }, null, 2));
else {
  console.log(`\nspawn -> first syscall through the kernel (${agentScript.split('/').pop()}, ${python}), ${kernelRuns} runs each`);
  console.table(kRows);
  const added = +(median(kSamples[3]!) - median(kSamples[1]!)).toFixed(2);
  console.log(`full sandbox adds ${added} ms median over unsandboxed through the kernel (target <= 10 ms): ${added <= 10 ? 'PASS' : 'FAIL'}`);
}
