import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Codec, encodePayload } from '../../sdk/protocol/codec.js';
import { encodeFrame, FrameKind, HEADER_SIZE } from '../../sdk/protocol/frame.js';
import { Opcode } from '../../sdk/protocol/opcodes.js';
import { eventually, fixture, testKernel, useTestKernel } from '../helpers/kernel.js';
import { RawPeer } from '../helpers/raw-peer.js';


/** A 16-byte header with every field under the test's control. */
function header(fields: { magic?: number; version?: number; kind?: number; opcode?: number; codec?: number; requestId?: number; length: number }): Buffer {
  const head = Buffer.alloc(HEADER_SIZE);
  head.writeUInt16BE(fields.magic ?? 0x434c, 0);
  head.writeUInt8(fields.version ?? 1, 2);
  head.writeUInt8(fields.kind ?? FrameKind.REQUEST, 3);
  head.writeUInt8(fields.opcode ?? Opcode.NOOP, 4);
  head.writeUInt8(fields.codec ?? Codec.JSON, 5);
  head.writeUInt32BE(fields.requestId ?? 1, 8);
  head.writeUInt32BE(fields.length, 12);
  return head;
}

const logLines: string[] = [];

const k = useTestKernel({ maxPendingWriteBytes: 256 * 1024, log: (line) => logLines.push(line) });

/** The kernel is still up: a brand-new client gets a NOOP answered. */
async function expectServing(): Promise<void> {
  const peer = await RawPeer.open(k.socketPath);
  const reply = await peer.call(Opcode.NOOP, { still: 'here' }, 7);
  expect(reply).toMatchObject({ kind: FrameKind.RESPONSE, requestId: 7, body: { still: 'here' } });
  peer.destroy();
}

describe('framing violations end the connection, never the kernel', () => {
  it('survives random bytes and serves the next client', async () => {
    for (let i = 0; i < 20; i++) {
      const peer = await RawPeer.open(k.socketPath);
      const junk = randomBytes(1 + i * 97);
      junk[0] = 0xde; // never the magic's first byte, so the kernel must reject the header
      peer.write(junk);
      if (junk.length >= HEADER_SIZE) {
        const error = await peer.next();
        expect(error.kind).toBe(FrameKind.ERROR);
        expect(error.body.code).toBe('KERNEL_FRAME_MALFORMED');
        await peer.waitClosed();
      } else {
        peer.socket.end();
        await peer.waitClosed();
      }
    }
    await expectServing();
  });

  it('forgets a client that sends half a header and hangs up', async () => {
    const peer = await RawPeer.open(k.socketPath);
    peer.write(header({ length: 4 }).subarray(0, 9));
    peer.socket.end();
    await peer.waitClosed();
    expect(peer.frames).toEqual([]);
    await expectServing();
  });

  it('answers a frame whose length exceeds the maximum with KERNEL_FRAME_TOO_LARGE, then hangs up', async () => {
    const peer = await RawPeer.open(k.socketPath);
    peer.write(header({ length: 0xfffffff0, requestId: 41 }));
    const error = await peer.next();
    expect(error).toMatchObject({ kind: FrameKind.ERROR, requestId: 41, codec: Codec.JSON });
    expect(error.body.code).toBe('KERNEL_FRAME_TOO_LARGE');
    // Before HELLO the limit is the small pre-HELLO one (test/security/frames.test.ts covers both).
    expect(error.body.message).toMatch(/exceeds the maximum of 65536 bytes: before HELLO/);
    await peer.waitClosed();
    await expectServing();
  });

  it('enforces a configured maxFrameSize, header included', async () => {
    const small = await testKernel({ maxFrameSize: 1024 });
    try {
      const peer = await RawPeer.open(small.socketPath);
      const fits = await peer.call(Opcode.NOOP, { pad: 'x'.repeat(900) }, 1, Codec.JSON);
      expect(fits.kind).toBe(FrameKind.RESPONSE);
      peer.write(Buffer.concat([header({ length: 1024 - HEADER_SIZE + 1, requestId: 2 }), Buffer.alloc(1024 - HEADER_SIZE + 1, 0x20)]));
      const error = await peer.next();
      expect(error.body.code).toBe('KERNEL_FRAME_TOO_LARGE');
      expect(error.body.message).toMatch(/1025 bytes exceeds the maximum of 1024/);
      await peer.waitClosed();
      const next = await RawPeer.open(small.socketPath);
      expect((await next.call(Opcode.NOOP, { ok: 1 }, 3)).body).toEqual({ ok: 1 });
      next.destroy();
    } finally {
      await small.stop();
    }
  });

  it('rejects a bad magic with KERNEL_FRAME_MALFORMED and closes', async () => {
    const peer = await RawPeer.open(k.socketPath);
    peer.write(Buffer.concat([header({ magic: 0x4854, length: 2 }), Buffer.from('{}')]));
    const error = await peer.next();
    expect(error.kind).toBe(FrameKind.ERROR);
    expect(error.body.code).toBe('KERNEL_FRAME_MALFORMED');
    expect(error.body.message).toMatch(/magic 0x4854/);
    await peer.waitClosed();
    await expectServing();
  });

  it('rejects an unsupported protocol version and closes', async () => {
    const peer = await RawPeer.open(k.socketPath);
    peer.write(Buffer.concat([header({ version: 9, requestId: 5, length: 2 }), Buffer.from('{}')]));
    const error = await peer.next();
    expect(error).toMatchObject({ kind: FrameKind.ERROR, requestId: 5 });
    expect(error.body.code).toBe('KERNEL_UNSUPPORTED_VERSION');
    expect(error.body.message).toMatch(/version 9/);
    await peer.waitClosed();
    await expectServing();
  });

  it('rejects an unknown frame kind or codec as malformed', async () => {
    for (const bad of [{ kind: 9 }, { codec: 7 }]) {
      const peer = await RawPeer.open(k.socketPath);
      peer.write(header({ ...bad, length: 0 }));
      expect((await peer.next()).body.code).toBe('KERNEL_FRAME_MALFORMED');
      await peer.waitClosed();
    }
    await expectServing();
  });
});

