import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldInfo } from '../../sdk/types.js';
import { json, NO_DIST, withDaemon, type Daemon } from '../helpers/cli.js';
import { fixture } from '../helpers/kernel.js';

// The rewind a new user tries (issue 9): snapshot, let an agent use the world, restore in place.

let daemon: Daemon;
let work: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'clove-cli-rewind-'));
  if (!NO_DIST) daemon = await withDaemon();
});
afterAll(async () => {
  await daemon?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(NO_DIST)('clove world restore --in-place after an agent ran', () => {
  it('rewinds flaky-api completely: no diff left, the snapshot state hash', async () => {
    expect((await daemon.cli(['world', 'create', 'worlds/examples/flaky-api.yaml', '--name', 'rp'])).code).toBe(0);
    const snap = join(work, 'rp.snap');
    const taken = await daemon.cli(['world', 'snapshot', 'rp', '-o', snap, '--json']);
    expect(taken.code, taken.stderr).toBe(0);
    const { state_hash: hash } = json<{ state_hash: string }>(taken);
    const ran = await daemon.cli(['agent', 'run', fixture('agents', 'rewind_worker.py'), '--world', 'rp', '--wait']);
    expect(ran.code, ran.stderr).toBe(0);
    expect((await daemon.cli(['world', 'diff', 'rp'])).stdout).toMatch(/A \/project\/out\/plain\.txt/);

    const restored = await daemon.cli(['world', 'restore', snap, '--name', 'rp', '--in-place', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(json<WorldInfo>(restored).state_hash).toBe(hash);
    expect((await daemon.cli(['world', 'diff', 'rp'])).stdout).toBe('no changes\n');
    expect(json<{ world: WorldInfo }>(await daemon.cli(['world', 'show', 'rp', '--json'])).world.state_hash).toBe(hash);
  });
});
