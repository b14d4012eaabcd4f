import { afterAll, describe, expect, it } from 'vitest';
import { Codec } from '../../sdk/protocol/codec.js';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { FrameKind } from '../../sdk/protocol/frame.js';
import { Opcode } from '../../sdk/protocol/opcodes.js';
import { useTestKernel } from '../helpers/kernel.js';
import { deepJson, deepMsgpack, deepValue, RawPeer } from '../helpers/raw-peer.js';

// Hostile frames: deep and wide payloads in every syscall's fields, oversized frames before HELLO,
// connection floods. After each, the kernel must answer the next caller.

let peers: RawPeer[] = [];

async function operatorPeer(): Promise<RawPeer> {
  const peer = await RawPeer.open(k.socketPath);
  peers.push(peer);
  const hello = await peer.call(Opcode.HELLO, { token: k.token }, 1);
  expect(hello.kind).toBe(FrameKind.RESPONSE);
  return peer;
}

async function expectServing(): Promise<void> {
  const c = await k.client();
  expect(await c.echo('still here')).toBe('still here');
}

const k = useTestKernel({ quotas: { unauthenticatedConnections: 4 } });

afterAll(async () => {
  for (const p of peers) p.destroy();
});

describe('payload shape', () => {
  it('answers 200,000 nested arrays (JSON and msgpack) with KERNEL_PAYLOAD_TOO_COMPLEX and keeps serving', async () => {
    const peer = await operatorPeer();
    peer.sendRaw(Opcode.NOOP, deepJson(200_000), 2, Codec.JSON);
    const json = await peer.answer(2);
    expect(json.kind).toBe(FrameKind.ERROR);
    expect(json.body).toMatchObject({ code: ErrorCode.PAYLOAD_TOO_COMPLEX, details: { limit: 'depth', max: 64 } });
    peer.sendRaw(Opcode.NOOP, deepMsgpack(200_000), 3, Codec.MSGPACK);
    const msgpack = await peer.answer(3);
    expect(msgpack.body).toMatchObject({ code: ErrorCode.PAYLOAD_TOO_COMPLEX, details: { limit: 'depth' } });
    // Exactly at the limit is fine: the payload map is level 1.
    const ok = await peer.call(Opcode.NOOP, { message: deepValue(63) }, 4);
    expect(ok.kind).toBe(FrameKind.RESPONSE);
    await expectServing();
  });

  it('refuses a deep payload before HELLO too (NOOP needs no login)', async () => {
    const peer = await RawPeer.open(k.socketPath);
    peers.push(peer);
    peer.sendRaw(Opcode.NOOP, deepJson(30_000), 7, Codec.JSON);
    expect((await peer.answer(7)).body.code).toBe(ErrorCode.PAYLOAD_TOO_COMPLEX);
    peer.destroy();
    await expectServing();
  });

  it('refuses a payload with more values than the limit before decoding it', async () => {
    const peer = await operatorPeer();
    // msgpack array32 claiming 5,000,000 nils, and the nils themselves: 5 MB on the wire.
    const header = Buffer.from([0x81, 0xa1, 0x76, 0xdd, 0x00, 0x4c, 0x4b, 0x40]);
    peer.sendRaw(Opcode.NOOP, Buffer.concat([header, Buffer.alloc(5_000_000, 0xc0)]), 5);
    expect((await peer.answer(5)).body).toMatchObject({ code: ErrorCode.PAYLOAD_TOO_COMPLEX, details: { limit: 'values' } });
    const wideJson = Buffer.from(`{"v":[${'0,'.repeat(1_100_000)}0]}`);
    peer.sendRaw(Opcode.NOOP, wideJson, 6, Codec.JSON);
    expect((await peer.answer(6)).body).toMatchObject({ code: ErrorCode.PAYLOAD_TOO_COMPLEX, details: { limit: 'values' } });
    await expectServing();
  });

  it('takes 64-bit integers in msgpack (no BigInt reaches the audit log or JSON answers)', async () => {
    const peer = await operatorPeer();
    // {n: uint64 2^63}
    const payload = Buffer.from([0x81, 0xa1, 0x6e, 0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0]);
    peer.sendRaw(Opcode.NOOP, payload, 8);
    const answer = await peer.answer(8);
    expect(answer.kind).toBe(FrameKind.RESPONSE);
    expect(typeof answer.body.n).toBe('number');
    peer.sendRaw(Opcode.STORE, Buffer.from([0x82, 0xa3, 0x6b, 0x65, 0x79, 0xa1, 0x62, 0xa5, 0x76, 0x61, 0x6c, 0x75, 0x65, 0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0]), 9);
    expect((await peer.answer(9)).kind).toBe(FrameKind.RESPONSE);
    const c = await k.client({ codec: 'json' });
    expect(typeof (await c.fetch('b')).value).toBe('number');
    await expectServing();
  });

  it('sends deep and wide values in every field of every opcode and answers each, never with KERNEL_INTERNAL', async () => {
    const peer = await operatorPeer();
    const fields = [
      'message', 'token', 'path', 'content', 'encoding', 'mode', 'offset', 'length', 'recursive', 'command', 'args', 'env', 'cwd',
      'timeout_ms', 'script', 'name', 'sandboxed', 'network', 'limits', 'quotas', 'restart', 'permissions', 'world', 'grants',
      'agent', 'signal', 'grace_ms', 'all', 'since_seq', 'wait_ms', 'max', 'to', 'payload', 'include_self', 'key', 'value',
      'scope', 'ttl_ms', 'prefix', 'types', 'push', 'type', 'data', 'event', 'url', 'method', 'headers', 'body', 'body_encoding',
      'max_bytes', 'ms', 'prompt', 'messages', 'max_tokens', 'source', 'file', 'base_dir', 'seed', 'params', 'in', 'label',
      'timeline', 'requests', 'diff', 'kv', 'pending', 'limit', 'in_place', 'data_base64',
    ];
    const shapes = [deepValue(60), Array.from({ length: 300 }, (_, i) => ({ [`k${i}`]: [i, `v${i}`] })), { ['x'.repeat(1000)]: 'y'.repeat(10_000) }];
    const opcodes = Object.entries(Opcode).filter(([name]) => name !== 'SHUTDOWN' && name !== 'HELLO');
    let id = 100;
    const sent: Array<{ id: number; op: string; field: string }> = [];
    // Each (opcode, field) pair gets one of the shapes, in turn, so every shape reaches every opcode and every field.
    for (const [o, [op, code]] of opcodes.entries()) {
      for (const [f, field] of fields.entries()) {
        const s = (o + f) % shapes.length;
        const codec = s % 2 === 0 ? Codec.MSGPACK : Codec.JSON;
        // Short timeouts for calls that would block with a valid value in another field.
        peer.send(code, { [field]: shapes[s], timeout_ms: 1, wait_ms: 0, ms: 1 }, ++id, codec);
        sent.push({ id, op, field });
      }
    }
    const internal: string[] = [];
    for (const { id: rid, op, field } of sent) {
      const answer = await peer.answer(rid, 30_000);
      if (answer.kind === FrameKind.ERROR && answer.body.code === ErrorCode.INTERNAL) internal.push(`${op}.${field}: ${answer.body.message}`);
    }
    expect(internal).toEqual([]);
    await expectServing();
  }, 120_000);

  it('answers a call whose observer throws, and keeps serving', async () => {
    let calls = 0;
    k.kernel.observe(() => {
      calls++;
      throw new RangeError('Maximum call stack size exceeded');
    });
    const c = await k.client();
    expect(await c.echo('observed')).toBe('observed');
    expect(calls).toBeGreaterThan(0);
  });
});

