import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { checkSnapshotHeader, SNAPSHOT_HEADER_BYTES, type SnapshotLimits } from '../../worlds/snapshot.js';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { bad, optAgentRef, optBool, optInt, optObj, optStr, str, type Args } from '../args.js';
import { KernelError } from '../errors.js';
import { syscalls, type CallContext } from '../syscall.js';
import type { HostedWorld } from '../worlds/hosted-world.js';
import { agentOrSelf } from '../caller.js';

/** The wire is snake_case: `latencyMs` -> `latency_ms`. */
function snakeKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v ?? null]));
}

function treeStorage(hosted: HostedWorld): Record<string, unknown> | null {
  const s = hosted.storage;
  if (!s) return null;
  return s.kind === 'tmpfs' ? { kind: 'tmpfs', size_bytes: s.sizeBytes, inodes: s.inodes } : { kind: 'disk', reason: s.reason };
}

/** What WORLD_CREATE, LIST, STATE and RESTORE say about a world. */
export function describeWorld(hosted: HostedWorld): Record<string, unknown> {
  const d = hosted.world.describe();
  return {
    name: d.name,
    seed: d.seed,
    time: d.time,
    elapsed_ms: d.elapsedMs,
    clock_mode: d.clockMode,
    files: d.files,
    pending_events: d.pendingEvents,
    timeline_length: d.timelineLength,
    requests: d.requests,
    agents: [...hosted.members],
    directory: hosted.directory,
    tree_storage: treeStorage(hosted),
    state_hash: hosted.world.stateHash(),
  };
}

function worldName(ctx: CallContext, args: Args, field = 'world'): string {
  const name = optStr(ctx.op, args, field) ?? optStr(ctx.op, args, 'name');
  if (name) {
    ctx.kernel.worlds.checkAccess(ctx, name);
    return name;
  }
  if (ctx.caller.role === 'agent' && ctx.caller.agent.record.world) return ctx.caller.agent.record.world;
  throw bad(ctx.op, field, 'a world name', args[field]);
}

/**
 * Reads a snapshot file after checking its header against the kernel's world quotas, so an
 * oversized (or lying) file is refused before it is loaded.
 */
