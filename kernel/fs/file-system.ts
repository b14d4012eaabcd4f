import type { DirEntry, FileInfo } from '../../sdk/types.js';

/** What a caller's file syscalls operate on: the host (permission-checked) or a world's tree. */
export interface FileSystemView {
  readonly kind: 'host' | 'world';
  /** The absolute path the view will use for a caller-supplied one (checks happen there too). */
  resolve(path: string): string;
  read(path: string): Promise<Buffer>;
  write(path: string, data: Buffer, mode: 'w' | 'a'): Promise<void>;
  stat(path: string): Promise<FileInfo>;
  list(path: string): Promise<DirEntry[]>;
  remove(path: string, recursive: boolean): Promise<void>;
  mkdir(path: string, recursive: boolean): Promise<void>;
}

export type { DirEntry, FileInfo, FileType } from '../../sdk/types.js';
