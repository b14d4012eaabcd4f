import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { crc32 } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CloveClient, KernelEvent } from '../../sdk/index.js';
import { eventually, fixture, runScripted, useTestKernel } from '../helpers/kernel.js';

// Floods of kernel memory through syscalls: each stops at a quota with QUOTA_EXCEEDED naming it,
// nothing stored before is lost, the space comes back when the data goes, and what an agent makes
// the kernel hold shows in its metrics.

const KiB = 1024;
const MiB = 1024 * KiB;
let c: CloveClient;
const events: KernelEvent[] = [];

async function codeOf(p: Promise<unknown>): Promise<{ code?: string; details?: any; message?: string }> {
  try {
    await p;
    return {};
  } catch (error) {
    return error as { code: string; details: unknown; message: string };
  }
}

const k = useTestKernel({
  sandbox: false,
  quotas: { storeBytes: '1M', storeKeys: 50, mailboxBytes: '512K', eventBytes: '64K', emitRate: 20, eventQueueBytes: '256K', logBytes: '256K', timelineEntries: 50 },
});
beforeAll(async () => {
  c = await k.client();
  const watcher = await k.client();
  watcher.on('event', (e: KernelEvent) => events.push(e));
  await watcher.subscribe(['RESOURCE_WARNING'], { push: true });
});

describe('store', () => {
  it('refuses a STORE past store_bytes with QUOTA_EXCEEDED, keeps what was stored, audits it, and frees on DELETE', async () => {
    const value = 'v'.repeat(200 * KiB); // five fit in 1 MiB, the sixth does not
    let stored = 0;
    let refusal: Awaited<ReturnType<typeof codeOf>> = {};
    for (let i = 0; i < 10; i++) {
      refusal = await codeOf(c.store(`big-${i}`, value));
      if (refusal.code) break;
      stored++;
    }
    expect(stored).toBe(5);
    expect(refusal).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'store_bytes', limit: MiB, rule: 'quotas.store_bytes' } });
    expect(refusal.message).toMatch(/--quota store_bytes=N/);
    for (let i = 0; i < stored; i++) expect((await c.fetch(`big-${i}`)).value).toBe(value);
    expect((await c.fetch(`big-${stored}`)).found).toBe(false);
    await eventually(() => events.some((e) => e.data.resource === 'store_bytes'));
    await k.kernel.audit!.flush();
    const audit = readFileSync(join(k.dir, 'audit.log'), 'utf8');
    expect(audit).toMatch(/"opcode":"STORE".*"decision":"denied","rule":"quotas.store_bytes".*"error":"QUOTA_EXCEEDED"/);
    for (let i = 0; i < stored; i++) await c.delete(`big-${i}`);
    expect(k.kernel.store.bytes).toBeLessThan(10 * KiB);
    expect((await c.store('after-delete', value)).stored).toBe(true);
    await c.delete('after-delete');
  });

  it('refuses keys past store_keys', async () => {
    const results = [];
    for (let i = 0; i < 55; i++) results.push((await codeOf(c.store(`key-${i}`, i))).code);
    expect(results.filter((r) => r === 'QUOTA_EXCEEDED').length).toBe(5);
    for (let i = 0; i < 55; i++) await c.delete(`key-${i}`);
  });

  it('applies an agent\'s own SPAWN quotas to its agent scope, and shows what it holds in kernel_bytes', async () => {
    const out = await runScripted(
      c,
      [
        ['store', 'mine', 'x'.repeat(20 * KiB), { scope: 'agent' }],
        ['store', 'more', 'x'.repeat(20 * KiB), { scope: 'agent' }],
      ],
      { quotas: { storeBytes: '32K' } },
    );
    expect(out[0]!.ok).toEqual({ stored: true });
    expect(out[1]).toMatchObject({ error: 'QUOTA_EXCEEDED' });
    expect(out[1]!.message).toMatch(/store_bytes quota of 32 KiB.*SPAWN quotas\.store_bytes/);
  });
});

