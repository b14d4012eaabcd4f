/**
 * The dashboard's HTTP surface (hono): the page, its JSON API and its event stream. Every API and
 * stream route needs a session (see session.ts); the page's files carry no data.
 */
import { resolve } from 'node:path';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { CloveError } from '../sdk/errors.js';
import { assets } from './assets.js';
import { auditPage, type AuditFilter } from './audit-view.js';
import { DashboardError, httpStatusOf } from './errors.js';
import type { KernelLink, SpawnInput } from './kernel-link.js';
import type { FeedMessage, LiveFeed } from './live-feed.js';
import type { ResultsLibrary } from './results-library.js';
import type { Sessions } from './session.js';

export interface AppParts {
  link: KernelLink;
  feed: LiveFeed;
  sessions: Sessions;
  /** Null without `--results`. */
  results: ResultsLibrary | null;
  /** Relative scripts in spawn requests resolve against this; default the process's directory. */
  cwd?: string;
}

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts, which the origin check refuses.
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function asset(c: Context, name: string, status: 200 | 401 = 200, message = ''): Response {
  const file = assets().get(name)!;
  const body = name === 'login.html' ? file.body.replace('<!--message-->', escapeHtml(message)) : file.body;
  return c.body(body, status, { 'Content-Type': file.type });
}

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new DashboardError('DASHBOARD_BAD_REQUEST', 'the request body must be a JSON object (Content-Type: application/json)');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new DashboardError('DASHBOARD_BAD_REQUEST', 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new DashboardError('DASHBOARD_BAD_REQUEST', `${key} must be a string, got ${typeof value}`);
  return value;
}

function agentRef(value: string): number | string {
  return /^\d+$/.test(value) ? Number(value) : value;
}

function requireResults(parts: AppParts): ResultsLibrary {
  if (!parts.results) throw new DashboardError('DASHBOARD_NO_RESULTS', 'no results directory: start the dashboard with --results DIR (a `clove bench run` output directory or a folder of runs and recordings)', 404);
  return parts.results;
}

