import { getResponse, type RequestHandler } from 'msw';
import { hostMatches } from './host.js';

export { hostMatches } from './host.js';
import type { WorldClock } from '../clock.js';
import { HttpBlockedError, HttpFailedError, WorldError } from '../errors.js';
import { WorldRandom, type RandomState } from '../rng.js';
import type { NetworkDefinition, NetworkMode } from '../schema.js';
import { Collection, type CollectionState } from './collection.js';
import { buildRouteHandlers, initialCollections, type RouteRuntime } from './route.js';

/** A request as the HTTP syscall carries it (a WHATWG `Request` works too). */
export interface WorldRequest {
  method?: string;
  url: string;
  headers?: Record<string, string> | Array<[string, string]>;
  body?: string | Uint8Array | null;
}

/** A response, as plain data (it crosses the wire). */
export interface WorldResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Virtual milliseconds the request took on the world clock. */
  latencyMs: number;
  /** Route name or `#index METHOD url`; `custom` for TypeScript handlers; `passthrough` for allow-listed hosts; `fault` for injected errors. */
  route: string;
  /** True when a passthrough response's body was cut at its byte limit. */
  truncated?: boolean;
}

/** A request an allow-list world lets out to the real network. */
export interface PassthroughRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer | null;
  signal?: AbortSignal;
}

/** What the real network answered; `body` already cut at the sender's limit (`truncated`). */
export interface PassthroughResponse {
  status: number;
  statusText?: string;
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
}

/**
 * Sends a request the world lets out. A host (the Clove kernel) passes its own, which checks the
 * addresses connected to and streams the body up to the caller's limit; throwing a `WorldError`
 * (e.g. `HttpBlockedError`) makes the request blocked, anything else makes it failed.
 */
export type Passthrough = (request: PassthroughRequest) => Promise<PassthroughResponse>;

/** Body bytes the default passthrough keeps (the rest is not read). */
export const PASSTHROUGH_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The passthrough of a world used as a library: `fetch`, no redirects followed, the body read as a
 * stream and cut at `PASSTHROUGH_MAX_BYTES`. No address checks: the world's `network.allow` is the
 * only rule (a host such as the Clove kernel passes a guarded one).
 */
export const fetchPassthrough: Passthrough = async (request) => {
  const real = await globalThis.fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: request.signal ?? null, redirect: 'manual' });
  const chunks: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  const reader = real.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = PASSTHROUGH_MAX_BYTES - kept;
    if (value.byteLength > room) {
      chunks.push(Buffer.from(value.subarray(0, room)));
      kept += room;
      truncated = true;
      await reader.cancel();
      break;
    }
    chunks.push(Buffer.from(value));
    kept += value.byteLength;
  }
  return { status: real.status, statusText: real.statusText, headers: Object.fromEntries(real.headers), body: Buffer.concat(chunks, kept), truncated };
};

/** One line of the request log. Times are virtual (world clock, epoch ms). */
export interface RequestLogEntry {
  seq: number;
  time: number;
  agent: string | null;
  method: string;
  url: string;
  requestBody: string | null;
  outcome: 'pending' | 'response' | 'blocked' | 'failed';
  status: number | null;
  responseBody: string | null;
  route: string | null;
  latencyMs: number;
  /** Error code for blocked and failed requests. */
  error: string | null;
  completedAt: number | null;
}

/** An injected network fault, active from `from` until `until` (null: until the world ends). */
export interface NetworkFault {
  id: number;
  kind: 'outage' | 'latency' | 'error';
  from: number;
  until: number | null;
  hosts: string[] | null;
  status?: number;
  latencyMs?: number;
  rate?: number;
}

/** Everything about the network a snapshot needs. */
export interface NetworkState {
  sequences: number[];
  collections: CollectionState[];
  faults: NetworkFault[];
  nextFaultId: number;
  rng: RandomState;
  log: RequestLogEntry[];
}

export interface NetworkOptions {
  definition: NetworkDefinition | undefined;
  clock: WorldClock;
  seed: string;
  /** Extra msw handlers, consulted before the YAML routes. A function is called once per world or fork. */
  handlers?: RequestHandler[] | (() => RequestHandler[]);
  state?: NetworkState;
  /** Request log entries kept (the oldest are dropped); default unlimited. */
  maxLog?: number;
}

/** Bodies kept in the request log are cut to this many bytes. */
const LOG_BODY_LIMIT = 64 * 1024;

function logBody(bytes: Uint8Array | null): string | null {
  if (bytes === null || bytes.byteLength === 0) return null;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, LOG_BODY_LIMIT));
  return buf.toString('utf8') + (bytes.byteLength > LOG_BODY_LIMIT ? `…(${bytes.byteLength} bytes)` : '');
}


type Plan =
  | { kind: 'respond'; status: number; statusText: string; headers: Record<string, string>; body: Buffer; route: string; latencyMs: number; truncated?: boolean }
  | { kind: 'passthrough'; latencyMs: number }
  | { kind: 'error'; error: WorldError; latencyMs: number };

