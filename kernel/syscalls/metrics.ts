import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { optAgentRef } from '../args.js';
import { KernelError } from '../errors.js';
import { llmMetrics } from '../llm/usage.js';
import { agentOrSelf } from '../caller.js';
import { syscalls } from '../syscall.js';

export const metricsSyscalls = syscalls(
  {
    op: 'METRICS_SYSTEM',
    access: 'authenticated',
    handle: (ctx) => ctx.kernel.metrics.system(),
  },
  {
    op: 'METRICS_AGENT',
    access: 'authenticated',
    handle(ctx, args) {
      const agent = agentOrSelf(ctx, optAgentRef('METRICS_AGENT', args, 'agent'), ctx.kernel.agents);
      return { ...ctx.kernel.metrics.agent(agent), llm: llmMetrics(agent), kernel_bytes: ctx.kernel.kernelBytes(agent) };
    },
  },
  {
    op: 'METRICS_CGROUP',
    access: 'authenticated',
    async handle(ctx, args) {
      const agent = agentOrSelf(ctx, optAgentRef('METRICS_CGROUP', args, 'agent'), ctx.kernel.agents);
      const stats = agent.sandbox ? await agent.sandbox.stats() : null;
      if (!stats) {
        throw new KernelError(
          ErrorCode.SANDBOX_UNAVAILABLE,
          `METRICS_CGROUP: agent '${agent.name}' (#${agent.id}) has no cgroup${agent.alive ? ` (${agent.record.isolation.notes.join('; ') || 'cgroups unavailable'})` : ': it has ended'}`,
        );
      }
      return { agent_id: agent.id, ...stats };
    },
  },
  {
    op: 'METRICS_ALL_AGENTS',
    access: 'authenticated',
    handle: (ctx) => ({ agents: ctx.kernel.agents.all().map((a) => ({ ...ctx.kernel.metrics.agent(a), llm: llmMetrics(a), kernel_bytes: ctx.kernel.kernelBytes(a) })) }),
  },
);
