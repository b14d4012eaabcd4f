import type { CapturedLayer, LayerEntry, ReadonlyLayer } from './layer.js';
import { baseName, parentOf } from './path.js';

/** Layers built from captured forms, by captured object and layer name (see MemoryLayer.fromCapture). */
const built = new WeakMap<CapturedLayer, Map<string, MemoryLayer>>();

interface MemoryFile {
  mode: number;
  content: Buffer;
}

/**
 * A frozen in-memory layer: inline files of a world file, or the content of a restored snapshot.
 * Building one is a few Map inserts per file, which keeps restore cheap.
 *
 * @example
 * const layer = MemoryLayer.fromCapture({ name: 'inline', files: [['/a.txt', 0o644, Buffer.from('hi')]], dirs: [] });
 * layer.readdir('/'); // ['a.txt']
 */
export class MemoryLayer implements ReadonlyLayer {
  readonly name: string;
  readonly #files = new Map<string, MemoryFile>();
  readonly #dirs = new Map<string, Set<string>>([['/', new Set()]]);
  /** Built from a capture and shared (see fromCapture): no more additions. */
  #frozen = false;

  constructor(name: string) {
    this.name = name;
  }

  /**
   * The layer of a captured form. A layer is frozen once built, so the same captured object (a
   * decoded snapshot that many worlds are built from: gym resets, forks) gives the same layer:
   * a thousand-file capture is indexed once, not once per world.
   */
  static fromCapture(captured: CapturedLayer, name = captured.name): MemoryLayer {
    let byName = built.get(captured);
    const hit = byName?.get(name);
    if (hit !== undefined) return hit;
    const layer = new MemoryLayer(name);
    for (const dir of captured.dirs) layer.#addDir(dir);
    for (const [path, mode, content] of captured.files) layer.#addFile(path, mode, content);
    layer.#frozen = true;
    if (byName === undefined) built.set(captured, (byName = new Map()));
    byName.set(name, layer);
    return layer;
  }

  /** Adds a file while the layer is being built; later additions replace earlier ones. */
  addFile(path: string, mode: number, content: Buffer): void {
    this.#assertBuilding();
    this.#addFile(path, mode, content);
  }

  addDir(path: string): void {
    this.#assertBuilding();
    this.#addDir(path);
  }

  #assertBuilding(): void {
    if (this.#frozen) throw new Error(`${this.name}: a layer built from a capture is shared and frozen; build a new MemoryLayer to add entries`);
  }

  stat(path: string): LayerEntry | undefined {
    const file = this.#files.get(path);
    if (file !== undefined) return { type: 'file', mode: file.mode, size: file.content.length };
    return this.#dirs.has(path) ? { type: 'dir', mode: 0o755, size: 0 } : undefined;
  }

  readFile(path: string): Buffer {
    const file = this.#files.get(path);
    if (file === undefined) throw new Error(`${this.name}: ${path} is not a file of this layer`);
    return file.content;
  }

  readdir(path: string): string[] {
    const children = this.#dirs.get(path);
    return children === undefined ? [] : [...children];
  }

  get fileCount(): number {
    return this.#files.size;
  }

  /** Every file and every directory (not only empty ones), unsorted. */
  entries(): { files: CapturedLayer['files']; dirs: string[] } {
    const files: CapturedLayer['files'] = [];
    for (const [path, file] of this.#files) files.push([path, file.mode, file.content]);
    return { files, dirs: [...this.#dirs.keys()] };
  }

  capture(): CapturedLayer {
    const dirs: string[] = [];
    for (const [dir, children] of this.#dirs) if (children.size === 0 && dir !== '/') dirs.push(dir);
    const files: CapturedLayer['files'] = [];
    for (const [path, file] of this.#files) files.push([path, file.mode, file.content]);
    return { name: this.name, files, dirs };
  }

  #addDir(path: string): void {
    if (this.#dirs.has(path)) return;
    this.#files.delete(path);
    this.#dirs.set(path, new Set());
    if (path === '/') return;
    const parent = parentOf(path);
    this.#addDir(parent);
    this.#dirs.get(parent)?.add(baseName(path));
  }

  #addFile(path: string, mode: number, content: Buffer): void {
    const parent = parentOf(path);
    let children = this.#dirs.get(parent);
    if (children === undefined) {
      this.#addDir(parent);
      children = this.#dirs.get(parent) as Set<string>;
    }
    children.add(baseName(path));
    this.#files.set(path, { mode, content });
  }
}
