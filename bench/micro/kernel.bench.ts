/**
 * Kernel micro-benchmark (`npm run bench:kernel`, add `-- --json` for machine-readable output).
 *
 * Measures, in one run, against a kernel running in its own process (built from dist/):
 *  (a) NOOP round trip p50/p99 on one connection, msgpack and JSON, next to a raw Node
 *      Unix-socket ping-pong of the same frame size, in alternating rounds (target: NOOP p50 <= 1.5x
 *      raw p50; the ratio is the median of the per-round ratios);
 *  (b) pipelined NOOP throughput on one connection and on 8 (target >= 100,000 calls/s on one);
 *  (c) spawn -> first syscall latency of a Python and a Node agent (median of 20);
 *  (d) the kernel's RSS (VmRSS) idle and with 100 live agents, on a fresh kernel.
 * Figures are printed, never asserted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { connect, type CloveClient, type KernelEvent } from '../../sdk/index.js';
import { Codec, encodePayload } from '../../sdk/protocol/codec.js';
import { encodeFrame, FrameKind } from '../../sdk/protocol/frame.js';
import { Opcode } from '../../sdk/protocol/opcodes.js';
import { ECHO_SERVER_SOURCE, RawPingPong } from './raw-pingpong.js';

const root = resolve(import.meta.dirname, '..', '..');
const agentsDir = join(root, 'test', 'fixtures', 'agents');

// --- helpers -----------------------------------------------------------------------------------

interface Child {
  process: ChildProcess;
  firstLine: string;
}

async function startChild(args: string[]): Promise<Child> {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const firstLine = await new Promise<string>((resolveLine, reject) => {
    lines.once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)));
  });
  return { process: child, firstLine };
}

/**
 * The kernel from dist/ in a plain node process (no TypeScript loader, as `clove kernel start`
 * runs it), so its RSS and CPU are the kernel's own.
 */
async function startKernelProcess(socketPath: string, options: Record<string, unknown> = {}): Promise<{ child: Child; token: string; pid: number }> {
  const source = `
    const { startKernel } = await import(${JSON.stringify(pathToFileURL(join(root, 'dist', 'kernel', 'index.js')).href)});
    const handle = await startKernel({ ...${JSON.stringify({ ...options, socketPath })}, handleSignals: true, killGraceMs: 500 });
    process.stdout.write(JSON.stringify({ token: handle.token, pid: process.pid }) + '\\n');
    await handle.kernel.closed;
    process.exit(0);
  `;
  const child = await startChild([...(process.env.CLOVE_BENCH_KERNEL_FLAGS?.split(' ').filter(Boolean) ?? []), '--input-type=module', '-e', source]);
  const { token, pid } = JSON.parse(child.firstLine) as { token: string; pid: number };
  return { child, token, pid };
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null) return;
  const exited = new Promise((r) => child.process.once('exit', r));
  child.process.kill('SIGTERM');
  await Promise.race([exited, sleep(5000).then(() => child.process.kill('SIGKILL'))]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function vmRssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Keeps `window` NOOPs in flight on each client until `perClient` have completed; calls/s overall. */
async function pipelined(clients: CloveClient[], perClient: number, window: number): Promise<number> {
  const started = performance.now();
  await Promise.all(
    clients.map(
      (client) =>
        new Promise<void>((done, fail) => {
          let issued = 0;
          let completed = 0;
          const payload = { n: 1 };
          const issue = () => {
            issued++;
            client.noop(payload).then(() => {
              completed++;
              if (completed === perClient) done();
              else if (issued < perClient) issue();
            }, fail);
          };
          for (let i = 0; i < Math.min(window, perClient); i++) issue();
        }),
    ),
  );
  return (clients.length * perClient) / ((performance.now() - started) / 1000);
}

/** Spawn -> first syscall: from just before SPAWN is sent to the STATE_CHANGED of the agent's STORE. */
async function firstSyscallLatency(client: CloveClient, script: string, runs: number): Promise<number[]> {
  const waiting = new Map<string, () => void>();
  const onEvent = (event: KernelEvent) => {
    if (event.type === 'STATE_CHANGED' && typeof event.data.key === 'string') waiting.get(event.data.key)?.();
  };
  client.on('event', onEvent);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const name = `first-${script.replace(/\W/g, '')}-${i}-${process.pid}`;
    const seen = new Promise<void>((r) => waiting.set(`first/${name}`, r));
    const started = performance.now();
    const agent = await client.spawn({ script: join(agentsDir, script), name });
    await Promise.race([seen, sleep(15_000).then(() => Promise.reject(new Error(`${script} made no syscall within 15 s`)))]);
    out.push(performance.now() - started);
    await client.wait(agent.id, 10_000);
  }
  client.off('event', onEvent);
  return out;
}

// --- the run -----------------------------------------------------------------------------------

const json = process.argv.includes('--json');
const log = (line: string) => {
  if (!json) process.stderr.write(`${line}\n`);
};
const dir = mkdtempSync(join(tmpdir(), 'clove-bench-'));
const children: Child[] = [];

