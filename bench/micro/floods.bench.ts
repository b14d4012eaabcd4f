/**
 * Kernel RSS before and after each flood of issue 7 §5, against a kernel daemon in its own
 * process (so the bench's own memory is not counted). Figures are reported, never asserted.
 * Run: npm run bench:floods [-- --json] [-- --only store,send]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createConnection, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type CloveClient } from '../../sdk/index.js';
import { encodeFrame, FrameKind } from '../../sdk/protocol/frame.js';

const json = process.argv.includes('--json');
const only = process.argv.includes('--only') ? new Set(process.argv[process.argv.indexOf('--only') + 1]!.split(',')) : null;
const MiB = 1024 * 1024;
const bin = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));

interface Row {
  flood: string;
  before_mib: number;
  after_mib: number;
  after_release_mib?: number;
  outcome: string;
  ms: number;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

async function startDaemon(dir: string): Promise<{ child: ChildProcess; client: CloveClient; socketPath: string; token: string }> {
  const socketPath = join(dir, 'k.sock');
  const child = spawn(process.execPath, [bin, 'kernel', 'start', '--socket', socketPath], { stdio: ['ignore', 'ignore', 'ignore'] });
  for (let i = 0; i < 200; i++) {
    try {
      const token = readFileSync(join(dir, 'operator.token'), 'utf8');
      const client = await connect({ socketPath, token, timeoutMs: 120_000 });
      return { child, client, socketPath, token };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('the kernel did not start');
}

const settle = (ms = 500) => new Promise((r) => setTimeout(r, ms));

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

type Flood = (c: CloveClient, ctx: { dir: string; socketPath: string; token: string; pid: number }) => Promise<{ outcome: string; release?: () => Promise<void> }>;

const mb = 'x'.repeat(MiB - 64);
const script = (dir: string, name: string, body: string) => {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
};

/** A loopback server answering every request with a 600 MiB body, written as the client reads it. */
async function bigBodyServer(): Promise<{ server: Server; port: number }> {
  const chunk = Buffer.alloc(MiB, 0x61);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(600 * MiB) });
    let sent = 0;
    const pump = () => {
      while (sent < 600 && res.write(chunk)) sent++;
      if (sent >= 600) res.end();
    };
    res.on('drain', pump);
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

