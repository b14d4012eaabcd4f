import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, FsPathEscapeError, HostLayer, MemoryLayer, type ReadonlyLayer, World, worldPath } from '../../worlds/index.js';

let tmp: string;
let hostProject: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'clove-worlds-fs-'));
  hostProject = join(tmp, 'host-project');
  mkdirSync(join(hostProject, 'src'), { recursive: true });
  writeFileSync(join(hostProject, 'src', 'main.ts'), 'export const answer = 42;\n');
  writeFileSync(join(hostProject, 'package.json'), '{"name":"host"}');
  mkdirSync(join(hostProject, 'empty'));
  writeFileSync(join(tmp, 'secret.txt'), 'host secret');
  symlinkSync(join(tmp, 'secret.txt'), join(hostProject, 'leak'));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function projectWorld(): World {
  return createWorld({
    name: 'fs',
    filesystem: {
      files: [
        { path: '/project/README.md', content: '# readme\n' },
        { path: '/project/src/app.js', content: 'console.log(1)\n', mode: '0755' },
        { path: '/project/docs/guide.md', content: 'guide' },
      ],
      directories: ['/project/out'],
      mounts: [{ host: hostProject, at: '/vendor/lib' }],
    },
  });
}

describe.each<[string, () => ReadonlyLayer]>([
  [
    'MemoryLayer',
    () =>
      MemoryLayer.fromCapture({
        name: 'inline',
        files: [
          ['/lib/src/main.ts', 0o644, Buffer.from('export const answer = 42;\n')],
          ['/lib/package.json', 0o644, Buffer.from('{"name":"host"}')],
        ],
        dirs: ['/lib/empty'],
      }),
  ],
  ['HostLayer', () => new HostLayer(hostProject, '/lib')],
])('read-only layer contract: %s', (_name, make) => {
  it('lists directories, including the mount point and its ancestors', () => {
    const layer = make();
    expect(layer.readdir('/')).toEqual(['lib']);
    expect(layer.readdir('/lib').filter((n) => n !== 'leak').sort()).toEqual(['empty', 'package.json', 'src']);
    expect(layer.readdir('/lib/empty')).toEqual([]);
  });

  it('stats files and directories and misses unknown paths', () => {
    const layer = make();
    expect(layer.stat('/lib/src')?.type).toBe('dir');
    expect(layer.stat('/lib/src/main.ts')).toMatchObject({ type: 'file', size: 26 });
    expect(layer.stat('/lib/nope')).toBeUndefined();
  });

  it('reads file content and captures everything by content', () => {
    const layer = make();
    expect(layer.readFile('/lib/src/main.ts').toString()).toBe('export const answer = 42;\n');
    const captured = layer.capture();
    expect(captured.files.map(([p]) => p).sort()).toEqual(['/lib/package.json', '/lib/src/main.ts']);
    expect(captured.dirs).toContain('/lib/empty');
  });

  it('has no way to write', () => {
    const layer = make() as unknown as Record<string, unknown>;
    for (const method of ['writeFile', 'unlink', 'mkdir', 'rm']) expect(layer[method]).toBeUndefined();
  });
});

