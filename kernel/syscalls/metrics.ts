import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import type { Agent } from '../agents/agent.js';
import { optAgentRef } from '../args.js';
import { KernelError } from '../errors.js';
import { llmMetrics } from '../llm/usage.js';
import { syscalls, type CallContext } from '../syscall.js';

function target(ctx: CallContext): (ref: number | string | undefined) => Agent {
  return (ref) => {
    if (ref !== undefined) return ctx.kernel.agents.get(ref);
    if (ctx.caller.role === 'agent') return ctx.caller.agent;
    throw new KernelError(ErrorCode.BAD_REQUEST, `${ctx.op}: field 'agent' is required for operators (an agent id or name)`);
  };
}

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
      const agent = target(ctx)(optAgentRef('METRICS_AGENT', args, 'agent'));
      return { ...ctx.kernel.metrics.agent(agent), llm: llmMetrics(agent), kernel_bytes: ctx.kernel.kernelBytes(agent) };
    },
  },
  {
    op: 'METRICS_CGROUP',
    access: 'authenticated',
    async handle(ctx, args) {
      const agent = target(ctx)(optAgentRef('METRICS_CGROUP', args, 'agent'));
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
