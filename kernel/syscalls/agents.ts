import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import type { AgentRecord, LogsResponse } from '../../sdk/types.js';
import type { Agent } from '../agents/agent.js';
import { boundRequest, childWorld } from '../agents/spawn-bounds.js';
import { parseSpawnRequest } from '../agents/spawn-request.js';
import { agentRef, optBool, optEnum, optInt } from '../args.js';
import { KernelError } from '../errors.js';
import { MAX_WAIT_MS, syscalls, type CallContext, type Syscall } from '../syscall.js';
import { callerAgent } from '../caller.js';

const SIGNALS = ['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGQUIT'] as const;
/** Defaults of LOGS. */
const LOGS_DEFAULTS = {
  /** Lines returned at most. @default 1000 */
  max: 1000,
  /** Largest `max` a call may ask for. @default 100_000 */
  maxMax: 100_000,
  /** Longest wait for new lines. @default 60_000 ms */
  maxWaitMs: 60_000,
} as const;

/** Agents may act on themselves and on agents they spawned (transitively); the rest needs the grant. */
function controlled(ctx: CallContext, ref: number | string, grant: string): Agent {
  const target = ctx.kernel.agents.get(ref);
  const caller = ctx.caller;
  if (caller.role !== 'agent' || caller.agent.grants.has(grant)) return target;
  for (let a: Agent | undefined = target; a; a = a.record.parent_id ? ctx.kernel.agents.find(a.record.parent_id) : undefined) {
    if (a.id === caller.agent.id) return target;
  }
  throw new KernelError(
    ErrorCode.FORBIDDEN,
    `${ctx.op}: agent '${caller.agent.name}' may only act on itself and the agents it spawned, not on '${target.name}' (#${target.id}); an operator can grant '${grant}'`,
  );
}

/** PAUSE and RESUME: on an agent the caller controls; the answer says how (freezer or signal). */
function freezing(op: 'PAUSE' | 'RESUME', act: (ctx: CallContext, target: Agent) => Promise<string>): Syscall {
  return {
    op,
    access: 'authenticated',
    async handle(ctx, args) {
      const target = controlled(ctx, agentRef(op, args, 'agent'), 'kill');
      const via = await act(ctx, target);
      return { agent: target.snapshot(), via };
    },
  };
}

export const agentSyscalls = syscalls(
  {
    op: 'SPAWN',
    access: 'authenticated',
    async handle(ctx, args): Promise<AgentRecord> {
      let request = parseSpawnRequest(args);
      const parent = callerAgent(ctx.caller);
      if (parent) {
        // A child never gets more than its parent: same world, sandbox, network, limits, grants.
        const bounds = ctx.kernel.spawnParent(parent);
        const world = childWorld(bounds, request);
        request = boundRequest(bounds, request);
        if (world) request.world = world;
        else delete request.world;
      }
      const agent = await ctx.kernel.spawnAgent(request, parent);
      return agent.snapshot();
    },
  },
  {
    op: 'KILL',
    access: 'authenticated',
    async handle(ctx, args) {
      const target = controlled(ctx, agentRef('KILL', args, 'agent'), 'kill');
      const signal = optEnum('KILL', args, 'signal', SIGNALS) ?? 'SIGTERM';
      const grace = optInt('KILL', args, 'grace_ms', 0, 60_000);
      const by = ctx.caller.role === 'agent' ? `agent ${ctx.caller.agent.name}` : 'operator';
      const killed = await ctx.kernel.agents.kill(target, signal, grace, `killed by ${by}`);
      return { killed, agent: target.snapshot() };
    },
  },
  {
    op: 'LIST',
    access: 'authenticated',
    handle(ctx, args) {
      const all = optBool('LIST', args, 'all') ?? false;
      return { agents: ctx.kernel.agents.all(all).map((a) => a.snapshot()) };
    },
  },
  {
    op: 'WAIT',
    access: 'authenticated',
    async handle(ctx, args): Promise<AgentRecord> {
      const target = ctx.kernel.agents.get(agentRef('WAIT', args, 'agent'));
      const timeout = optInt('WAIT', args, 'timeout_ms', 0, MAX_WAIT_MS) ?? MAX_WAIT_MS;
      const record = await ctx.kernel.agents.waitExit(target, timeout, ctx.signal);
      if (!record) throw new KernelError(ErrorCode.TIMEOUT, `WAIT: agent '${target.name}' (#${target.id}) was still ${target.record.state} after ${timeout} ms`);
      return record;
    },
  },
  {
    op: 'LOGS',
    access: 'authenticated',
    async handle(ctx, args): Promise<LogsResponse> {
      const target = ctx.kernel.agents.get(agentRef('LOGS', args, 'agent'));
      const since = optInt('LOGS', args, 'since_seq', 0) ?? 0;
      const waitMs = target.alive ? (optInt('LOGS', args, 'wait_ms', 0, LOGS_DEFAULTS.maxWaitMs) ?? 0) : 0;
      const max = optInt('LOGS', args, 'max', 1, LOGS_DEFAULTS.maxMax) ?? LOGS_DEFAULTS.max;
      return { agent_id: target.id, ...(await target.logs.read(since, waitMs, ctx.signal, max)) };
    },
  },
  freezing('PAUSE', (ctx, target) => ctx.kernel.agents.pause(target)),
  freezing('RESUME', (ctx, target) => ctx.kernel.agents.resume(target)),
);
