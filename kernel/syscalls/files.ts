import { ErrorCode } from '../../sdk/protocol/error-codes.js';
import { optBool, optEnum, optInt, str, bad, type Args } from '../args.js';
import { KernelError } from '../errors.js';
import { syscalls, type CallContext } from '../syscall.js';

const ENCODINGS = ['utf8', 'base64'] as const;

function content(ctx: CallContext, args: Args): Buffer {
  const encoding = optEnum(ctx.op, args, 'encoding', ENCODINGS) ?? 'utf8';
  const value = args.content;
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (typeof value !== 'string') throw bad(ctx.op, 'content', 'a string (utf8 or base64 per encoding) or binary', value);
  return Buffer.from(value, encoding);
}

export const fileSyscalls = syscalls(
  {
    op: 'READ',
    access: 'authenticated',
    async handle(ctx, args) {
      const path = str('READ', args, 'path');
      const encoding = optEnum('READ', args, 'encoding', ENCODINGS) ?? 'utf8';
      const offset = optInt('READ', args, 'offset', 0) ?? 0;
      const length = optInt('READ', args, 'length', 0);
      const fs = ctx.kernel.fileSystemFor(ctx, args);
      const data = await fs.read(path);
      const max = ctx.kernel.options.maxFrameSize - 1024;
      const slice = data.subarray(offset, length === undefined ? undefined : offset + length);
      if (slice.length > max) {
        throw new KernelError(ErrorCode.FS_ERROR, `READ: ${path} is ${slice.length} bytes, more than one frame carries (${max}); read it in parts with offset and length`);
      }
      return { path: fs.resolve(path), content: slice.toString(encoding), encoding, size: data.length };
    },
  },
  {
    op: 'WRITE',
    access: 'authenticated',
    async handle(ctx, args) {
      const path = str('WRITE', args, 'path');
      const mode = optEnum('WRITE', args, 'mode', ['w', 'a'] as const) ?? 'w';
      const data = content(ctx, args);
      const fs = ctx.kernel.fileSystemFor(ctx, args);
      await fs.write(path, data, mode);
      return { path: fs.resolve(path), written: data.length };
    },
  },
  {
    op: 'STAT',
    access: 'authenticated',
    handle: (ctx, args) => ctx.kernel.fileSystemFor(ctx, args).stat(str('STAT', args, 'path')),
  },
  {
    op: 'LISTDIR',
    access: 'authenticated',
    async handle(ctx, args) {
      const fs = ctx.kernel.fileSystemFor(ctx, args);
      const path = str('LISTDIR', args, 'path');
      return { path: fs.resolve(path), entries: await fs.list(path) };
    },
  },
  {
    op: 'UNLINK',
    access: 'authenticated',
    async handle(ctx, args) {
      const path = str('UNLINK', args, 'path');
      await ctx.kernel.fileSystemFor(ctx, args).remove(path, optBool('UNLINK', args, 'recursive') ?? false);
      return { deleted: true };
    },
  },
  {
    op: 'MKDIR',
    access: 'authenticated',
    async handle(ctx, args) {
      const path = str('MKDIR', args, 'path');
      await ctx.kernel.fileSystemFor(ctx, args).mkdir(path, optBool('MKDIR', args, 'recursive') ?? true);
      return { created: true };
    },
  },
);