describe('frames however the stream cuts them', () => {
  it('answers every request whether frames arrive byte by byte, in random pieces or many per write', async () => {
    const frames = Array.from({ length: 300 }, (_, i) =>
      encodeFrame({ kind: FrameKind.REQUEST, opcode: Opcode.NOOP, codec: i % 2 ? Codec.JSON : Codec.MSGPACK, requestId: i + 1 }, encodePayload(i % 2 ? Codec.JSON : Codec.MSGPACK, { i, pad: 'p'.repeat(i * 7) })),
    );
    const stream = Buffer.concat(frames);
    const peer = await RawPeer.open(k.socketPath);
    const cuts: Buffer[] = [];
    // The first 40 frames' bytes one at a time, then random pieces of 1 byte to 4 KiB.
    const bytewise = frames.slice(0, 40).reduce((n, f) => n + f.length, 0);
    for (let at = 0; at < bytewise; at++) cuts.push(stream.subarray(at, at + 1));
    for (let at = bytewise; at < stream.length; ) {
      const size = 1 + Math.floor(Math.random() * 4096);
      cuts.push(stream.subarray(at, at + size));
      at += size;
    }
    for (const piece of cuts) {
      peer.write(piece);
      if (Math.random() < 0.05) await new Promise((r) => setImmediate(r));
    }
    const answers = new Map<number, any>();
    while (answers.size < frames.length) {
      const reply = await peer.next();
      expect(reply.kind).toBe(FrameKind.RESPONSE);
      answers.set(reply.requestId, reply.body);
    }
    for (let i = 0; i < frames.length; i++) expect(answers.get(i + 1)).toEqual({ i, pad: 'p'.repeat(i * 7) });
    peer.destroy();
  });
});

