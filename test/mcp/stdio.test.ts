import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudit } from '../../kernel/audit/index.js';
import type { AuditRecord } from '../../kernel/audit/index.js';
import { NO_DIST } from '../helpers/cli.js';
import { errorCode, startStdio, textOf, type StdioSession } from './mcp-client.js';

// One `clove mcp` over stdio with an embedded kernel, driven by the MCP SDK's own client: the
// identity is a SANDBOXED agent that may also reach api.example.com and holds the 'worlds' grant.

const TOOLS = [
  'clove_read', 'clove_write', 'clove_exec', 'clove_think', 'clove_spawn', 'clove_list_agents', 'clove_kill', 'clove_http',
  'world_create', 'world_event', 'world_snapshot', 'world_restore', 'world_diff', 'world_timeline',
  'gym_list', 'gym_reset', 'gym_step', 'gym_close',
];

const WORLD = `
name: shop
filesystem:
  files:
    - path: /data/orders.json
      content: '{"open": 2}'
network:
  mode: mock
  routes:
    - method: GET
      url: https://api.example.com/items/:id
      json: { id: "{{params.id}}", ok: true }
clock: { start: "2026-03-01T09:00:00Z", mode: discrete }
`;

let dir: string;
let workspace: string;
let state: string;
let mcp: StdioSession;

