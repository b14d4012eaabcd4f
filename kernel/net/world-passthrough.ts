import { HttpBlockedError } from '../../worlds/errors.js';
import type { Passthrough } from '../../worlds/network/network.js';
import { AddressBlockedError } from './address-policy.js';
import { guardedRequest } from './guarded-request.js';

/**
 * The passthrough the kernel gives a world for a request it lets out to the real network (an
 * allow-list world): the same guarded client as the HTTP syscall (resolved once, the address
 * connected to checked, no special addresses unless `allowSpecial`, the body streamed and cut at
 * `maxBytes`). A refused address becomes the world's `HttpBlockedError`, its cause the
 * `AddressBlockedError` (the kernel answers PERM_DENIED, rule http.addresses).
 */
export function worldPassthrough(options: { timeoutMs: number; maxBytes: number; allowSpecial: boolean }): Passthrough {
  return async (request) => {
    try {
      const response = await guardedRequest({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body ?? undefined,
        timeoutMs: options.timeoutMs,
        maxBytes: options.maxBytes,
        allowSpecial: options.allowSpecial,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      return { status: response.status, headers: response.headers, body: response.body, truncated: response.truncated };
    } catch (error) {
      if (!(error instanceof AddressBlockedError)) throw error;
      throw new HttpBlockedError(request.method, request.url, error.message, `only hosts the agent's permissions name exactly in http.domains (e.g. "${error.host}") may reach such addresses`, { cause: error });
    }
  };
}