/**
 * A world's network: msw handlers resolved with `getResponse` (no global interception), latency and
 * faults on the world clock, seeded error rates, and a log of every request.
 *
 * @example
 * const res = await world.fetch({ method: 'GET', url: 'https://api.example.com/users/7' });
 * res.status; JSON.parse(res.body.toString());
 */
export class WorldNetwork {
  readonly mode: NetworkMode;
  readonly allow: readonly string[];
  readonly #clock: WorldClock;
  readonly #handlers: RequestHandler[];
  readonly #runtime: RouteRuntime;
  #faults: NetworkFault[];
  #nextFaultId: number;
  readonly #log: RequestLogEntry[];
  readonly #maxLog: number;
  #nextSeq: number;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: NetworkOptions) {
    const definition = options.definition ?? {};
    this.mode = definition.mode ?? 'mock';
    this.allow = definition.allow ?? [];
    this.#clock = options.clock;
    const routes = definition.routes ?? [];
    const state = options.state;
    this.#runtime = {
      rng: state ? WorldRandom.fromState(state.rng) : new WorldRandom(options.seed),
      sequences: state ? [...state.sequences] : routes.map(() => 0),
      collections: state ? new Map(state.collections.map((c) => [c.route, new Collection(c)])) : initialCollections(routes),
      match: undefined,
    };
    const extra = typeof options.handlers === 'function' ? options.handlers() : (options.handlers ?? []);
    this.#handlers = [...extra, ...buildRouteHandlers(routes, this.#runtime)];
    this.#faults = state ? structuredClone(state.faults) : [];
    this.#nextFaultId = state?.nextFaultId ?? 1;
    this.#log = state ? structuredClone(state.log) : [];
    this.#maxLog = options.maxLog ?? Number.POSITIVE_INFINITY;
    this.#nextSeq = (this.#log[this.#log.length - 1]?.seq ?? 0) + 1;
  }

  /** Every request so far, in the order they were made. */
  get requestLog(): readonly RequestLogEntry[] {
    return this.#log;
  }

  /** Faults still in effect at the current virtual time. */
  activeFaults(): NetworkFault[] {
    const now = this.#clock.now();
    return this.#faults.filter((f) => f.until === null || f.until > now);
  }

  /** Adds a fault (network.outage / latency / error events). Returns its id. */
  addFault(fault: Omit<NetworkFault, 'id' | 'from'>): number {
    const now = this.#clock.now();
    this.#faults = this.#faults.filter((f) => f.until === null || f.until > now);
    const id = this.#nextFaultId++;
    this.#faults.push({ id, from: now, ...fault });
    return id;
  }

  /** Ends faults early: one by id, or all of a kind, or all. */
  clearFaults(filter: { id?: number; kind?: NetworkFault['kind'] } = {}): void {
    this.#faults = this.#faults.filter((f) => (filter.id !== undefined && f.id !== filter.id) || (filter.kind !== undefined && f.kind !== filter.kind));
  }

  /**
   * Sends a request inside the world. Resolution is serialised (so sequences, collections and the
   * seeded RNG advance in request order); latency then passes on the world clock, during which
   * `agent` counts as blocked.
   * A request the world lets out (allow-list mode) goes through `options.passthrough`
   * (default {@link fetchPassthrough}).
   * Throws `HttpBlockedError` (HTTP_BLOCKED) or `HttpFailedError` (HTTP_FAILED).
   */
  async fetch(input: WorldRequest | Request, options: { agent?: string | number; signal?: AbortSignal; passthrough?: Passthrough } = {}): Promise<WorldResponse> {
    const method = (input.method ?? 'GET').toUpperCase();
    const url = input.url;
    const headers = input instanceof Request ? input.headers : new Headers(input.headers ?? {});
    const body = input instanceof Request ? (input.body === null ? null : new Uint8Array(await input.clone().arrayBuffer())) : typeof input.body === 'string' ? Buffer.from(input.body) : (input.body ?? null);
    const entry: RequestLogEntry = {
      seq: this.#nextSeq++,
      time: this.#clock.now(),
      agent: options.agent === undefined ? null : String(options.agent),
      method,
      url,
      requestBody: logBody(body),
      outcome: 'pending',
      status: null,
      responseBody: null,
      route: null,
      latencyMs: 0,
      error: null,
      completedAt: null,
    };
    this.#log.push(entry);
    if (this.#log.length > this.#maxLog) this.#log.splice(0, this.#log.length - this.#maxLog + Math.min(Math.floor(this.#maxLog / 10), 1000));
    const resolved = this.#queue.then(() => this.#plan(method, url, headers, body));
    this.#queue = resolved.catch(() => undefined);
    let plan: Plan;
    try {
      plan = await resolved;
    } catch (error) {
      plan = { kind: 'error', error: new HttpFailedError(method, url, `the request could not be resolved: ${(error as Error).message}`, { cause: error }), latencyMs: 0 };
    }
    entry.latencyMs = plan.latencyMs;
    if (plan.latencyMs > 0) await this.#clock.sleep(plan.latencyMs, options);
    if (plan.kind === 'passthrough') {
      try {
        const send = options.passthrough ?? fetchPassthrough;
        const real = await send({ method, url, headers: Object.fromEntries(headers), body: body === null ? null : Buffer.from(body), ...(options.signal ? { signal: options.signal } : {}) });
        plan = { kind: 'respond', status: real.status, statusText: real.statusText ?? '', headers: real.headers, body: real.body, route: 'passthrough', latencyMs: plan.latencyMs, truncated: real.truncated };
      } catch (error) {
        const refused = error instanceof WorldError ? error : null;
        plan = { kind: 'error', error: refused ?? new HttpFailedError(method, url, `the allow-listed host could not be reached (${(error as Error).message})`, { cause: error }), latencyMs: plan.latencyMs };
      }
    }
    entry.completedAt = this.#clock.now();
    if (plan.kind === 'error') {
      entry.outcome = plan.error.code === 'HTTP_BLOCKED' ? 'blocked' : 'failed';
      entry.error = plan.error.code;
      throw plan.error;
    }
    entry.outcome = 'response';
    entry.status = plan.status;
    entry.route = plan.route;
    entry.responseBody = logBody(plan.body);
    return { status: plan.status, statusText: plan.statusText, headers: plan.headers, body: plan.body, latencyMs: plan.latencyMs, route: plan.route, ...(plan.truncated ? { truncated: true } : {}) };
  }

  async #plan(method: string, url: string, headers: Headers, body: Uint8Array | null): Promise<Plan> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { kind: 'error', error: new HttpBlockedError(method, url, 'the URL is not absolute', 'Use a full URL like https://api.example.com/path.'), latencyMs: 0 };
    }
    if (this.mode === 'offline') {
      return { kind: 'error', error: new HttpBlockedError(method, url, 'the world is offline (network.mode: offline)', 'Set network.mode to mock or allow-list to let requests through.'), latencyMs: 0 };
    }
    const host = parsed.hostname;
    const faults = this.activeFaults().filter((f) => f.hosts === null || hostMatches(host, f.hosts));
    const extraLatency = faults.filter((f) => f.kind === 'latency').reduce((sum, f) => sum + (f.latencyMs ?? 0), 0);
    const outage = faults.find((f) => f.kind === 'outage');
    if (outage !== undefined) {
      if (outage.status !== undefined) return this.#faultResponse(outage.status, 'outage', extraLatency);
      const until = outage.until === null ? 'the end of the world' : new Date(outage.until).toISOString();
      return { kind: 'error', error: new HttpFailedError(method, url, `connection refused: injected network outage until ${until}`), latencyMs: extraLatency };
    }
    for (const fault of faults) {
      if (fault.kind !== 'error') continue;
      const rate = fault.rate ?? 1;
      if (rate >= 1 || this.#runtime.rng.next() < rate) return this.#faultResponse(fault.status ?? 500, 'error', extraLatency);
    }
    this.#runtime.match = undefined;
    const request = new Request(url, { method, headers, body: body === null || method === 'GET' || method === 'HEAD' ? null : Buffer.from(body) });
    const response = await getResponse(this.#handlers, request);
    const match = this.#runtime.match as RouteRuntime['match'];
    this.#runtime.match = undefined;
    const passthrough = response?.status === 302 && response.headers.get('x-msw-intention') === 'passthrough';
    if (response === undefined || passthrough) {
      if (this.mode === 'allow-list' && hostMatches(host, this.allow)) return { kind: 'passthrough', latencyMs: extraLatency };
      const why = this.mode === 'allow-list' ? `no route matches and ${host} is not in network.allow` : 'no route of the world matches it (network.mode: mock)';
      const hint = this.mode === 'allow-list' ? `Add ${host} to network.allow or add a route.` : 'Add a route for it under network.routes, or use mode allow-list with the host in network.allow.';
      return { kind: 'error', error: new HttpBlockedError(method, url, why, hint), latencyMs: 0 };
    }
    return {
      kind: 'respond',
      status: response.status,
      statusText: response.statusText,
      headers: Object.fromEntries(response.headers),
      body: Buffer.from(await response.arrayBuffer()),
      route: match?.route ?? 'custom',
      latencyMs: (match?.latencyMs ?? 0) + extraLatency,
    };
  }

  #faultResponse(status: number, kind: string, latencyMs: number): Plan {
    const body = Buffer.from(JSON.stringify({ error: `injected network ${kind}`, status }));
    return { kind: 'respond', status, statusText: '', headers: { 'content-type': 'application/json' }, body, route: 'fault', latencyMs };
  }

  state(): NetworkState {
    return {
      sequences: [...this.#runtime.sequences],
      collections: [...this.#runtime.collections.values()].map((c) => c.state()),
      faults: structuredClone(this.#faults),
      nextFaultId: this.#nextFaultId,
      rng: this.#runtime.rng.state(),
      log: structuredClone(this.#log),
    };
  }
}
