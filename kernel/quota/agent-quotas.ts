import { bad, optObj, type Args } from '../args.js';
import { AGENT_QUOTAS, parseQuotaValue, quotaByWireName, wireName, type AgentQuotaName, type KernelQuotas } from './quotas.js';

/** Quotas as SPAWN gives them and the agent record keeps them: wire names, numbers. */
export type SpawnQuotas = Record<string, number>;

/** SPAWN's `quotas` field: `{store_bytes: "8M", mailbox_bytes: 1048576, emit_rate: 50, ...}`. */
export function parseAgentQuotas(op: string, args: Args): SpawnQuotas | undefined {
  const value = optObj(op, args, 'quotas');
  if (!value) return undefined;
  const out: SpawnQuotas = {};
  const known = AGENT_QUOTAS.map(wireName).join(', ');
  for (const [key, raw] of Object.entries(value)) {
    const name = quotaByWireName(key);
    if (!name || !(AGENT_QUOTAS as readonly string[]).includes(name)) throw bad(op, `quotas.${key}`, `one of ${known} (unknown quota)`, raw);
    if (raw === undefined || raw === null) continue;
    const n = parseQuotaValue(name, raw);
    if (n === undefined) throw bad(op, `quotas.${key}`, 'a positive integer (byte quotas also take sizes such as "8M")', raw);
    out[wireName(name)] = n;
  }
  return out;
}

interface QuotaHolder {
  request: { quotas?: Record<string, number | string> };
  record: { parent_id: number | null };
}

/**
 * An agent's quota: its SPAWN value, else the kernel's; never more than its parent's (a child is
 * counted inside what its spawner may use).
 */
export function agentQuota(kernel: KernelQuotas, agent: QuotaHolder, name: AgentQuotaName, find: (id: number) => QuotaHolder | undefined): number {
  const wire = wireName(name);
  const own = (holder: QuotaHolder): number => {
    const v = holder.request.quotas?.[wire];
    return typeof v === 'number' ? v : kernel[name];
  };
  let value = own(agent);
  let parentId = agent.record.parent_id;
  for (let hops = 0; parentId !== null && hops < 256; hops++) {
    const parent = find(parentId);
    if (!parent) break;
    value = Math.min(value, own(parent));
    parentId = parent.record.parent_id;
  }
  return value;
}
