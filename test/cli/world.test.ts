import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldInfo } from '../../sdk/types.js';
import { json, NO_DIST, normalise, ROOT, runCli, withDaemon, type Daemon } from '../helpers/cli.js';
import { fixture } from '../helpers/kernel.js';

// `clove world` through the built CLI: validate needs no kernel, the rest runs on a detached daemon.

const project = fixture('worlds', 'project.yaml');
const invalid = fixture('cli', 'worlds', 'invalid.yaml');
const brokenSyntax = fixture('cli', 'worlds', 'broken-syntax.yaml');
const examples = readdirSync(join(ROOT, 'worlds', 'examples')).filter((f) => f.endsWith('.yaml'));

interface Issue {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

let daemon: Daemon;
let work: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'clove-cli-world-'));
  if (!NO_DIST) daemon = await withDaemon();
});
afterAll(async () => {
  await daemon?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Creates a world from a fixture, failing the test with the CLI's stderr when it cannot. */
async function create(name: string, file = project): Promise<WorldInfo> {
  const created = await daemon.cli(['world', 'create', file, '--name', name, '--json']);
  expect(created.code, created.stderr).toBe(0);
  return json<WorldInfo>(created);
}

describe.skipIf(NO_DIST)(`clove world validate${NO_DIST ? ` (skipped: ${NO_DIST})` : ''}`, { concurrent: true }, () => {
  it.each([...examples.map((f) => join('worlds', 'examples', f)), 'test/fixtures/worlds/project.yaml'])('accepts %s without a kernel', async (file) => {
    const text = await runCli(['world', 'validate', file]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^valid ${file}: world '[\\w-]+', \\d+ files, \\d+ routes, \\d+ events\\n$`));
  });

  it('prints a summary of a valid file with --json', async () => {
    const result = await runCli(['world', 'validate', project, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(json(result)).toEqual({ valid: true, file: project, name: 'project', files: 2, routes: 2, events: 0 });
  });

  // Concurrent tests take a snapshot through their own `expect`.
  it('rejects an invalid file with exit 1, giving file:line:col for every problem', async ({ expect }) => {
    const { code, stdout, stderr } = await runCli(['world', 'validate', invalid]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(normalise(stderr)).toMatchInlineSnapshot(`
      "invalid World file <root>/test/fixtures/cli/worlds/invalid.yaml is invalid (3 problems):
        - <root>/test/fixtures/cli/worlds/invalid.yaml:7:7: /filesystem/files/0 must NOT have additional property "contnt" (did you mean "content"?)
        - <root>/test/fixtures/cli/worlds/invalid.yaml:6:13: /filesystem/files/0/path must be string
        - <root>/test/fixtures/cli/worlds/invalid.yaml:9:9: /clock/mode must be one of "realtime", "scaled", "discrete"
      Fix the fields listed above; the schema is worlds/schema/world.schema.json (see docs/worlds.md).
      "
    `);
  });

  it('lists the issues with their line and column with --json', async () => {
    const result = await runCli(['world', 'validate', invalid, '--json']);
    expect(result.code).toBe(1);
    const report = json<{ valid: boolean; code: string; issues: Issue[] }>(result);
    expect(report).toMatchObject({ valid: false, code: 'WORLD_SCHEMA_INVALID' });
    expect(report.issues.map((i) => `${basename(i.file)}:${i.line}:${i.column} ${i.path}`).sort()).toEqual([
      'invalid.yaml:6:13 /filesystem/files/0/path',
      'invalid.yaml:7:7 /filesystem/files/0',
      'invalid.yaml:9:9 /clock/mode',
    ]);
  });

  it('points at the line of a YAML syntax error', async () => {
    const { code, stderr } = await runCli(['world', 'validate', brokenSyntax]);
    expect(code).toBe(1);
    expect(normalise(stderr)).toContain('<root>/test/fixtures/cli/worlds/broken-syntax.yaml:3:1: / YAML syntax: ');
  });
});

describe.skipIf(NO_DIST)('clove world on a kernel', () => {
  it('creates a world with --name and --seed, refusing a second one of the same name', async () => {
    const text = await daemon.cli(['world', 'create', project, '--name', 'seeded', '--seed', '42']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^seeded {2}seed 42, clock discrete at 2026-03-01T09:00:00\.000Z \(\+0 ms\)\nfiles 2, pending events 0, timeline 0, requests 0\nagents none\nstate [0-9a-f]{64}\n$/);

    // A relative file resolves against the working directory; the name defaults to the file's.
    const byFile = await daemon.cli(['world', 'create', 'project.yaml', '--seed', 'abc', '--json'], { cwd: fixture('worlds') });
    expect(byFile.code, byFile.stderr).toBe(0);
    expect(json<WorldInfo>(byFile)).toMatchObject({ name: 'project', seed: 'abc', files: 2 });

    const again = await daemon.cli(['world', 'create', project, '--name', 'seeded']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: \[WORLD_EXISTS\] .*'seeded'/);
  });

  it('lists the worlds as a table and as JSON', async () => {
    await create('listed');
    const table = await daemon.cli(['world', 'list']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+CLOCK\s+TIME\s+FILES\s+AGENTS\s+EVENTS\s+REQUESTS$/m);
    expect(table.stdout).toMatch(/^listed\s+discrete\s+2026-03-01T09:00:00\.000Z\s+2\s+0\s+0\s+0$/m);
    const worlds = json<WorldInfo[]>(await daemon.cli(['world', 'list', '--json']));
    expect(worlds.map((w) => w.name)).toContain('listed');
  });

  it('injects an event with typed key=value parameters now, or later with --in, and shows it with show --timeline', async () => {
    await create('eventful');
    const now = await daemon.cli(['world', 'event', 'eventful', 'custom', 'who=ops', 'n=3', 'loud=true', '--label', 'page']);
    expect(now.code, now.stderr).toBe(0);
    expect(now.stdout).toBe('#1 custom at 2026-03-01T09:00:00.000Z\n');
    const later = await daemon.cli(['world', 'event', 'eventful', 'network.outage', 'duration=30s', '--in', '10s']);
    expect(later.code, later.stderr).toBe(0);
    expect(later.stdout).toMatch(/^scheduled network\.outage in 10s \(pending event id \d+; it gets its timeline number when it fires\)\n$/);

    const shown = await daemon.cli(['world', 'show', 'eventful', '--timeline']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('files 2, pending events 1, timeline 1, requests 0\n');
    expect(shown.stdout).toMatch(/^SEQ\s+TIME\s+TYPE\s+SOURCE\s+NAME\s+PARAMS\s+NOTE$/m);
    expect(shown.stdout).toMatch(/^1\s+2026-03-01T09:00:00\.000Z\s+custom\s+injected\s+page\s+\{"who":"ops","n":3,"loud":true\}\s+-$/m);

    const state = json<{ world: WorldInfo; timeline: Array<{ type: string; name: string; params: unknown }> }>(await daemon.cli(['world', 'show', 'eventful', '--timeline', '--json']));
    expect(state.world.pending_events).toBe(1);
    expect(state.timeline).toEqual([expect.objectContaining({ type: 'custom', name: 'page', params: { who: 'ops', n: 3, loud: true } })]);

    const bad = await daemon.cli(['world', 'event', 'eventful', 'custom', 'novalue']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("error: event parameters are key=value, got 'novalue'\n");
  });

  it("lists the files an agent wrote by plain file I/O with diff", async () => {
    await create('touched');
    expect((await daemon.cli(['world', 'diff', 'touched'])).stdout).toBe('no changes\n');

    const run = await daemon.cli(['agent', 'run', fixture('agents', 'file-writer.js'), '--world', 'touched', '--wait']);
    expect(run, run.stderr).toMatchObject({ code: 0, stdout: 'wrote out/summary.txt\n' });

    const diff = await daemon.cli(['world', 'diff', 'touched']);
    expect(diff).toEqual({ code: 0, stdout: 'A /out/summary.txt\nD /README.md\n', stderr: '' });
    expect(json(await daemon.cli(['world', 'diff', 'touched', '--json']))).toEqual({ added: ['/out/summary.txt'], modified: [], deleted: ['/README.md'] });
  });

  it('snapshots a world to a file with -o and restores it under a new --name with the same state hash', async () => {
    await create('original');
    await daemon.cli(['world', 'event', 'original', 'custom', 'step=1']);
    const snap = await daemon.cli(['world', 'snapshot', 'original', '-o', 'original.clove-snapshot', '--json'], { cwd: work });
    expect(snap.code, snap.stderr).toBe(0);
    const written = json<{ world: string; path: string; state_hash: string; bytes: number; processes_captured: boolean }>(snap);
    expect(written).toMatchObject({ world: 'original', path: join(work, 'original.clove-snapshot'), processes_captured: false });
    expect(existsSync(join(work, 'original.clove-snapshot'))).toBe(true);

    const restored = await daemon.cli(['world', 'restore', 'original.clove-snapshot', '--name', 'fork', '--json'], { cwd: work });
    expect(restored.code, restored.stderr).toBe(0);
    const fork = json<WorldInfo>(restored);
    expect(fork).toMatchObject({ name: 'fork', state_hash: written.state_hash, timeline_length: 1 });
    const originalNow = json<{ world: WorldInfo }>(await daemon.cli(['world', 'show', 'original', '--json'])).world;
    expect(originalNow.state_hash).toBe(written.state_hash);

    const text = await daemon.cli(['world', 'snapshot', 'fork', '-o', join(work, 'fork.clove-snapshot')]);
    expect(normalise(text.stdout, { [work]: '<work>' }).replace(/\(\d+ bytes/, '(N bytes')).toBe(
      `wrote <work>/fork.clove-snapshot (N bytes, state ${written.state_hash}); running processes are not captured\n`,
    );
  });

  it('refuses a corrupt snapshot with exit 1 and WORLD_SNAPSHOT_INVALID, creating nothing', async () => {
    const { code, stdout, stderr } = await daemon.cli(['world', 'restore', fixture('cli', 'corrupt.clove-snapshot'), '--name', 'from-garbage']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^error: \[WORLD_SNAPSHOT_INVALID\] /);
    const worlds = json<WorldInfo[]>(await daemon.cli(['world', 'list', '--json']));
    expect(worlds.map((w) => w.name)).not.toContain('from-garbage');
  });

  it('destroys a world, after which show and destroy name it as unknown', async () => {
    await create('doomed');
    const destroyed = await daemon.cli(['world', 'destroy', 'doomed']);
    expect(destroyed).toEqual({ code: 0, stdout: 'destroyed doomed (0 agents stopped)\n', stderr: '' });
    for (const args of [['world', 'show', 'doomed'], ['world', 'destroy', 'doomed']]) {
      const gone = await daemon.cli(args);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toMatch(/^error: \[WORLD_NOT_FOUND\] no world named 'doomed'/);
    }
  });
});
