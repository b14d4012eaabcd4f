import { http, HttpResponse, type RequestHandler } from 'msw';
import type { WorldRandom } from '../rng.js';
import type { LatencyDefinition, ResponseDefinition, RouteDefinition } from '../schema.js';
import { Collection } from './collection.js';

/** What a YAML route handler decided, read back by the network after `getResponse`. */
export interface RouteMatch {
  route: string;
  latencyMs: number;
}

/** Mutable state the route handlers of one world share. */
export interface RouteRuntime {
  rng: WorldRandom;
  /** Next position in each route's `sequence`, by route index. */
  sequences: number[];
  collections: Map<number, Collection>;
  /** Set by a handler while its request is being resolved (resolution is serialised). */
  match: RouteMatch | undefined;
}

interface TemplateContext {
  params: Record<string, unknown>;
  query: Record<string, string>;
  body: unknown;
  method: string;
  headers: Record<string, string>;
}

const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;

function lookup(context: TemplateContext, path: string): unknown {
  let value: unknown = context;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const WHOLE_PLACEHOLDER = /^\{\{\s*([\w.-]+)\s*\}\}$/;

/**
 * Fills `{{params.id}}`, `{{query.q}}`, `{{body.name}}`, `{{headers.x}}`, `{{method}}` in strings of a
 * body. With `keepTypes` (JSON bodies), a string that is one placeholder and nothing else becomes the
 * value itself (`"{{body.amount}}"` gives `120`, not `"120"`; a missing value gives `null`).
 */
export function renderTemplate(value: unknown, context: TemplateContext, keepTypes = false): unknown {
  if (typeof value === 'string') {
    const whole = keepTypes ? WHOLE_PLACEHOLDER.exec(value) : null;
    if (whole) return structuredClone(lookup(context, whole[1] ?? '') ?? null);
    return value.replace(PLACEHOLDER, (_, path: string) => {
      const found = lookup(context, path);
      if (found === undefined || found === null) return '';
      return typeof found === 'object' ? JSON.stringify(found) : String(found);
    });
  }
  if (Array.isArray(value)) return value.map((v) => renderTemplate(v, context, keepTypes));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderTemplate(v, context, keepTypes)]));
  }
  return value;
}

export function drawLatency(latency: LatencyDefinition | undefined, rng: WorldRandom): number {
  if (latency === undefined) return 0;
  if (typeof latency === 'number') return latency;
  return Math.round(latency.min + rng.next() * Math.max(0, latency.max - latency.min));
}

async function templateContext(request: Request, params: Record<string, unknown>): Promise<TemplateContext> {
  const url = new URL(request.url);
  const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // a non-JSON body stays text
  }
  return {
    params,
    query: Object.fromEntries(url.searchParams),
    body,
    method: request.method,
    headers: Object.fromEntries(request.headers),
  };
}

function respond(definition: ResponseDefinition, fallbackStatus: number, context: TemplateContext): Response {
  const status = definition.status ?? fallbackStatus;
  // Header values are templates too (`x-request-id: "{{params.id}}"`); always strings.
  const headers = new Headers(Object.entries(definition.headers ?? {}).map(([k, v]) => [k, String(renderTemplate(v, context))]));
  if (definition.json !== undefined) {
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new HttpResponse(JSON.stringify(renderTemplate(definition.json, context, true)), { status, headers });
  }
  if (definition.text !== undefined) {
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8');
    return new HttpResponse(String(renderTemplate(definition.text, context)), { status, headers });
  }
  return new HttpResponse(null, { status, headers });
}

function routeName(route: RouteDefinition, index: number): string {
  return route.name ?? `#${index} ${route.collection ? 'REST' : (route.method ?? 'GET')} ${route.url}`;
}

function methodFactory(method: string | undefined): typeof http.get {
  switch (method ?? 'GET') {
    case 'POST': return http.post;
    case 'PUT': return http.put;
    case 'PATCH': return http.patch;
    case 'DELETE': return http.delete;
    case 'HEAD': return http.head;
    case 'OPTIONS': return http.options;
    case 'ALL': return http.all;
    default: return http.get;
  }
}