describe('layered filesystem', () => {
  it('merges inline files and host mounts into one tree', () => {
    const world = projectWorld();
    expect(world.fs.readdir('/')).toEqual(['project', 'vendor']);
    expect(world.fs.readdir('/project')).toEqual(['README.md', 'docs', 'out', 'src']);
    expect(world.fs.readFile('/vendor/lib/src/main.ts').toString()).toContain('42');
    expect(world.fs.stat('/project/src/app.js')).toMatchObject({ type: 'file', mode: 0o755, layer: 'inline' });
    expect(world.fs.list('/project/src')).toEqual([{ name: 'app.js', type: 'file', mode: 0o755, size: 15 }]);
    world.close();
  });

  it('copies a lower directory up on write and never writes through to the host', () => {
    const world = projectWorld();
    world.fs.writeFile('/vendor/lib/src/new.ts', 'new');
    world.fs.writeFile('/vendor/lib/src/main.ts', 'changed');
    expect(world.fs.readFile('/vendor/lib/src/main.ts').toString()).toBe('changed');
    expect(world.fs.stat('/vendor/lib/src/main.ts').layer).toBe('upper');
    expect(world.fs.readdir('/vendor/lib/src')).toEqual(['main.ts', 'new.ts']);
    expect(readFileSync(join(hostProject, 'src', 'main.ts'), 'utf8')).toBe('export const answer = 42;\n');
    expect(readdirSync(join(hostProject, 'src'))).toEqual(['main.ts']);
    world.close();
  });

  it('hides a deleted lower file behind a whiteout', () => {
    const world = projectWorld();
    world.fs.unlink('/project/README.md');
    expect(world.fs.exists('/project/README.md')).toBe(false);
    expect(world.fs.readdir('/project')).not.toContain('README.md');
    expect(() => world.fs.readFile('/project/README.md')).toThrow(expect.objectContaining({ code: 'FS_NOT_FOUND' }));
    world.fs.writeFile('/project/README.md', 'again');
    expect(world.fs.readFile('/project/README.md').toString()).toBe('again');
    world.close();
  });

  it('keeps lower content hidden when a removed directory is created again', () => {
    const world = projectWorld();
    world.fs.rm('/project/docs', { recursive: true });
    expect(world.fs.exists('/project/docs/guide.md')).toBe(false);
    world.fs.mkdir('/project/docs');
    expect(world.fs.readdir('/project/docs')).toEqual([]);
    world.fs.writeFile('/project/docs/new.md', 'n');
    expect(world.fs.readdir('/project/docs')).toEqual(['new.md']);
    world.close();
  });

  it('behaves like POSIX for directories', () => {
    const world = projectWorld();
    expect(() => world.fs.rm('/project')).toThrow(expect.objectContaining({ code: 'FS_ERROR', reason: 'ENOTEMPTY' }));
    expect(() => world.fs.writeFile('/project/missing/a.txt', 'x')).toThrow(expect.objectContaining({ code: 'FS_NOT_FOUND' }));
    world.fs.writeFile('/project/missing/a.txt', 'x', { parents: true });
    expect(() => world.fs.mkdir('/project/missing')).toThrow(expect.objectContaining({ reason: 'EEXIST' }));
    world.fs.mkdir('/a/b/c', { recursive: true });
    expect(world.fs.stat('/a/b/c').type).toBe('dir');
    expect(() => world.fs.readFile('/project')).toThrow(expect.objectContaining({ reason: 'EISDIR' }));
    expect(() => world.fs.readText('/project')).toThrow(expect.objectContaining({ reason: 'EISDIR' }));
    expect(() => world.fs.readText('/project/nope.md')).toThrow(expect.objectContaining({ code: 'FS_NOT_FOUND' }));
    world.fs.writeFile('/project/out/log.txt', 'one\n');
    world.fs.writeFile('/project/out/log.txt', 'two\n', { append: true });
    expect(world.fs.readFile('/project/out/log.txt').toString()).toBe('one\ntwo\n');
    world.fs.writeFile('/project/out/é.txt', 'é');
    expect(world.fs.readText('/project/./out//é.txt')).toEqual({ text: 'é', bytes: 2 });
    expect(world.fs.readText('/project/out/é.txt', 'base64')).toEqual({ text: 'w6k=', bytes: 2 });
    world.close();
  });

  it('lists added, modified and deleted files in diff', () => {
    const world = projectWorld();
    world.fs.writeFile('/project/out/result.txt', 'r');
    world.fs.writeFile('/project/README.md', '# changed\n');
    world.fs.chmod('/project/docs/guide.md', 0o600);
    world.fs.unlink('/vendor/lib/package.json');
    world.fs.writeFile('/project/src/app.js', 'console.log(1)\n', { mode: 0o755 });
    expect(world.fs.diff()).toEqual({
      added: ['/project/out/result.txt'],
      modified: ['/project/README.md', '/project/docs/guide.md'],
      deleted: ['/vendor/lib/package.json'],
    });
    world.close();
  });

  it.each([
    ['/project/../../etc/passwd', '".." climbs above the world root'],
    ['../outside', '".." climbs above the world root'],
    ['/project/a\0b', 'NUL'],
    ['C:\\Windows\\system32', 'backslash'],
    ['file:///etc/passwd', 'host paths and URLs'],
  ])('refuses the escaping path %j with FS_PATH_ESCAPE', (path, why) => {
    const world = projectWorld();
    expect(() => world.fs.readFile(path)).toThrow(FsPathEscapeError);
    expect(() => world.fs.writeFile(path, 'x')).toThrow(expect.objectContaining({ code: 'FS_PATH_ESCAPE', message: expect.stringContaining(why) }));
    world.close();
  });

  it('refuses to follow a symlink out of a mounted host directory', () => {
    const world = projectWorld();
    expect(world.fs.readdir('/vendor/lib')).not.toContain('leak');
    expect(() => world.fs.readFile('/vendor/lib/leak')).toThrow(expect.objectContaining({ code: 'FS_PATH_ESCAPE' }));
    world.close();
  });

  it('keeps .. inside the world and treats host-looking paths as world paths', () => {
    expect(worldPath('/project/src/../README.md')).toBe('/project/README.md');
    const world = projectWorld();
    const before = readFileSync(join(tmp, 'secret.txt'), 'utf8');
    world.fs.writeFile(join(tmp, 'secret.txt'), 'overwritten?', { parents: true });
    expect(readFileSync(join(tmp, 'secret.txt'), 'utf8')).toBe(before);
    expect(world.fs.readFile(join(tmp, 'secret.txt')).toString()).toBe('overwritten?');
    world.close();
  });
});

