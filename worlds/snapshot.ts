import { crc32 } from 'node:zlib';
import { Packr } from 'msgpackr';
import { WorldSnapshotError } from './errors.js';
import type { SchedulerState, TimelineEntry } from './events.js';
import type { FsCapture } from './fs/world-fs.js';
import type { NetworkState } from './network/network.js';
import type { RandomState } from './rng.js';
import type { ClockMode, WorldDefinition } from './schema.js';

/** Everything a world is, as plain data: the body of a snapshot and the input of a fork. */
export interface WorldState {
  name: string;
  seed: string;
  definition: WorldDefinition;
  clock: { start: number; mode: ClockMode; factor: number; now: number };
  random: RandomState;
  eventsRandom: RandomState;
  kv: Array<[string, unknown]>;
  network: NetworkState;
  events: SchedulerState;
  timeline: TimelineEntry[];
  fs: FsCapture;
}

/** `CLOVEWLD`: the first 8 bytes of every world snapshot. */
export const SNAPSHOT_MAGIC = Buffer.from('CLOVEWLD', 'latin1');
/** Format version written in the header; readers reject versions they do not know. */
export const SNAPSHOT_FORMAT_VERSION = 1;
/** magic (8) + version u16 + flags u16 + body length u32 + crc32 of body u32, all big-endian. */
export const SNAPSHOT_HEADER_BYTES = 20;

const packr = new Packr({ useRecords: false, moreTypes: false });

/**
 * Encodes a world state: a 20-byte header (magic, format version, flags, body length, CRC-32 of
 * the body) followed by the msgpack body. File contents travel as raw binary.
 */
export function encodeSnapshot(state: WorldState): Buffer {
  const body = packr.pack(state);
  const header = Buffer.alloc(SNAPSHOT_HEADER_BYTES);
  SNAPSHOT_MAGIC.copy(header, 0);
  header.writeUInt16BE(SNAPSHOT_FORMAT_VERSION, 8);
  header.writeUInt16BE(0, 10);
  header.writeUInt32BE(body.length, 12);
  header.writeUInt32BE(crc32(body) >>> 0, 16);
  return Buffer.concat([header, body]);
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new WorldSnapshotError(`the body is not a world state (${what})`);
}

/**
 * Checks and decodes a snapshot. Throws `WorldSnapshotError` (WORLD_SNAPSHOT_INVALID) for a
 * foreign file, an unknown version, a truncated or corrupt body. The returned state shares memory
 * with `bytes` for file contents: do not modify `bytes` afterwards.
 */
export function decodeSnapshot(bytes: Uint8Array): WorldState {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < SNAPSHOT_HEADER_BYTES) throw new WorldSnapshotError(`it is ${buf.length} bytes long, shorter than the ${SNAPSHOT_HEADER_BYTES}-byte header`);
  if (!buf.subarray(0, 8).equals(SNAPSHOT_MAGIC)) throw new WorldSnapshotError('it does not start with the CLOVEWLD magic (not a Clove world snapshot)');
  const version = buf.readUInt16BE(8);
  if (version !== SNAPSHOT_FORMAT_VERSION) throw new WorldSnapshotError(`format version ${version} is not supported (this build reads version ${SNAPSHOT_FORMAT_VERSION})`);
  const length = buf.readUInt32BE(12);
  const body = buf.subarray(SNAPSHOT_HEADER_BYTES);
  if (body.length !== length) throw new WorldSnapshotError(`the body is ${body.length} bytes but the header says ${length} (truncated or padded)`);
  if ((crc32(body) >>> 0) !== buf.readUInt32BE(16)) throw new WorldSnapshotError('the checksum does not match (the file is corrupt)');
  let state: WorldState;
  try {
    state = packr.unpack(body) as WorldState;
  } catch (error) {
    throw new WorldSnapshotError('the body cannot be decoded', { cause: error });
  }
  expect(state !== null && typeof state === 'object', 'not an object');
  expect(typeof state.name === 'string' && typeof state.seed === 'string', 'name/seed');
  expect(state.definition !== null && typeof state.definition === 'object', 'definition');
  expect(typeof state.clock?.now === 'number' && typeof state.clock.start === 'number', 'clock');
  expect(Array.isArray(state.kv) && Array.isArray(state.timeline), 'kv/timeline');
  expect(Array.isArray(state.events?.pending) && Array.isArray(state.network?.log), 'events/network');
  expect(Array.isArray(state.fs?.lowers) && Array.isArray(state.fs.changes?.files) && Array.isArray(state.fs.whiteouts), 'fs');
  return state;
}