/** Builds the hono app. */
export function createApp(parts: AppParts): Hono {
  const { link, feed, sessions } = parts;
  const app = new Hono();

  app.onError((error, c) => {
    const status = httpStatusOf(error);
    const code = status !== 500 && error instanceof CloveError ? error.code : 'DASHBOARD_FAILED';
    return c.json({ error: { code, message: error.message } }, status);
  });
  app.notFound((c) => c.json({ error: { code: 'DASHBOARD_NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } }, 404));

  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });
  app.use('*', sessions.hostCheck);

  // The page. `?token=` opens a session and is dropped from the address at once.
  app.get('/', (c) => {
    const token = c.req.query('token');
    if (token !== undefined) {
      if (!sessions.isOperatorToken(token)) return asset(c, 'login.html', 401, 'That token is not the operator token of this kernel.');
      sessions.open(c);
      return c.redirect('/', 303);
    }
    if (!sessions.hasSession(c)) return asset(c, 'login.html', 401);
    return asset(c, 'index.html');
  });
  app.post('/login', async (c) => {
    sessions.checkOrigin(c);
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    if (!sessions.isOperatorToken(token)) return asset(c, 'login.html', 401, 'That token is not the operator token of this kernel.');
    sessions.open(c);
    return c.redirect('/', 303);
  });
  app.get('/app.js', (c) => asset(c, 'app.js'));
  app.get('/style.css', (c) => asset(c, 'style.css'));
  app.get('/favicon.ico', (c) => c.body(null, 204));

  app.use('/api/*', sessions.guard);

  app.post('/api/logout', (c) => {
    sessions.close(c);
    return c.json({ ok: true });
  });

  app.get('/api/snapshot', async (c) => c.json(await link.snapshot()));
  app.get('/api/events', (c) => c.json({ events: feed.events }));

  // Server-sent events: a snapshot at once and about every second, kernel events as they come.
  app.get('/api/stream', (c) =>
    streamSSE(c, async (stream) => {
      const queue: FeedMessage[] = [];
      let wake: (() => void) | null = null;
      const stop = feed.listen((message) => {
        queue.push(message);
        wake?.();
      });
      stream.onAbort(() => {
        stop();
        wake?.();
      });
      await stream.writeSSE({ event: 'kernel', data: JSON.stringify(link.kernel), retry: 1000 });
      if (feed.last) await stream.writeSSE({ event: 'snapshot', data: JSON.stringify(feed.last) });
      while (!stream.aborted && !stream.closed) {
        if (queue.length === 0) await new Promise<void>((r) => (wake = r));
        wake = null;
        for (const message of queue.splice(0)) {
          const data = message.type === 'snapshot' ? message.snapshot : message.type === 'event' ? message.event : message.kernel;
          await stream.writeSSE({ event: message.type, data: JSON.stringify(data) });
        }
      }
      stop();
    }),
  );

  app.post('/api/agents', async (c) => {
    const body = await jsonBody(c);
    const script = optionalString(body, 'script');
    if (!script) throw new DashboardError('DASHBOARD_BAD_REQUEST', 'script is required: the path of the agent script or executable');
    const args = body.args;
    if (args !== undefined && (!Array.isArray(args) || !args.every((a) => typeof a === 'string'))) throw new DashboardError('DASHBOARD_BAD_REQUEST', 'args must be an array of strings');
    const cwd = parts.cwd ?? process.cwd();
    const input: SpawnInput = { script: resolve(cwd, script), cwd, ...(args ? { args: args as string[] } : {}), sandboxed: body.sandboxed === true };
    const name = optionalString(body, 'name');
    const world = optionalString(body, 'world');
    if (name) input.name = name;
    if (world) input.world = world;
    const agent = await link.spawn(input);
    feed.refresh();
    return c.json(agent, 201);
  });
  app.post('/api/agents/:agent/kill', async (c) => {
    const body = await jsonBody(c).catch(() => ({}) as Record<string, unknown>);
    const signal = (optionalString(body, 'signal') ?? 'SIGTERM').toUpperCase();
    if (!/^SIG[A-Z0-9]+$/.test(signal)) throw new DashboardError('DASHBOARD_BAD_REQUEST', `signal ${JSON.stringify(signal)} is not a signal name such as SIGTERM or SIGKILL`);
    const result = await link.kill(agentRef(c.req.param('agent')), signal as NodeJS.Signals);
    feed.refresh();
    return c.json(result);
  });
  app.get('/api/agents/:agent/logs', async (c) => c.json({ lines: await link.logs(agentRef(c.req.param('agent'))) }));

  app.get('/api/worlds/:world', async (c) => c.json(await link.world(c.req.param('world'))));
  app.post('/api/worlds/:world/events', async (c) => {
    const body = await jsonBody(c);
    const type = optionalString(body, 'type');
    if (!type) throw new DashboardError('DASHBOARD_BAD_REQUEST', 'type is required, e.g. network.outage, fs.corrupt, clock.jump or custom');
    const params = body.params ?? {};
    if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new DashboardError('DASHBOARD_BAD_REQUEST', 'params must be a JSON object');
    const entry = await link.worldEvent(c.req.param('world'), type, params as Record<string, unknown>);
    feed.refresh();
    return c.json({ entry }, 201);
  });

  app.get('/api/audit', async (c) => {
    const q = c.req.query();
    const filter: AuditFilter = {};
    for (const key of ['agent', 'run', 'opcode', 'text'] as const) if (q[key]) filter[key] = q[key];
    if (q.decision === 'allowed' || q.decision === 'denied') filter.decision = q.decision;
    if (q.caller === 'agent' || q.caller === 'operator' || q.caller === 'anonymous') filter.caller = q.caller;
    if (q.limit && /^\d+$/.test(q.limit)) filter.limit = Number(q.limit);
    if (q.hideOperatorReads === '1') filter.hideOperatorReads = true;
    return c.json(await auditPage(link.auditPath, filter, link.kernel.runId));
  });

  app.get('/api/results', (c) => c.json(requireResults(parts).list()));
  app.get('/api/results/run', (c) => c.json(requireResults(parts).run(c.req.query('path') ?? '')));
  app.get('/api/results/trajectory', (c) => c.json(requireResults(parts).trajectory(c.req.query('path') ?? '')));
  app.get('/api/results/compare', (c) =>
    c.json(requireResults(parts).compare(c.req.query('base') ?? '', c.req.query('next') ?? '', { allowSuiteChange: c.req.query('allowSuiteChange') === '1' })),
  );

  return app;
}