describe.skipIf(NO_DIST)(`clove mcp over stdio${NO_DIST ? ` (skipped: ${NO_DIST})` : ''}`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clove-mcp-'));
    workspace = join(dir, 'workspace');
    state = join(dir, 'state');
    mkdirSync(workspace);
    // The kernel runs agents as an unprivileged user when it runs as root: let it into the workspace.
    chmodSync(dir, 0o755);
    chmodSync(workspace, 0o777);
    const permissions = JSON.stringify({ level: 'SANDBOXED', http: { allowed: true, domains: ['api.example.com'] } });
    mcp = await startStdio(['--state-dir', state, '--workspace', workspace, '--name', 'mcp-test', '--grant', 'worlds', '--permissions', permissions]);
  });

  afterAll(async () => {
    await mcp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every tool with a description and a JSON Schema of its input', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe('object');
    }
    const read = tools.find((t) => t.name === 'clove_read')!;
    expect(read.inputSchema.required).toEqual(['path']);
    expect(Object.keys(read.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['path', 'encoding', 'offset', 'length', 'world']));
  });

  it('writes and reads a file in its workspace as the identity (clove_write, clove_read)', async () => {
    const written = await mcp.ok<{ path: string; written: number }>('clove_write', { path: 'notes.txt', content: 'from an MCP client\n' });
    expect(written).toEqual({ path: join(workspace, 'notes.txt'), written: 19 });
    expect(readFileSync(join(workspace, 'notes.txt'), 'utf8')).toBe('from an MCP client\n');
    const read = await mcp.ok<{ content: string }>('clove_read', { path: 'notes.txt' });
    expect(read.content).toBe('from an MCP client\n');
  });

  it('refuses a read outside its permissions with PERM_DENIED as an MCP tool error', async () => {
    const result = await mcp.call('clove_read', { path: '/etc/passwd' });
    expect(result.isError).toBe(true);
    expect(errorCode(result)).toBe('PERM_DENIED');
    expect(textOf(result)).toContain("agent mcp-test");
    expect(textOf(result)).toContain('paths.read.allow');
  });

  it('runs a command beside the identity (clove_exec)', async () => {
    const r = await mcp.ok<{ exit_code: number; stdout: string }>('clove_exec', { command: 'echo hello-$((40+2)); pwd' });
    expect(r.exit_code).toBe(0);
    expect(r.stdout).toBe(`hello-42\n${workspace}\n`);
  });

  it("asks the kernel's model (clove_think)", async () => {
    const r = await mcp.ok<{ text: string; provider: string }>('clove_think', { prompt: 'Say something short' });
    expect(r.provider).toBe('mock');
    expect(r.text.length).toBeGreaterThan(0);
  });

  it('spawns an agent as its child, lists it and kills it (clove_spawn, clove_list_agents, clove_kill)', async () => {
    writeFileSync(join(workspace, 'sleeper.mjs'), 'setInterval(() => {}, 1000);\n', { mode: 0o644 });
    const spawned = await mcp.ok<{ id: number; name: string; parent_id: number; state: string }>('clove_spawn', { script: 'sleeper.mjs', name: 'sleeper' });
    const { agents } = await mcp.ok<{ agents: Array<{ id: number; name: string; parent_id: number | null; state: string }> }>('clove_list_agents');
    const me = agents.find((a) => a.name === 'mcp-test');
    expect(me?.parent_id).toBeNull();
    expect(spawned.parent_id).toBe(me?.id);
    expect(agents.find((a) => a.name === 'sleeper')?.state).toBe('running');
    const killed = await mcp.ok<{ killed: boolean }>('clove_kill', { agent: 'sleeper', signal: 'SIGKILL' });
    expect(killed.killed).toBe(true);
    const after = await mcp.ok<{ agents: Array<{ name: string; state: string }> }>('clove_list_agents', { all: true });
    expect(after.agents.find((a) => a.name === 'sleeper')?.state).toBe('killed');
  });

  it('returns kernel errors and invalid arguments as MCP tool errors', async () => {
    const missing = await mcp.call('clove_kill', { agent: 'nobody-here' });
    expect(errorCode(missing)).toBe('AGENT_NOT_FOUND');
    expect(textOf(missing)).toContain("no agent named 'nobody-here'");
    const self = await mcp.call('clove_kill', { agent: 'mcp-test' });
    expect(errorCode(self)).toBe('MCP_SELF_KILL');
    const invalid = await mcp.call('clove_read', { offset: 3 });
    expect(invalid.isError).toBe(true);
    expect(textOf(invalid)).toMatch(/path/);
    const both = await mcp.call('world_create', { yaml: WORLD, path: 'w.yaml' });
    expect(errorCode(both)).toBe('KERNEL_BAD_REQUEST');
  });

  it('refuses HTTP to a host outside its domain list (clove_http)', async () => {
    const result = await mcp.call('clove_http', { url: 'http://elsewhere.invalid/' });
    expect(errorCode(result)).toBe('PERM_DENIED');
  });

  it('creates a world, injects an event and reads its timeline, diff, files and mocked network (world_*, clove_http)', async () => {
    const created = await mcp.ok<{ name: string }>('world_create', { yaml: WORLD, name: 'w1', seed: 3 });
    expect(created.name).toBe('w1');
    await mcp.ok('world_event', { world: 'w1', type: 'fs.write', params: { path: '/data/new.txt', content: 'injected' }, label: 'from MCP' });
    const { timeline } = await mcp.ok<{ timeline: Array<{ type: string; seq: number }> }>('world_timeline', { world: 'w1' });
    expect(timeline.map((e) => e.type)).toContain('fs.write');
    const { diff } = await mcp.ok<{ diff: unknown }>('world_diff', { world: 'w1' });
    expect(JSON.stringify(diff)).toContain('/data/new.txt');
    const file = await mcp.ok<{ content: string }>('clove_read', { path: '/data/new.txt', world: 'w1' });
    expect(file.content).toBe('injected');
    const http = await mcp.ok<{ status: number; body: unknown }>('clove_http', { url: 'https://api.example.com/items/7', world: 'w1' });
    expect(http.status).toBe(200);
    expect(JSON.stringify(http.body)).toContain('7');
  });

  it('snapshots a world and restores it under another name (world_snapshot, world_restore)', async () => {
    const snap = await mcp.ok<{ data_base64: string }>('world_snapshot', { world: 'w1' });
    expect(snap.data_base64.length).toBeGreaterThan(100);
    const restored = await mcp.ok<{ name: string }>('world_restore', { data_base64: snap.data_base64, name: 'w2' });
    expect(restored.name).toBe('w2');
    const copy = await mcp.ok<{ content: string }>('clove_read', { path: '/data/new.txt', world: 'w2' });
    expect(copy.content).toBe('injected');
    const file = join(workspace, 'w1.snapshot');
    await mcp.ok('world_snapshot', { world: 'w1', path: 'w1.snapshot' });
    expect(readFileSync(file).length).toBeGreaterThan(100);
    const fromFile = await mcp.ok<{ name: string }>('world_restore', { path: 'w1.snapshot', name: 'w3' });
    expect(fromFile.name).toBe('w3');
  });

  it('plays a scenario to success through the gym tools (secret-bait-v1)', async () => {
    const { scenarios } = await mcp.ok<{ scenarios: Array<{ id: string }> }>('gym_list');
    expect(scenarios.map((s) => s.id)).toContain('secret-bait-v1');
    const reset = await mcp.ok<{ env_id: string; observation: { type: string; task: { text: string; tools: string[] } }; action_schema: unknown }>('gym_reset', { scenario: 'secret-bait-v1', seed: 5 });
    expect(reset.observation.type).toBe('task');
    expect(reset.observation.task.tools).toContain('submit');
    const env = reset.env_id;
    type Step = { observation: { type: string; result: Record<string, unknown> }; reward: number; terminated: boolean; info: { record?: { success: boolean; outcome: string } } };
    const step = (tool: string, args: Record<string, unknown>) => mcp.ok<Step>('gym_step', { env_id: env, action: { tool, args } });

    const bad = await mcp.call('gym_step', { env_id: env, action: { tool: 'read_file', args: { nope: 1 } } });
    expect(errorCode(bad)).toBe('GYM_ACTION_INVALID');

    const listing = await step('list_dir', { path: '/workspace/notes' });
    const names = (listing.observation.result.entries as Array<{ name: string; type: string }>).filter((e) => e.type === 'file' && e.name.endsWith('.md')).map((e) => e.name).sort();
    expect(names.length).toBeGreaterThan(0);
    const items: string[] = [];
    for (const name of names) {
      const read = await step('read_file', { path: `/workspace/notes/${name}` });
      for (const line of String(read.observation.result.content).split('\n')) if (line.startsWith('TODO:')) items.push(`- ${line.slice(5).trim()} (${name})`);
    }
    await step('write_file', { path: '/workspace/TODO.md', content: `${items.join('\n')}\n` });
    const last = await step('submit', { answer: items.length });
    expect(last.terminated).toBe(true);
    expect(last.info.record?.outcome).toBe('succeeded');
    expect(last.info.record?.success).toBe(true);
    expect(last.reward).toBeGreaterThan(0);

    expect(await mcp.ok('gym_close', { env_id: env })).toEqual({ closed: env });
    const gone = await mcp.call('gym_step', { env_id: env, action: { tool: 'submit', args: {} } });
    expect(errorCode(gone)).toBe('MCP_ENV_NOT_FOUND');
  });

  it('leaves an audit log where every tool call is the identity agent, never the operator', async () => {
    await mcp.close();
    const records: AuditRecord[] = [];
    for await (const r of readAudit(join(state, 'audit.log'))) records.push(r);
    const byIdentity = records.filter((r) => r.caller.agent_name === 'mcp-test');
    const ops = new Set(byIdentity.map((r) => r.opcode));
    for (const op of ['READ', 'WRITE', 'EXEC', 'THINK', 'SPAWN', 'LIST', 'KILL', 'HTTP', 'WORLD_CREATE', 'WORLD_EVENT', 'WORLD_STATE', 'WORLD_SNAPSHOT', 'WORLD_RESTORE', 'EMIT']) expect(ops, op).toContain(op);
    const denied = byIdentity.filter((r) => r.decision === 'denied').map((r) => `${r.opcode} ${r.rule ?? ''}`);
    expect(denied).toEqual(expect.arrayContaining(['READ paths.read.allow', expect.stringMatching(/^HTTP /)]));
    // The operator connection only sets the identity up and takes it down.
    const operatorOps = new Set(records.filter((r) => r.caller.role === 'operator').map((r) => r.opcode));
    for (const op of operatorOps) expect(['HELLO', 'SPAWN', 'LOGS', 'LIST', 'KILL']).toContain(op);
  });
});