function collectionHandlers(route: RouteDefinition, index: number, runtime: RouteRuntime): RequestHandler[] {
  const base = route.url.replace(/\/+$/, '');
  const name = routeName(route, index);
  const item = `${base}/:id`;
  const collection = (): Collection => runtime.collections.get(index) as Collection;
  const matched = (): void => {
    runtime.match = { route: name, latencyMs: drawLatency(route.latency_ms, runtime.rng) };
  };
  const jsonBody = async (request: Request): Promise<Record<string, unknown> | undefined> => {
    try {
      const body: unknown = await request.json();
      return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const notFound = (id: string): Response => HttpResponse.json({ error: 'not found', id }, { status: 404 });
  const badBody = (): Response => HttpResponse.json({ error: 'the body must be a JSON object' }, { status: 400 });
  return [
    http.get(base, () => {
      matched();
      return HttpResponse.json(collection().list());
    }),
    http.post(base, async ({ request }) => {
      matched();
      const body = await jsonBody(request);
      return body === undefined ? badBody() : HttpResponse.json(collection().create(body), { status: 201 });
    }),
    http.get(item, ({ params }) => {
      matched();
      const found = collection().get(String(params.id));
      return found === undefined ? notFound(String(params.id)) : HttpResponse.json(found);
    }),
    ...(['PUT', 'PATCH'] as const).map((method) =>
      methodFactory(method)(item, async ({ request, params }) => {
        matched();
        const body = await jsonBody(request);
        if (body === undefined) return badBody();
        const updated = collection().update(String(params.id), body, method === 'PATCH');
        return updated === undefined ? notFound(String(params.id)) : HttpResponse.json(updated);
      }),
    ),
    http.delete(item, ({ params }) => {
      matched();
      return collection().delete(String(params.id)) ? new HttpResponse(null, { status: 204 }) : notFound(String(params.id));
    }),
  ];
}

/**
 * Builds fresh msw handlers for a world's YAML routes. Handlers are built per world and per fork,
 * so `once`-style state never leaks between worlds; sequence positions and collections live in
 * `runtime` and are snapshotted with the world.
 */
export function buildRouteHandlers(routes: readonly RouteDefinition[], runtime: RouteRuntime): RequestHandler[] {
  const handlers: RequestHandler[] = [];
  routes.forEach((route, index) => {
    if (route.collection !== undefined) {
      handlers.push(...collectionHandlers(route, index, runtime));
      return;
    }
    const name = routeName(route, index);
    handlers.push(
      methodFactory(route.method)(route.url, async ({ request, params }) => {
        const context = await templateContext(request, params as Record<string, unknown>);
        let definition: ResponseDefinition = route;
        if (route.sequence !== undefined) {
          const position = runtime.sequences[index] ?? 0;
          const length = route.sequence.length;
          const at = route.sequence_end === 'loop' ? position % length : Math.min(position, length - 1);
          definition = { ...route.sequence[at], latency_ms: route.sequence[at]?.latency_ms ?? route.latency_ms };
          runtime.sequences[index] = position + 1;
        }
        const latencyMs = drawLatency(definition.latency_ms, runtime.rng);
        runtime.match = { route: name, latencyMs };
        if (route.error_rate !== undefined && route.error_rate > 0 && runtime.rng.next() < route.error_rate) {
          const status = route.error_status ?? 500;
          return HttpResponse.json({ error: 'simulated failure', status }, { status });
        }
        return respond(definition, 200, context);
      }),
    );
  });
  return handlers;
}

/** Initial collection states of a world's routes. */
export function initialCollections(routes: readonly RouteDefinition[]): Map<number, Collection> {
  const out = new Map<number, Collection>();
  routes.forEach((route, index) => {
    if (route.collection === undefined) return;
    const idField = route.collection.id_field ?? 'id';
    out.set(index, new Collection(Collection.initial(index, idField, route.collection.items ?? [])));
  });
  return out;
}
