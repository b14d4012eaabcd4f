import { Packr } from 'msgpackr';

/** Payload encodings a frame can carry. JSON exists so that a stdlib-only client can talk. */
export const Codec = { JSON: 0, MSGPACK: 1 } as const;
export type CodecId = (typeof Codec)[keyof typeof Codec];

// Plain msgpack (no msgpackr records) so that any language's msgpack library can decode it.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true, encodeUndefinedAsNil: true });
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

/** Decodes a payload; an empty payload is `undefined`. Throws on bytes that are not the codec. */
export function decodePayload(codec: CodecId, bytes: Uint8Array): unknown {
  if (bytes.length === 0) return undefined;
  if (codec === Codec.MSGPACK) return packr.unpack(bytes);
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
}
