import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario, scenarioSchema, ScenarioSchemaError } from '../../scenarios/index.js';

const root = mkdtempSync(join(tmpdir(), 'clove-scenario-loader-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** Writes a scenario folder with the given files; returns its directory. */
function folder(files: Record<string, string>): string {
  const dir = join(root, `s${n++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries({ 'generate.js': GENERATOR, ...files })) writeFileSync(join(dir, name), content);
  return dir;
}

const GENERATOR = `export default ({ rng }) => ({ word: rng.word(3) });\n`;

const VALID = `id: demo
version: 2
name: Demo
task: Write {{values.word}} to /out.txt
limits: { steps: 5, virtual_time: 30m, wall_time: 10s }
world:
  filesystem:
    files:
      - path: /in.txt
        content: "{{values.word}}"
generator: generate.js
checks:
  - id: written
    kind: file_contains
    path: /out.txt
    text: "{{values.word}}"
`;


async function issuesOf(dir: string): Promise<string[]> {
  try {
    await loadScenario(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioSchemaError);
    expect((error as ScenarioSchemaError).code).toBe('SCENARIO_SCHEMA_INVALID');
    return (error as ScenarioSchemaError).issues.map((i) => `${i.line ?? '?'}:${i.column ?? '?'} ${i.path} ${i.message}`);
  }
  throw new Error('the scenario loaded, but it should not have');
}

describe('loadScenario', () => {
  it('loads a valid scenario with its id, limits in milliseconds and defaults', async () => {
    const dir = folder({ 'scenario.yaml': VALID });
    const scenario = await loadScenario(join(dir, 'scenario.yaml'));
    expect(scenario.id).toBe('demo-v2');
    expect(scenario.limits).toEqual({ steps: 5, virtualTimeMs: 1_800_000, wallTimeMs: 10_000 });
    expect(scenario.agents).toEqual(['agent']);
    expect(scenario.tools).toContain('submit');
    expect(scenario.reward).toEqual({ success: 1, partial: false, partialScale: 0.5, min: 0, penalties: [] });
    expect(scenario.difficulty).toBe('medium');
  });

  it('has no generator unless one is named or generate.ts exists', async () => {
    const dir = folder({ 'scenario.yaml': VALID.replace('generator: generate.js\n', '').replaceAll('{{values.word}}', 'fixed') });
    const scenario = await loadScenario(dir);
    expect(scenario.seeded).toBe(false);
    expect((await scenario.instantiate(4)).task.text).toBe('Write fixed to /out.txt');
  });

  it('fills templates from the generator, the same for the same seed and different across seeds', async () => {
    const dir = folder({ 'scenario.yaml': VALID });
    const scenario = await loadScenario(dir);
    expect(scenario.seeded).toBe(true);
    const a = await scenario.instantiate(3);
    const b = await scenario.instantiate(3);
    const words = new Set<string>();
    for (let seed = 0; seed < 8; seed++) words.add(String((await scenario.instantiate(seed)).values.word));
    expect(a.task.text).toBe(b.task.text);
    expect(a.task.text).toMatch(/^Write [a-z]{6} to \/out\.txt$/);
    expect(a.world.filesystem?.files?.[0]?.content).toBe(a.values.word);
    expect(a.checks[0]).toMatchObject({ id: 'written', text: a.values.word });
    expect(a.world.seed).toBe(3);
    expect(words.size).toBeGreaterThan(4);
  });

  it('reports an unknown top-level field at its line and column', async () => {
    const dir = folder({ 'scenario.yaml': VALID.replace('name: Demo', 'name: Demo\ncolour: blue') });
    const issues = await issuesOf(dir);
    expect(issues).toEqual(['4:1  must NOT have additional property "colour"']);
  });

  it('reports a wrong field of a check kind and an unknown kind, each where it is', async () => {
    const yaml = `${VALID}  - kind: http_called\n    count: many\n  - kind: file_smells\n    path: /x\n`;
    const issues = await issuesOf(folder({ 'scenario.yaml': yaml }));
    expect(issues).toContain('18:12 /checks/1/count must be integer');
    expect(issues.some((i) => i.startsWith('19:11 /checks/2/kind must be one of "file_exists"'))).toBe(true);
  });

  it('names every problem in the message as file:line:col', async () => {
    const dir = folder({ 'scenario.yaml': VALID.replace('version: 2', 'version: two') });
    await expect(loadScenario(dir)).rejects.toThrow(`${join(dir, 'scenario.yaml')}:2:10: /version must be integer`);
  });

  it('reports YAML syntax errors with their position', async () => {
    const issues = await issuesOf(folder({ 'scenario.yaml': 'id: demo\nversion: [1\n' }));
    expect(issues[0]).toMatch(/^\d+:\d+ {2}YAML syntax: /);
  });

  it('reports an invalid inline world (after templating) inside scenario.yaml', async () => {
    const yaml = VALID.replace('  filesystem:', '  clock: { mode: sideways }\n  filesystem:');
    const issues = await issuesOf(folder({ 'scenario.yaml': yaml }));
    expect(issues).toEqual(['7:18 /world/clock/mode world: must be one of "realtime", "scaled", "discrete" (after templating for seed 0)']);
  });

  it('reports an invalid world file in that file', async () => {
    const yaml = VALID.replace(/world:\n(?: {2}.*\n)+/, 'world: world.yaml\n');
    const dir = folder({ 'scenario.yaml': yaml, 'world.yaml': 'name: w\nnetwork:\n  routes:\n    - url: https://x.test/a\n      status: ok\n' });
    try {
      await loadScenario(dir);
      throw new Error('loaded');
    } catch (error) {
      const issue = (error as ScenarioSchemaError).issues[0]!;
      expect(issue).toMatchObject({ file: join(dir, 'world.yaml'), line: 5, column: 15, path: '/network/routes/0/status' });
    }
  });

  it('names a placeholder the generator does not fill', async () => {
    const dir = folder({ 'scenario.yaml': VALID.replace('{{values.word}} to', '{{values.nope}} to') });
    const issues = await issuesOf(dir);
    expect(issues).toEqual(['4:7 /task {{values.nope}} names no value the generator returned (after templating for seed 0)']);
  });

  it('reports a duplicate check id, a penalty naming no check and a missing module', async () => {
    const yaml = `${VALID}  - id: written\n    kind: custom\n    module: nowhere.ts\nreward:\n  penalties: [{ id: p, check: ghost, amount: 1 }]\n`;
    const issues = await issuesOf(folder({ 'scenario.yaml': yaml }));
    expect(issues).toEqual([
      '17:9 /checks/1/id must be unique (also used by /checks/0)',
      expect.stringMatching(/^19:13 \/checks\/1\/module names nowhere\.ts, which does not exist in /),
      '21:31 /reward/penalties/0/check must be the id of a check (known: written)',
    ]);
  });

  it('lets a whole-value placeholder stand where the schema wants a number', async () => {
    const yaml = `${VALID}  - kind: http_called\n    count: "{{values.n}}"\n`;
    const dir = folder({ 'scenario.yaml': yaml, 'generate.js': 'export default () => ({ word: "w", n: 2 });\n' });
    const instance = await (await loadScenario(dir)).instantiate(0);
    expect(instance.checks[1]).toMatchObject({ kind: 'http_called', count: 2, id: 'http_called#1' });
    const bad = folder({ 'scenario.yaml': yaml, 'generate.js': 'export default () => ({ word: "w", n: "two" });\n' });
    expect(await issuesOf(bad)).toEqual(['18:12 /checks/1/count must be integer (after templating for seed 0)']);
  });

  it('publishes the schema it validates with', () => {
    expect(scenarioSchema().$id).toBe('https://clove.dev/schemas/scenario.schema.json');
  });
});
