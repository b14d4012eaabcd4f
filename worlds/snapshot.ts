import { crc32 } from 'node:zlib';
import { Packr } from 'msgpackr';
import { WorldSnapshotError } from './errors.js';
import type { SchedulerState, TimelineEntry } from './events.js';
import type { CapturedFile, CapturedLayer } from './fs/layer.js';
import { worldPath } from './fs/path.js';
import { checkMsgpackShape } from '../sdk/protocol/payload-shape.js';
import type { FsCapture } from './fs/world-fs.js';
import type { WorldLlmState } from './llm/world-llm.js';
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
  /** Chained digest of every timeline entry fired, dropped ones included (absent in older snapshots). */
  timelineDigest?: string;
  fs: FsCapture;
  /** The world's LLM (absent in snapshots taken before worlds had one). */
  llm?: WorldLlmState;
}

/** `CLOVEWLD`: the first 8 bytes of every world snapshot. */
export const SNAPSHOT_MAGIC = Buffer.from('CLOVEWLD', 'latin1');
/** Format version written in the header; readers reject versions they do not know. */
export const SNAPSHOT_FORMAT_VERSION = 1;
/** magic (8) + version u16 + flags u16 + meta length u32 + blob length u32 + CRC-32 u32, big-endian. */
export const SNAPSHOT_HEADER_BYTES = 24;

const packr = new Packr({ useRecords: false, moreTypes: false });

/** A file in the meta section: content lives in the blob at `[offset, offset + length)`. */
type FileRef = [path: string, mode: number, offset: number, length: number];

interface EncodedLayer {
  name: string;
  dirs: string[];
  files: FileRef[];
}

/**
 * Encodes a world state into one buffer:
 *
 * ```
 * header (24 B): "CLOVEWLD" | version u16 | flags u16 | meta length u32 | blob length u32 | CRC-32 of meta+blob u32
 * meta:  msgpack of the state, file contents replaced by [offset, length] into the blob
 * blob:  every file's bytes, back to back
 * ```
 * Keeping contents out of msgpack makes encoding one copy and decoding zero copies.
 */
export function encodeSnapshot(state: WorldState): Buffer {
  const blobs: Buffer[] = [];
  let offset = 0;
  const encodeLayer = (layer: CapturedLayer): EncodedLayer => ({
    name: layer.name,
    dirs: layer.dirs,
    files: layer.files.map(([path, mode, content]): FileRef => {
      const ref: FileRef = [path, mode, offset, content.length];
      blobs.push(content);
      offset += content.length;
      return ref;
    }),
  });
  const fs = { lowers: state.fs.lowers.map(encodeLayer), changes: encodeLayer(state.fs.changes), whiteouts: state.fs.whiteouts };
  const meta = packr.pack({ ...state, fs });
  const header = Buffer.alloc(SNAPSHOT_HEADER_BYTES);
  SNAPSHOT_MAGIC.copy(header, 0);
  header.writeUInt16BE(SNAPSHOT_FORMAT_VERSION, 8);
  header.writeUInt16BE(0, 10);
  header.writeUInt32BE(meta.length, 12);
  header.writeUInt32BE(offset, 16);
  const out = Buffer.concat([header, meta, ...blobs]);
  out.writeUInt32BE(crc32(out.subarray(SNAPSHOT_HEADER_BYTES)) >>> 0, 20);
  return out;
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new WorldSnapshotError(`the body is not a world state (${what})`);
}

/** A path as a world writes it: absolute, normalised, no `..`, NUL or backslash. */
function checkPath(path: unknown, what: string): string {
  let normal: string | undefined;
  try {
    normal = typeof path === 'string' ? worldPath(path) : undefined;
  } catch {
    normal = undefined;
  }
  if (normal === undefined || normal !== path) {
    throw new WorldSnapshotError(`${what} ${JSON.stringify(String(path).slice(0, 200))} is not a normalised world path (absolute, without "..", NUL or backslash)`);
  }
  return normal;
}

/** What a decode found in the file references, checked against the limits before anything is built. */
interface Tally {
  referenced: number;
  changedBytes: number;
  changedEntries: number;
}

function decodeLayer(layer: EncodedLayer, blob: Buffer, limits: SnapshotLimits, tally: Tally, changes: boolean): CapturedLayer {
  expect(layer !== null && typeof layer === 'object' && Array.isArray(layer.files) && Array.isArray(layer.dirs), 'fs layer');
  for (const dir of layer.dirs) checkPath(dir, 'directory');
  if (changes) tally.changedEntries += layer.dirs.length + layer.files.length;
  if (changes && tally.changedEntries > limits.files) {
    throw new WorldSnapshotError(`it holds ${tally.changedEntries} or more written files and directories, over the limit of ${limits.files} (world_files)`);
  }
  const files = layer.files.map((ref): CapturedFile => {
    expect(Array.isArray(ref) && ref.length === 4, 'file reference');
    const [path, mode, offset, length] = ref;
    expect(Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= blob.length, 'file reference');
    expect(Number.isInteger(mode) && mode >= 0 && mode <= 0o7777, 'file mode');
    checkPath(path, 'file');
    // Every byte of the blob belongs to one file: references that overlap or repeat would let a
    // small snapshot stand for a huge world.
    tally.referenced += length;
    if (tally.referenced > blob.length) throw new WorldSnapshotError('its files reference more bytes than the snapshot holds (overlapping references)');
    if (length > limits.largestFile) throw new WorldSnapshotError(`file ${path} is ${length} bytes, over the largest file limit of ${limits.largestFile} (world_file_bytes)`);
    if (changes) {
      tally.changedBytes += length;
      if (tally.changedBytes > limits.bytes) throw new WorldSnapshotError(`its written files hold more than ${limits.bytes} bytes (world_bytes)`);
    }
    return [path, mode, blob.subarray(offset, offset + length)];
  });
  return { name: String(layer.name), dirs: layer.dirs, files };
}

