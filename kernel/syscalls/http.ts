import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import type { HttpResponse } from '../../sdk/types.js';
import { bad, optEnum, optInt, optObj, optStr, str, type Args } from '../args.js';
import { KernelError } from '../errors.js';
import { checkDomain } from '../permissions/index.js';
import { syscalls, type CallContext } from '../syscall.js';

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

async function realRequest(call: HttpCall): Promise<HttpResult> {
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(call.url, {
      method: call.method,
      headers: call.headers,
      ...(call.body && call.method !== 'GET' && call.method !== 'HEAD' ? { body: call.body } : {}),
      signal: AbortSignal.timeout(call.timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' ? `no response within ${call.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new KernelError(ErrorCode.HTTP_FAILED, `HTTP ${call.method} ${call.url} failed: ${why}`);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    ...encodeBody(bytes, response.headers.get('content-type'), call.maxBytes),
    duration_ms: Math.round(performance.now() - started),
  };
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
    return realRequest(call);
  },
});