describe('mailbox, events and logs', () => {
  it('refuses SEND past mailbox_bytes; kernel_bytes counts the unread mail; all is released when the agent ends', async () => {
    const agent = await c.spawn({ script: fixture('agents', 'sleeper-quiet.js') });
    const payload = 'm'.repeat(100 * KiB);
    let sent = 0;
    let refusal: Awaited<ReturnType<typeof codeOf>> = {};
    for (let i = 0; i < 10; i++) {
      refusal = await codeOf(c.send(agent.id, payload));
      if (refusal.code) break;
      sent++;
    }
    expect(sent).toBe(5);
    expect(refusal).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'mailbox_bytes', limit: 512 * KiB } });
    const metrics = await c.agentMetrics(agent.id);
    expect(metrics.kernelBytes!).toBeGreaterThanOrEqual(5 * 100 * KiB);
    await eventually(() => events.some((e) => e.data.resource === 'mailbox_bytes' && e.data.agent === agent.id));
    await c.kill(agent.id, { signal: 'SIGKILL' });
    expect(k.kernel.agents.get(agent.id).mailbox.bytes).toBe(0);
  });

  it('refuses EMIT data over event_bytes and EMITs past emit_rate', async () => {
    expect(await codeOf(c.emitEvent('big', { blob: 'e'.repeat(100 * KiB) }))).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'event_bytes' } });
    const codes = await Promise.all(Array.from({ length: 60 }, (_, i) => codeOf(c.emitEvent('burst', { i }))));
    const refused = codes.filter((r) => r.code === 'QUOTA_EXCEEDED');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.details).toMatchObject({ quota: 'emit_rate', limit: 20 });
  });

  it('keeps an unread event queue within event_queue_bytes, dropping the oldest', async () => {
    const reader = await k.client();
    await reader.subscribe(['CUSTOM']);
    const writer = await k.client();
    for (let i = 0; i < 15; i++) {
      await writer.emitEvent('fill', { blob: 'q'.repeat(50 * KiB), i }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 60)); // under the emit rate
    }
    const { events: got, dropped } = await reader.pollEvents({ max: 1000 });
    expect(dropped).toBeGreaterThan(0);
    const bytes = got.reduce((n, e) => n + JSON.stringify(e.data).length, 0);
    expect(bytes).toBeLessThanOrEqual(256 * KiB);
    expect(got.at(-1)?.data.i).toBe(14);
  });

  it('keeps an agent\'s logs within log_bytes and does not hold its reads: kernel_bytes stays near the quota', async () => {
    const script = join(k.dir, 'flood.js');
    // 4 MiB of 1 KiB lines, then a few huge unterminated lines, then it waits.
    writeFileSync(script, "const l='x'.repeat(1023)+'\\n';for(let i=0;i<4096;i++)process.stdout.write(l);process.stdout.write('y'.repeat(200000)+'\\n');setInterval(()=>{},1000);\n");
    const agent = await c.spawn({ script });
    await eventually(async () => ((await c.logs(agent.id)).lines.some((l) => l.text.startsWith('yyyy')) ? true : undefined));
    const logs = await c.logs(agent.id, { max: 100_000 });
    expect(logs.dropped).toBeGreaterThan(3000);
    const metrics = await c.agentMetrics(agent.id);
    expect(metrics.kernelBytes!).toBeLessThanOrEqual(256 * KiB + 32 * KiB);
    await c.kill(agent.id, { signal: 'SIGKILL' });
  });
});

