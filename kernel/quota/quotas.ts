import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { CloveError } from '../../sdk/errors.js';
import { KernelError } from '../errors.js';

/**
 * Resource quotas: how much an agent, a connection or a world can make the kernel hold. Every
 * quota has a default that keeps a small machine (2 GiB, a few agents) alive; operators raise or
 * lower them per kernel (`KernelOptions.quotas`, `clove kernel start --quota name=value`), per
 * world (the world file's `limits:`) and per agent (SPAWN `quotas`).
 */
export interface KernelQuotas {
  /** Bytes of values in one store namespace (global, one agent's, one session's). */
  storeBytes: number;
  /** Keys in one store namespace. */
  storeKeys: number;
  /** Bytes of values in the whole store. */
  storeTotalBytes: number;
  /** Bytes of unread messages in one agent's mailbox. */
  mailboxBytes: number;
  /** Bytes of undelivered events queued for one subscriber (the oldest are dropped past it). */
  eventQueueBytes: number;
  /** Largest `data` of one EMIT. */
  eventBytes: number;
  /** EMITs per second per caller (a burst of one second's worth is allowed). */
  emitRate: number;
  /** Bytes of captured stdout/stderr kept per agent (the oldest lines are dropped past it). */
  logBytes: number;
  /** Apparent bytes of the files a world holds beyond its lower layers (sparse files count in full). */
  worldBytes: number;
  /** Files a world holds beyond its lower layers. */
  worldFiles: number;
  /** Largest single file in a world. */
  worldFileBytes: number;
  /** Timeline entries a world keeps (the oldest are dropped). */
  timelineEntries: number;
  /** Request log entries a world keeps (the oldest are dropped). */
  requestLogEntries: number;
  /** Largest frame a connection may send before HELLO. */
  preHelloFrameBytes: number;
  /** Connections open at once that have not said HELLO. */
  unauthenticatedConnections: number;
}

const MiB = 1024 * 1024;

export const QUOTA_DEFAULTS: Readonly<KernelQuotas> = Object.freeze({
  storeBytes: 32 * MiB,
  storeKeys: 10_000,
  storeTotalBytes: 256 * MiB,
  mailboxBytes: 16 * MiB,
  eventQueueBytes: 8 * MiB,
  eventBytes: 256 * 1024,
  emitRate: 1000,
  logBytes: 8 * MiB,
  worldBytes: 128 * MiB,
  worldFiles: 10_000,
  worldFileBytes: 64 * MiB,
  timelineEntries: 10_000,
  requestLogEntries: 10_000,
  preHelloFrameBytes: 64 * 1024,
  unauthenticatedConnections: 64,
});

export type QuotaName = keyof KernelQuotas;

/** Quotas an agent can be given at SPAWN (`quotas: {store_bytes: "8M", ...}`). */
export const AGENT_QUOTAS = ['storeBytes', 'storeKeys', 'mailboxBytes', 'eventQueueBytes', 'emitRate', 'logBytes'] as const;
export type AgentQuotaName = (typeof AGENT_QUOTAS)[number];
export type AgentQuotas = Partial<Record<AgentQuotaName, number>>;

/** `storeBytes` -> `store_bytes`: the name on the wire, in flags and in messages. */
export function wireName(name: QuotaName): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function quotaByWireName(wire: string): QuotaName | undefined {
  const camel = wire.replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase()) as QuotaName;
  return camel in QUOTA_DEFAULTS ? camel : undefined;
}

const COUNTS = new Set<QuotaName>(['storeKeys', 'emitRate', 'worldFiles', 'timelineEntries', 'requestLogEntries', 'unauthenticatedConnections']);
const UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, KB: 1024, KIB: 1024, M: MiB, MB: MiB, MIB: MiB, G: 1024 * MiB, GB: 1024 * MiB, GIB: 1024 * MiB };

/** Whether a quota counts bytes (and accepts "64M") rather than things. */
export function isByteQuota(name: QuotaName): boolean {
  return !COUNTS.has(name);
}

/** A quota value from a number or, for byte quotas, a size such as "64M"; undefined when invalid. */
export function parseQuotaValue(name: QuotaName, value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!m) return undefined;
  const unit = UNITS[m[2]!.toUpperCase()];
  if (unit === undefined || (unit !== 1 && !isByteQuota(name))) return undefined;
  const n = Math.floor(Number(m[1]) * unit);
  return n > 0 ? n : undefined;
}

/** Kernel quotas from options: defaults, then what the operator gave (validated). */
export function resolveQuotas(given: Partial<Record<QuotaName, number | string>> | undefined): KernelQuotas {
  const out: KernelQuotas = { ...QUOTA_DEFAULTS };
  for (const [key, value] of Object.entries(given ?? {})) {
    const name = (key in QUOTA_DEFAULTS ? key : quotaByWireName(key)) as QuotaName | undefined;
    if (!name) throw new CloveError('QUOTA_INVALID', `unknown quota '${key}'; known quotas: ${Object.keys(QUOTA_DEFAULTS).map((k) => wireName(k as QuotaName)).join(', ')}`, { quota: key });
    if (value === undefined) continue;
    const n = parseQuotaValue(name, value);
    if (n === undefined) throw new CloveError('QUOTA_INVALID', `quota ${wireName(name)}: expected a positive ${isByteQuota(name) ? 'byte count or a size such as "64M"' : 'integer'}, got ${JSON.stringify(value)}`, { quota: wireName(name) });
    out[name] = n;
  }
  return out;
}

export function formatQuota(name: QuotaName, value: number): string {
  if (!isByteQuota(name)) return String(value);
  if (value >= MiB && value % MiB === 0) return `${value / MiB} MiB`;
  if (value >= 1024 && value % 1024 === 0) return `${value / 1024} KiB`;
  return `${value} bytes`;
}

/** How an operator raises a quota, for messages. */
function howToRaise(name: QuotaName, scope: 'kernel' | 'agent' | 'world'): string {
  const flag = `\`clove kernel start --quota ${wireName(name)}=N\` (KernelOptions.quotas.${name})`;
  if (scope === 'agent') return `an operator can raise it with SPAWN quotas.${wireName(name)} or ${flag}`;
  if (scope === 'world') return `raise it in the world file's limits: or with ${flag}`;
  return `an operator can raise it with ${flag}`;
}

/**
 * QUOTA_EXCEEDED, naming the quota, its value, the use that would pass it and how to raise it.
 * `details.rule` makes the audit log record the refusal as a denial by that rule.
 */
export function quotaExceeded(
  op: string,
  name: QuotaName,
  limit: number,
  wouldBe: number,
  what: string,
  scope: 'kernel' | 'agent' | 'world' = 'kernel',
): KernelError {
  const quota = wireName(name);
  return new KernelError(
    ErrorCode.QUOTA_EXCEEDED,
    `${op}: ${what} would reach ${formatQuota(name, wouldBe)}, over the ${quota} quota of ${formatQuota(name, limit)}; nothing was changed. Free some (DELETE, RECV, ...) or ${howToRaise(name, scope)}`,
    { quota, limit, requested: wouldBe, rule: `quotas.${quota}` },
  );
}