try {
  log('starting the kernel and the raw echo server in their own processes...');
  const kernel = await startKernelProcess(join(dir, 'kernel.sock'));
  children.push(kernel.child);
  // The same kernel without its audit log, to show what auditing every call costs.
  const quiet = await startKernelProcess(join(dir, 'quiet', 'k.sock'), { auditLog: false });
  children.push(quiet.child);
  const echo = await startChild(['-e', ECHO_SERVER_SOURCE, join(dir, 'echo.sock')]);
  children.push(echo);

  const socketPath = join(dir, 'kernel.sock');
  const msgpack = await connect({ socketPath, token: kernel.token });
  const jsonClient = await connect({ socketPath, token: kernel.token, codec: 'json' });
  const unaudited = await connect({ socketPath: join(dir, 'quiet', 'k.sock'), token: quiet.token });
  const raw = await RawPingPong.connect(join(dir, 'echo.sock'));
  const payload = { n: 1 };
  // The same bytes a NOOP request puts on the wire, so the raw ping-pong moves as much data.
  const rawFrame = encodeFrame({ kind: FrameKind.REQUEST, opcode: Opcode.NOOP, codec: Codec.MSGPACK, requestId: 1 }, encodePayload(Codec.MSGPACK, payload));

  // (a) round trips. The machine's load drifts, so the tasks take turns in short rounds and the
  // ratio is the median of per-round ratios: kernel and raw are always measured side by side.
  log('(a) round trips...');
  const ROUNDS = 12;
  const tasks: Array<[string, () => Promise<void>]> = [
    ['raw Unix-socket ping-pong', () => raw.roundTrip(rawFrame)],
    ['NOOP msgpack', () => msgpack.noop(payload).then(() => undefined)],
    ['NOOP JSON', () => jsonClient.noop(payload).then(() => undefined)],
    ['NOOP msgpack, audit log off', () => unaudited.noop(payload).then(() => undefined)],
  ];
  const round = async (warmup: boolean) => {
    const bench = new Bench({ time: 250, iterations: 200, warmup, warmupTime: 300, retainSamples: true });
    for (const [name, fn] of tasks) bench.add(name, fn);
    await bench.run();
    return bench.tasks;
  };
  await round(true); // JIT warm-up, discarded
  const pooled = new Map<string, number[]>(tasks.map(([name]) => [name, []]));
  const roundP50 = new Map<string, number[]>(tasks.map(([name]) => [name, []]));
  for (let i = 0; i < ROUNDS; i++) {
    for (const task of await round(false)) {
      const result = task.result;
      if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
      pooled.get(task.name)!.push(...(result.latency.samples ?? []));
      roundP50.get(task.name)!.push(result.latency.p50);
    }
  }
  const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
  const latency: Record<string, { p50_us: number; p99_us: number; samples: number; ratio_to_raw: number }> = {};
  const rawRounds = roundP50.get('raw Unix-socket ping-pong')!;
  for (const [name, samples] of pooled) {
    samples.sort((a, b) => a - b);
    const ratios = roundP50.get(name)!.map((p50, i) => p50 / rawRounds[i]!);
    latency[name] = { p50_us: percentile(samples, 0.5) * 1000, p99_us: percentile(samples, 0.99) * 1000, samples: samples.length, ratio_to_raw: median(ratios) };
  }
  const rawP50 = latency['raw Unix-socket ping-pong']!.p50_us;

  // (b) pipelined throughput, the two kernels taking turns for the same reason.
  log('(b) pipelined throughput...');
  await pipelined([msgpack], 20_000, 1000); // warm-up
  await pipelined([unaudited], 20_000, 1000);
  const tpAudited: number[] = [];
  const tpUnaudited: number[] = [];
  for (let round = 0; round < 5; round++) {
    tpAudited.push(await pipelined([msgpack], 100_000, 1000));
    tpUnaudited.push(await pipelined([unaudited], 100_000, 1000));
  }
  const oneConnection = median(tpAudited);
  const oneConnectionUnaudited = median(tpUnaudited);
  unaudited.close();
  await stopChild(quiet.child);
  const eight = await Promise.all(Array.from({ length: 8 }, () => connect({ socketPath, token: kernel.token })));
  await pipelined(eight, 5_000, 1000);
  const eightConnections = median([await pipelined(eight, 25_000, 1000), await pipelined(eight, 25_000, 1000), await pipelined(eight, 25_000, 1000)]);
  for (const c of eight) c.close();

  // (c) spawn -> first syscall
  log('(c) spawn -> first syscall (20 each)...');
  await msgpack.subscribe(['STATE_CHANGED'], { push: true });
  await firstSyscallLatency(msgpack, 'first-call.js', 2); // warm the page cache
  const nodeFirst = await firstSyscallLatency(msgpack, 'first-call.js', 20);
  await firstSyscallLatency(msgpack, 'first_call.py', 2);
  const pythonFirst = await firstSyscallLatency(msgpack, 'first_call.py', 20);
  msgpack.close();
  jsonClient.close();
  raw.close();
  await stopChild(kernel.child);
  await stopChild(echo);

  // (d) RSS on a fresh kernel
  log('(d) kernel RSS idle and with 100 agents...');
  const fresh = await startKernelProcess(join(dir, 'rss', 'k.sock'));
  children.push(fresh.child);
  await sleep(500);
  const rssIdle = vmRssBytes(fresh.pid);
  const op = await connect({ socketPath: join(dir, 'rss', 'k.sock'), token: fresh.token });
  const spawnStarted = performance.now();
  const agents = await Promise.all(Array.from({ length: 100 }, () => op.spawn({ script: join(agentsDir, 'sleeper-quiet.js') })));
  const spawn100Ms = performance.now() - spawnStarted;
  await sleep(1500);
  const live = (await op.list()).length;
  const rss100 = vmRssBytes(fresh.pid);
  op.close();
  await stopChild(fresh.child);

  const results = {
    round_trip: {
      ...latency,
      ratio_msgpack_p50: latency['NOOP msgpack']!.ratio_to_raw,
      ratio_json_p50: latency['NOOP JSON']!.ratio_to_raw,
      ratio_msgpack_audit_off_p50: latency['NOOP msgpack, audit log off']!.ratio_to_raw,
      target_ratio: 1.5,
    },
    throughput: { one_connection_per_s: oneConnection, one_connection_rounds: tpAudited, audit_off_rounds: tpUnaudited, one_connection_audit_off_per_s: oneConnectionUnaudited, eight_connections_per_s: eightConnections, window: 1000, target_one_connection_per_s: 100_000 },
    spawn_to_first_syscall_ms: { node: median(nodeFirst), python: median(pythonFirst), runs: 20 },
    rss: { idle_bytes: rssIdle, with_100_agents_bytes: rss100, live_agents: live, per_agent_bytes: (rss100 - rssIdle) / live, spawn_100_ms: spawn100Ms },
    agents_spawned: agents.length,
    node: process.version,
  };

  if (json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    const us = (v: number) => `${v.toFixed(1)} µs`;
    const mib = (v: number) => `${(v / 1024 / 1024).toFixed(1)} MiB`;
    const rate = (v: number) => `${Math.round(v).toLocaleString('en-US')} /s`;
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const rt = results.round_trip;
    const rows: Array<[string, string, string]> = [
      ['raw Unix-socket ping-pong p50 / p99', `${us(rawP50)} / ${us(latency['raw Unix-socket ping-pong']!.p99_us)}`, 'baseline'],
      ['NOOP msgpack p50 / p99', `${us(latency['NOOP msgpack']!.p50_us)} / ${us(latency['NOOP msgpack']!.p99_us)}`, `${rt.ratio_msgpack_p50.toFixed(2)}x raw (<= 1.5x: ${verdict(rt.ratio_msgpack_p50 <= 1.5)})`],
      ['NOOP JSON p50 / p99', `${us(latency['NOOP JSON']!.p50_us)} / ${us(latency['NOOP JSON']!.p99_us)}`, `${rt.ratio_json_p50.toFixed(2)}x raw`],
      ['NOOP msgpack p50 / p99, audit log off', `${us(latency['NOOP msgpack, audit log off']!.p50_us)} / ${us(latency['NOOP msgpack, audit log off']!.p99_us)}`, `${rt.ratio_msgpack_audit_off_p50.toFixed(2)}x raw`],
      ['pipelined NOOP, 1 connection', rate(oneConnection), `>= 100,000 /s: ${verdict(oneConnection >= 100_000)}`],
      ['pipelined NOOP, 1 connection, audit log off', rate(oneConnectionUnaudited), `${(oneConnectionUnaudited / oneConnection).toFixed(2)}x with audit`],
      ['pipelined NOOP, 8 connections', rate(eightConnections), `${(eightConnections / oneConnection).toFixed(2)}x one connection`],
      ['spawn -> first syscall, Node (median of 20)', `${median(nodeFirst).toFixed(1)} ms`, `min ${Math.min(...nodeFirst).toFixed(1)} ms`],
      ['spawn -> first syscall, Python (median of 20)', `${median(pythonFirst).toFixed(1)} ms`, `min ${Math.min(...pythonFirst).toFixed(1)} ms`],
      ['kernel RSS idle', mib(rssIdle), 'fresh kernel process'],
      [`kernel RSS with ${live} agents`, mib(rss100), `+${((rss100 - rssIdle) / live / 1024).toFixed(0)} KiB per agent; 100 spawns took ${spawn100Ms.toFixed(0)} ms`],
    ];
    const width = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
    const line = (r: [string, string, string]) => `${r[0].padEnd(width[0]!)}  ${r[1].padEnd(width[1]!)}  ${r[2]}`;
    process.stdout.write(`\nClove kernel micro-benchmark (${process.version}, ${(await import('node:os')).cpus().length} CPUs)\n\n`);
    process.stdout.write(`${line(['', 'median', 'note'])}\n${rows.map(line).join('\n')}\n`);
  }
} finally {
  for (const child of children) await stopChild(child);
  rmSync(dir, { recursive: true, force: true });
}
