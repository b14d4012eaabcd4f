import { FsError, FsNotFoundError } from '../../worlds/index.js';
import { pathArg, tool, ToolFailureError } from './action.js';

export const readFile = tool({
  name: 'read_file',
  description: 'Reads a file of the world as UTF-8 text.',
  args: { type: 'object', properties: { path: pathArg }, required: ['path'], additionalProperties: false },
  async run(ctx, args) {
    try {
      const { text, bytes } = ctx.world.fs.readText(args.path);
      ctx.usage.bytesRead += bytes;
      return { content: text };
    } catch (error) {
      if (error instanceof FsError && error.reason === 'EISDIR') throw new ToolFailureError('EISDIR', `read_file ${args.path}: is a directory; use list_dir`);
      throw error;
    }
  },
});

export const writeFile = tool({
  name: 'write_file',
  description: 'Writes (creates or replaces) a file of the world; parent directories are created.',
  args: { type: 'object', properties: { path: pathArg, content: { type: 'string', maxLength: 16 * 1024 * 1024 } }, required: ['path', 'content'], additionalProperties: false },
  async run(ctx, args) {
    const data = Buffer.from(args.content, 'utf8');
    ctx.world.fs.writeFile(args.path, data, { parents: true });
    ctx.usage.bytesWritten += data.length;
    return { bytes: data.length };
  },
});

export const listDir = tool({
  name: 'list_dir',
  description: 'Lists a directory of the world.',
  args: { type: 'object', properties: { path: pathArg }, required: ['path'], additionalProperties: false },
  async run(ctx, args) {
    const entries = ctx.world.fs.list(args.path).map((e) => ({ name: e.name, type: e.type === 'dir' ? ('directory' as const) : ('file' as const) }));
    return { entries: entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
  },
});

export const deletePath = tool({
  name: 'delete',
  description: 'Deletes a file or a directory (recursively) of the world.',
  args: { type: 'object', properties: { path: pathArg }, required: ['path'], additionalProperties: false },
  async run(ctx, args) {
    const fs = ctx.world.fs;
    if (!fs.exists(args.path)) throw new FsNotFoundError(args.path, 'delete');
    fs.rm(args.path, { recursive: true });
    return { deleted: true };
  },
});
