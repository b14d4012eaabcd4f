import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, NO_DIST, ROOT, withDaemon, type Daemon } from '../helpers/cli.js';
import { errorCode, textOf, toolApi } from './mcp-client.js';

// `clove mcp --http 0` against a running kernel (--socket), as a READONLY identity without grants
// inside a world made for the session from a YAML file: a Streamable HTTP round trip, the bearer
// token, and what such an identity is refused.

let daemon: Daemon;
let server: ChildProcess;
let endpoint: { url: string; token: string; agent: { id: number; name: string } };
let client: Client;
let stderr = '';

async function connectHttp(url: string, token: string): Promise<Client> {
  const c = new Client({ name: 'clove-test-http', version: '1.0.0' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return c;
}

describe.skipIf(NO_DIST)(`clove mcp --http against a running kernel${NO_DIST ? ` (skipped: ${NO_DIST})` : ''}`, () => {
  beforeAll(async () => {
    daemon = await withDaemon();
    server = spawn(process.execPath, [CLI, 'mcp', '--socket', daemon.socket, '--http', '0', '--json', '--permissions', 'READONLY', '--name', 'mcp-http', '--world', 'test/fixtures/worlds/project.yaml'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const lines = createInterface({ input: server.stdout! });
    let text = '';
    for await (const line of lines) {
      text += line;
      if (line === '}') break;
    }
    if (!text) throw new Error(`clove mcp --http printed nothing; stderr:\n${stderr}`);
    endpoint = JSON.parse(text) as typeof endpoint;
    client = await connectHttp(endpoint.url, endpoint.token);
  });

  afterAll(async () => {
    await client?.close();
    if (server && server.exitCode === null) {
      server.kill('SIGKILL');
    }
    await daemon?.stop();
  });

  it('listens on loopback and answers tools/list and tools/call over Streamable HTTP', async () => {
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(18);
    const tools2 = toolApi(client, () => stderr);
    const { agents } = await tools2.ok<{ agents: Array<{ id: number; name: string }> }>('clove_list_agents');
    expect(agents.map((a) => a.name)).toContain('mcp-http');
    // The kernel's own view: the identity is an ordinary agent of the running kernel.
    const listed = await daemon.cli(['agent', 'list', '--json']);
    const record = (JSON.parse(listed.stdout) as Array<{ name: string; world: string | null }>).find((a) => a.name === 'mcp-http');
    expect(record?.world).toBe('project');
  });

  it("acts inside its session world: reads the world's files and looks at its own world without a grant", async () => {
    const api = toolApi(client, () => stderr);
    const file = await api.ok<{ content: string }>('clove_read', { path: '/data/input.csv' });
    expect(file.content).toBe('id,value\n1,10\n2,20\n');
    // The world is the boundary: its tree is not path-checked (docs/protocol.md#permissions), even for READONLY.
    await api.ok('clove_write', { path: '/data/notes.txt', content: 'in the world' });
    const { diff } = await api.ok<{ diff: { added: string[]; modified: string[]; deleted: string[] } }>('world_diff', { world: 'project' });
    expect(diff).toEqual({ added: ['/data/notes.txt'], modified: [], deleted: [] });
  });

  it('refuses requests without the bearer token, and from another Host', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const none = await fetch(endpoint.url, { method: 'POST', headers, body });
    expect(none.status).toBe(401);
    const wrong = await fetch(endpoint.url, { method: 'POST', headers: { ...headers, authorization: 'Bearer nope' }, body });
    expect(wrong.status).toBe(401);
    const port = new URL(endpoint.url).port;
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { ...headers, authorization: `Bearer ${endpoint.token}`, host: `evil.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(403);
  });

  it('refuses what a READONLY identity without grants may not do, as MCP tool errors', async () => {
    const api = toolApi(client, () => stderr);
    const exec = await api.call('clove_exec', { command: 'true' });
    expect(errorCode(exec)).toBe('PERM_DENIED');
    const world = await api.call('world_create', { yaml: 'name: nope\n' });
    expect(errorCode(world)).toBe('KERNEL_FORBIDDEN');
    expect(textOf(world)).toContain("has not been granted 'worlds' (the operator can start clove mcp with --grant worlds)");
    const reset = await api.ok<{ env_id: string }>('gym_reset', { scenario: 'secret-bait-v1' });
    const step = await api.call('gym_step', { env_id: reset.env_id, action: { tool: 'exec', args: { command: 'ls' } } });
    expect(errorCode(step)).toBe('PERM_DENIED');
    await api.ok('gym_close', { env_id: reset.env_id });
  });

  it('ends the identity agent and its session world when the server stops', async () => {
    await client.close();
    server.kill('SIGTERM');
    const [code] = (await once(server, 'exit')) as [number | null];
    expect(code, stderr).toBe(0);
    const listed = await daemon.cli(['agent', 'list', '--all', '--json']);
    const identity = (JSON.parse(listed.stdout) as Array<{ name: string; state: string }>).find((a) => a.name === 'mcp-http');
    expect(identity?.state).toBe('killed');
    const worlds = await daemon.cli(['world', 'list', '--json']);
    expect(worlds.stdout).not.toContain('"project"');
  });

  it('leaves no identity behind when the server is killed without cleaning up', async () => {
    const orphaned = spawn(process.execPath, [CLI, 'mcp', '--socket', daemon.socket, '--name', 'mcp-orphan'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    orphaned.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    const state = async () => {
      const listed = await daemon.cli(['agent', 'list', '--all', '--json']);
      return (JSON.parse(listed.stdout) as Array<{ name: string; state: string }>).find((a) => a.name === 'mcp-orphan')?.state;
    };
    // The server says whom it acts as once the identity handed over its token.
    for (let i = 0; i < 200 && !err.includes("acting as agent 'mcp-orphan'"); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await state(), err).toBe('running');
    orphaned.kill('SIGKILL');
    await once(orphaned, 'exit');
    let last: string | undefined;
    for (let i = 0; i < 40; i++) {
      last = await state();
      if (last !== 'running') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(last).toBe('exited');
  });
});
