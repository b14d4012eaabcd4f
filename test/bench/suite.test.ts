import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite, parseSuite, SuiteInvalidError, type SuiteIssue } from '../../bench/index.js';
import { ROOT } from '../helpers/cli.js';

function issues(source: string): SuiteIssue[] {
  try {
    parseSuite(source, { file: 'suite.yaml' });
  } catch (error) {
    expect(error).toBeInstanceOf(SuiteInvalidError);
    return [...(error as SuiteInvalidError).issues];
  }
  throw new Error('expected the suite to be refused');
}

const valid = `name: demo
scenarios: [file-repair-v1, "log-*", { tags: [http] }]
agents:
  - reference
  - { id: py, kind: command, command: [python3, agents/solve.py], env: { MODE: fast } }
seeds: { from: 0, to: 4 }
repeats: 3
timeout: 45s
limits: { steps: 50, virtualTime: 2h }
`;

describe('suite files', () => {
  it('loads the shipped suites', () => {
    const smoke = loadSuite(join(ROOT, 'bench/suites/smoke.yaml'));
    expect(smoke.name).toBe('smoke');
    expect(smoke.agents.map((a) => a.id)).toEqual(['reference', 'random']);
    const full = loadSuite(join(ROOT, 'bench/suites/full.yaml'));
    expect(full.seeds).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('applies defaults and parses durations and seed ranges', () => {
    const suite = parseSuite(valid, { file: 'suite.yaml', dir: '/suites' });
    expect(suite.seeds).toEqual([0, 1, 2, 3, 4]);
    expect(suite.timeoutMs).toBe(45_000);
    expect(suite.limits).toEqual({ steps: 50, virtualTimeMs: 7_200_000 });
    expect(suite.retries).toBe(2);
    expect(suite.agents[0]).toEqual({ id: 'reference', kind: 'reference' });
    expect(suite.dir).toBe('/suites');
    expect(suite.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes what decides results: not field order, concurrency, retries or expectations', () => {
    const base = parseSuite(valid).hash;
    const reordered = parseSuite(valid.replace('repeats: 3\n', '').replace('name: demo\n', 'name: demo\nrepeats: 3\nconcurrency: 7\nretries: 0\n')).hash;
    expect(reordered).toBe(base);
    expect(parseSuite(valid.replace('  - reference', '  - { id: reference, kind: reference, expect: succeed }')).hash).toBe(base);
    expect(parseSuite(valid.replace('to: 4', 'to: 5')).hash).not.toBe(base);
    expect(parseSuite(valid.replace('steps: 50', 'steps: 51')).hash).not.toBe(base);
  });

  it('reports every problem with its file, line and column', () => {
    const found = issues(`name: demo
scenarios: [a]
agents:
  - reference
  - { id: py, kind: command }
  - { id: x, kind: telepathy }
seeds: [1, 1]
timeout: 3 minutes
limits: { steps: 0, wall: 5s }
`);
    const lines = found.map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`);
    expect(lines).toContain('5:5 /agents/1 is missing the required field "command"');
    expect(lines).toContain('6:20 /agents/2/kind must be one of "reference", "random", "command", "module", "llm"');
    expect(lines.some((l) => l.startsWith('7:8 /seeds'))).toBe(true);
    expect(lines).toContain('8:10 /timeout must be a duration: milliseconds or a string like 30s, 10m, 1h30m');
    expect(lines).toContain('9:18 /limits/steps must be >= 1');
    expect(lines).toContain('9:21 /limits has an unknown field "wall"');
  });

  it('refuses duplicate agent ids and empty seed ranges, pointing at them', () => {
    const dup = issues('name: d\nscenarios: [a]\nagents: [reference, { id: reference, kind: random }]\nseeds: [0]\n');
    expect(dup).toEqual([expect.objectContaining({ line: 3, path: '/agents/1/id', message: 'must be unique (agent "reference" is also /agents/0)' })]);
    const range = issues('name: d\nscenarios: [a]\nagents: [random]\nseeds: { from: 5, to: 2 }\n');
    expect(range[0]).toMatchObject({ line: 4, path: '/seeds/to', message: 'must be >= from (5)' });
  });

  it('reports YAML syntax errors and missing files with a position or the path', () => {
    const syntax = issues('name: d\nscenarios: [a\n');
    expect(syntax[0]!.message).toMatch(/^YAML syntax/);
    expect(syntax[0]!.line).not.toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'clove-suite-'));
    try {
      expect(() => loadSuite(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: \/ cannot be read/);
      writeFileSync(join(dir, 'empty.yaml'), '');
      expect(() => loadSuite(join(dir, 'empty.yaml'))).toThrow(SuiteInvalidError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

