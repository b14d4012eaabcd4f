import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { AddressBlockedError, specialAddress } from './address-policy.js';

export interface GuardedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  timeoutMs: number;
  /** Body bytes kept; the response is cut (and the connection closed) past them. */
  maxBytes: number;
  /** Whether special addresses (loopback, private, ...) may be reached. */
  allowSpecial: boolean;
  signal?: AbortSignal;
}

export interface GuardedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
  /** The address the request was sent to. */
  address: string | null;
}

/**
 * Resolves once and hands the connection only addresses the policy allows: the address checked is
 * the address connected to (no second lookup a DNS rebinding could answer differently).
 */
function guardedLookup(host: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) return (callback as (e: NodeJS.ErrnoException) => void)(error);
      const list = found as unknown as LookupAddress[];
      const allowed = list.filter((a) => specialAddress(a.address) === undefined);
      if (allowed.length === 0) {
        const first = list[0];
        const blocked = new AddressBlockedError(host, first?.address ?? '(none)', first ? (specialAddress(first.address) ?? 'refused') : 'no address');
        return (callback as (e: NodeJS.ErrnoException) => void)(blocked);
      }
      if ((options as { all?: boolean }).all) return (callback as (e: null, a: LookupAddress[]) => void)(null, allowed);
      return (callback as (e: null, a: string, f: number) => void)(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

/**
 * One HTTP request on an agent's behalf: addresses checked against the special ranges (unless
 * allowed), the body streamed and cut at `maxBytes` (never read whole), no redirects followed.
 */
export function guardedRequest(call: GuardedRequest): Promise<GuardedResponse> {
  const url = new URL(call.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!call.allowSpecial && isIP(host)) {
    const reason = specialAddress(host);
    if (reason) return Promise.reject(new AddressBlockedError(host, host, reason));
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<GuardedResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    const req = send(url, {
      method: call.method,
      headers: call.headers,
      ...(call.allowSpecial ? {} : { lookup: guardedLookup(host) }),
      ...(call.signal ? { signal: call.signal } : {}),
    });
    const timer = setTimeout(() => fail(Object.assign(new Error(`no response within ${call.timeoutMs} ms`), { name: 'TimeoutError' })), call.timeoutMs);
    req.on('socket', (socket) => {
      // The address really connected to, checked again (a proxy-less connect, so this is the peer).
      socket.once('connect', () => {
        const address = socket.remoteAddress ?? '';
        const reason = call.allowSpecial ? undefined : specialAddress(address);
        if (reason) fail(new AddressBlockedError(host, address, reason));
      });
    });
    req.on('error', (error) => fail(error));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      const done = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res), body: Buffer.concat(chunks, kept), truncated, address: res.socket?.remoteAddress ?? null });
      };
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        const room = call.maxBytes - kept;
        if (chunk.length > room) {
          if (room > 0) chunks.push(Buffer.from(chunk.subarray(0, room)));
          kept += Math.max(room, 0);
          truncated = true;
          done();
          // Stop reading: the rest of the body is never buffered.
          req.destroy();
          return;
        }
        chunks.push(chunk);
        kept += chunk.length;
      });
      res.on('end', done);
      res.on('aborted', () => fail(new Error('the server closed the connection mid-body')));
      res.on('error', (error) => fail(error));
    });
    if (call.body && call.method !== 'GET' && call.method !== 'HEAD') req.end(call.body);
    else req.end();
  });
}

function flatHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
