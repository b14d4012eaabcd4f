import type { World } from '../../worlds/index.js';
import { worldPath } from '../../worlds/fs/path.js';
import type { HostedWorld } from '../worlds/hosted-world.js';
import type { DirEntry, FileInfo, FileSystemView } from './file-system.js';

/**
 * A world's tree as the file syscalls see it. Paths are world paths (`/project/a.txt`); relative
 * ones start at `/`. Reads first pull in what agent processes wrote; writes are mirrored out.
 */
export class WorldFileSystem implements FileSystemView {
  readonly kind = 'world';

  constructor(private readonly hosted: HostedWorld) {}

  private get world(): World {
    return this.hosted.world;
  }

  resolve(path: string): string {
    return worldPath(path.startsWith('/') ? path : `/${path}`);
  }

  async read(path: string): Promise<Buffer> {
    await this.hosted.sync();
    return this.world.fs.readFile(this.resolve(path));
  }

  async write(path: string, data: Buffer, mode: 'w' | 'a'): Promise<void> {
    await this.hosted.sync();
    const p = this.resolve(path);
    this.world.fs.writeFile(p, data, { append: mode === 'a', parents: true });
    this.hosted.reportUsage();
    await this.hosted.writeThrough(p);
  }

  async stat(path: string): Promise<FileInfo> {
    await this.hosted.sync();
    const p = this.resolve(path);
    const s = this.world.fs.stat(p);
    return { path: p, type: s.type === 'dir' ? 'dir' : 'file', size: s.size, mode: s.mode & 0o7777, mtime_ms: null };
  }

  async list(path: string): Promise<DirEntry[]> {
    await this.hosted.sync();
    const p = this.resolve(path);
    const fs = this.world.fs;
    return fs.readdir(p).map((name) => {
      const s = fs.stat(p === '/' ? `/${name}` : `${p}/${name}`);
      return { name, type: s.type === 'dir' ? 'dir' : 'file', size: s.size } satisfies DirEntry;
    });
  }

  async remove(path: string, recursive: boolean): Promise<void> {
    await this.hosted.sync();
    const p = this.resolve(path);
    this.world.fs.rm(p, { recursive });
    await this.hosted.writeThrough(p);
  }

  async mkdir(path: string, recursive: boolean): Promise<void> {
    await this.hosted.sync();
    const p = this.resolve(path);
    this.world.fs.mkdir(p, { recursive });
    await this.hosted.writeThrough(p);
  }
}
