import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, HttpBlockedError, PASSTHROUGH_MAX_BYTES, type RouteDefinition, World, type WorldDefinition } from '../../worlds/index.js';

function world(routes: RouteDefinition[], extra: Partial<WorldDefinition> = {}, seed: number | string = 1): World {
  return createWorld({ name: 'net', seed, network: { mode: 'mock', routes }, ...extra });
}

const json = (body: Buffer): unknown => JSON.parse(body.toString());

describe('network mocks', () => {
  it('fills route parameters, query and body into templated responses', async () => {
    const w = world([
      { method: 'GET', url: 'https://api.example.com/users/:id', json: { id: '{{params.id}}', q: '{{query.q}}' }, headers: { 'x-user': '{{params.id}}' } },
      { method: 'POST', url: 'https://api.example.com/echo', text: 'hello {{body.name}} via {{method}}', status: 202 },
    ]);
    const user = await w.fetch({ url: 'https://api.example.com/users/42?q=abc' });
    expect(user.status).toBe(200);
    expect(json(user.body)).toEqual({ id: '42', q: 'abc' });
    const echo = await w.fetch({ method: 'POST', url: 'https://api.example.com/echo', body: JSON.stringify({ name: 'Ada' }) });
    expect(echo.status).toBe(202);
    expect(echo.body.toString()).toBe('hello Ada via POST');
    w.close();
  });

  it('answers a sequence in turn and then repeats the last response or loops', async () => {
    const w = world([
      { name: 'deploy', method: 'POST', url: 'https://ci.example.com/deploy', sequence: [{ status: 500 }, { status: 502 }, { status: 200, json: { ok: true } }] },
      { name: 'flip', url: 'https://ci.example.com/flip', sequence: [{ text: 'a' }, { text: 'b' }], sequence_end: 'loop' },
    ]);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await w.fetch({ method: 'POST', url: 'https://ci.example.com/deploy' })).status);
    expect(statuses).toEqual([500, 502, 200, 200]);
    const flips: string[] = [];
    for (let i = 0; i < 3; i++) flips.push((await w.fetch({ url: 'https://ci.example.com/flip' })).body.toString());
    expect(flips).toEqual(['a', 'b', 'a']);
    w.close();
  });

  it('fails a seeded share of requests with the error status, the same way for the same seed', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const w = world([{ url: 'https://api.example.com/flaky', json: { ok: true }, error_rate: 0.3, error_status: 503 }], {}, seed);
      const out: number[] = [];
      for (let i = 0; i < 200; i++) out.push((await w.fetch({ url: 'https://api.example.com/flaky' })).status);
      w.close();
      return out;
    };
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const failures = a.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(30);
    expect(failures).toBeLessThan(90);
    expect(new Set(a)).toEqual(new Set([200, 503]));
  });

  it('keeps collection state across create, read, update and delete', async () => {
    const w = world([{ url: 'https://api.example.com/todos', collection: { items: [{ id: 1, title: 'a' }] } }]);
    const base = 'https://api.example.com/todos';
    const created = await w.fetch({ method: 'POST', url: base, body: JSON.stringify({ title: 'b' }) });
    expect(created.status).toBe(201);
    expect(json(created.body)).toEqual({ id: 2, title: 'b' });
    expect(json((await w.fetch({ url: `${base}/2` })).body)).toEqual({ id: 2, title: 'b' });
    expect(json((await w.fetch({ method: 'PATCH', url: `${base}/2`, body: JSON.stringify({ done: true }) })).body)).toEqual({ id: 2, title: 'b', done: true });
    expect(json((await w.fetch({ method: 'PUT', url: `${base}/1`, body: JSON.stringify({ title: 'A' }) })).body)).toEqual({ id: 1, title: 'A' });
    expect((await w.fetch({ method: 'DELETE', url: `${base}/1` })).status).toBe(204);
    expect((await w.fetch({ url: `${base}/1` })).status).toBe(404);
    expect(json((await w.fetch({ url: base })).body)).toEqual([{ id: 2, title: 'b', done: true }]);
    expect((await w.fetch({ method: 'POST', url: base, body: 'not json' })).status).toBe(400);
    w.close();
  });

  it('blocks unmatched requests in mock mode with HTTP_BLOCKED and logs them', async () => {
    const w = world([{ url: 'https://api.example.com/ok', text: 'ok' }]);
    await expect(w.fetch({ url: 'https://evil.example.net/steal' })).rejects.toThrow(HttpBlockedError);
    await expect(w.fetch({ url: 'https://api.example.com/other' })).rejects.toMatchObject({ code: 'HTTP_BLOCKED', message: expect.stringContaining('network.routes') });
    expect(w.requestLog.map((e) => [e.url, e.outcome, e.error])).toEqual([
      ['https://evil.example.net/steal', 'blocked', 'HTTP_BLOCKED'],
      ['https://api.example.com/other', 'blocked', 'HTTP_BLOCKED'],
    ]);
    w.close();
  });

  it('blocks every request when the world is offline, routes included', async () => {
    const w = createWorld({ name: 'off', network: { mode: 'offline', routes: [{ url: 'https://api.example.com/ok', text: 'ok' }] } });
    await expect(w.fetch({ url: 'https://api.example.com/ok' })).rejects.toMatchObject({ code: 'HTTP_BLOCKED', message: expect.stringContaining('offline') });
    w.close();
  });

  describe('allow-list mode', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url === '/huge') {
          // Twice what a passthrough keeps, in 64 KiB writes.
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          const chunk = Buffer.alloc(64 * 1024, 0x61);
          let left = (2 * PASSTHROUGH_MAX_BYTES) / chunk.length;
          const pump = () => {
            while (left > 0 && !res.destroyed) {
              left--;
              if (!res.write(chunk)) return;
            }
            if (left === 0) res.end();
          };
          res.on('drain', pump);
          pump();
          return;
        }
        res.end(`real ${req.url}`);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('sends unmatched requests out only to allow-listed hosts', async () => {
      const w = createWorld({ name: 'allow', network: { mode: 'allow-list', allow: ['127.0.0.1'], routes: [{ url: `http://127.0.0.1:${port}/mocked`, text: 'mocked' }] } });
      expect((await w.fetch({ url: `http://127.0.0.1:${port}/mocked` })).body.toString()).toBe('mocked');
      const real = await w.fetch({ url: `http://127.0.0.1:${port}/real` });
      expect(real.body.toString()).toBe('real /real');
      expect(real.route).toBe('passthrough');
      await expect(w.fetch({ url: 'http://localhost:1/' })).rejects.toMatchObject({ code: 'HTTP_BLOCKED', message: expect.stringContaining('network.allow') });
      w.close();
    });

    it('streams a passthrough body and cuts it at PASSTHROUGH_MAX_BYTES', async () => {
      const w = createWorld({ name: 'allow-huge', network: { mode: 'allow-list', allow: ['127.0.0.1'] } });
      const res = await w.fetch({ url: `http://127.0.0.1:${port}/huge` });
      expect(res.truncated).toBe(true);
      expect(res.body.length).toBe(PASSTHROUGH_MAX_BYTES);
      w.close();
    });

    it("sends what it lets out through the caller's passthrough; a WorldError from it blocks the request", async () => {
      const w = createWorld({ name: 'allow-own', network: { mode: 'allow-list', allow: ['127.0.0.1'] } });
      const seen: string[] = [];
      const res = await w.fetch(
        { url: `http://127.0.0.1:${port}/x` },
        { passthrough: async (r) => (seen.push(`${r.method} ${r.url}`), { status: 201, headers: {}, body: Buffer.from('own'), truncated: false }) },
      );
      expect(seen).toEqual([`GET http://127.0.0.1:${port}/x`]);
      expect(res).toMatchObject({ status: 201, route: 'passthrough' });
      expect(res.body.toString()).toBe('own');
      const refuse = async () => {
        throw new HttpBlockedError('GET', 'u', 'no', 'hint');
      };
      await expect(w.fetch({ url: `http://127.0.0.1:${port}/y` }, { passthrough: refuse })).rejects.toMatchObject({ code: 'HTTP_BLOCKED' });
      expect(w.requestLog.at(-1)?.outcome).toBe('blocked');
      w.close();
    });
  });

  it('models latency on the world clock, not on wall time', async () => {
    const w = world([{ url: 'https://slow.example.com/x', text: 'x', latency_ms: 60_000 }]);
    // Were the latency real, this would outlive the test timeout.
    const res = await w.fetch({ url: 'https://slow.example.com/x' });
    expect(res.latencyMs).toBe(60_000);
    expect(w.clock.elapsed()).toBe(60_000);
    expect(w.requestLog[0]).toMatchObject({ time: w.clock.start, completedAt: w.clock.start + 60_000, status: 200, responseBody: 'x' });
    w.close();
  });

  it('holds a slow response while a joined agent is still running (discrete mode)', async () => {
    const w = world([{ url: 'https://slow.example.com/x', text: 'x', latency_ms: 1_000 }]);
    w.agentJoined('caller');
    w.agentJoined('busy');
    let done = false;
    const pending = w.fetch({ url: 'https://slow.example.com/x' }, { agent: 'caller' }).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    expect(w.clock.elapsed()).toBe(0);
    w.agentBlocked('busy');
    await pending;
    expect(w.clock.elapsed()).toBe(1_000);
    w.close();
  });

  it('consults handlers given from TypeScript before the YAML routes, fresh per fork', async () => {
    let built = 0;
    const handlers = (): ReturnType<typeof http.get>[] => {
      built++;
      return [http.get('https://api.example.com/once', () => HttpResponse.text('first'), { once: true })];
    };
    const w = createWorld({ name: 'ts', network: { routes: [{ url: 'https://api.example.com/once', text: 'yaml' }] } }, { handlers });
    expect((await w.fetch({ url: 'https://api.example.com/once' })).body.toString()).toBe('first');
    expect((await w.fetch({ url: 'https://api.example.com/once' })).body.toString()).toBe('yaml');
    const fork = w.fork('ts-fork');
    expect((await fork.fetch({ url: 'https://api.example.com/once' })).body.toString()).toBe('first');
    expect(built).toBe(2);
    expect(fork.requestLog.map((e) => e.route)).toEqual(['custom', '#0 GET https://api.example.com/once', 'custom']);
    fork.close();
    w.close();
  });
});
