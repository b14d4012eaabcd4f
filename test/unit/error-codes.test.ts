import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { BenchError, IncompatibleResultsError } from '../../bench/errors.js';
import { CliError, ExitCode } from '../../cli/output.js';
import { InvalidActionError, GymError, ResetNeededError } from '../../gym/errors.js';
import { ToolFailureError } from '../../gym/actions/action.js';
import { ToolCallError } from '../../gym/tools-adapter.js';
import { KernelAlreadyRunningError, KernelError, toKernelError } from '../../kernel/errors.js';
import { WalkError, WalkRefusal } from '../../kernel/fs/view-walk.js';
import { LlmConfigError } from '../../kernel/llm/config.js';
import { AddressBlockedError } from '../../kernel/net/address-policy.js';
import { PermissionError } from '../../kernel/permissions/permissions.js';
import { SandboxError, SandboxErrorCode } from '../../kernel/sandbox/errors.js';
import { claimSocketPath, SocketPathTakenError, StateDirInUseError } from '../../kernel/socket-path.js';
import { ResultsInvalidError } from '../../reports/errors.js';
import { ScenarioNotFoundError } from '../../scenarios/errors.js';
import { TemplateMissingValueError } from '../../scenarios/template.js';
import { CloveError, toError } from '../../sdk/errors.js';
import { ClientErrorCode, ERROR_CODES, ErrorCode, errorCodeInfo, isRetryable, isWireCode, type CloveErrorCode, type ErrorCodeValue } from '../../sdk/protocol/error-codes.js';
import { FrameError } from '../../sdk/protocol/frame.js';
import { PayloadShapeError } from '../../sdk/protocol/payload-shape.js';
import { FsNotFoundError, HttpFailedError, WorldError, WorldQuotaError, WorldSchemaError, WorldSnapshotError } from '../../worlds/errors.js';
import { UnsafeEntryError } from '../../worlds/fs/host-dir.js';
import { generatedFiles, pythonName, pythonRows } from '../helpers/error-codes-sync.js';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('the error-code registry', () => {
  it('holds each code once, with a meaning, and keeps library codes off the wire', () => {
    const codes = ERROR_CODES.map((row) => row.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const row of ERROR_CODES) {
      expect(row.meaning.length, row.code).toBeGreaterThan(10);
      expect(row.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      if (row.scope === 'library') {
        expect(row.retryable, `${row.code} is raised in-process; the docs say no library code is retryable`).toBe(false);
        expect(row.layer, row.code).toBeDefined();
      }
    }
    for (const code of Object.values(ErrorCode)) expect(isWireCode(code), code).toBe(true);
    for (const code of Object.values(ClientErrorCode)) expect(errorCodeInfo(code)?.scope, code).toBe('client');
    expect(isWireCode('GYM_ENV_CLOSED')).toBe(false);
    expect(isWireCode('CLIENT_TIMEOUT')).toBe(false);
    expect(isRetryable(ErrorCode.MAILBOX_FULL)).toBe(true);
    expect(isRetryable(ErrorCode.AGENT_NOT_FOUND)).toBe(false);
    expect(isRetryable('SOME_FUTURE_CODE')).toBe(false);
    expect(new CloveError(ErrorCode.HTTP_FAILED, 'x').retryable).toBe(true);
  });

  it('types each code as its literal, so an unregistered code does not compile in a layer base', () => {
    expectTypeOf(ErrorCode.AGENT_NOT_FOUND).toEqualTypeOf<'AGENT_NOT_FOUND'>();
    expectTypeOf(ErrorCode.MAILBOX_FULL).toEqualTypeOf<'IPC_MAILBOX_FULL'>();
    expectTypeOf(ClientErrorCode.TIMEOUT).toEqualTypeOf<'CLIENT_TIMEOUT'>();
    expectTypeOf<'GYM_ENV_CLOSED'>().toExtend<CloveErrorCode>();
    expectTypeOf<'GYM_ENV_CLOSED'>().not.toExtend<ErrorCodeValue>();
    expectTypeOf<'NOT_A_CODE'>().not.toExtend<CloveErrorCode>();
    // @ts-expect-error an unregistered code is refused by the compiler
    expect(new GymError('GYM_NOT_REGISTERED', 'x').code).toBe('GYM_NOT_REGISTERED');
    // @ts-expect-error a library code cannot be put on the wire as a KernelError
    expect(new KernelError('GYM_ENV_CLOSED', 'x').code).toBe('GYM_ENV_CLOSED');
  });

  it('matches the generated Python constants and docs tables (npm run sync:error-codes rewrites them)', () => {
    for (const { file, current, expected } of generatedFiles()) {
      expect(current === expected, `${file} has drifted from sdk/protocol/error-codes.ts; run npm run sync:error-codes`).toBe(true);
    }
  });

  it('is what the Python SDK knows at run time: every constant and every retryable code', () => {
    const script = [
      'import json, sys',
      'sys.path.insert(0, "sdk/python")',
      'from clove_sdk.errors import ErrorCode, RETRYABLE_CODES, CloveError',
      'consts = {k: v for k, v in vars(ErrorCode).items() if k.isupper()}',
      'print(json.dumps({"consts": consts, "retryable": sorted(RETRYABLE_CODES), "err": CloveError("IPC_MAILBOX_FULL", "m").retryable}))',
    ].join('\n');
    const out = JSON.parse(execFileSync('python3', ['-c', script], { cwd: ROOT, encoding: 'utf8' })) as { consts: Record<string, string>; retryable: string[]; err: boolean };
    const rows = pythonRows();
    expect(out.consts).toEqual(Object.fromEntries(rows.map((row) => [pythonName(row), row.code])));
    expect(out.retryable).toEqual(rows.filter((row) => row.retryable).map((row) => row.code).sort());
    expect(out.err).toBe(true);
  });

  it("lists exactly the connection-level codes in docs/protocol.md's connection-level table", () => {
    const docs = readFileSync(join(ROOT, 'docs/protocol.md'), 'utf8');
    const section = docs.slice(docs.indexOf('### Connection-level errors'), docs.indexOf('## Identity and access'));
    const listed = [...section.matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(ERROR_CODES.filter((row) => row.scope === 'connection').map((row) => row.code).sort());
  });

  it('registers every code literal an error is built with in the source tree', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(path);
      }
    };
    for (const dir of ['kernel', 'sdk', 'worlds', 'gym', 'bench', 'reports', 'scenarios', 'agents', 'cli', 'mcp', 'dashboard', 'adapters']) if (existsSync(join(ROOT, dir))) walk(join(ROOT, dir));
    const unregistered: string[] = [];
    let seen = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      // WalkError takes an errno and ToolFailureError the tool's code (an errno such as EISDIR): not Clove codes.
      for (const m of text.matchAll(/(?:super|new (?!WalkError|ToolFailureError)[A-Z]\w*Error)\(\s*'([A-Z][A-Z0-9_]+)'/g)) {
        seen++;
        if (!errorCodeInfo(m[1]!)) unregistered.push(`${file.slice(ROOT.length)}: ${m[1]}`);
      }
    }
    expect(seen).toBeGreaterThan(30);
    expect(unregistered).toEqual([]);
  });
});

