import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import type { TimelineEntry, World } from '../../worlds/index.js';
import { parseDuration } from '../../worlds/duration.js';
import { KernelError } from '../errors.js';
import { HostedWorld } from './hosted-world.js';

/** What the world host needs from the kernel: the event bus and control over agents. */
export interface WorldHostDeps {
  publish(world: string, entry: TimelineEntry): void;
  /** agent.kill / agent.pause events: the world decides, the kernel acts. */
  killAgent(world: HostedWorld, ref: string | number, signal: NodeJS.Signals): Promise<void>;
  pauseAgent(world: HostedWorld, ref: string | number, durationMs: number | null): Promise<void>;
  log(line: string): void;
}

export interface CreateWorldRequest {
  source: string;
  file?: string;
  baseDir?: string;
  name?: string;
  seed?: number | string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const FS_EVENTS = new Set(['fs.corrupt', 'fs.write']);

type Engine = typeof import('../../worlds/index.js');

/**
 * The kernel's worlds by name. The world engine (msw, memfs, ajv) loads on the first world, so a
 * kernel that never hosts one does not carry it.
 */
export class WorldHost {
  private readonly worlds = new Map<string, HostedWorld>();
  private engine: Promise<Engine> | null = null;

  constructor(private readonly deps: WorldHostDeps) {}

  private load(): Promise<Engine> {
    this.engine ??= import('../../worlds/index.js');
    return this.engine;
  }

  async create(request: CreateWorldRequest): Promise<HostedWorld> {
    const { parseWorldSource, World } = await this.load();
    const loaded = parseWorldSource(request.source, {
      ...(request.file ? { file: request.file } : {}),
      ...(request.baseDir ? { baseDir: request.baseDir } : {}),
    });
    const name = request.name ?? loaded.definition.name;
    this.checkFree(name);
    const world = World.fromLoaded(loaded, { name, ...(request.seed !== undefined ? { seed: request.seed } : {}) });
    return this.adopt(world, request.source);
  }

  /** A world from a snapshot: in place (same name, replaces its state) or as a new world. */
  async restore(bytes: Uint8Array, options: { name?: string; inPlace?: boolean }): Promise<HostedWorld> {
    if (options.inPlace) {
      if (!options.name) throw new KernelError(ErrorCode.BAD_REQUEST, "WORLD_RESTORE: in_place needs the 'name' of the world to restore into");
      const hosted = this.get(options.name);
      await hosted.sync();
      hosted.world.restoreFrom(bytes);
      await hosted.rematerialise();
      return hosted;
    }
    const { World } = await this.load();
    const world = World.restore(bytes, options.name ? { name: options.name } : {});
    try {
      this.checkFree(world.name);
    } catch (error) {
      world.close();
      throw error;
    }
    return this.adopt(world, null);
  }

  async fork(name: string, as: string): Promise<HostedWorld> {
    const hosted = this.get(name);
    this.checkFree(as);
    await hosted.sync();
    return this.adopt(hosted.world.fork(as), hosted.source);
  }

  get(name: string): HostedWorld {
    const hosted = this.worlds.get(name);
    if (!hosted) {
      const known = [...this.worlds.keys()];
      throw new KernelError(ErrorCode.WORLD_NOT_FOUND, `no world named '${name}'${known.length ? ` (worlds: ${known.join(', ')})` : '; create one with WORLD_CREATE or `clove world create FILE`'}`, { world: name });
    }
    return hosted;
  }

  find(name: string): HostedWorld | undefined {
    return this.worlds.get(name);
  }

  list(): HostedWorld[] {
    return [...this.worlds.values()];
  }

  async destroy(name: string): Promise<void> {
    const hosted = this.get(name);
    this.worlds.delete(name);
    await hosted.dispose();
  }

  async closeAll(): Promise<void> {
    for (const name of [...this.worlds.keys()]) await this.destroy(name);
  }

  private checkFree(name: string): void {
    if (!NAME.test(name)) {
      throw new KernelError(ErrorCode.BAD_REQUEST, `world name '${name}' is invalid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
    }
    if (this.worlds.has(name)) throw new KernelError(ErrorCode.WORLD_EXISTS, `a world named '${name}' exists already; destroy it or pick another name (--name)`);
  }

  private adopt(world: World, source: string | null): HostedWorld {
    const hosted = new HostedWorld(world, source);
    this.worlds.set(world.name, hosted);
    world.on('event', (entry) => void this.onEvent(hosted, entry));
    world.on('error', (error) => this.deps.log(`world ${world.name}: ${error.message}`));
    return hosted;
  }

  private async onEvent(hosted: HostedWorld, entry: TimelineEntry): Promise<void> {
    this.deps.publish(hosted.name, entry);
    try {
      if (FS_EVENTS.has(entry.type) && typeof entry.params.path === 'string') await hosted.writeThrough(entry.params.path);
      const ref = entry.params.agent;
      if ((entry.type === 'agent.kill' || entry.type === 'agent.pause') && (typeof ref === 'string' || typeof ref === 'number')) {
        if (entry.type === 'agent.kill') await this.deps.killAgent(hosted, ref, (entry.params.signal as NodeJS.Signals | undefined) ?? 'SIGKILL');
        else {
          const duration = entry.params.duration;
          await this.deps.pauseAgent(hosted, ref, typeof duration === 'number' || typeof duration === 'string' ? parseDuration(duration) : null);
        }
      }
    } catch (error) {
      this.deps.log(`world ${hosted.name}: event ${entry.type} #${entry.seq} could not be applied: ${(error as Error).message}`);
    }
  }
}
