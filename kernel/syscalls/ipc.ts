import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import type { Message } from '../../sdk/types.js';
import type { Agent } from '../agents/agent.js';
import { agentRef, optBool, optInt } from '../args.js';
import { KernelError } from '../errors.js';
import { MAX_WAIT_MS, syscalls, type CallContext } from '../syscall.js';
import { callerAgent } from '../caller.js';

let nextMessageId = 1;

/** Refuses a payload over the message limit; checked once per call, however many recipients. Returns its size. */
function checkSize(ctx: CallContext, payload: unknown): number {
  const size = Buffer.byteLength(JSON.stringify(payload ?? null));
  const max = ctx.kernel.options.maxMessageBytes;
  if (size > max) throw new KernelError(ErrorCode.MESSAGE_TOO_LARGE, `${ctx.op}: message of ${size} bytes exceeds the ${max}-byte limit; store large data with STORE and send its key`);
  return size;
}

function compose(ctx: CallContext, to: Agent, payload: unknown): Message {
  const from = callerAgent(ctx.caller);
  return { id: nextMessageId++, from: from?.id ?? null, from_name: from?.name ?? 'operator', to: to.id, time: Date.now(), payload: payload ?? null };
}

function deliver(ctx: CallContext, to: Agent, message: Message, size: number): void {
  if (!to.alive) throw new KernelError(ErrorCode.AGENT_NOT_RUNNING, `${ctx.op}: agent '${to.name}' (#${to.id}) has ${to.record.state}; its mailbox is closed`);
  to.mailbox.deliver(message, size);
  ctx.kernel.resources.mailbox(to, to.mailbox.length, to.mailbox.capacityLimit);
  ctx.kernel.resources.quota('mailbox_bytes', String(to.id), { agent: to }, to.mailbox.bytes, to.mailbox.bytesLimit);
  ctx.kernel.events.publish('MESSAGE_RECEIVED', message.from, { message_id: message.id, from: message.from, from_name: message.from_name, to: to.id, to_name: to.name });
}

function self(ctx: CallContext): Agent {
  if (ctx.caller.role !== 'agent') {
    throw new KernelError(ErrorCode.FORBIDDEN, `${ctx.op}: only agents have a mailbox; spawn an agent (or connect with its CLOVE_TOKEN) to receive messages`);
  }
  return ctx.caller.agent;
}

export const ipcSyscalls = syscalls(
  {
    op: 'SEND',
    access: 'authenticated',
    handle(ctx, args) {
      const to = ctx.kernel.agents.get(agentRef('SEND', args, 'to'));
      const size = checkSize(ctx, args.payload);
      const message = compose(ctx, to, args.payload);
      deliver(ctx, to, message, size);
      return { message_id: message.id, to: to.id };
    },
  },
  {
    op: 'RECV',
    access: 'authenticated',
    async handle(ctx, args) {
      const me = self(ctx);
      const timeout = optInt('RECV', args, 'timeout_ms', 0, MAX_WAIT_MS) ?? 0;
      return { message: await ctx.kernel.worlds.blocking(ctx, me.mailbox.receive(timeout, ctx.signal)) };
    },
  },
  {
    op: 'BROADCAST',
    access: 'authenticated',
    handle(ctx, args) {
      const includeSelf = optBool('BROADCAST', args, 'include_self') ?? false;
      const size = checkSize(ctx, args.payload);
      const sender = callerAgent(ctx.caller);
      // An agent's broadcast stays in its world (or among agents in none), unless it may reach worlds.
      const scope = sender && !sender.grants.has('worlds') ? sender.record.world : undefined;
      let delivered = 0;
      const failed: Array<{ to: number; code: string }> = [];
      for (const agent of ctx.kernel.agents.all()) {
        if (agent === sender && !includeSelf) continue;
        if (scope !== undefined && agent.record.world !== scope) continue;
        try {
          deliver(ctx, agent, compose(ctx, agent, args.payload), size);
          delivered++;
        } catch (error) {
          failed.push({ to: agent.id, code: (error as KernelError).code ?? ErrorCode.INTERNAL });
        }
      }
      return { delivered, failed };
    },
  },
);