/** Bounds a snapshot must respect to be restored (a kernel passes its quotas); default unlimited. */
export interface SnapshotLimits {
  files: number;
  bytes: number;
  largestFile: number;
  timelineEntries: number;
}

const UNLIMITED: SnapshotLimits = { files: Infinity, bytes: Infinity, largestFile: Infinity, timelineEntries: Infinity };
/** Nesting and values of the msgpack meta section (a world definition nests little). */
const META_SHAPE = { maxDepth: 128, maxValues: 20_000_000 };

/**
 * Checks a snapshot's 24-byte header against limits before the rest is read: lets a caller refuse
 * an oversized file without loading it. Returns the total size the header announces.
 */
export function checkSnapshotHeader(header: Uint8Array, limits: Partial<SnapshotLimits> = {}, maxMetaBytes = 256 * 1024 * 1024): number {
  const buf = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  if (buf.length < SNAPSHOT_HEADER_BYTES) throw new WorldSnapshotError(`it is ${buf.length} bytes long, shorter than the ${SNAPSHOT_HEADER_BYTES}-byte header`);
  if (!buf.subarray(0, 8).equals(SNAPSHOT_MAGIC)) throw new WorldSnapshotError('it does not start with the CLOVEWLD magic (not a Clove world snapshot)');
  const metaLength = buf.readUInt32BE(12);
  const blobLength = buf.readUInt32BE(16);
  if (metaLength > maxMetaBytes) throw new WorldSnapshotError(`its metadata section is ${metaLength} bytes, over the ${maxMetaBytes}-byte limit`);
  // The blob holds the lower layers too; they come from the world file, so allow as much again.
  const bytes = limits.bytes ?? Infinity;
  if (blobLength > 2 * bytes) throw new WorldSnapshotError(`its file contents are ${blobLength} bytes, more than the world limits allow (world_bytes ${bytes})`);
  return SNAPSHOT_HEADER_BYTES + metaLength + blobLength;
}

/**
 * Checks and decodes a snapshot. Throws `WorldSnapshotError` (WORLD_SNAPSHOT_INVALID) for a
 * foreign file, an unknown version, a truncated or corrupt body. File contents are views into
 * `bytes` (restore copies nothing): do not modify `bytes` while a world restored from it lives.
 */
export function decodeSnapshot(bytes: Uint8Array, given: Partial<SnapshotLimits> = {}): WorldState {
  const limits = { ...UNLIMITED, ...given };
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < SNAPSHOT_HEADER_BYTES) throw new WorldSnapshotError(`it is ${buf.length} bytes long, shorter than the ${SNAPSHOT_HEADER_BYTES}-byte header`);
  if (!buf.subarray(0, 8).equals(SNAPSHOT_MAGIC)) throw new WorldSnapshotError('it does not start with the CLOVEWLD magic (not a Clove world snapshot)');
  const version = buf.readUInt16BE(8);
  if (version !== SNAPSHOT_FORMAT_VERSION) throw new WorldSnapshotError(`format version ${version} is not supported (this build reads version ${SNAPSHOT_FORMAT_VERSION})`);
  const metaLength = buf.readUInt32BE(12);
  const blobLength = buf.readUInt32BE(16);
  const body = buf.subarray(SNAPSHOT_HEADER_BYTES);
  if (body.length !== metaLength + blobLength) {
    throw new WorldSnapshotError(`the body is ${body.length} bytes but the header says ${metaLength + blobLength} (truncated or padded)`);
  }
  if ((crc32(body) >>> 0) !== buf.readUInt32BE(20)) throw new WorldSnapshotError('the checksum does not match (the file is corrupt)');
  let raw: Omit<WorldState, 'fs'> & { fs: { lowers: EncodedLayer[]; changes: EncodedLayer; whiteouts: string[] } };
  try {
    checkMsgpackShape(body.subarray(0, metaLength), META_SHAPE);
    raw = packr.unpack(body.subarray(0, metaLength)) as typeof raw;
  } catch (error) {
    throw new WorldSnapshotError('the body cannot be decoded', { cause: error });
  }
  expect(raw !== null && typeof raw === 'object', 'not an object');
  expect(typeof raw.name === 'string' && typeof raw.seed === 'string', 'name/seed');
  expect(raw.definition !== null && typeof raw.definition === 'object', 'definition');
  expect(typeof raw.clock?.now === 'number' && typeof raw.clock.start === 'number', 'clock');
  expect(Array.isArray(raw.kv) && Array.isArray(raw.timeline), 'kv/timeline');
  expect(Array.isArray(raw.events?.pending) && Array.isArray(raw.network?.log), 'events/network');
  expect(Array.isArray(raw.fs?.lowers) && Array.isArray(raw.fs.whiteouts), 'fs');
  // No copy: fresh large allocations cost more than the rest of a restore (page faults). Contents are views into `bytes`.
  const blob = body.subarray(metaLength);
  if (raw.timeline.length > limits.timelineEntries) {
    throw new WorldSnapshotError(`its timeline has ${raw.timeline.length} entries, over the limit of ${limits.timelineEntries} (timeline_entries)`);
  }
  for (const path of raw.fs.whiteouts) checkPath(path, 'deleted path');
  const tally: Tally = { referenced: 0, changedBytes: 0, changedEntries: 0 };
  const lowers = raw.fs.lowers.map((l) => decodeLayer(l, blob, limits, tally, false));
  const changes = decodeLayer(raw.fs.changes, blob, limits, tally, true);
  return { ...raw, fs: { lowers, changes, whiteouts: raw.fs.whiteouts } };
}
