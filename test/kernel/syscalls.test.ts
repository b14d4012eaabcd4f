import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CloveError, type AgentRecord, type CloveClient, type KernelEvent, type OpcodeName } from '../../sdk/index.js';
import { eventually, fixture, testKernel, useTestKernel } from '../helpers/kernel.js';

let op: CloveClient;
const k = useTestKernel();
beforeAll(async () => {
  op = await k.client();
});

let unique = 0;
const uniqueName = (base: string) => `${base}-${++unique}`;

function sleeper(name?: string): Promise<AgentRecord> {
  return op.spawn({ script: fixture('agents', 'sleeper-quiet.js'), ...(name ? { name } : {}) });
}

/** A client speaking as the agent (its token over the socket), as a second process of the agent would. */
function asAgent(agent: AgentRecord): Promise<CloveClient> {
  return k.client({ token: k.kernel.agents.get(agent.id).token });
}

type Outcome = { ok: true; value: any } | { ok: false; code: string; message: string };

/** Spawns test/fixtures/agents/step-runner.ts with the steps and returns what each syscall gave the agent. */
async function scripted(steps: Array<{ op: OpcodeName; args?: unknown }>, name = uniqueName('scripted')): Promise<{ agent: AgentRecord; results: Outcome[] }> {
  const agent = await op.spawn({ script: fixture('agents', 'step-runner.ts'), name, env: { CLOVE_STEPS: JSON.stringify(steps) } });
  const done = await op.wait(agent.id, 20_000);
  const stored = await op.fetch<Outcome[]>(`results/${name}`);
  if (!stored.found) {
    const logs = await op.logs(agent.id);
    throw new Error(`scripted agent ${name} ended (${done.state}, exit ${done.exitCode}) without results:\n${logs.lines.map((l) => l.text).join('\n')}`);
  }
  return { agent, results: stored.value! };
}

async function rejection(promise: Promise<unknown>): Promise<CloveError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CloveError);
    return error as CloveError;
  }
  throw new Error('expected the call to fail');
}

/** Polls until an event matching `match` arrives (other events are skipped). */
async function nextEvent(client: CloveClient, match: (e: KernelEvent) => boolean, timeoutMs = 10_000): Promise<KernelEvent> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const { events } = await client.pollEvents({ timeoutMs: Math.max(1, end - Date.now()), max: 1000 });
    const found = events.find(match);
    if (found) return found;
  }
  throw new Error('event not seen in time');
}

describe('NOOP, HELLO, STATUS', () => {
  it.each(['msgpack', 'json'] as const)('echoes a NOOP payload unchanged over %s', async (codec) => {
    const c = await k.client({ codec });
    const payload = { s: 'é ✓', n: -1.5, big: 2 ** 40, list: [1, 'two', null, { three: true }], nested: { deep: { deeper: [] } } };
    expect(await c.noop(payload)).toEqual(payload);
    expect(await c.noop()).toEqual({});
    expect(await c.echo('hi')).toBe('hi');
  });

  it('says who the caller is: an operator by the token file, an agent by its own token', async () => {
    expect(op.identity).toMatchObject({ role: 'operator', protocol: 1, agentId: null, agentName: null, kernelVersion: k.kernel.version });
    const agent = await sleeper(uniqueName('hello'));
    const self = await asAgent(agent);
    expect(self.identity).toMatchObject({ role: 'agent', agentId: agent.id, agentName: agent.name });
    expect(await self.hello()).toMatchObject({ role: 'agent', agentId: agent.id });
    const { results } = await scripted([{ op: 'HELLO' }]);
    expect(results[0]).toMatchObject({ ok: true, value: { role: 'agent', protocol: 1 } });
    await op.kill(agent.id);
  });

  it('reports kernel status', async () => {
    const status = await op.status();
    expect(status).toMatchObject({ protocol: 1, pid: process.pid, socket: k.socketPath, version: k.kernel.version });
    expect(status.connections).toBeGreaterThanOrEqual(1);
    expect(status.agents.running).toBeLessThanOrEqual(status.agents.total);
    expect(status.uptimeS).toBeGreaterThanOrEqual(0);
  });
});

