import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { encodeFrame, FrameDecoder, FrameError, FrameKind, HEADER_SIZE, type Frame } from '../../sdk/protocol/frame.js';

const frame = (requestId: number, payload: string | Uint8Array, opcode = 0x10): Buffer =>
  encodeFrame({ kind: FrameKind.REQUEST, opcode, codec: 0, requestId }, typeof payload === 'string' ? Buffer.from(payload) : payload);

const text = (f: Frame) => Buffer.from(f.payload).toString();

/** Feeds `bytes` cut at the given offsets and collects every frame. */
function feed(decoder: FrameDecoder, bytes: Buffer, cuts: number[]): Frame[] {
  const out: Frame[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...decoder.push(bytes.subarray(at, cut)));
    at = cut;
  }
  return out;
}

describe('FrameDecoder', () => {
  it('reads a whole frame and its header fields', () => {
    const [f, ...rest] = new FrameDecoder().push(frame(7, '{"a":1}', 0x12));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ version: 1, kind: FrameKind.REQUEST, opcode: 0x12, codec: 0, flags: 0, requestId: 7, length: 7 });
    expect(text(f!)).toBe('{"a":1}');
  });

  it('reads a frame fed one byte at a time, only once its last byte arrives', () => {
    const bytes = frame(1, 'hello world');
    const decoder = new FrameDecoder();
    for (let i = 0; i < bytes.length - 1; i++) {
      expect(decoder.push(bytes.subarray(i, i + 1))).toEqual([]);
      expect(decoder.pending).toBe(i + 1);
    }
    const frames = decoder.push(bytes.subarray(bytes.length - 1));
    expect(frames.map(text)).toEqual(['hello world']);
    expect(decoder.pending).toBe(0);
  });

  it('joins a header split across chunks and a payload split across chunks', () => {
    const bytes = Buffer.concat([frame(1, 'first'), frame(2, 'second-payload'), frame(3, '')]);
    for (const cuts of [[5], [HEADER_SIZE + 2], [3, 17, 30], [HEADER_SIZE + 5 + 4, HEADER_SIZE + 5 + 20]]) {
      const frames = feed(new FrameDecoder(), bytes, cuts);
      expect(frames.map((f) => [f.requestId, text(f)]), `cuts ${cuts.join(',')}`).toEqual([[1, 'first'], [2, 'second-payload'], [3, '']]);
    }
  });

  it('returns every frame of one chunk in order and keeps the partial next one', () => {
    const next = frame(9, 'late');
    const chunk = Buffer.concat([frame(1, 'a'), frame(2, 'bb'), next.subarray(0, 10)]);
    const decoder = new FrameDecoder();
    expect(decoder.push(chunk).map((f) => f.requestId)).toEqual([1, 2]);
    expect(decoder.pending).toBe(10);
    expect(decoder.push(next.subarray(10)).map(text)).toEqual(['late']);
  });

  it('keeps payloads intact when later chunks arrive', () => {
    const decoder = new FrameDecoder();
    const [a] = decoder.push(frame(1, 'keep'));
    decoder.push(frame(2, 'other'));
    expect(text(a!)).toBe('keep');
  });

  it('accepts a frame of exactly the maximum size and refuses one byte more, before its payload arrives', () => {
    const max = HEADER_SIZE + 8;
    expect(new FrameDecoder(max).push(frame(1, '12345678')).map(text)).toEqual(['12345678']);
    const decoder = new FrameDecoder(max);
    const big = frame(42, '123456789');
    let error: unknown;
    try {
      decoder.push(big.subarray(0, HEADER_SIZE));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FrameError);
    expect(error).toMatchObject({ code: ErrorCode.FRAME_TOO_LARGE, requestId: 42 });
    expect((error as Error).message).toContain(`frame of ${HEADER_SIZE + 9} bytes exceeds the maximum of ${max} bytes`);
  });

  it('checks the maximum in force at each push (the kernel raises it after HELLO)', () => {
    const decoder = new FrameDecoder(HEADER_SIZE + 2);
    const bytes = frame(1, 'abcdef');
    expect(() => decoder.push(bytes)).toThrow(FrameError);
    decoder.reset();
    decoder.maxFrameSize = HEADER_SIZE + 6;
    expect(decoder.push(bytes).map(text)).toEqual(['abcdef']);
  });

  it('refuses a bad magic with request id 0, whatever the header says', () => {
    const bytes = frame(5, 'x');
    bytes.writeUInt16BE(0x4745, 0); // "GE", as in an HTTP GET
    expect(() => new FrameDecoder().push(bytes)).toThrow(expect.objectContaining({ code: ErrorCode.FRAME_MALFORMED, requestId: 0 }));
  });

  it('refuses an unsupported version, an unknown kind and an unknown codec, naming the request', () => {
    const cases: Array<[number, number, string]> = [
      [2, 2, ErrorCode.UNSUPPORTED_VERSION],
      [3, 0, ErrorCode.FRAME_MALFORMED],
      [3, 5, ErrorCode.FRAME_MALFORMED],
      [5, 2, ErrorCode.FRAME_MALFORMED],
    ];
    for (const [offset, value, code] of cases) {
      const bytes = frame(77, 'x');
      bytes.writeUInt8(value, offset);
      let error: unknown;
      try {
        new FrameDecoder().push(bytes);
      } catch (e) {
        error = e;
      }
      expect(error, `byte ${offset} = ${value}`).toMatchObject({ code, requestId: 77 });
    }
  });

  it('waits for a whole header before checking it', () => {
    const bytes = frame(1, 'x');
    bytes.writeUInt16BE(0, 0);
    expect(new FrameDecoder().push(bytes.subarray(0, HEADER_SIZE - 1))).toEqual([]);
  });

  it('drops what it buffered on reset', () => {
    const decoder = new FrameDecoder();
    decoder.push(frame(1, 'partial').subarray(0, 20));
    decoder.reset();
    expect(decoder.pending).toBe(0);
    expect(decoder.push(frame(2, 'whole')).map((f) => f.requestId)).toEqual([2]);
  });
});