describe('bad requests are answered one by one on an open connection', () => {
  it('answers an unknown opcode with KERNEL_NOT_IMPLEMENTED and serves the next request on the same connection', async () => {
    const peer = await RawPeer.open(k.socketPath);
    const error = await peer.call(0xee, {}, 11);
    expect(error).toMatchObject({ kind: FrameKind.ERROR, requestId: 11, opcode: 0xee });
    expect(error.body.code).toBe('KERNEL_NOT_IMPLEMENTED');
    expect(error.body.message).toMatch(/0xee/);
    expect((await peer.call(Opcode.NOOP, { after: 'unknown' }, 12)).body).toEqual({ after: 'unknown' });
    expect(peer.closed).toBe(false);
    peer.destroy();
  });

  it.each([
    ['msgpack', Codec.MSGPACK, Buffer.from([0xc1, 0xc1, 0xc1])],
    ['msgpack (truncated map)', Codec.MSGPACK, Buffer.from([0x82, 0xa1, 0x61])],
    ['JSON', Codec.JSON, Buffer.from('{"key": nope')],
  ])('answers an invalid %s payload with KERNEL_PAYLOAD_INVALID and keeps the connection', async (_name, codec, bytes) => {
    const peer = await RawPeer.open(k.socketPath);
    peer.write(Buffer.concat([header({ codec, requestId: 21, length: bytes.length }), bytes]));
    const error = await peer.next();
    expect(error).toMatchObject({ kind: FrameKind.ERROR, requestId: 21, codec });
    expect(error.body.code).toBe('KERNEL_PAYLOAD_INVALID');
    expect((await peer.call(Opcode.NOOP, { n: 22 }, 22, codec)).body).toEqual({ n: 22 });
    peer.destroy();
  });

  it.each([
    ['a number', 42],
    ['a string', 'hello'],
    ['an array', [1, 2]],
  ])('answers a payload that is %s with KERNEL_BAD_REQUEST', async (_name, payload) => {
    const peer = await RawPeer.open(k.socketPath);
    for (const codec of [Codec.JSON, Codec.MSGPACK]) {
      const error = await peer.call(Opcode.NOOP, payload, 31, codec);
      expect(error.kind).toBe(FrameKind.ERROR);
      expect(error.body.code).toBe('KERNEL_BAD_REQUEST');
      expect(error.body.message).toMatch(/payload must be an object/);
    }
    peer.destroy();
  });

  it.each([
    ['STORE', { key: 5, value: 1 }, 'key'],
    ['STORE', { key: 'k', ttl_ms: 'soon' }, 'ttl_ms'],
    ['STORE', { key: 'k', scope: 'planet' }, 'scope'],
    ['LIST', { all: 'yes' }, 'all'],
    ['SPAWN', { script: 123 }, 'script'],
    ['SPAWN', { script: fixture('agents', 'sleeper.js'), args: 'a b' }, 'args'],
    ['KILL', { agent: { id: 1 } }, 'agent'],
    ['EMIT', { name: 7 }, 'name'],
    ['SUBSCRIBE', { push: 'please' }, 'push'],
    ['POLL_EVENTS', { max: 0 }, 'max'],
  ] as const)('names the offending field when %s gets %j', async (op, payload, field) => {
    const c = await k.client();
    const error = await c.call(op, payload).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'KERNEL_BAD_REQUEST' });
    expect((error as Error).message).toContain(`'${field}'`);
    c.close();
  });

  it('refuses authenticated calls before HELLO but answers NOOP', async () => {
    const peer = await RawPeer.open(k.socketPath);
    expect((await peer.call(Opcode.NOOP, { before: 'hello' }, 1)).body).toEqual({ before: 'hello' });
    for (const op of [Opcode.STATUS, Opcode.LIST, Opcode.STORE, Opcode.SPAWN, Opcode.SHUTDOWN]) {
      const error = await peer.call(op, {}, 2);
      expect(error.body.code).toBe('KERNEL_UNAUTHENTICATED');
    }
    const hello = await peer.call(Opcode.HELLO, { token: k.token }, 3);
    expect(hello.body).toMatchObject({ role: 'operator', protocol: 1 });
    expect((await peer.call(Opcode.STATUS, {}, 4)).kind).toBe(FrameKind.RESPONSE);
    peer.destroy();
  });

  it('refuses a bad token and leaves the connection anonymous', async () => {
    const peer = await RawPeer.open(k.socketPath);
    const wrong = await peer.call(Opcode.HELLO, { token: 'f'.repeat(64) }, 1);
    expect(wrong.body.code).toBe('KERNEL_UNAUTHENTICATED');
    const empty = await peer.call(Opcode.HELLO, {}, 2);
    expect(empty.body.code).toBe('KERNEL_UNAUTHENTICATED');
    expect((await peer.call(Opcode.STATUS, {}, 3)).body.code).toBe('KERNEL_UNAUTHENTICATED');
    expect((await peer.call(Opcode.NOOP, { x: 1 }, 4)).body).toEqual({ x: 1 });
    peer.destroy();
  });

  it('refuses request frames of another kind without hanging up', async () => {
    const peer = await RawPeer.open(k.socketPath);
    peer.write(encodeFrame({ kind: FrameKind.RESPONSE, opcode: Opcode.NOOP, codec: Codec.JSON, requestId: 8 }, encodePayload(Codec.JSON, {})));
    expect((await peer.next()).body.code).toBe('KERNEL_BAD_REQUEST');
    expect((await peer.call(Opcode.NOOP, { y: 2 }, 9)).body).toEqual({ y: 2 });
    peer.destroy();
  });
});

