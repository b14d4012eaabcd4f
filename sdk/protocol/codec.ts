import { Packr } from 'msgpackr';
import { checkJsonShape, checkMsgpackShape, type PayloadLimits } from './payload-shape.js';

/** Payload encodings a frame can carry. JSON exists so that a stdlib-only client can talk. */
export const Codec = { JSON: 0, MSGPACK: 1 } as const;
export type CodecId = (typeof Codec)[keyof typeof Codec];

// Plain msgpack (no msgpackr records) so that any language's msgpack library can decode it.
// 64-bit integers decode as numbers (a BigInt cannot be written as JSON, e.g. in the audit log),
// and binary is copied out of the frame so a small value never keeps a large frame alive.
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  encodeUndefinedAsNil: true,
  int64AsType: 'number',
  copyBuffers: true,
});
const EMPTY = new Uint8Array(0);

export function isCodec(value: number): value is CodecId {
  return value === Codec.JSON || value === Codec.MSGPACK;
}

/** Encodes a payload; `undefined` becomes an empty payload. */
export function encodePayload(codec: CodecId, value: unknown): Uint8Array {
  if (value === undefined) return EMPTY;
  if (codec === Codec.MSGPACK) return packr.pack(value);
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/**
 * Decodes a payload; an empty payload is `undefined`. Throws on bytes that are not the codec, and
 * with `limits` a `PayloadShapeError` (before decoding) for a payload nested or sized past them.
 */
export function decodePayload(codec: CodecId, bytes: Uint8Array, limits?: PayloadLimits): unknown {
  if (bytes.length === 0) return undefined;
  if (codec === Codec.MSGPACK) {
    if (limits) checkMsgpackShape(bytes, limits);
    return packr.unpack(bytes);
  }
  if (limits) checkJsonShape(bytes, limits);
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
}