describe('one error root', () => {
  const cause = new Error('underneath');
  const samples: Array<[string, CloveError]> = [
    ['KernelError', new KernelError(ErrorCode.AGENT_NOT_FOUND, 'no agent', { agent: 'x' })],
    ['KernelAlreadyRunningError', new KernelAlreadyRunningError('/tmp/s.sock')],
    ['StateDirInUseError', new StateDirInUseError('/tmp/st', 12, '/tmp/s.sock')],
    ['SocketPathTakenError', new SocketPathTakenError('/tmp/file')],
    ['PermissionError', new PermissionError('level', 'must be one of ...')],
    ['SandboxError', new SandboxError(SandboxErrorCode.CGROUP_FAILED, 'no cgroup', { cause })],
    ['AddressBlockedError', new AddressBlockedError('example.test', '127.0.0.1', 'loopback')],
    ['LlmConfigError', new LlmConfigError('set OPENAI_API_KEY')],
    ['WalkRefusal', new WalkRefusal('link', 'fs.symlink', 'a link')],
    ['WalkError', new WalkError('ENOENT', '/x', 'gone')],
    ['FrameError', new FrameError(ErrorCode.FRAME_TOO_LARGE, 'too big', 7)],
    ['PayloadShapeError', new PayloadShapeError('depth', 64, 'too deep')],
    ['WorldSnapshotError', new WorldSnapshotError('truncated', { cause })],
    ['FsNotFoundError', new FsNotFoundError('/a', 'read')],
    ['WorldQuotaError', new WorldQuotaError('files', 10, 11, 'writing /a')],
    ['UnsafeEntryError', new UnsafeEntryError('symlink', 'a', 'a symlink')],
    ['InvalidActionError', new InvalidActionError('/args/path', 'must be a string', 3)],
    ['ResetNeededError', new ResetNeededError('the episode ended')],
    ['ToolFailureError', new ToolFailureError('EISDIR', 'is a directory')],
    ['ToolCallError', new ToolCallError('read_file', { code: 'FS_NOT_FOUND', message: 'gone' })],
    ['ScenarioNotFoundError', new ScenarioNotFoundError('nope', ['a'])],
    ['TemplateMissingValueError', new TemplateMissingValueError('values.x')],
    ['IncompatibleResultsError', new IncompatibleResultsError('other suite')],
    ['ResultsInvalidError', new ResultsInvalidError('r.json', ['bad'])],
    ['CliError', new CliError('bad flag', ExitCode.USAGE)],
  ];

  it.each(samples)('%s is a CloveError with a registered code, its own name and the root fields', (name, error) => {
    expect(error).toBeInstanceOf(CloveError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(typeof error.message).toBe('string');
    expect('details' in error).toBe(true);
    // Tool errors carry the tool's code (an errno such as EISDIR is not a Clove code).
    if (name !== 'ToolFailureError') expect(errorCodeInfo(error.code), error.code).toBeDefined();
  });

  it('keeps the layer classes as subclasses and carries cause and details', () => {
    expect(new InvalidActionError('/a', 'x', 1)).toBeInstanceOf(GymError);
    expect(new IncompatibleResultsError('x')).toBeInstanceOf(BenchError);
    expect(new SandboxError(SandboxErrorCode.UNREACHABLE, 'x')).toBeInstanceOf(KernelError);
    expect(new PermissionError('a', 'b')).toBeInstanceOf(KernelError);
    expect(new FsNotFoundError('/a', 'read')).toBeInstanceOf(WorldError);
    expect(new WorldSnapshotError('x', { cause }).cause).toBe(cause);
    expect(new WorldQuotaError('files', 10, 11, 'w').details).toEqual({ quota: 'world_files', limit: 10, requested: 11, rule: 'limits.files' });
    expect(new PayloadShapeError('values', 5, 'x').details).toEqual({ limit: 'values', max: 5 });
    expect(new CliError('x').code).toBe('CLI_FAILED');
    expect(new CliError('x', ExitCode.USAGE).code).toBe('CLI_USAGE');
    expect(new CliError('x', ExitCode.FAILED, 'KERNEL_START_FAILED').code).toBe('KERNEL_START_FAILED');
  });
});

describe('toKernelError: what reaches the wire', () => {
  it('passes a Clove error whose code the kernel may send, with its details and the error as cause', () => {
    const world = new WorldSchemaError('w.yaml', [{ file: 'w.yaml', line: 2, column: 3, path: '/name', message: 'must be string' }]);
    const wire = toKernelError(world);
    expect(wire).toBeInstanceOf(KernelError);
    expect(wire.code).toBe('WORLD_SCHEMA_INVALID');
    expect(wire.message).toBe(world.message);
    expect(wire.details).toEqual({ issues: world.issues });
    expect(wire.cause).toBe(world);
    const quota = toKernelError(new WorldQuotaError('bytes', 1, 2, 'w'));
    expect(quota.code).toBe('QUOTA_EXCEEDED');
    expect(quota.details).toMatchObject({ quota: 'world_bytes', rule: 'limits.bytes' });
    expect(toKernelError(new HttpFailedError('GET', 'http://x/', 'outage')).code).toBe('HTTP_FAILED');
  });

  it('returns a KernelError as it is', () => {
    const error = new KernelError(ErrorCode.MAILBOX_FULL, 'full', { capacity: 1000 });
    expect(toKernelError(error)).toBe(error);
  });

  it('answers KERNEL_INTERNAL for library codes, plain errors, look-alikes and non-errors', () => {
    expect(toKernelError(new GymError('GYM_ENV_CLOSED', 'closed')).code).toBe('KERNEL_INTERNAL');
    expect(toKernelError(new Error('boom'))).toMatchObject({ code: 'KERNEL_INTERNAL', message: 'internal kernel error: boom' });
    // Duck typing is gone: an object that only looks like a Clove error does not cross the wire as one.
    expect(toKernelError({ code: 'AGENT_NOT_FOUND', message: 'spoofed' }).code).toBe('KERNEL_INTERNAL');
    expect(toKernelError(Object.assign(new Error('x'), { code: 'ENOENT' })).code).toBe('KERNEL_INTERNAL');
    expect(toKernelError('a string').message).toBe('internal kernel error: a string');
  });
});

describe('toError', () => {
  it('returns an Error as it is and wraps anything else', () => {
    const error = new TypeError('t');
    expect(toError(error)).toBe(error);
    expect(toError('text').message).toBe('text');
    expect(toError({ a: 1 }).message).toBe('{"a":1}');
    expect(toError(42).message).toBe('42');
    expect(toError(undefined).message).toBe('undefined');
    expect(toError(10n).message).toBe('10');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toError(cyclic).message).toBe('[object Object]');
  });
});

describe('claimSocketPath', () => {
  it('refuses a path that is not a socket with KERNEL_SOCKET_PATH_TAKEN and leaves the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clove-claim-'));
    try {
      const path = join(dir, 'not-a-socket');
      writeFileSync(path, 'keep me');
      const error = await claimSocketPath(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SocketPathTakenError);
      expect(error).toMatchObject({ code: 'KERNEL_SOCKET_PATH_TAKEN', details: { socket: path } });
      expect((error as Error).message).toMatch(/not a socket; refusing to replace it\. Remove it or choose another --socket/);
      expect(readFileSync(path, 'utf8')).toBe('keep me');
      expect(await claimSocketPath(join(dir, 'absent.sock'))).toBe('fresh');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