describe('clients that misbehave at the socket level', () => {
  it('releases a blocked WAIT, LOGS and POLL_EVENTS when the client vanishes mid-request', async () => {
    const c = await k.client();
    const sleeper = await c.spawn({ script: fixture('agents', 'sleeper-quiet.js') });
    const before = (await c.status()).connections;
    const peer = await RawPeer.open(k.socketPath);
    await peer.call(Opcode.HELLO, { token: k.token }, 1);
    await peer.call(Opcode.SUBSCRIBE, { types: ['CUSTOM'] }, 2);
    peer.send(Opcode.WAIT, { agent: sleeper.id, timeout_ms: 60_000 }, 3);
    peer.send(Opcode.LOGS, { agent: sleeper.id, since_seq: 1, wait_ms: 60_000 }, 4);
    peer.send(Opcode.POLL_EVENTS, { timeout_ms: 60_000 }, 5);
    const agent = k.kernel.agents.get(sleeper.id);
    await eventually(() => agent.exited.size === 1);
    peer.destroy();
    await eventually(async () => agent.exited.size === 0 && (await c.status()).connections === before);
    expect(await c.noop({ ok: true })).toEqual({ ok: true });
    await c.kill(sleeper.id);
  });

  it('does not hand a message to a RECV whose client has gone', async () => {
    const c = await k.client();
    const sleeper = await c.spawn({ script: fixture('agents', 'sleeper-quiet.js') });
    const token = k.kernel.agents.get(sleeper.id).token;
    const gone = await RawPeer.open(k.socketPath);
    expect((await gone.call(Opcode.HELLO, { token }, 1)).body).toMatchObject({ role: 'agent', agent_id: sleeper.id });
    gone.send(Opcode.RECV, { timeout_ms: 60_000 }, 2);
    await new Promise((r) => setTimeout(r, 50));
    gone.destroy();
    await gone.waitClosed();
    await new Promise((r) => setTimeout(r, 50));
    await c.send(sleeper.id, 'for whoever listens next');
    const again = await k.client({ token });
    expect((await again.recv(1000))?.payload).toBe('for whoever listens next');
    await c.kill(sleeper.id);
  });

  it('closes a client that never reads once its unread responses pass maxPendingWriteBytes, and serves the others', async () => {
    const other = await k.client();
    const before = (await other.status()).connections;
    const peer = await RawPeer.open(k.socketPath);
    peer.socket.pause();
    // Under the 64 KiB a connection may send before HELLO.
    const big = encodePayload(Codec.MSGPACK, { pad: 'z'.repeat(60 * 1024) });
    const writer = (async () => {
      for (let i = 1; i <= 2000 && !peer.closed && peer.socket.writable; i++) {
        const ok = peer.socket.write(encodeFrame({ kind: FrameKind.REQUEST, opcode: Opcode.NOOP, codec: Codec.MSGPACK, requestId: i }, big));
        if (!ok) await new Promise((r) => setTimeout(r, 1));
        // Meanwhile, a well-behaved client is answered promptly.
        if (i % 200 === 0) expect(await other.noop({ i })).toEqual({ i });
      }
    })();
    await writer;
    await eventually(() => logLines.some((l) => l.includes('unread by the client')));
    await eventually(async () => (await other.status()).connections === before);
    peer.destroy();
    expect(await other.noop({ fine: true })).toEqual({ fine: true });
  });
});
