import { describe, expect, it } from 'vitest';
import { agentRef, asArgs, bad, optAgentRef, optBool, optEnum, optInt, optNum, optObj, optStr, optStrArray, str } from '../../kernel/args.js';
import { KernelError } from '../../kernel/errors.js';
import { hoistGlobalFlags } from '../../cli/main.js';

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): KernelError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KernelError);
    return error as KernelError;
  }
  throw new Error('expected a throw');
}

describe('syscall argument readers (kernel/args.ts)', () => {
  it('asArgs: an absent payload is {}, a non-map payload is KERNEL_BAD_REQUEST', () => {
    expect(asArgs('LIST', undefined)).toEqual({});
    expect(asArgs('LIST', null)).toEqual({});
    const args = { a: 1 };
    expect(asArgs('LIST', args)).toBe(args);
    expect(thrown(() => asArgs('SEND', [1, 2]))).toMatchObject({ code: 'KERNEL_BAD_REQUEST', message: 'SEND: the payload must be an object (map) of named fields (got an array)' });
    expect(thrown(() => asArgs('SEND', 'hi')).message).toContain('(got the string "hi")');
    expect(thrown(() => asArgs('SEND', 3)).message).toContain('(got number 3)');
  });

  it('bad names the call, the field, what was expected and what arrived (cut to 40 characters)', () => {
    const error = bad('STORE', 'key', 'a non-empty string', 'x'.repeat(100));
    expect(error).toMatchObject({ code: 'KERNEL_BAD_REQUEST', details: { field: 'key' } });
    expect(error.message).toBe(`STORE: field 'key' must be a non-empty string (got the string "${'x'.repeat(40)}")`);
  });

  it('str requires a non-empty string', () => {
    expect(str('OP', { name: 'w' }, 'name')).toBe('w');
    for (const value of [undefined, '', 5, null]) expect(thrown(() => str('OP', { name: value }, 'name')).details).toEqual({ field: 'name' });
  });

  it('optional readers: absent or null is undefined, a wrong type names the field', () => {
    const readers = [optStr, optBool, optStrArray, optObj, (op: string, a: Record<string, unknown>, f: string) => optInt(op, a, f), (op: string, a: Record<string, unknown>, f: string) => optNum(op, a, f)];
    for (const read of readers) {
      expect(read('OP', {}, 'f')).toBeUndefined();
      expect(read('OP', { f: null }, 'f')).toBeUndefined();
    }
    expect(optStr('OP', { f: '' }, 'f')).toBe('');
    expect(thrown(() => optStr('OP', { f: 1 }, 'f')).message).toBe("OP: field 'f' must be a string (got number 1)");
    expect(optBool('OP', { f: false }, 'f')).toBe(false);
    expect(thrown(() => optBool('OP', { f: 'true' }, 'f')).message).toContain('must be true or false');
    expect(optStrArray('OP', { f: ['a', 'b'] }, 'f')).toEqual(['a', 'b']);
    expect(optStrArray('OP', { f: [] }, 'f')).toEqual([]);
    expect(thrown(() => optStrArray('OP', { f: ['a', 2] }, 'f')).message).toContain('an array of strings (got an array)');
    expect(thrown(() => optStrArray('OP', { f: 'a' }, 'f')).details).toEqual({ field: 'f' });
    expect(optObj('OP', { f: { x: 1 } }, 'f')).toEqual({ x: 1 });
    expect(thrown(() => optObj('OP', { f: [] }, 'f')).message).toContain('must be an object (got an array)');
  });

  it('optInt keeps to integers within its bounds', () => {
    expect(optInt('OP', { n: 0 }, 'n')).toBe(0);
    expect(optInt('OP', { n: 10 }, 'n', 1, 10)).toBe(10);
    for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '5', 2 ** 53]) {
      expect(thrown(() => optInt('OP', { n }, 'n')).message, String(n)).toContain(`must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}`);
    }
    expect(thrown(() => optInt('OP', { n: 11 }, 'n', 1, 10)).message).toBe("OP: field 'n' must be an integer from 1 to 10 (got number 11)");
  });

  it('optNum takes finite numbers within its bounds', () => {
    expect(optNum('OP', { x: 0.5 }, 'x', 0, 1)).toBe(0.5);
    for (const x of [Number.NaN, Number.POSITIVE_INFINITY, 1.01, -0.1, '0.5']) expect(thrown(() => optNum('OP', { x }, 'x', 0, 1)).details).toEqual({ field: 'x' });
  });

  it('optEnum takes one of the listed strings and lists them when it refuses', () => {
    const values = ['global', 'agent'] as const;
    expect(optEnum('STORE', { scope: 'agent' }, 'scope', values)).toBe('agent');
    expect(thrown(() => optEnum('STORE', { scope: 'Agent' }, 'scope', values)).message).toBe(`STORE: field 'scope' must be one of global, agent (got the string "Agent")`);
  });

  it('agent references: a positive integer id, digits as an id, any other string as a name', () => {
    expect(optAgentRef('KILL', { agent: 3 }, 'agent')).toBe(3);
    expect(optAgentRef('KILL', { agent: '12' }, 'agent')).toBe(12);
    expect(optAgentRef('KILL', { agent: 'worker-1' }, 'agent')).toBe('worker-1');
    expect(optAgentRef('KILL', {}, 'agent')).toBeUndefined();
    for (const agent of [0, -2, 1.5, '', true]) {
      expect(thrown(() => optAgentRef('KILL', { agent }, 'agent')).message, String(agent)).toContain('must be an agent id (positive integer) or name (string)');
    }
    expect(agentRef('KILL', { agent: 'w' }, 'agent')).toBe('w');
    expect(thrown(() => agentRef('KILL', {}, 'agent'))).toMatchObject({ code: 'KERNEL_BAD_REQUEST', details: { field: 'agent' } });
  });
});

describe('CLI global flags (hoistGlobalFlags)', () => {
  it('moves a leading --json behind the command, before a `--`', () => {
    expect(hoistGlobalFlags(['--json', 'world', 'list'], {})).toEqual(['world', 'list', '--json']);
    expect(hoistGlobalFlags(['--json', 'agent', 'run', 'x.py', '--', '--json'], {})).toEqual(['agent', 'run', 'x.py', '--json', '--', '--json']);
    expect(hoistGlobalFlags(['status', '--json'], {})).toEqual(['status', '--json']);
  });

  it('turns a leading --socket PATH or --socket=PATH into CLOVE_SOCKET', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(hoistGlobalFlags(['--socket', '/tmp/a.sock', '--json', 'status'], env)).toEqual(['status', '--json']);
    expect(env.CLOVE_SOCKET).toBe('/tmp/a.sock');
    expect(hoistGlobalFlags(['--socket=/tmp/b.sock', 'status'], env)).toEqual(['status']);
    expect(env.CLOVE_SOCKET).toBe('/tmp/b.sock');
  });

  it('leaves flags after the command, and a --socket without a value, to the command', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(hoistGlobalFlags(['status', '--socket', '/x'], env)).toEqual(['status', '--socket', '/x']);
    expect(hoistGlobalFlags(['--socket'], env)).toEqual(['--socket']);
    expect(env.CLOVE_SOCKET).toBeUndefined();
  });
});
