import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KernelStatus } from '../../sdk/types.js';
import { json, NO_DIST, ROOT, runCli } from '../helpers/cli.js';

// State that lives in memory (issue 9): what `kernel stop` discards, trees a dead kernel left,
// audit records of successive kernels on one socket.

let work: string;
let socket: string;
const env = (): Record<string, string> => ({ CLOVE_SOCKET: socket });
const cli = (args: string[]) => runCli(args, { env: env(), timeoutMs: 40_000 });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'clove-cli-state-'));
  socket = join(work, 'k.sock');
});
afterAll(async () => {
  await cli(['kernel', 'stop']);
  rmSync(work, { recursive: true, force: true });
});

async function start(): Promise<KernelStatus> {
  const started = await cli(['kernel', 'start', '--detach']);
  expect(started.code, started.stderr).toBe(0);
  return json<KernelStatus>(await cli(['status', '--json']));
}

describe.skipIf(NO_DIST)('state that lives in memory', () => {
  it('removes world trees of a dead kernel at start-up, keeps those of live ones', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const stale = join(tmpdir(), `clove-world-${dead}-old-x1y2z3`);
    const live = join(tmpdir(), `clove-world-${process.pid}-mine-a1b2c3`);
    mkdirSync(join(stale, 'project'), { recursive: true });
    mkdirSync(live, { recursive: true });
    try {
      await start();
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
    } finally {
      rmSync(live, { recursive: true, force: true });
      rmSync(stale, { recursive: true, force: true });
    }
  });

  it('says which worlds `kernel stop` discards, or snapshots them with --snapshot-worlds', async () => {
    expect((await cli(['world', 'create', join(ROOT, 'worlds', 'examples', 'empty.yaml'), '--name', 'kept'])).code).toBe(0);
    const stopped = await cli(['kernel', 'stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(/discarded 1 world\(s\) \(kept\): worlds live in memory; next time keep them with --snapshot-worlds DIR\n$/);

    await start();
    expect((await cli(['world', 'create', join(ROOT, 'worlds', 'examples', 'empty.yaml'), '--name', 'kept'])).code).toBe(0);
    const dir = join(work, 'snaps');
    const saved = await cli(['kernel', 'stop', '--snapshot-worlds', dir, '--json']);
    expect(saved.code, saved.stderr).toBe(0);
    expect(json(saved)).toMatchObject({ stopped: true, worlds_discarded: [], snapshots: [join(dir, 'kept.clove-snapshot')] });
    await start();
    const restored = await cli(['world', 'restore', join(dir, 'kept.clove-snapshot')]);
    expect(restored.code, restored.stderr).toBe(0);
  });

  it('stamps audit records with the kernel run; `clove audit` shows the current run unless --run all', async () => {
    await cli(['kernel', 'stop']);
    const first = await start();
    await cli(['agent', 'list']);
    await cli(['kernel', 'stop']);
    const second = await start();
    expect(second.run_id).not.toBe(first.run_id);
    await cli(['world', 'list']);
    await new Promise((r) => setTimeout(r, 600)); // the log is flushed every 250 ms
    const runs = (out: string) => new Set(out.trim().split('\n').map((l) => (JSON.parse(l) as { run: string }).run));
    const current = await cli(['audit', '--json']);
    expect(current.code, current.stderr).toBe(0);
    expect(runs(current.stdout)).toEqual(new Set([second.run_id]));
    const all = await cli(['audit', '--json', '--run', 'all']);
    expect([...runs(all.stdout)]).toEqual(expect.arrayContaining([first.run_id, second.run_id]));
    const earlier = await cli(['audit', '--json', '--run', first.run_id]);
    expect(runs(earlier.stdout)).toEqual(new Set([first.run_id]));
  });
});
