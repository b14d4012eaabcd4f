import type { HttpResponse } from '../../sdk/types.js';
import { bad, optEnum, optInt, optObj, str, type Args } from '../args.js';
import type { Caller } from '../caller.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Defaults of an HTTP call's optional fields. */
export const HTTP_CALL_DEFAULTS = {
  /** @default 'GET' */
  method: 'GET',
  /** Time for the whole exchange. @default 30_000 ms */
  timeoutMs: 30_000,
  /** Largest timeout a call may ask for. @default 600_000 ms */
  maxTimeoutMs: 600_000,
  /** Response body bytes returned (the rest is cut, `truncated: true`). @default 4 MiB */
  maxBytes: 4 * 1024 * 1024,
  /** Largest body limit a call may ask for. @default 16 MiB */
  maxMaxBytes: 16 * 1024 * 1024,
} as const;

/** One HTTP syscall, checked: what the real network and a world's mocks both answer. */
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
    method: optEnum('HTTP', args, 'method', METHODS) ?? HTTP_CALL_DEFAULTS.method,
    url,
    headers: headers as Record<string, string>,
    body,
    timeoutMs: optInt('HTTP', args, 'timeout_ms', 1, HTTP_CALL_DEFAULTS.maxTimeoutMs) ?? HTTP_CALL_DEFAULTS.timeoutMs,
    maxBytes: optInt('HTTP', args, 'max_bytes', 1, HTTP_CALL_DEFAULTS.maxMaxBytes) ?? HTTP_CALL_DEFAULTS.maxBytes,
  };
}

/** Encodes a response body as text when it is text, base64 otherwise, cut at the byte limit. */
export function encodeBody(bytes: Buffer, contentType: string | null, maxBytes: number): Pick<HttpResult, 'body' | 'body_encoding' | 'truncated'> {
  const truncated = bytes.length > maxBytes;
  const kept = truncated ? bytes.subarray(0, maxBytes) : bytes;
  const textual = !contentType || /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i.test(contentType);
  return textual ? { body: kept.toString('utf8'), body_encoding: 'utf8', truncated } : { body: kept.toString('base64'), body_encoding: 'base64', truncated };
}

/** Whether the caller's permissions name this URL's host exactly (not by a wildcard): then special addresses are allowed for it. */
export function namedExplicitly(caller: Caller, url: string): boolean {
  if (caller.role !== 'agent') return true;
  const host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return caller.agent.permissions.http.domains.some((d) => d === host);
}