describe('before HELLO', () => {
  it('takes frames of at most 64 KiB, then the full maximum once identified', async () => {
    const anon = await RawPeer.open(k.socketPath);
    peers.push(anon);
    anon.send(Opcode.NOOP, { pad: 'x'.repeat(100 * 1024) }, 11);
    const refused = await anon.answer(11);
    expect(refused.body.code).toBe(ErrorCode.FRAME_TOO_LARGE);
    expect(refused.body.message).toMatch(/before HELLO a connection may send frames of at most 65536 bytes/);
    await anon.waitClosed();
    const peer = await operatorPeer();
    const big = await peer.call(Opcode.NOOP, { pad: 'x'.repeat(1024 * 1024) }, 12);
    expect(big.kind).toBe(FrameKind.RESPONSE);
  });

  it('refuses connections past the unauthenticated_connections quota, and counts one that says HELLO out', async () => {
    const open: RawPeer[] = [];
    for (let i = 0; i < 4; i++) open.push(await RawPeer.open(k.socketPath));
    peers.push(...open);
    const extra = await RawPeer.open(k.socketPath);
    peers.push(extra);
    const refusal = await extra.answer(0);
    expect(refusal.body).toMatchObject({ code: ErrorCode.QUOTA_EXCEEDED, details: { quota: 'unauthenticated_connections', limit: 4 } });
    await extra.waitClosed();
    // Identified connections do not count: one says HELLO, and another may connect.
    expect((await open[0]!.call(Opcode.HELLO, { token: k.token }, 1)).kind).toBe(FrameKind.RESPONSE);
    const next = await RawPeer.open(k.socketPath);
    peers.push(next);
    expect((await next.call(Opcode.NOOP, { hi: 1 }, 2)).body).toEqual({ hi: 1 });
    for (const p of [...open, next]) p.destroy();
    await expectServing();
  });
});
