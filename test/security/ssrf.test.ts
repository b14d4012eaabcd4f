import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedIPv4, specialAddress } from '../../kernel/net/address-policy.js';
import { runScripted, useTestKernel } from '../helpers/kernel.js';

// HTTP made on an agent's behalf must not reach the host's own services (an agent in its own
// network namespace would otherwise reach them through the kernel), nor stream a huge body into it.

let server: Server;
let port: number;
let hits = 0;
/** Bytes of /big the server got to write before the client hung up. */
let bigSent = 0;
const MiB = 1024 * 1024;
const BIG = 256 * MiB;

const k = useTestKernel({ sandbox: false });
beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    if (req.url === '/big') {
      // A finite body far larger than any max_bytes, sent as fast as the client reads it.
      bigSent = 0;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BIG) });
      const chunk = Buffer.alloc(64 * 1024, 0x62);
      const pump = () => {
        while (bigSent < BIG && !res.destroyed) {
          bigSent += chunk.length;
          if (!res.write(chunk)) return;
        }
        if (bigSent >= BIG) res.end();
      };
      res.on('drain', pump);
      pump();
      return;
    }
    if (req.url === '/endless') {
      // 64 KiB chunks for as long as the client reads: a body of unbounded size.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (res.write(chunk)) if (res.destroyed) return;
      };
      res.on('drain', pump);
      res.on('close', () => res.off('drain', pump));
      pump();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('secret on loopback');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('address policy', () => {
  it('knows loopback, private, link-local and other special ranges of IPv4 and IPv6, and what mapped addresses carry', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1']) {
      expect(specialAddress(a), a).toBeDefined();
    }
    for (const a of ['::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::a00:1', '2002:7f00:1::', '::ffff:169.254.169.254']) {
      expect(specialAddress(a), a).toBeDefined();
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) expect(specialAddress(a), a).toBeUndefined();
    expect(embeddedIPv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIPv4('2002:0a00:0001::1')).toBe('10.0.0.1');
  });
});

describe('HTTP on an agent\'s behalf', () => {
  it('refuses loopback by IP, by name, by IPv6 and by IPv4-mapped IPv6, with PERM_DENIED naming http.addresses', async () => {
    const before = hits;
    const urls = [`http://127.0.0.1:${port}/`, `http://localhost:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, `http://[::1]:${port}/`, `http://0.0.0.0:${port}/`, `http://2130706433:${port}/`];
    const out = await runScripted(await k.client(), urls.map((url) => ['http', { url }]));
    for (const [i, o] of out.entries()) {
      expect(o.error, urls[i]).toBe('PERM_DENIED');
      expect(o.message, urls[i]).toMatch(/http\.addresses/);
    }
    expect(hits).toBe(before);
  });

  it('reaches a special address when the permissions name the host exactly, not through a wildcard', async () => {
    const c = await k.client();
    const named = await runScripted(c, [['http', { url: `http://127.0.0.1:${port}/` }]], { permissions: { level: 'STANDARD', http: { allowed: true, domains: ['127.0.0.1'] } } });
    expect(named[0]!.ok).toMatchObject({ status: 200, body: 'secret on loopback' });
    const wildcard = await runScripted(c, [['http', { url: `http://127.0.0.1:${port}/` }]], { permissions: { level: 'STANDARD', http: { allowed: true, domains: ['*'] } } });
    expect(wildcard[0]!.error).toBe('PERM_DENIED');
  });

  it('streams a body and cuts it at max_bytes without reading the rest (operators may reach loopback)', async () => {
    const c = await k.client();
    const res = await c.http({ url: `http://127.0.0.1:${port}/endless`, maxBytes: 1024 });
    expect(res.truncated).toBe(true);
    expect(Buffer.from(res.body, res.bodyEncoding === 'base64' ? 'base64' : 'utf8').length).toBe(1024);
    expect(await c.echo('still serving')).toBe('still serving');
  });
});

describe('HTTP an allow-list world lets out to the real network', () => {
  const world = 'ssrf-allow';
  beforeAll(async () => {
    const c = await k.client();
    await c.worldCreate({ source: `name: ${world}\nnetwork:\n  mode: allow-list\n  allow: ["127.0.0.1", "localhost"]\n` });
  });

  it('is refused for loopback by IP and by name unless the permissions name the host, with PERM_DENIED naming http.addresses', async () => {
    const c = await k.client();
    const before = hits;
    const urls = [`http://127.0.0.1:${port}/`, `http://localhost:${port}/`];
    const out = await runScripted(c, urls.map((url) => ['http', { url }]), { world, permissions: { level: 'STANDARD', http: { allowed: true, domains: ['*'] } } });
    for (const [i, o] of out.entries()) {
      expect(o.error, urls[i]).toBe('PERM_DENIED');
      expect(o.message, urls[i]).toMatch(/http\.addresses/);
    }
    expect(hits).toBe(before);
    const log = (await c.worldState(world, { requests: true })).requests ?? [];
    expect(log.slice(-2).map((r) => r.outcome)).toEqual(['blocked', 'blocked']);
  });

  it('streams the body and cuts it at max_bytes: the rest is never sent, kernel memory does not take it', async () => {
    const c = await k.client();
    const rssBefore = process.memoryUsage().rss;
    const [out] = await runScripted(c, [['http', { url: `http://127.0.0.1:${port}/big`, maxBytes: 1024 }]], {
      world,
      permissions: { level: 'STANDARD', http: { allowed: true, domains: ['127.0.0.1'] } },
    });
    const grown = process.memoryUsage().rss - rssBefore;
    console.log(`world passthrough of a ${BIG / MiB} MiB body with max_bytes=1024: server sent ${(bigSent / MiB).toFixed(1)} MiB, kernel RSS +${(grown / MiB).toFixed(1)} MiB`);
    expect(out!.ok).toMatchObject({ status: 200, truncated: true });
    expect(Buffer.from(out!.ok.body, out!.ok.bodyEncoding === 'base64' ? 'base64' : 'utf8').length).toBe(1024);
    // The connection was closed after the first chunk: socket buffers' worth was sent, not 256 MiB.
    expect(bigSent).toBeLessThan(32 * MiB);
    expect(grown).toBeLessThan(64 * MiB);
    expect(await c.echo('still serving')).toBe('still serving');
  });
});
