import { dirname, resolve } from 'node:path';
import type { SpawnLimits, SpawnRequest } from '../../sdk/types.js';
import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { KernelError } from '../errors.js';
import { PermissionError, resolvePermissions, type PermissionSet } from '../permissions/index.js';
import { materialise, permissionExcess } from '../permissions/subset.js';
import { parseBytes } from './spawn-request.js';

/** What the bounds need to know of the agent that asks for a child. */
export interface SpawnParent {
  name: string;
  id: number;
  request: SpawnRequest;
  permissions: PermissionSet;
  grants: ReadonlySet<string>;
  world: string | null;
  /** The parent's working directory (its `{workspace}`). */
  workspace: string;
  /** The parent's script. */
  script: string;
  /** Directories a sandbox hides (a sandboxed parent cannot hand a child a view of them). */
  hidden: readonly string[];
}

const under = (path: string, dir: string): boolean => path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

function refuse(parent: SpawnParent, excess: string[]): never {
  throw new KernelError(
    ErrorCode.SPAWN_EXCEEDS_PARENT,
    `SPAWN: agent '${parent.name}' (#${parent.id}) asked for a child with more than it has: ${excess.join('; ')}. A child gets at most its parent's rights; leave the field out to inherit the parent's, or ask an operator to spawn it`,
    { exceeds: excess },
  );
}

/**
 * The world a child of `parent` goes to: the parent's own (named or left out), never another one
 * and never none when the parent lives in a world, unless the parent holds the `worlds` grant.
 */
export function childWorld(parent: SpawnParent, request: SpawnRequest): string | undefined {
  const asked = request.world;
  if (parent.grants.has('worlds')) return asked ?? parent.world ?? undefined;
  if (parent.world) {
    if (asked !== undefined && asked !== parent.world) refuse(parent, [`world '${asked}' (the parent lives in world '${parent.world}'; an operator can grant 'worlds')`]);
    return parent.world;
  }
  if (asked !== undefined) refuse(parent, [`world '${asked}' (the parent is in no world; an operator can grant 'worlds')`]);
  return undefined;
}

/** Grants, sandbox, network and limits: refused when beyond the parent's, inherited when left out. */
export function boundRequest(parent: SpawnParent, request: SpawnRequest): SpawnRequest {
  const excess: string[] = [];
  const withheld = (request.grants ?? []).filter((g) => !parent.grants.has(g));
  if (withheld.length > 0) excess.push(`grants ${withheld.join(', ')}`);
  const out: SpawnRequest = { ...request };
  const parentSandboxed = parent.request.sandboxed === true;
  if (parentSandboxed) {
    if (request.sandboxed === false) excess.push('sandboxed: false (the parent is sandboxed)');
    out.sandboxed = true;
    if (request.network === true && parent.request.network !== true) excess.push('network: true (the parent has no network)');
    // The child's working directory is bound read-write and its script's directory read-only:
    // a sandboxed parent may only hand on what its own sandbox shows.
    const cwd = resolve(parent.workspace, request.cwd ?? parent.workspace);
    if (!under(cwd, parent.workspace)) excess.push(`cwd ${cwd} (outside the parent's working directory ${parent.workspace})`);
    out.cwd = cwd;
    const script = resolve(cwd, request.script);
    const seen = [parent.workspace, dirname(parent.script)];
    if (parent.hidden.some((h) => under(dirname(script), h)) && !seen.some((d) => under(script, d))) {
      excess.push(`script ${script} (hidden in the parent's sandbox; use a script under ${seen.join(' or ')})`);
    }
  }
  out.limits = boundLimits(parent.request.limits ?? {}, request.limits ?? {}, excess);
  if (Object.keys(out.limits).length === 0) delete out.limits;
  if (excess.length > 0) refuse(parent, excess);
  return out;
}

function boundLimits(parent: SpawnLimits, child: SpawnLimits, excess: string[]): SpawnLimits {
  const out: SpawnLimits = { ...child };
  if (parent.memory !== undefined) {
    const cap = parseBytes(parent.memory);
    if (child.memory === undefined) out.memory = cap;
    else if (parseBytes(child.memory) > cap) excess.push(`limits.memory ${child.memory} (the parent has ${cap} bytes)`);
  }
  if (parent.cpu_quota !== undefined) {
    if (child.cpu_quota === undefined) out.cpu_quota = parent.cpu_quota;
    else if (child.cpu_quota > parent.cpu_quota) excess.push(`limits.cpu_quota ${child.cpu_quota} (the parent has ${parent.cpu_quota})`);
  }
  if (parent.max_pids !== undefined) {
    if (child.max_pids === undefined) out.max_pids = parent.max_pids;
    else if (child.max_pids > parent.max_pids) excess.push(`limits.max_pids ${child.max_pids} (the parent has ${parent.max_pids})`);
  }
  return out;
}

/**
 * The child's permission set: what it asked for when that is a subset of the parent's, the
 * default for its kind when that is a subset, else the parent's own (with the parent's workspace).
 */
export function boundPermissions(parent: SpawnParent, asked: SpawnRequest['permissions'], fallback: string, childWorkspace: string): PermissionSet {
  const parentCtx = { workspace: parent.workspace };
  const childCtx = { workspace: childWorkspace };
  if (asked !== undefined) {
    let wanted: PermissionSet;
    try {
      wanted = resolvePermissions(asked);
    } catch (error) {
      if (error instanceof PermissionError) throw new KernelError(ErrorCode.PERMISSIONS_INVALID, `SPAWN: ${error.message}`, { field: error.field });
      throw error;
    }
    const excess = permissionExcess(parent.permissions, parentCtx, wanted, childCtx);
    if (excess.length > 0) refuse(parent, excess.map((e) => `permissions ${e}`));
    return wanted;
  }
  const standard = resolvePermissions(fallback);
  if (permissionExcess(parent.permissions, parentCtx, standard, childCtx).length === 0) return standard;
  return materialise(parent.permissions, parentCtx);
}
