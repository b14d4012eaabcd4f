import { CloveError } from '../errors.js';
import { ErrorCode, type ErrorCodeValue } from './error-codes.js';
import { isCodec, type CodecId } from './codec.js';

/**
 * Frame layout (all integers big-endian), 16-byte header then the payload:
 *
 *   0  u16 magic 0x434C ("CL")   6  u16 flags (0)
 *   2  u8  version (1)           8  u32 request id
 *   3  u8  kind                 12  u32 payload length
 *   4  u8  opcode
 *   5  u8  codec (0 JSON, 1 msgpack)
 */
export const HEADER_SIZE = 16;
export const MAGIC = 0x434c;
export const PROTOCOL_VERSION = 1;
export const DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;

export const FrameKind = { REQUEST: 1, RESPONSE: 2, ERROR: 3, EVENT: 4 } as const;
export type FrameKindId = (typeof FrameKind)[keyof typeof FrameKind];

export interface FrameHeader {
  version: number;
  kind: FrameKindId;
  opcode: number;
  codec: CodecId;
  flags: number;
  requestId: number;
  length: number;
}

export interface Frame extends FrameHeader {
  payload: Uint8Array;
}

/** A framing violation: the peer cannot be trusted to be in sync any more. `requestId` is 0 when the header could not be read. */
export class FrameError extends CloveError {
  declare readonly code: ErrorCodeValue;

  constructor(
    code: ErrorCodeValue,
    message: string,
    readonly requestId = 0,
  ) {
    super(code, message);
  }
}

export function encodeFrame(header: Omit<FrameHeader, 'length' | 'version' | 'flags'>, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_SIZE + payload.length);
  out.writeUInt16BE(MAGIC, 0);
  out.writeUInt8(PROTOCOL_VERSION, 2);
  out.writeUInt8(header.kind, 3);
  out.writeUInt8(header.opcode, 4);
  out.writeUInt8(header.codec, 5);
  out.writeUInt16BE(0, 6);
  out.writeUInt32BE(header.requestId >>> 0, 8);
  out.writeUInt32BE(payload.length, 12);
  out.set(payload, HEADER_SIZE);
  return out;
}

function isKind(value: number): value is FrameKindId {
  return value >= FrameKind.REQUEST && value <= FrameKind.EVENT;
}

/**
 * Incremental frame parser for a byte stream. Feed chunks with `push`; complete frames come out
 * in order. Header violations throw a {@link FrameError} as soon as the header is complete, before
 * any of an oversized payload is buffered.
 *
 * Frames are read at an offset into the first buffered chunk: a payload is the only view created
 * per frame (`subarray` costs more than parsing a header), and chunks are only concatenated when a
 * header or a payload spans two of them.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  /** Read position in `chunks[0]`. */
  private offset = 0;
  private buffered = 0;

  /** May be changed between pushes (the kernel raises it once a connection is identified). */
  constructor(public maxFrameSize = DEFAULT_MAX_FRAME_SIZE) {}

  push(chunk: Buffer): Frame[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Frame[] = [];
    while (this.buffered >= HEADER_SIZE) {
      if (this.chunks[0]!.length - this.offset < HEADER_SIZE) this.merge();
      const header = parseHeader(this.chunks[0]!, this.maxFrameSize, this.offset);
      const total = HEADER_SIZE + header.length;
      if (this.buffered < total) break;
      if (this.chunks[0]!.length - this.offset < total) this.merge();
      const first = this.chunks[0]!;
      const start = this.offset + HEADER_SIZE;
      frames.push({
        version: header.version,
        kind: header.kind,
        opcode: header.opcode,
        codec: header.codec,
        flags: header.flags,
        requestId: header.requestId,
        length: header.length,
        payload: first.subarray(start, start + header.length),
      });
      this.offset += total;
      this.buffered -= total;
      if (this.offset === first.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    return frames;
  }

  /** Drops everything buffered (the stream is abandoned). */
  reset(): void {
    this.chunks = [];
    this.offset = 0;
    this.buffered = 0;
  }

  /** Bytes received that do not yet form a complete frame. */
  get pending(): number {
    return this.buffered;
  }

  /** Joins the unread bytes into one chunk. */
  private merge(): void {
    this.chunks[0] = this.chunks[0]!.subarray(this.offset);
    this.chunks = [Buffer.concat(this.chunks)];
    this.offset = 0;
  }
}

/** Parses and checks the 16-byte header at `offset` of `head`. */
export function parseHeader(head: Buffer, maxFrameSize: number, offset = 0): FrameHeader {
  const magic = head.readUInt16BE(offset);
  if (magic !== MAGIC) {
    throw new FrameError(
      ErrorCode.FRAME_MALFORMED,
      `bad frame magic 0x${magic.toString(16).padStart(4, '0')} (expected 0x434c "CL"): the peer is not speaking the Clove protocol`,
    );
  }
  const requestId = head.readUInt32BE(offset + 8);
  const version = head.readUInt8(offset + 2);
  if (version !== PROTOCOL_VERSION) {
    throw new FrameError(
      ErrorCode.UNSUPPORTED_VERSION,
      `protocol version ${version} is not supported (this kernel speaks version ${PROTOCOL_VERSION})`,
      requestId,
    );
  }
  const kind = head.readUInt8(offset + 3);
  if (!isKind(kind)) throw new FrameError(ErrorCode.FRAME_MALFORMED, `unknown frame kind ${kind} (1 request, 2 response, 3 error, 4 event)`, requestId);
  const codec = head.readUInt8(offset + 5);
  if (!isCodec(codec)) throw new FrameError(ErrorCode.FRAME_MALFORMED, `unknown payload codec ${codec} (0 JSON, 1 msgpack)`, requestId);
  const length = head.readUInt32BE(offset + 12);
  if (HEADER_SIZE + length > maxFrameSize) {
    throw new FrameError(
      ErrorCode.FRAME_TOO_LARGE,
      `frame of ${HEADER_SIZE + length} bytes exceeds the maximum of ${maxFrameSize} bytes`,
      requestId,
    );
  }
  return { version, kind, opcode: head.readUInt8(offset + 4), codec, flags: head.readUInt16BE(offset + 6), requestId, length };
}
