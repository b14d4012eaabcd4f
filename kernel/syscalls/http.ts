import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { KernelError } from '../errors.js';
import { checkDomain } from '../permissions/index.js';
import { syscalls, type CallContext } from '../syscall.js';
import { AddressBlockedError } from '../net/address-policy.js';
import { guardedRequest } from '../net/guarded-request.js';
import { encodeBody, namedExplicitly, parseHttpCall, type HttpCall, type HttpResult } from '../net/http-call.js';

/** PERM_DENIED (rule http.addresses, audited) for a request refused by the address policy. */
function addressDenied(ctx: CallContext, call: HttpCall, error: AddressBlockedError): KernelError {
  return ctx.kernel.denied(
    ctx,
    `${call.method} ${call.url}`,
    'http.addresses',
    `${error.message}; only hosts the permissions name exactly in http.domains (e.g. "${error.host}") may reach such addresses`,
  );
}

async function realRequest(ctx: CallContext, call: HttpCall): Promise<HttpResult> {
  const started = performance.now();
  try {
    const response = await guardedRequest({ ...call, allowSpecial: namedExplicitly(ctx.caller, call.url), signal: ctx.signal });
    return {
      status: response.status,
      headers: response.headers,
      ...encodeBody(response.body, response.headers['content-type'] ?? null, call.maxBytes),
      truncated: response.truncated,
      duration_ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    if (error instanceof AddressBlockedError) throw addressDenied(ctx, call, error);
    const e = error as Error & { code?: string; cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' ? `no response within ${call.timeoutMs} ms` : (e.code ?? e.cause?.code ?? e.message);
    throw new KernelError(ErrorCode.HTTP_FAILED, `HTTP ${call.method} ${call.url} failed: ${why}`);
  }
}

/** The agent's http.domains rules, for a call that reaches the real network. */
function checkAllowed(ctx: CallContext, call: HttpCall): void {
  if (ctx.caller.role !== 'agent') return;
  const decision = checkDomain(ctx.caller.agent.permissions, call.url);
  if (!decision.allowed) throw ctx.kernel.denied(ctx, `${call.method} ${call.url}`, decision.rule, decision.reason);
}

export const httpSyscalls = syscalls({
  op: 'HTTP',
  access: 'authenticated',
  async handle(ctx, args) {
    const call = parseHttpCall(args);
    const hosted = ctx.kernel.worlds.worldOf(ctx, args);
    // A world's mocks are the world; a request an allow-list world lets out reaches the real
    // network, so the agent's own HTTP rules apply to it too.
    if (!hosted || ctx.kernel.worlds.letsOut(hosted, call.url)) checkAllowed(ctx, call);
    if (!hosted) return realRequest(ctx, call);
    return ctx.kernel.worlds.fetch(ctx, hosted, call).catch((error: unknown) => {
      throw error instanceof AddressBlockedError ? addressDenied(ctx, call, error) : error;
    });
  },
});
