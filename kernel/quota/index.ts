export {
  AGENT_QUOTAS,
  formatQuota,
  isByteQuota,
  parseQuotaValue,
  QUOTA_DEFAULTS,
  quotaByWireName,
  quotaExceeded,
  resolveQuotas,
  wireName,
  type AgentQuotaName,
  type AgentQuotas,
  type KernelQuotas,
  type QuotaName,
} from './quotas.js';
export { sizeOf } from './size.js';
export { RateLimiter } from './rate-limiter.js';
export { agentQuota, parseAgentQuotas } from './agent-quotas.js';
