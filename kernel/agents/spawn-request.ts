import type { RestartPolicy, SpawnLimits, SpawnRequest } from '../../sdk/types.js';
import { parseAgentQuotas } from '../quota/agent-quotas.js';
import { bad, optBool, optEnum, optInt, optNum, optObj, optStr, optStrArray, str, type Args } from '../args.js';

const OP = 'SPAWN';
const GRANTS = ['kill', 'perms', 'worlds', 'shutdown', 'logs'] as const;
const UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, KB: 1024, KIB: 1024, M: 1024 ** 2, MB: 1024 ** 2, MIB: 1024 ** 2, G: 1024 ** 3, GB: 1024 ** 3, GIB: 1024 ** 3 };

/** Bytes from a number or a string such as "64M", "512k", "1.5G". */
export function parseBytes(value: number | string, field = 'limits.memory'): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  const m = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value) : null;
  const unit = m ? UNITS[m[2]!.toUpperCase()] : undefined;
  if (!m || unit === undefined) throw bad(OP, field, 'a byte count such as 67108864, "64M" or "1G"', value);
  return Math.floor(Number(m[1]) * unit);
}

function env(args: Args): Record<string, string> | undefined {
  const value = optObj(OP, args, 'env');
  if (!value) return undefined;
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') throw bad(OP, `env.${k}`, 'a string', v);
  return value as Record<string, string>;
}

function limits(args: Args): SpawnLimits | undefined {
  const value = optObj(OP, args, 'limits');
  if (!value) return undefined;
  const known = new Set(['memory', 'cpu_quota', 'max_pids']);
  for (const key of Object.keys(value)) if (!known.has(key)) throw bad(OP, `limits.${key}`, 'one of memory, cpu_quota, max_pids (unknown limit)', value[key]);
  const out: SpawnLimits = {};
  if (value.memory !== undefined && value.memory !== null) out.memory = parseBytes(value.memory as number | string);
  const cpu = optNum(OP, value, 'cpu_quota', 0.01, 1024);
  if (cpu !== undefined) out.cpu_quota = cpu;
  const pids = optInt(OP, value, 'max_pids', 1, 1 << 22);
  if (pids !== undefined) out.max_pids = pids;
  return out;
}

function restart(args: Args): RestartPolicy | undefined {
  const raw = args.restart;
  if (raw === undefined || raw === null) return undefined;
  const value: Args = typeof raw === 'string' ? { policy: raw } : (optObj(OP, args, 'restart') as Args);
  const policy = optEnum(OP, value, 'policy', ['never', 'on-failure', 'always'] as const);
  if (!policy) throw bad(OP, 'restart.policy', 'one of never, on-failure, always', value.policy);
  const out: RestartPolicy = { policy };
  for (const key of ['max_restarts', 'window_ms', 'backoff_initial_ms', 'backoff_max_ms', 'reset_after_ms'] as const) {
    const n = optInt(OP, value, key, 0);
    if (n !== undefined) out[key] = n;
  }
  const factor = optNum(OP, value, 'backoff_factor', 1, 100);
  if (factor !== undefined) out.backoff_factor = factor;
  return out;
}

/** Validates a SPAWN payload field by field. */
export function parseSpawnRequest(args: Args): SpawnRequest {
  const request: SpawnRequest = { script: str(OP, args, 'script') };
  const name = optStr(OP, args, 'name');
  if (name !== undefined) request.name = name;
  const list = optStrArray(OP, args, 'args');
  if (list) request.args = list;
  const e = env(args);
  if (e) request.env = e;
  const cwd = optStr(OP, args, 'cwd');
  if (cwd) request.cwd = cwd;
  const sandboxed = optBool(OP, args, 'sandboxed');
  if (sandboxed !== undefined) request.sandboxed = sandboxed;
  const network = optBool(OP, args, 'network');
  if (network !== undefined) request.network = network;
  const l = limits(args);
  if (l) request.limits = l;
  const r = restart(args);
  if (r) request.restart = r;
  const grants = optStrArray(OP, args, 'grants');
  if (grants) {
    for (const g of grants) if (!GRANTS.includes(g as (typeof GRANTS)[number])) throw bad(OP, 'grants', `a list of ${GRANTS.join(', ')}`, g);
    request.grants = grants as SpawnRequest['grants'];
  }
  const world = optStr(OP, args, 'world');
  if (world) request.world = world;
  const quotas = parseAgentQuotas(OP, args);
  if (quotas) request.quotas = quotas;
  const perms = args.permissions;
  if (perms !== undefined && perms !== null) {
    if (typeof perms !== 'string' && (typeof perms !== 'object' || Array.isArray(perms))) throw bad(OP, 'permissions', 'a level name or a permission object', perms);
    request.permissions = perms as string | Record<string, unknown>;
  }
  return request;
}
