import { createConnection, type Socket } from 'node:net';
import { Codec, decodePayload, encodePayload, type CodecId } from '../../sdk/protocol/codec.js';
import { encodeFrame, FrameDecoder, FrameKind, type Frame } from '../../sdk/protocol/frame.js';

export type Answer = Frame & { body: any };

/** A client that writes raw frames (what no SDK would send) and collects the answers by request id. */
export class RawPeer {
  readonly frames: Frame[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder(64 * 1024 * 1024);
  private wake: (() => void) | null = null;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(...this.decoder.push(chunk));
      this.wake?.();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static open(socketPath: string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(socketPath);
      socket.once('connect', () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes bytes as they are (partial, malformed or oversized frames). */
  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Sends a request whose payload bytes are given as they are. */
  sendRaw(opcode: number, payload: Uint8Array, requestId: number, codec: CodecId = Codec.MSGPACK): void {
    this.socket.write(encodeFrame({ kind: FrameKind.REQUEST, opcode, codec, requestId }, payload));
  }

  send(opcode: number, payload: unknown, requestId: number, codec: CodecId = Codec.MSGPACK): void {
    this.sendRaw(opcode, encodePayload(codec, payload), requestId, codec);
  }

  /** The answer to `requestId` (or a connection-level error, request id 0). */
  async answer(requestId: number, timeoutMs = 10_000): Promise<Answer> {
    await this.until(() => this.frames.some((f) => f.requestId === requestId || f.requestId === 0) || this.closed, timeoutMs);
    const i = this.frames.findIndex((f) => f.requestId === requestId || f.requestId === 0);
    if (i < 0) throw new Error(`the kernel closed the connection without answering request ${requestId}`);
    const [frame] = this.frames.splice(i, 1);
    return { ...frame!, body: frame!.payload.length ? decodePayload(frame!.codec, frame!.payload) : undefined };
  }

  /** The next frame, whatever it answers, with its payload decoded. */
  async next(timeoutMs = 5000): Promise<Answer> {
    await this.until(() => this.frames.length > 0 || this.closed, timeoutMs);
    const frame = this.frames.shift();
    if (!frame) throw new Error('the kernel closed the connection without answering');
    return { ...frame, body: frame.payload.length ? decodePayload(frame.codec, frame.payload) : undefined };
  }

  async call(opcode: number, payload: unknown, requestId: number, codec: CodecId = Codec.MSGPACK): Promise<Answer> {
    this.send(opcode, payload, requestId, codec);
    return this.answer(requestId);
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    await this.until(() => this.closed, timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private async until(done: () => boolean, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!done()) {
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }
}

/** `depth` arrays nested in each other, as JSON text bytes. */
export function deepJson(depth: number): Buffer {
  return Buffer.from(`{"message":${'['.repeat(depth)}${']'.repeat(depth)}}`);
}

/** `depth` arrays nested in each other, as msgpack bytes (fixarray of one element each). */
export function deepMsgpack(depth: number): Buffer {
  const head = Buffer.from([0x81, 0xa7, ...Buffer.from('message')]);
  return Buffer.concat([head, Buffer.alloc(depth - 1, 0x91), Buffer.from([0x90])]);
}

/** A nested value `depth` levels deep, alternating arrays and maps. */
export function deepValue(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
}