describe('SPAWN, KILL, LIST, WAIT, LOGS, PAUSE, RESUME', () => {
  it('spawns agents by interpreter and records them', async () => {
    const js = await sleeper();
    expect(js).toMatchObject({ state: 'running', interpreter: process.execPath, parentId: null, exitCode: null });
    expect(js.pid).toBeGreaterThan(0);
    expect(js.name).toMatch(/^sleeper-quiet-\d+$/);
    const py = await op.spawn({ script: fixture('agents', 'hello.py'), args: ['x'] });
    expect(py.interpreter).toMatch(/python/);
    expect((await op.wait(py.id, 10_000)).exitCode).toBe(0);
    await op.kill(js.id);
  });

  it('refuses a missing script, a non-executable file, a bad name and a duplicate name', async () => {
    expect(await rejection(op.spawn({ script: join(k.dir, 'nope.js') }))).toMatchObject({ code: 'AGENT_SPAWN_FAILED', message: expect.stringMatching(/not found/) });
    const plain = join(k.dir, 'tool');
    writeFileSync(plain, '#!/bin/sh\necho hi\n');
    chmodSync(plain, 0o644);
    expect(await rejection(op.spawn({ script: plain }))).toMatchObject({ code: 'AGENT_SPAWN_FAILED', message: expect.stringMatching(/not executable/) });
    expect(await rejection(op.spawn({ script: k.dir }))).toMatchObject({ code: 'AGENT_SPAWN_FAILED' });
    for (const name of ['9lives', 'has space', 'a'.repeat(65), 'semi;colon']) {
      expect(await rejection(sleeper(name))).toMatchObject({ code: 'KERNEL_BAD_REQUEST' });
    }
    const name = uniqueName('twin');
    const first = await sleeper(name);
    expect(await rejection(sleeper(name))).toMatchObject({ code: 'AGENT_NAME_TAKEN', message: expect.stringContaining(`#${first.id}`) });
    await op.kill(name);
    const reborn = await sleeper(name);
    expect(reborn.id).not.toBe(first.id);
    await op.kill(reborn.id);
  });

  it('runs an executable agent directly', async () => {
    // Not in the kernel's private (0700) state directory: unsandboxed agents of a root kernel run as uid 65534.
    const dir = mkdtempSync(join(tmpdir(), 'clove-exe-'));
    chmodSync(dir, 0o755);
    const exe = join(dir, 'tool-x');
    writeFileSync(exe, '#!/bin/sh\necho "args: $*"\n');
    chmodSync(exe, 0o755);
    const agent = await op.spawn({ script: exe, args: ['a', 'b'] });
    expect(agent.interpreter).toBeNull();
    expect((await op.wait(agent.id, 5000)).exitCode).toBe(0);
    expect((await op.logs(agent.id)).lines.map((l) => l.text)).toEqual(['args: a b']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('kills by name or id and reports whether anything was killed', async () => {
    const a = await sleeper(uniqueName('victim'));
    const killed = await op.kill(a.name);
    expect(killed).toMatchObject({ killed: true, agent: { id: a.id, state: 'killed' } });
    expect((await op.kill(a.id)).killed).toBe(false);
    const b = await sleeper();
    expect((await op.kill(b.id, { signal: 'SIGKILL' })).killed).toBe(true);
    expect(await op.wait(b.id, 5000)).toMatchObject({ state: 'killed', signal: 'SIGKILL', exitCode: null });
    expect(await rejection(op.kill('nobody-here'))).toMatchObject({ code: 'AGENT_NOT_FOUND' });
  });

  it('lets an agent kill its own children but not a stranger', async () => {
    const stranger = await sleeper(uniqueName('stranger'));
    const kid = uniqueName('kid');
    const { agent, results } = await scripted([
      { op: 'SPAWN', args: { script: fixture('agents', 'sleeper-quiet.js'), name: kid } },
      { op: 'KILL', args: { agent: stranger.id } },
      { op: 'KILL', args: { agent: kid } },
      { op: 'SHUTDOWN' },
    ]);
    expect(results[0]).toMatchObject({ ok: true, value: { name: kid, parent_id: agent.id, state: 'running' } });
    expect(results[1]).toMatchObject({ ok: false, code: 'KERNEL_FORBIDDEN' });
    expect(results[2]).toMatchObject({ ok: true, value: { killed: true, agent: { name: kid, state: 'killed' } } });
    expect(results[3]).toMatchObject({ ok: false, code: 'KERNEL_FORBIDDEN' });
    expect((await op.list()).map((a) => a.id)).toContain(stranger.id);
    await op.kill(stranger.id);
  });

  it('lists live agents, and ended ones with all: true', async () => {
    const live = await sleeper();
    const gone = await op.spawn({ script: fixture('agents', 'crasher.js'), args: ['0'] });
    await op.wait(gone.id, 5000);
    const running = await op.list();
    expect(running.map((a) => a.id)).toContain(live.id);
    expect(running.map((a) => a.id)).not.toContain(gone.id);
    expect(running.every((a) => a.state === 'running')).toBe(true);
    const all = await op.list({ all: true });
    expect(all.find((a) => a.id === gone.id)).toMatchObject({ state: 'exited', exitCode: 0 });
    await op.kill(live.id);
  });

  it('waits for an exit, returns at once for an ended agent, and times out with KERNEL_TIMEOUT', async () => {
    const crasher = await op.spawn({ script: fixture('agents', 'crasher.js'), args: ['4'] });
    expect(await op.wait(crasher.id, 5000)).toMatchObject({ state: 'exited', exitCode: 4 });
    expect(await op.wait(crasher.name, 1)).toMatchObject({ exitCode: 4 });
    const live = await sleeper();
    const started = Date.now();
    const error = await rejection(op.wait(live.id, 150));
    expect(error.code).toBe('KERNEL_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await op.kill(live.id);
  });

  it('captures output and follows it with since_seq and wait_ms', async () => {
    const ticker = await op.spawn({ script: fixture('agents', 'sleeper.js') });
    const first = await eventually(async () => {
      const r = await op.logs(ticker.id);
      return r.lines.length >= 2 ? r : undefined;
    });
    expect(first.lines[0]).toMatchObject({ seq: 1, stream: 'stdout', text: 'tick 0' });
    expect(first.lines.map((l) => l.seq)).toEqual(first.lines.map((_, i) => i + 1));
    const latest = await op.logs(ticker.id, { sinceSeq: first.nextSeq });
    const followed = await op.logs(ticker.id, { sinceSeq: latest.nextSeq, waitMs: 5000 });
    expect(followed.lines.length).toBeGreaterThan(0);
    expect(followed.lines[0]!.seq).toBe(latest.nextSeq);
    expect(followed.nextSeq).toBe(followed.lines.at(-1)!.seq + 1);
    expect((await op.logs(ticker.id, { max: 1 })).lines).toHaveLength(1);
    const crasher = await op.spawn({ script: fixture('agents', 'crasher.js'), args: ['1'] });
    await op.wait(crasher.id, 5000);
    const stderr = await op.logs(crasher.id, { waitMs: 5000, sinceSeq: 99 });
    expect(stderr.lines).toEqual([]);
    expect((await op.logs(crasher.id)).lines).toMatchObject([{ stream: 'stderr', text: 'about to crash' }]);
    await op.kill(ticker.id);
  });

  it('pauses and resumes an agent', async () => {
    const agent = await sleeper();
    expect(await op.pause(agent.id)).toMatchObject({ agent: { state: 'paused' } });
    expect((await op.list()).find((a) => a.id === agent.id)?.state).toBe('paused');
    expect(await op.resume(agent.id)).toMatchObject({ agent: { state: 'running' } });
    await op.kill(agent.id);
  });
});

describe('SEND, RECV, BROADCAST', () => {
  it('delivers by name and by id; RECV blocks until a message arrives or times out', async () => {
    const agent = await sleeper(uniqueName('inbox'));
    const self = await asAgent(agent);
    const blocked = self.recv(5000);
    await new Promise((r) => setTimeout(r, 50));
    const sent = await op.send(agent.name, { hello: 1 });
    expect(sent.to).toBe(agent.id);
    expect(await blocked).toMatchObject({ id: sent.messageId, from: null, fromName: 'operator', to: agent.id, payload: { hello: 1 } });
    await op.send(agent.id, 'second');
    await op.send(String(agent.id), 'third');
    expect((await self.recv(0))?.payload).toBe('second');
    expect((await self.recv(0))?.payload).toBe('third');
    expect(await self.recv(0)).toBeNull();
    const started = Date.now();
    expect(await self.recv(200)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await op.kill(agent.id);
  });

  it('tells agents apart as senders, and refuses a mailbox to operators', async () => {
    const a = await sleeper(uniqueName('alice'));
    const b = await sleeper(uniqueName('bob'));
    const alice = await asAgent(a);
    const bob = await asAgent(b);
    await alice.send(b.name, 'hi bob');
    expect(await bob.recv(1000)).toMatchObject({ from: a.id, fromName: a.name, payload: 'hi bob' });
    expect(await rejection(op.recv(0))).toMatchObject({ code: 'KERNEL_FORBIDDEN' });
    expect(await rejection(op.send('nobody-here', 1))).toMatchObject({ code: 'AGENT_NOT_FOUND' });
    await op.kill(b.id);
    expect(await rejection(alice.send(b.id, 'too late'))).toMatchObject({ code: 'AGENT_NOT_RUNNING' });
    await op.kill(a.id);
  });

  it('broadcasts to every live agent, the sender only when it asks', async () => {
    const a = await sleeper();
    const b = await sleeper();
    const alice = await asAgent(a);
    const bob = await asAgent(b);
    const live = (await op.list()).length;
    expect(await op.broadcast({ all: 'hands' })).toEqual({ delivered: live, failed: [] });
    expect((await alice.recv(1000))?.payload).toEqual({ all: 'hands' });
    expect((await bob.recv(1000))?.payload).toEqual({ all: 'hands' });
    expect((await alice.broadcast('from alice')).delivered).toBe(live - 1);
    expect(await alice.recv(0)).toBeNull();
    expect((await bob.recv(1000))?.payload).toBe('from alice');
    expect((await alice.broadcast('me too', { includeSelf: true })).delivered).toBe(live);
    expect((await alice.recv(1000))?.payload).toBe('me too');
    await op.kill(a.id);
    await op.kill(b.id);
  });

  it('refuses a message to a full mailbox with IPC_MAILBOX_FULL, and one over maxMessageBytes', async () => {
    const small = await testKernel({ mailboxCapacity: 3, maxMessageBytes: 1024 });
    try {
      const c = await small.client();
      const agent = await c.spawn({ script: fixture('agents', 'sleeper-quiet.js') });
      for (let i = 0; i < 3; i++) await c.send(agent.id, i);
      const full = await rejection(c.send(agent.id, 3));
      expect(full).toMatchObject({ code: 'IPC_MAILBOX_FULL', details: { capacity: 3 } });
      const self = await small.client({ token: small.kernel.agents.get(agent.id).token });
      expect((await self.recv(0))?.payload).toBe(0);
      await c.send(agent.id, 3);
      expect(await rejection(c.send(agent.id, 'x'.repeat(2000)))).toMatchObject({ code: 'IPC_MESSAGE_TOO_LARGE' });
      const broadcast = await c.broadcast('one more');
      expect(broadcast).toEqual({ delivered: 0, failed: [{ to: agent.id, code: 'IPC_MAILBOX_FULL' }] });
    } finally {
      await small.stop();
    }
  });
});

describe('STORE, FETCH, DELETE, KEYS', () => {
  it('shares the global scope between clients and deletes', async () => {
    const other = await k.client();
    expect(await op.store('g/one', { v: [1, 2] })).toEqual({ stored: true });
    expect(await other.fetch('g/one')).toEqual({ found: true, value: { v: [1, 2] } });
    expect(await other.fetch('g/missing')).toEqual({ found: false, value: null });
    expect(await other.delete('g/one')).toEqual({ deleted: true });
    expect(await op.delete('g/one')).toEqual({ deleted: false });
    expect((await op.fetch('g/one')).found).toBe(false);
  });

  it('keeps agent scope private to each agent and session scope private to each connection', async () => {
    const a = await sleeper();
    const b = await sleeper();
    const alice = await asAgent(a);
    const aliceAgain = await asAgent(a);
    const bob = await asAgent(b);
    await alice.store('secret', 'alice', { scope: 'agent' });
    await bob.store('secret', 'bob', { scope: 'agent' });
    expect((await aliceAgain.fetch('secret', { scope: 'agent' })).value).toBe('alice');
    expect((await bob.fetch('secret', { scope: 'agent' })).value).toBe('bob');
    expect((await op.fetch('secret', { scope: 'agent' })).found).toBe(false);
    expect((await op.fetch('secret')).found).toBe(false);

    await alice.store('tmp', 1, { scope: 'session' });
    expect((await alice.fetch('tmp', { scope: 'session' })).found).toBe(true);
    expect((await aliceAgain.fetch('tmp', { scope: 'session' })).found).toBe(false);
    await op.store('mine', 'op', { scope: 'agent' });
    const op2 = await k.client();
    expect((await op2.fetch('mine', { scope: 'agent' })).value).toBe('op');

    await op.kill(a.id);
    const a2 = await sleeper();
    expect((await (await asAgent(a2)).fetch('secret', { scope: 'agent' })).found).toBe(false);
    await op.kill(b.id);
    await op.kill(a2.id);
  });

  it('expires keys after their TTL', async () => {
    await op.store('ttl/short', 'soon gone', { ttlMs: 80 });
    await op.store('ttl/long', 'stays');
    expect((await op.fetch('ttl/short')).found).toBe(true);
    expect(await op.keys({ prefix: 'ttl/' })).toEqual(['ttl/long', 'ttl/short']);
    await new Promise((r) => setTimeout(r, 150));
    expect(await op.fetch('ttl/short')).toEqual({ found: false, value: null });
    expect(await op.keys({ prefix: 'ttl/' })).toEqual(['ttl/long']);
    expect(await rejection(op.store('ttl/bad', 1, { ttlMs: 0 }))).toMatchObject({ code: 'KERNEL_BAD_REQUEST' });
  });

  it('lists keys by prefix, sorted, per scope', async () => {
    for (const key of ['p/b', 'p/a', 'p/c/d', 'q/a']) await op.store(key, key);
    await op.store('p/session', 1, { scope: 'session' });
    expect(await op.keys({ prefix: 'p/' })).toEqual(['p/a', 'p/b', 'p/c/d']);
    expect(await op.keys({ prefix: 'p/', scope: 'session' })).toEqual(['p/session']);
    expect(await op.keys({ prefix: 'zzz' })).toEqual([]);
    expect(await op.keys()).toEqual(expect.arrayContaining(['p/a', 'q/a']));
  });
});

describe('SUBSCRIBE, UNSUBSCRIBE, POLL_EVENTS, EMIT', () => {
  it('reports agents spawning and exiting', async () => {
    const c = await k.client();
    expect(await c.subscribe(['AGENT_SPAWNED', 'AGENT_EXITED'])).toEqual({ subscribed: ['AGENT_EXITED', 'AGENT_SPAWNED'] });
    const agent = await op.spawn({ script: fixture('agents', 'crasher.js'), args: ['3'] });
    const spawned = await nextEvent(c, (e) => e.type === 'AGENT_SPAWNED' && e.source === agent.id);
    expect(spawned.data).toMatchObject({ id: agent.id, name: agent.name, pid: agent.pid, parentId: null });
    const exited = await nextEvent(c, (e) => e.type === 'AGENT_EXITED' && e.source === agent.id);
    expect(exited.data).toMatchObject({ id: agent.id, state: 'exited', exitCode: 3, signal: null });
    expect(exited.seq).toBeGreaterThan(spawned.seq);
  });

  it('reports messages, state changes and custom events, never the stored value', async () => {
    const c = await k.client();
    await c.subscribe(['MESSAGE_RECEIVED', 'STATE_CHANGED', 'CUSTOM']);
    const agent = await sleeper();
    const sent = await op.send(agent.id, 'ping');
    expect((await nextEvent(c, (e) => e.type === 'MESSAGE_RECEIVED')).data).toMatchObject({ messageId: sent.messageId, to: agent.id, fromName: 'operator' });
    await op.store('evt/key', 'classified', { scope: 'agent' });
    const changed = await nextEvent(c, (e) => e.type === 'STATE_CHANGED');
    expect(changed.data).toEqual({ key: 'evt/key', scope: 'agent', op: 'store' });
    await op.delete('evt/key', { scope: 'agent' });
    expect((await nextEvent(c, (e) => e.type === 'STATE_CHANGED')).data).toEqual({ key: 'evt/key', scope: 'agent', op: 'delete' });
    const emitted = await op.emitEvent('milestone', { step: 3 });
    const custom = await nextEvent(c, (e) => e.type === 'CUSTOM');
    expect(custom).toMatchObject({ seq: emitted.seq, source: null, data: { name: 'milestone', step: 3 } });
    const self = await asAgent(agent);
    await self.emitEvent('from-agent');
    expect((await nextEvent(c, (e) => e.type === 'CUSTOM')).source).toBe(agent.id);
    await op.kill(agent.id);
  });

  it('blocks POLL_EVENTS until an event arrives, and stops queueing unsubscribed types', async () => {
    const c = await k.client();
    await c.subscribe(['CUSTOM']);
    const polled = c.pollEvents({ timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 50));
    await op.emitEvent('wake-up');
    expect((await polled).events).toMatchObject([{ type: 'CUSTOM', data: { name: 'wake-up' } }]);
    for (let i = 0; i < 5; i++) await op.emitEvent('batch', { i });
    const two = await c.pollEvents({ max: 2 });
    expect(two.events.map((e) => e.data.i)).toEqual([0, 1]);
    expect((await c.pollEvents()).events.map((e) => e.data.i)).toEqual([2, 3, 4]);
    expect(await c.unsubscribe(['CUSTOM'])).toEqual({ subscribed: [] });
    await op.emitEvent('unheard');
    expect((await c.pollEvents({ timeoutMs: 100 })).events).toEqual([]);
  });

  it('pushes events to a client that asks for push', async () => {
    for (const codec of ['msgpack', 'json'] as const) {
      const c = await k.client({ codec });
      const seen: KernelEvent[] = [];
      c.on('event', (e) => seen.push(e));
      await c.subscribe(['CUSTOM'], { push: true });
      await op.emitEvent('pushed', { codec });
      await eventually(() => seen.some((e) => e.data.codec === codec));
      expect(seen.find((e) => e.data.codec === codec)).toMatchObject({ type: 'CUSTOM', data: { name: 'pushed' } });
    }
  });

  it('rejects unknown event types, emitting kernel event types, and polling without a subscription', async () => {
    const c = await k.client();
    expect(await rejection(c.pollEvents())).toMatchObject({ code: 'KERNEL_BAD_REQUEST' });
    expect(await rejection(c.subscribe(['NOT_A_TYPE' as 'CUSTOM']))).toMatchObject({ code: 'EVENT_TYPE_INVALID' });
    for (const type of ['AGENT_SPAWNED', 'AGENT_EXITED', 'STATE_CHANGED', 'bogus']) {
      expect(await rejection(c.call('EMIT', { type, name: 'fake' }))).toMatchObject({ code: 'EVENT_TYPE_INVALID' });
    }
  });
});

describe('METRICS_SYSTEM, METRICS_AGENT, METRICS_ALL_AGENTS', () => {
  it('reports plausible system metrics', async () => {
    const m = await op.systemMetrics();
    expect(m.cpu.count).toBe(cpus().length);
    expect(m.cpu.perCore).toHaveLength(m.cpu.count);
    expect(m.cpu.loadAvg).toHaveLength(3);
    expect(m.cpu.percent).toBeGreaterThanOrEqual(0);
    expect(m.cpu.percent).toBeLessThanOrEqual(100);
    expect(m.memory.total).toBe(totalmem());
    expect(m.memory.used).toBeGreaterThan(0);
    expect(m.disk.total).toBeGreaterThan(0);
    expect(m.kernel).toMatchObject({ pid: process.pid });
    expect(m.kernel.rss).toBeGreaterThan(0);
  });

  it('reports plausible metrics for a live agent, by the operator or the agent itself', async () => {
    const agent = await sleeper();
    // Right after SPAWN the process may still be exec'ing node: wait until the runtime is loaded.
    const m = await eventually(async () => {
      const sample = await op.agentMetrics(agent.id);
      return sample.rss > 4 * 1024 * 1024 ? sample : undefined;
    });
    expect(m).toMatchObject({ agentId: agent.id, name: agent.name, pid: agent.pid, state: 'running' });
    expect(m.vms).toBeGreaterThanOrEqual(m.rss);
    expect(m.threads).toBeGreaterThanOrEqual(1);
    expect(m.openFds).toBeGreaterThanOrEqual(3);
    expect(m.cpuPercent).toBeGreaterThanOrEqual(0);
    expect((await (await asAgent(agent)).agentMetrics()).agentId).toBe(agent.id);
    const all = await op.allAgentMetrics();
    expect(all.find((x) => x.agentId === agent.id)?.rss).toBeGreaterThan(0);
    expect(await rejection(op.agentMetrics())).toMatchObject({ code: 'KERNEL_BAD_REQUEST' });
    await op.kill(agent.id);
  });
});
