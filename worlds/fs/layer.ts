/** What a layer knows about one path. Directories have size 0. */
export interface LayerEntry {
  type: 'file' | 'dir';
  /** Permission bits (e.g. 0o644). */
  mode: number;
  size: number;
}

/** A file captured by content, as stored in snapshots: `[path, mode, content]`. */
export type CapturedFile = [path: string, mode: number, content: Buffer];

/** A read-only layer captured by content (how snapshots store every lower layer). */
export interface CapturedLayer {
  name: string;
  files: CapturedFile[];
  /** Directories, including empty ones; parents of files are implied. */
  dirs: string[];
}

/**
 * A read-only lower layer of a world filesystem. Layers have no write methods at all, so nothing
 * can write through to them: writes go to the upper layer (copy-up) in `WorldFs`.
 * Paths are normalised world paths (see `worldPath`).
 */
export interface ReadonlyLayer {
  /** `inline`, `mount:<host dir>`, `restored`, ... */
  readonly name: string;
  stat(path: string): LayerEntry | undefined;
  /** Content of a file; the caller must not modify it. Throws if the path is not a file. */
  readFile(path: string): Buffer;
  /** Names in a directory, or [] when the path is not a directory of this layer. */
  readdir(path: string): string[];
  /** The whole layer by content, for snapshots. */
  capture(): CapturedLayer;
}