function readSnapshotFile(op: string, path: string, limits: Partial<SnapshotLimits>): Buffer {
  let fd: number;
  try {
    fd = openSync(resolve(path), 'r');
  } catch (error) {
    throw new KernelError(ErrorCode.WORLD_SNAPSHOT_INVALID, `${op}: cannot read snapshot file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new KernelError(ErrorCode.WORLD_SNAPSHOT_INVALID, `${op}: ${path} is not a regular file`);
    const header = Buffer.alloc(SNAPSHOT_HEADER_BYTES);
    const got = readSync(fd, header, 0, header.length, 0);
    const total = checkSnapshotHeader(header.subarray(0, got), limits);
    if (st.size !== total) throw new KernelError(ErrorCode.WORLD_SNAPSHOT_INVALID, `${op}: ${path} is ${st.size} bytes but its header announces ${total} (truncated or padded)`);
    const out = Buffer.allocUnsafe(total);
    let at = 0;
    while (at < total) {
      const n = readSync(fd, out, at, total - at, at);
      if (n === 0) break;
      at += n;
    }
    if (at !== total) throw new KernelError(ErrorCode.WORLD_SNAPSHOT_INVALID, `${op}: ${path} changed while it was read`);
    return out;
  } finally {
    closeSync(fd);
  }
}

function snapshotBytes(op: string, args: Args, limits: Partial<SnapshotLimits>): Uint8Array {
  const path = optStr(op, args, 'path');
  if (path) return readSnapshotFile(op, path, limits);
  const data = args.data;
  if (data instanceof Uint8Array) return data;
  const b64 = optStr(op, args, 'data_base64');
  if (b64) return Buffer.from(b64, 'base64');
  throw bad(op, 'path', "a snapshot file path (or 'data' bytes / 'data_base64')", undefined);
}

/** Index of the first entry with seq >= `seq` in a list sorted by seq (binary search). */
function firstAtOrAfter(list: ReadonlyArray<{ seq: number }>, seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const worldSyscalls = syscalls(
  {
    op: 'WORLD_CREATE',
    access: 'operator',
    grant: 'worlds',
    async handle(ctx, args) {
      const path = optStr('WORLD_CREATE', args, 'path');
      let source = optStr('WORLD_CREATE', args, 'source');
      let file = optStr('WORLD_CREATE', args, 'file');
      if (!source && path) {
        try {
          source = readFileSync(resolve(path), 'utf8');
        } catch (error) {
          throw new KernelError(ErrorCode.BAD_REQUEST, `WORLD_CREATE: cannot read world file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
        file ??= path;
      }
      if (!source) throw bad('WORLD_CREATE', 'source', 'the world YAML text (or path: a file the kernel can read)', args.source);
      const seed = args.seed;
      if (seed !== undefined && seed !== null && typeof seed !== 'string' && typeof seed !== 'number') throw bad('WORLD_CREATE', 'seed', 'a number or string', seed);
      const baseDir = optStr('WORLD_CREATE', args, 'base_dir') ?? (file ? dirname(resolve(file)) : undefined);
      const hosted = await ctx.kernel.worlds.create({
        source,
        ...(file ? { file } : {}),
        ...(baseDir ? { baseDir } : {}),
        ...(optStr('WORLD_CREATE', args, 'name') ? { name: optStr('WORLD_CREATE', args, 'name') } : {}),
        ...(seed !== undefined && seed !== null ? { seed: seed as string | number } : {}),
      });
      return describeWorld(hosted);
    },
  },
  {
    op: 'WORLD_DESTROY',
    access: 'operator',
    grant: 'worlds',
    async handle(ctx, args) {
      const name = worldName(ctx, args);
      return { destroyed: name, agents_stopped: await ctx.kernel.worlds.destroy(name) };
    },
  },
  {
    op: 'WORLD_LIST',
    access: 'authenticated',
    handle: (ctx) => ({ worlds: ctx.kernel.worlds.list().map(describeWorld) }),
  },
  {
    op: 'WORLD_JOIN',
    // Moving between worlds (or out to the host) changes what an agent can reach.
    access: 'operator',
    grant: 'worlds',
    handle(ctx, args) {
      const hosted = ctx.kernel.worlds.get(str('WORLD_JOIN', args, 'world'));
      const agent = agentOrSelf(ctx, optAgentRef('WORLD_JOIN', args, 'agent'), ctx.kernel.agents);
      ctx.kernel.worlds.join(agent, hosted);
      return { world: hosted.name, agent: agent.id };
    },
  },
  {
    op: 'WORLD_LEAVE',
    access: 'operator',
    grant: 'worlds',
    handle(ctx, args) {
      const agent = agentOrSelf(ctx, optAgentRef('WORLD_LEAVE', args, 'agent'), ctx.kernel.agents);
      const left = agent.record.world;
      ctx.kernel.worlds.leave(agent);
      return { world: left, agent: agent.id };
    },
  },
  {
    op: 'WORLD_EVENT',
    access: 'operator',
    grant: 'worlds',
    handle(ctx, args) {
      const hosted = ctx.kernel.worlds.get(worldName(ctx, args));
      const type = str('WORLD_EVENT', args, 'type');
      const params = optObj('WORLD_EVENT', args, 'params') ?? {};
      const label = optStr('WORLD_EVENT', args, 'label');
      const delay = args.in;
      if (delay !== undefined && delay !== null) {
        if (typeof delay !== 'number' && typeof delay !== 'string') throw bad('WORLD_EVENT', 'in', 'a delay in ms or a duration such as "30s"', delay);
        const id = hosted.world.schedule(type, params, { in: delay, ...(label ? { name: label } : {}) });
        return { scheduled: id };
      }
      ctx.kernel.worlds.checkEventTarget(hosted, type, params);
      return { entry: hosted.world.inject(type, params, label ? { name: label } : {}) };
    },
  },
  {
    op: 'WORLD_STATE',
    access: 'authenticated',
    async handle(ctx, args) {
      const hosted = ctx.kernel.worlds.get(worldName(ctx, args));
      await hosted.sync();
      const world = hosted.world;
      const out: Record<string, unknown> = { world: describeWorld(hosted) };
      // Pages: entries from since_seq (default: all the world kept), at most `max` of them.
      const since = optInt('WORLD_STATE', args, 'since_seq', 0);
      const max = optInt('WORLD_STATE', args, 'max', 1, 100_000);
      const page = <T extends { seq: number }>(list: readonly T[]): T[] => {
        const from = since === undefined ? 0 : firstAtOrAfter(list, since);
        return list.slice(from, max === undefined ? undefined : from + max);
      };
      if (optBool('WORLD_STATE', args, 'timeline')) {
        out.timeline = page(world.timeline);
        out.timeline_dropped = world.timelineDropped;
      }
      if (optBool('WORLD_STATE', args, 'requests')) {
        out.requests = page(world.requestLog).map((r) => snakeKeys(r as unknown as Record<string, unknown>));
      }
      if (optBool('WORLD_STATE', args, 'diff')) out.diff = world.fs.diff();
      if (optBool('WORLD_STATE', args, 'kv')) out.kv = Object.fromEntries(world.kv.entries());
      if (optBool('WORLD_STATE', args, 'pending')) out.pending = world.pendingEvents();
      if (optBool('WORLD_STATE', args, 'llm')) out.llm = { mode: world.llm.mode, calls: world.llm.log, faults: world.llm.faults() };
      const limit = optInt('WORLD_STATE', args, 'limit', 1);
      if (limit !== undefined && Array.isArray(out.timeline)) out.timeline = (out.timeline as unknown[]).slice(-limit);
      return out;
    },
  },
  {
    op: 'WORLD_SNAPSHOT',
    access: 'operator',
    grant: 'worlds',
    async handle(ctx, args) {
      const hosted = ctx.kernel.worlds.get(worldName(ctx, args));
      await hosted.sync();
      const bytes = hosted.world.snapshot();
      const path = optStr('WORLD_SNAPSHOT', args, 'path');
      const base = { world: hosted.name, bytes: bytes.length, state_hash: hosted.world.stateHash(), processes_captured: false };
      if (path) {
        await writeFile(resolve(path), bytes, { mode: 0o600 });
        return { ...base, path: resolve(path) };
      }
      if (bytes.length > ctx.kernel.options.maxFrameSize - 4096) {
        throw new KernelError(ErrorCode.BAD_REQUEST, `WORLD_SNAPSHOT: the snapshot is ${bytes.length} bytes, more than one frame carries; give a 'path' for the kernel to write it to`);
      }
      return { ...base, data_base64: bytes.toString('base64') };
    },
  },
  {
    op: 'WORLD_RESTORE',
    access: 'operator',
    grant: 'worlds',
    async handle(ctx, args) {
      const q = ctx.kernel.options.quotas;
      const bytes = snapshotBytes('WORLD_RESTORE', args, { files: q.worldFiles, bytes: q.worldBytes, largestFile: q.worldFileBytes, timelineEntries: q.timelineEntries });
      const name = optStr('WORLD_RESTORE', args, 'name');
      const inPlace = optBool('WORLD_RESTORE', args, 'in_place') ?? false;
      const hosted = await ctx.kernel.worlds.restore(bytes, { ...(name ? { name } : {}), inPlace });
      return describeWorld(hosted);
    },
  },
);
