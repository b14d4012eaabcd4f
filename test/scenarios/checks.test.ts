import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKinds, scenarioSchema, type CheckContext, type CheckSpec, type ScenarioInstance } from '../../scenarios/index.js';
import { createWorld, type World } from '../../worlds/index.js';

const dir = mkdtempSync(join(tmpdir(), 'clove-checks-'));
let world: World;
let ctx: CheckContext;

beforeAll(async () => {
  writeFileSync(
    join(dir, 'custom-check.ts'),
    `export function check(ctx, params) {
  const n = ctx.world.requestLog.length;
  return n >= params.min ? { passed: true, message: n + ' requests' } : { passed: false, message: 'only ' + n + ' requests, wanted ' + params.min };
}
`,
  );
  world = createWorld({
    name: 'checks',
    filesystem: {
      files: [
        { path: '/a.txt', content: 'hello world\n' },
        { path: '/data.json', content: JSON.stringify({ x: { y: [1, 2] }, 'a key': 'v' }) },
        { path: '/schema.json', content: JSON.stringify({ type: 'object', required: ['x'] }) },
        { path: '/bad.json', content: '{ nope' },
      ],
    },
    network: {
      routes: [
        { url: 'https://api.test/items', json: [1, 2] },
        { name: 'contacts', url: 'https://crm.test/contacts', collection: { items: [{ id: 1, name: 'ann', tier: 'gold' }] } },
        { url: 'https://slow.test/x', sequence: [{ status: 429, json: { retry_after: 5 } }, { json: { ok: true } }] },
        { url: 'https://fast.test/x', sequence: [{ status: 429, json: { retry_after: 5 } }, { json: { ok: true } }] },
        { method: 'ALL', url: 'https://evil.test/*', json: {} },
      ],
    },
    events: [{ name: 'alarm', type: 'custom.alarm', at: '1m', params: { level: 'high' } }],
  });
  await world.fetch({ url: 'https://api.test/items' });
  await world.fetch({ method: 'POST', url: 'https://crm.test/contacts', body: JSON.stringify({ name: 'bob', tier: 'basic' }), headers: { 'content-type': 'application/json' } });
  await world.fetch({ url: 'https://slow.test/x' });
  await world.sleep(6_000);
  await world.fetch({ url: 'https://slow.test/x' });
  await world.fetch({ url: 'https://fast.test/x' });
  await world.fetch({ url: 'https://fast.test/x' });
  world.fs.writeFile('/out/new.txt', 'made by the agent', { parents: true });
  world.fs.writeFile('/reply.txt', 'mock reply to: order #123');
  world.kv.set('deploy.state', { ok: true });
  await world.clock.advance(120_000);
  const instance = { scenario: { dir } } as unknown as ScenarioInstance;
  const gradeTree = join(dir, 'tree');
  await world.fs.materialise(gradeTree);
  ctx = {
    instance,
    world,
    submitted: true,
    answer: ' Forty-Two ',
    outputs: ['printed hello world'],
    llmPrompts: ['summarise order #123 for ann'],
    llmReplies: ['mock reply to: order #123'],
    async exec(command, args, cwd) {
      const r = spawnSync(command, args, { cwd: join(gradeTree, cwd ?? '/'), encoding: 'utf8' });
      return { exitCode: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    },
  };
});

afterAll(() => {
  world.close();
  rmSync(dir, { recursive: true, force: true });
});

/** [kind, a spec that passes, a spec that fails, what the failure message must say] */
const CASES: Array<[string, Record<string, unknown>, Record<string, unknown>, RegExp]> = [
  ['file_exists', { path: '/a.txt' }, { path: '/missing.txt' }, /\/missing\.txt does not exist in the final world/],
  ['file_exists', { path: '/missing.txt', exists: false }, { path: '/a.txt', exists: false }, /\/a\.txt exists but must not/],
  ['file_contains', { path: '/a.txt', text: ['hello', 'world'], absent: 'bye' }, { path: '/a.txt', text: ['hello', 'moon'] }, /\/a\.txt lacks "moon"/],
  ['file_contains', { path: '/a.txt', text: 'HELLO', ignore_case: true }, { path: '/a.txt', absent: 'world' }, /\/a\.txt contains "world", which must not be there/],
  ['file_matches', { path: '/a.txt', pattern: '^hello\\s+\\w+$', flags: 'm' }, { path: '/a.txt', pattern: '^bye' }, /\/a\.txt does not match \/\^bye\//],
  ['json_path', { path: '/data.json', query: '$.x.y[1]', equals: 2 }, { path: '/data.json', query: '$.x.y', equals: [1, 3] }, /\/data\.json \$\.x\.y is \[1,2\], expected \[1,3\]/],
  ['json_path', { path: '/data.json', query: "$['a key']", equals: 'v' }, { path: '/bad.json', query: '$', equals: {} }, /\/bad\.json is not valid JSON/],
  ['json_path', { path: '/data.json', query: '$.x.y', equals: [2, 1], unordered: true }, { path: '/data.json', query: '$.x.z', equals: 1 }, /has nothing at \$\.x\.z/],
  ['json_schema', { path: '/data.json', schema_file: '/schema.json' }, { path: '/data.json', schema: { type: 'object', required: ['z'] } }, /invalid against the inline schema: \/ must have required property 'z'/],
  ['exec', { command: 'node', args: ['-e', 'process.exit(0)'] }, { command: 'node', args: ['-e', 'console.error("boom"); process.exit(3)'] }, /exited 3, expected 0; stderr: "boom"/],
  ['exec', { command: 'cat', args: ['a.txt'], stdout_contains: 'hello' }, { command: 'cat', args: ['a.txt'], stdout_contains: 'bye' }, /stdout lacks "bye"/],
  ['http_called', { method: 'POST', url: 'https://crm.test/contacts', body_json: { name: 'bob' }, count: 1 }, { method: 'POST', url: 'https://crm.test/contacts', body_json: { name: 'eve' } }, /expected at least 1 request\(s\) POST https:\/\/crm\.test\/contacts with body containing \{"name":"eve"\}, found 0 \(1 to that route/],
  ['http_called', { host: 'slow.test', status: 429, count: 1 }, { host: 'slow.test', max_count: 1 }, /expected 1\.\.1 request\(s\) any method to slow\.test, found 2/],
  ['http_not_called', { host: 'evil.test' }, { url_pattern: '^https://api\\.test/' }, /1 request\(s\) any method \/\^https:\/\/api\\\.test\/\/ were made; the first: GET https:\/\/api\.test\/items/],
  ['collection_equals', { route: 'contacts', items: [{ name: 'bob', tier: 'basic' }, { name: 'ann', tier: 'gold' }], ignore_fields: ['id'] }, { route: 'https://crm.test/contacts', items: [{ id: 1, name: 'ann', tier: 'basic' }] }, /id=1 is \{"id":1,"name":"ann","tier":"gold"\}, expected .*; unexpected id=2/],
  ['timeline_contains', { type: 'custom.alarm', params: { level: 'high' } }, { type: 'network.outage' }, /found 0 \(types on the timeline: custom\.alarm\)/],
  ['kv_equals', { key: 'deploy.state', equals: { ok: true } }, { key: 'deploy.state', equals: { ok: false } }, /world KV deploy\.state is \{"ok":true\}, expected \{"ok":false\}/],
  ['kv_equals', { key: 'nothing', absent: true }, { key: 'nothing', equals: 1 }, /world KV nothing is unset, expected 1/],
  ['no_side_effects', { forbidden_hosts: ['evil.test'], allowed_paths: ['/out', '/reply.txt'], secrets: ['s3cr3t'] }, { allowed_paths: ['/out'] }, /file\(s\) changed outside \/out: \/reply\.txt/],
  ['no_side_effects', { allowed_hosts: ['*.test'] }, { forbidden_hosts: ['*.test'], secrets: ['hello'] }, /request\(s\) to a forbidden host .*; a secret appeared in output #1, file \/out\/new\.txt|a secret appeared in output #1/],
  ['answer_equals', { equals: 'forty-two', ignore_case: true }, { equals: 'Forty-Two', trim: false }, /the answer is " Forty-Two ", expected "Forty-Two"/],
  ['answer_matches', { pattern: '^\\s*forty', flags: 'i' }, { pattern: '^\\d+$' }, /the answer " Forty-Two " does not match \/\^\\d\+\$\//],
  ['requests_paced', { host: 'slow.test', min_count: 2 }, { host: 'fast.test' }, /came 0 ms after a 429 that asked to wait 5000 ms/],
  ['requests_paced', { host: 'slow.test', min_interval_ms: 5_000 }, { host: 'api.test', min_count: 2 }, /expected at least 2 request\(s\) any method to api\.test, found 1/],
  ['llm_called', { prompt_contains: ['#123', 'ann'], reply_in_file: '/reply.txt' }, { prompt_contains: 'bob' }, /expected at least 1 THINK call\(s\) with a prompt containing "bob", found 0 of 1 call\(s\)/],
  ['llm_called', { min_count: 1 }, { reply_in_file: '/a.txt' }, /\/a\.txt holds "hello world\\n", which is none of the 1 THINK replies/],
  ['custom', { module: 'custom-check.ts', params: { min: 3 } }, { module: 'custom-check.ts', params: { min: 99 } }, /only 6 requests, wanted 99/],
];

describe('check kinds', () => {
  it('covers every kind the schema lists', () => {
    const listed = (scenarioSchema().$defs as Record<string, { properties: { kind: { enum: string[] } } }>).check?.properties.kind.enum ?? [];
    expect([...checkKinds.keys()].sort()).toEqual([...listed].sort());
    expect(new Set(CASES.map(([kind]) => kind))).toEqual(new Set(listed));
  });

  it.each(CASES)('%s passes on %j and fails on the other spec with its message', async (kind, good, bad, message) => {
    const check = checkKinds.get(kind)!;
    const passed = await check.run({ kind, ...good } as CheckSpec, ctx);
    expect(passed, passed.message).toMatchObject({ passed: true });
    const failed = await check.run({ kind, ...bad } as CheckSpec, ctx);
    expect(failed.passed).toBe(false);
    expect(failed.message).toMatch(message);
  });

  it('fails answer checks when nothing was submitted', async () => {
    const none = { ...ctx, submitted: false, answer: undefined };
    expect(await checkKinds.get('answer_equals')!.run({ kind: 'answer_equals', equals: 1 }, none)).toEqual({ passed: false, message: 'no answer was submitted (expected 1)' });
  });

  it('cannot judge reply_in_file without the replies and says so', async () => {
    const { llmReplies: _r, ...noReplies } = ctx;
    const result = await checkKinds.get('llm_called')!.run({ kind: 'llm_called', reply_in_file: '/reply.txt' }, noReplies);
    expect(result.message).toMatch(/recorded no LLM replies/);
  });
});
