import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import type { HttpResponse } from '../../sdk/types.js';
import { bad, optEnum, optInt, optObj, optStr, str, type Args } from '../args.js';
import { KernelError } from '../errors.js';
import { checkDomain } from '../permissions/index.js';
import { syscalls, type CallContext } from '../syscall.js';
import { AddressBlockedError } from '../net/address-policy.js';
import { guardedRequest } from '../net/guarded-request.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface HttpCall {
  method: (typeof METHODS)[number];
  url: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  timeoutMs: number;
  maxBytes: number;
}

export type HttpResult = HttpResponse;

export function parseHttpCall(args: Args): HttpCall {
  const url = str('HTTP', args, 'url');
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw bad('HTTP', 'url', 'an absolute http:// or https:// URL', url);
  }
  const headers = optObj('HTTP', args, 'headers') ?? {};
  for (const [k, v] of Object.entries(headers)) if (typeof v !== 'string') throw bad('HTTP', `headers.${k}`, 'a string', v);
  const encoding = optEnum('HTTP', args, 'body_encoding', ['utf8', 'base64'] as const) ?? 'utf8';
  const raw = args.body;
  let body: Buffer | undefined;
  if (raw instanceof Uint8Array) body = Buffer.from(raw);
  else if (typeof raw === 'string') body = Buffer.from(raw, encoding);
  else if (raw !== undefined && raw !== null) body = Buffer.from(JSON.stringify(raw));
  return {
    method: optEnum('HTTP', args, 'method', METHODS) ?? 'GET',
    url,
    headers: headers as Record<string, string>,
    body,
    timeoutMs: optInt('HTTP', args, 'timeout_ms', 1, 600_000) ?? 30_000,
    maxBytes: optInt('HTTP', args, 'max_bytes', 1, 16 * 1024 * 1024) ?? 4 * 1024 * 1024,
  };
}

/** Encodes a response body as text when it is text, base64 otherwise, cut at the byte limit. */
export function encodeBody(bytes: Buffer, contentType: string | null, maxBytes: number): Pick<HttpResult, 'body' | 'body_encoding' | 'truncated'> {
  const truncated = bytes.length > maxBytes;
  const kept = truncated ? bytes.subarray(0, maxBytes) : bytes;
  const textual = !contentType || /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i.test(contentType);
  return textual ? { body: kept.toString('utf8'), body_encoding: 'utf8', truncated } : { body: kept.toString('base64'), body_encoding: 'base64', truncated };
}

/** Whether the permissions name this URL's host exactly (not by a wildcard): then special addresses are allowed for it. */
export function namedExplicitly(ctx: CallContext, url: string): boolean {
  if (ctx.caller.role !== 'agent') return true;
  const host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return ctx.caller.agent.permissions.http.domains.some((d) => d === host);
}

/** PERM_DENIED (rule http.addresses, audited) for a request refused by the address policy. */
export function addressDenied(ctx: CallContext, call: HttpCall, error: AddressBlockedError): KernelError {
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
    const response = await guardedRequest({ ...call, allowSpecial: namedExplicitly(ctx, call.url), signal: ctx.signal });
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
    const world = ctx.kernel.worlds.http(ctx, args);
    if (world) return world(call);
    checkAllowed(ctx, call);
    return realRequest(ctx, call);
  },
});