describe('materialised working directory', () => {
  it('lets a real process change the tree by plain file I/O and brings the changes back', async () => {
    const world = projectWorld();
    const workdir = join(tmp, 'work-1');
    const outside = join(tmp, 'outside.txt');
    writeFileSync(outside, 'untouched');
    await world.fs.materialise(workdir);
    expect(readFileSync(join(workdir, 'project', 'README.md'), 'utf8')).toBe('# readme\n');
    const script = [
      "const fs = require('node:fs');",
      "fs.writeFileSync('project/out/report.txt', 'made by a process');",
      "fs.appendFileSync('project/README.md', 'appended\\n');",
      "fs.unlinkSync('project/docs/guide.md');",
      "fs.mkdirSync('project/new/deep', { recursive: true });",
      "fs.writeFileSync('project/new/deep/x.bin', Buffer.from([1, 2, 3]));",
      "fs.symlinkSync('/etc/passwd', 'project/link');",
    ].join('\n');
    execFileSync(process.execPath, ['-e', script], { cwd: workdir });
    const synced = await world.fs.syncFrom(workdir);
    expect(synced).toEqual({
      added: ['/project/new/deep/x.bin', '/project/out/report.txt'],
      modified: ['/project/README.md'],
      deleted: ['/project/docs/guide.md'],
      skipped: [{ path: '/project/link', reason: 'symlink (not followed)' }],
    });
    expect(world.fs.diff()).toEqual({
      added: ['/project/new/deep/x.bin', '/project/out/report.txt'],
      modified: ['/project/README.md'],
      deleted: ['/project/docs/guide.md'],
    });
    const restored = World.restore(world.snapshot(), { name: 'after-process' });
    expect(restored.fs.readFile('/project/out/report.txt').toString()).toBe('made by a process');
    expect(restored.fs.exists('/project/docs/guide.md')).toBe(false);
    expect(restored.fs.treeHash()).toBe(world.fs.treeHash());
    expect(readFileSync(outside, 'utf8')).toBe('untouched');
    expect(readFileSync(join(hostProject, 'package.json'), 'utf8')).toBe('{"name":"host"}');
    restored.close();
    world.close();
  });

  it('keeps world-side writes made after materialise when syncing back', async () => {
    const world = projectWorld();
    const workdir = join(tmp, 'work-2');
    await world.fs.materialise(workdir);
    world.fs.writeFile('/project/README.md', 'world wrote this');
    writeFileSync(join(workdir, 'project', 'out', 'a.txt'), 'process wrote this');
    await world.fs.syncFrom(workdir);
    expect(world.fs.readFile('/project/README.md').toString()).toBe('world wrote this');
    expect(world.fs.readFile('/project/out/a.txt').toString()).toBe('process wrote this');
    await world.fs.materialise(workdir);
    expect(readFileSync(join(workdir, 'project', 'README.md'), 'utf8')).toBe('world wrote this');
    world.close();
  });

  it('refuses to materialise into a non-empty directory it does not own', async () => {
    const world = projectWorld();
    await expect(world.fs.materialise(hostProject)).rejects.toMatchObject({ code: 'FS_ERROR', reason: 'ENOTEMPTY' });
    world.close();
  });
});