const floods: Record<string, [string, Flood]> = {
  store: [
    'STORE 300 × 1 MB',
    async (c) => {
      const codes = new Map<string, number>();
      for (let i = 0; i < 300; i++) {
        const code = await errorOf(c.store(`k${i}`, mb));
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
      return {
        outcome: [...codes].map(([k, n]) => `${n} ${k}`).join(', '),
        release: async () => {
          for (let i = 0; i < 300; i++) await c.delete(`k${i}`);
        },
      };
    },
  ],
  send: [
    'SEND 300 × 1 MB to an agent that does not read',
    async (c, { dir }) => {
      const agent = await c.spawn({ script: script(dir, 'idle.js', 'setInterval(() => {}, 1000);\n') });
      const codes = new Map<string, number>();
      for (let i = 0; i < 300; i++) {
        const code = await errorOf(c.send(agent.id, mb.slice(0, MiB - 1024)));
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
      return { outcome: [...codes].map(([k, n]) => `${n} ${k}`).join(', '), release: async () => void (await c.kill(agent.id, { signal: 'SIGKILL' })) };
    },
  ],
  emit: [
    'EMIT 300 × 1 MB into an unread queue',
    async (c, { socketPath, token }) => {
      const reader = await connect({ socketPath, token });
      await reader.subscribe(['CUSTOM']);
      const codes = new Map<string, number>();
      for (let i = 0; i < 300; i++) {
        const code = await errorOf(c.emitEvent('flood', { blob: mb }));
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
      // And 300 events of 200 KiB, under the event size quota, at the emit rate.
      for (let i = 0; i < 300; i++) await errorOf(c.emitEvent('fill', { blob: mb.slice(0, 200 * 1024) }));
      return { outcome: [...codes].map(([k, n]) => `${n} ${k}`).join(', ') + '; 300 × 200 KiB queued', release: async () => reader.close() };
    },
  ],
  http: [
    'HTTP response of 600 MiB with max_bytes=1024',
    async (c) => {
      const { server, port } = await bigBodyServer();
      const res = await c.http({ url: `http://127.0.0.1:${port}/`, maxBytes: 1024 });
      server.closeAllConnections();
      server.close();
      return { outcome: `status ${res.status}, truncated ${res.truncated}` };
    },
  ],
  worldhttp: [
    'HTTP through an allow-list world (passthrough), response of 600 MiB with max_bytes=1024',
    async (c) => {
      const { server, port } = await bigBodyServer();
      await c.worldCreate({ source: 'name: passthrough\nnetwork:\n  mode: allow-list\n  allow: ["127.0.0.1"]\n' });
      const res = (await c.call('HTTP', { url: `http://127.0.0.1:${port}/`, max_bytes: 1024, world: 'passthrough' })) as { status: number; truncated: boolean };
      server.closeAllConnections();
      server.close();
      return { outcome: `status ${res.status}, truncated ${res.truncated}` };
    },
  ],
  disk: [
    'a sandboxed 64 MiB agent writing 1 GiB (dd) into its world tree (world limits: bytes 16M, files 1000)',
    async (c) => {
      const scripts = mkdtempSync(join(tmpdir(), 'clove-flood-scripts-'));
      chmodSync(scripts, 0o755);
      const s = script(scripts, 'fill.sh', '#!/bin/sh\ndd if=/dev/zero of=big.bin bs=1M count=1024 2>&1 | tail -1\n');
      chmodSync(s, 0o755);
      const free = () => {
        const st = statfsSync(tmpdir());
        return st.bavail * st.bsize;
      };
      await c.worldCreate({ source: 'name: disk\nlimits:\n  bytes: 16M\n  files: 1000\n' });
      const before = free();
      const agent = await c.spawn({ script: s, world: 'disk', sandboxed: true, limits: { memory: '64M' } });
      await c.wait(agent.id, 120_000);
      const done = await c.wait(agent.id, 1000);
      const line = `${(await c.logs(agent.id)).lines.map((l) => l.text).join(' ')} (agent ${done.state}, exit ${done.exitCode ?? done.signal})`;
      const grown = Math.round((before - free()) / MiB);
      const storage = ((await c.worldList()).find((w) => w.name === 'disk'))?.treeStorage;
      rmSync(scripts, { recursive: true, force: true });
      return { outcome: `${line}; host disk used +${grown} MiB; tree_storage ${JSON.stringify(storage)}`, release: async () => void (await c.worldDestroy('disk')) };
    },
  ],
  write: [
    'WRITE 360 MiB into a world',
    async (c) => {
      await c.worldCreate({ source: 'name: wflood\n' });
      const codes = new Map<string, number>();
      for (let i = 0; i < 360; i++) {
        const code = await errorOf(c.call('WRITE', { world: 'wflood', path: `/f${i}`, content: mb }));
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
      return { outcome: [...codes].map(([k, n]) => `${n} ${k}`).join(', '), release: async () => void (await c.worldDestroy('wflood')) };
    },
  ],
  sparse: [
    'a 1 GiB sparse file in a world tree, synced',
    async (c, { dir }) => {
      await c.worldCreate({ source: 'name: sparse\n' });
      const s = script(dir, 'sparse.js', "const fs=require('fs');fs.closeSync(fs.openSync('big.bin','w'));fs.truncateSync('big.bin',1024*1024*1024);\n");
      const agent = await c.spawn({ script: s, world: 'sparse' });
      await c.wait(agent.id, 60_000);
      const state = await c.worldState('sparse', { diff: true });
      return { outcome: `world files added: ${JSON.stringify(state.diff?.added)}`, release: async () => void (await c.worldDestroy('sparse')) };
    },
  ],
  bigfile: [
    'a 300 MiB file written in a world tree; then a snapshot',
    async (c, { dir }) => {
      await c.worldCreate({ source: 'name: bigfile\n' });
      const s = script(dir, 'big.js', "const fs=require('fs');const b=Buffer.alloc(1024*1024,97);const fd=fs.openSync('big.bin','w');for(let i=0;i<300;i++)fs.writeSync(fd,b);fs.closeSync(fd);\n");
      const agent = await c.spawn({ script: s, world: 'bigfile' });
      await c.wait(agent.id, 60_000);
      const snap = await c.worldSnapshot('bigfile', join(dir, 'bigfile.snapshot'));
      return { outcome: `snapshot ${snap.bytes} bytes`, release: async () => void (await c.worldDestroy('bigfile')) };
    },
  ],
  prehello: [
    '40 unauthenticated connections × 15 MiB partial frames',
    async (_c, { socketPath }) => {
      const sockets = await Promise.all(
        Array.from({ length: 40 }, () => new Promise<import('node:net').Socket>((resolve) => {
          const s = createConnection(socketPath, () => resolve(s));
          s.on('error', () => undefined);
        })),
      );
      const header = encodeFrame({ kind: FrameKind.REQUEST, opcode: 0, codec: 0, requestId: 1 }, new Uint8Array(0));
      header.writeUInt32BE(15 * MiB, 12);
      const part = Buffer.alloc(MiB, 0x20);
      await Promise.all(sockets.map(async (s) => {
        s.write(header);
        for (let i = 0; i < 15 && !s.destroyed; i++) {
          if (!s.write(part)) await new Promise((r) => setTimeout(r, 5));
        }
      }));
      await settle(1000);
      const open = sockets.filter((s) => !s.destroyed).length;
      return { outcome: `${open} of 40 still open`, release: async () => sockets.forEach((s) => s.destroy()) };
    },
  ],
  timeline: [
    'an agent sleeping in a world with a 1 s periodic event, 12 s; then WORLD_LIST',
    async (c, { dir }) => {
      await c.worldCreate({ source: 'name: ticking\nevents:\n  - type: custom\n    every: 1s\n' });
      const s = script(dir, 'sleepy.mjs', `import { connect } from ${JSON.stringify(fileURLToPath(new URL('../../dist/sdk/index.js', import.meta.url)))};\nconst c = await connect();\nawait c.sleep(2_000_000_000);\n`);
      const agent = await c.spawn({ script: s, world: 'ticking' });
      await settle(12_000);
      const t = performance.now();
      const list = await c.worldList();
      const listMs = Math.round(performance.now() - t);
      const info = list.find((w) => w.name === 'ticking') as unknown as { timeline_length: number };
      return { outcome: `timeline kept ${info.timeline_length} entries; WORLD_LIST took ${listMs} ms`, release: async () => { await c.kill(agent.id, { signal: 'SIGKILL' }); await c.worldDestroy('ticking'); } };
    },
  ],
  snapshot: [
    'an 8 MiB crafted snapshot restored (one 8 MiB file referenced 1,500 times)',
    async (c, { dir }) => {
      const { Packr } = await import('msgpackr');
      const { crc32 } = await import('node:zlib');
      await c.worldCreate({ source: 'name: src\n' });
      await c.call('WRITE', { world: 'src', path: '/f', content: 'z'.repeat(8 * MiB - 1024) });
      const snap = await c.worldSnapshot('src', join(dir, 'src.snapshot'));
      await c.worldDestroy('src');
      const bytes = readFileSync(snap.path!);
      const packr = new Packr({ useRecords: false, moreTypes: false });
      const metaLength = bytes.readUInt32BE(12);
      const meta = packr.unpack(bytes.subarray(24, 24 + metaLength)) as { fs: { changes: { files: Array<[string, number, number, number]> } } };
      const ref = meta.fs.changes.files[0]!;
      meta.fs.changes.files = Array.from({ length: 1500 }, (_, i) => [`/copy-${i}`, ref[1], ref[2], ref[3]]);
      const packed = packr.pack(meta);
      const blob = bytes.subarray(24 + metaLength);
      const header = Buffer.from(bytes.subarray(0, 24));
      header.writeUInt32BE(packed.length, 12);
      const body = Buffer.concat([packed, blob]);
      header.writeUInt32BE(crc32(body) >>> 0, 20);
      writeFileSync(join(dir, 'crafted.snapshot'), Buffer.concat([header, body]));
      const t = performance.now();
      const code = await errorOf(c.worldRestore({ path: join(dir, 'crafted.snapshot') }, { name: 'crafted' }));
      return { outcome: `${code} in ${Math.round(performance.now() - t)} ms` };
    },
  ],
  stdout: [
    'stdout flood: 300 MiB of 64 KiB lines from one agent',
    async (c, { dir }) => {
      const s = script(dir, 'chatty.js', "const l='x'.repeat(65535)+'\\n';let n=0;function go(){while(n<4800){n++;if(!process.stdout.write(l))return process.stdout.once('drain',go);}setInterval(()=>{},1000);}go();\n");
      const agent = await c.spawn({ script: s });
      for (let i = 0; i < 600; i++) {
        const logs = await c.logs(agent.id, { sinceSeq: 4800, max: 1 });
        if (logs.lines.length > 0) break;
        await settle(100);
      }
      const metrics = await c.agentMetrics(agent.id);
      return { outcome: `kernel_bytes ${Math.round((metrics.kernelBytes ?? 0) / MiB)} MiB`, release: async () => void (await c.kill(agent.id, { signal: 'SIGKILL' })) };
    },
  ],
};

const rows: Row[] = [];
for (const [key, [label, flood]] of Object.entries(floods)) {
  if (only && !only.has(key)) continue;
  // A fresh kernel per flood, as in the issue's table.
  const dir = mkdtempSync(join(tmpdir(), 'clove-flood-'));
  const { child, client, socketPath, token } = await startDaemon(dir);
  try {
    await settle(300);
    const before = rssMiB(child.pid!);
    const t = performance.now();
    const { outcome, release } = await flood(client, { dir, socketPath, token, pid: child.pid! });
    const ms = Math.round(performance.now() - t);
    await settle();
    const after = rssMiB(child.pid!);
    const row: Row = { flood: label, before_mib: before, after_mib: after, outcome, ms };
    if (release) {
      await release();
      await settle(1500);
      row.after_release_mib = rssMiB(child.pid!);
    }
    // The kernel must still answer.
    row.outcome += (await errorOf(client.echo('alive'))) === 'ok' ? '' : '; KERNEL NOT ANSWERING';
    rows.push(row);
    if (!json) console.log(`${label}: ${before} → ${after} MiB${row.after_release_mib !== undefined ? ` (after release: ${row.after_release_mib})` : ''}; ${row.outcome} [${ms} ms]`);
  } finally {
    client.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
if (json) console.log(JSON.stringify(rows, null, 2));