describe('worlds', () => {
  const yaml = (name: string, extra = '') => `name: ${name}\nlimits:\n  files: 20\n  bytes: 1M\n  largest_file: 512K\n${extra}`;

  it('enforces the world file\'s limits on WRITE, keeping what is there', async () => {
    await c.worldCreate({ source: yaml('limited') });
    const call = (path: string, size: number) => c.call('WRITE', { world: 'limited', path, content: 'w'.repeat(size) });
    expect(await codeOf(call('/big', 600 * KiB))).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'world_largest_file', limit: 512 * KiB } });
    await call('/a', 400 * KiB);
    await call('/b', 400 * KiB);
    expect(await codeOf(call('/c', 400 * KiB))).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { quota: 'world_bytes' } });
    // Replacing a file counts its new size only.
    await call('/a', 500 * KiB);
    expect(((await c.call('READ', { world: 'limited', path: '/b' })) as { content: string }).content.length).toBe(400 * KiB);
    const results = [];
    for (let i = 0; i < 20; i++) results.push((await codeOf(c.call('WRITE', { world: 'limited', path: `/f${i}`, content: 'x' }))).code);
    expect(results).toContain('QUOTA_EXCEEDED');
    await c.worldDestroy('limited');
  });

  it('bounds a world\'s own state (scope world) by store_bytes', async () => {
    await c.worldCreate({ source: 'name: kvworld\n' });
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push((await codeOf(c.call('STORE', { key: `w${i}`, value: 'k'.repeat(200 * KiB), scope: 'world', world: 'kvworld' }))).code);
    expect(codes.slice(0, 5)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(codes.slice(5)).toEqual(['QUOTA_EXCEEDED', 'QUOTA_EXCEEDED']);
    await c.call('DELETE', { key: 'w0', scope: 'world', world: 'kvworld' });
    expect((await codeOf(c.call('STORE', { key: 'w9', value: 'k'.repeat(200 * KiB), scope: 'world', world: 'kvworld' }))).code).toBeUndefined();
    await c.worldDestroy('kvworld');
  });

  it('does not sync a sparse 1 GiB file an agent made in the world tree (apparent size counts)', async () => {
    await c.worldCreate({ source: yaml('sparse') });
    const script = join(k.dir, 'sparse.js');
    writeFileSync(script, "const fs=require('fs');fs.writeFileSync('small.txt','ok');fs.closeSync(fs.openSync('big.bin','w'));fs.truncateSync('big.bin',1024*1024*1024);\n");
    const agent = await c.spawn({ script, world: 'sparse' });
    await c.wait(agent.id, 20_000);
    const state = await c.worldState('sparse', { diff: true });
    expect(state.diff?.added).toEqual(['/small.txt']);
    await eventually(() => events.some((e) => e.data.resource === 'world_sync' && e.data.world === 'sparse' && e.data.path === '/big.bin'));
    await c.worldDestroy('sparse');
  });

  it('keeps a bounded timeline and lists it in pages', async () => {
    await c.worldCreate({ source: 'name: ticking\nevents:\n  - type: custom\n    every: 1s\n    count: 200\n' });
    await c.sleep(300_000, 'ticking');
    const all = await c.worldState('ticking', { timeline: true });
    expect(all.timeline!.length).toBeLessThanOrEqual(50);
    expect(all.timelineDropped).toBeGreaterThanOrEqual(150);
    const last = all.timeline!.at(-1)!.seq;
    expect(last).toBe(200);
    const page = await c.worldState('ticking', { timeline: true, sinceSeq: last - 4, max: 3 });
    expect(page.timeline!.map((e) => e.seq)).toEqual([last - 4, last - 3, last - 2]);
    await c.worldDestroy('ticking');
  });

  it('answers a YAML alias bomb with WORLD_SCHEMA_INVALID, not KERNEL_INTERNAL', async () => {
    const bomb = ['name: bomb', 'description: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) bomb.push(`d${i}: &${'b'.repeat(i + 1)} [${Array(10).fill(i === 0 ? '*a' : `*${'b'.repeat(i)}`).join(', ')}]`);
    const error = await codeOf(c.worldCreate({ source: bomb.join('\n') }));
    expect(error.code).toBe('WORLD_SCHEMA_INVALID');
    expect(error.message).toMatch(/alias/);
    const deep = await codeOf(c.worldCreate({ source: `name: deep\ndescription: ${'['.repeat(5000)}${']'.repeat(5000)}\n` }));
    expect(deep.code).toBe('WORLD_SCHEMA_INVALID');
  });

  it('refuses crafted snapshots: escaping paths, overlapping references, sizes past the quotas', async () => {
    await c.worldCreate({ source: 'name: original\nfilesystem:\n  files:\n    - path: /a.txt\n      content: hello\n' });
    await c.call('WRITE', { world: 'original', path: '/b.txt', content: 'world' });
    const snap = await c.worldSnapshot('original');
    const bytes = Buffer.from(snap.dataBase64!, 'base64');
    const packr = new Packr({ useRecords: false, moreTypes: false });
    const metaLength = bytes.readUInt32BE(12);
    const blob = bytes.subarray(24 + metaLength);
    const craft = (edit: (meta: any) => void, blobBytes: Buffer = blob): string => {
      const meta = packr.unpack(bytes.subarray(24, 24 + metaLength));
      edit(meta);
      const packed = packr.pack(meta);
      const header = Buffer.from(bytes.subarray(0, 24));
      header.writeUInt32BE(packed.length, 12);
      header.writeUInt32BE(blobBytes.length, 16);
      const body = Buffer.concat([packed, blobBytes]);
      header.writeUInt32BE(crc32(body) >>> 0, 20);
      return Buffer.concat([header, body]).toString('base64');
    };
    const escaping = craft((m) => (m.fs.changes.files[0][0] = '/../../../tmp/clove-escape'));
    expect((await codeOf(c.worldRestore({ dataBase64: escaping }, { name: 'escaped' }))).code).toBe('WORLD_SNAPSHOT_INVALID');
    const repeated = craft((m) => {
      const ref = m.fs.changes.files[0];
      m.fs.changes.files = Array.from({ length: 1000 }, (_, i) => [`/copy-${i}`, ref[1], ref[2], ref[3]]);
    });
    const overlap = await codeOf(c.worldRestore({ dataBase64: repeated }, { name: 'amplified' }));
    expect(overlap.code).toBe('WORLD_SNAPSHOT_INVALID');
    expect(overlap.message).toMatch(/overlapping|files/);
    // A header that announces more than the world quotas allow is refused before the file is read.
    const path = join(k.dir, 'huge.snapshot');
    const header = Buffer.from(bytes.subarray(0, 24));
    header.writeUInt32BE(0xfff00000, 16);
    writeFileSync(path, header);
    const huge = await codeOf(c.worldRestore({ path }, { name: 'huge' }));
    expect(huge.code).toBe('WORLD_SNAPSHOT_INVALID');
    expect(huge.message).toMatch(/world_bytes/);
    expect((await c.worldList()).map((w) => w.name)).toEqual(['original']);
    await c.worldDestroy('original');
  });
});
