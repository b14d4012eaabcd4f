import type { SpawnLimits } from '../../sdk/types.js';
import type { CgroupLimits } from './cgroup/cgroup.js';
import { SandboxError, SandboxErrorCode } from './errors.js';

const UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** "64M", "1.5G", "512k", 1048576 → bytes. */
export function parseMemory(value: number | string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return Math.floor(value);
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgtb]?)(?:i?b)?\s*$/i.exec(value);
    const unit = UNITS[(match?.[2] ?? '').toUpperCase()];
    if (match?.[1] && unit !== undefined) {
      const bytes = Math.floor(Number(match[1]) * unit);
      if (bytes > 0) return bytes;
    }
  }
  throw new SandboxError(SandboxErrorCode.INVALID_LIMIT, `limits.memory: expected bytes or a size like "64M" or "1G", got ${JSON.stringify(value)}`);
}

/** Validates SPAWN's `limits` and turns it into numbers. */
export function resolveLimits(limits: SpawnLimits | undefined): CgroupLimits {
  const cpu = limits?.cpu_quota;
  if (cpu !== undefined && !(typeof cpu === 'number' && cpu > 0 && cpu <= 1024)) {
    throw new SandboxError(SandboxErrorCode.INVALID_LIMIT, `limits.cpu_quota: expected a fraction of one core > 0 (0.5 = half a core), got ${JSON.stringify(cpu)}`);
  }
  const pids = limits?.max_pids;
  if (pids !== undefined && !(Number.isInteger(pids) && pids > 0)) {
    throw new SandboxError(SandboxErrorCode.INVALID_LIMIT, `limits.max_pids: expected a positive integer, got ${JSON.stringify(pids)}`);
  }
  return {
    memoryBytes: limits?.memory === undefined ? null : parseMemory(limits.memory),
    cpuCores: cpu ?? null,
    maxPids: pids ?? null,
  };
}
