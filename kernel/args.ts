import { ErrorCode } from '../sdk/protocol/error-codes.js';
import { parseAgentRef } from '../sdk/agent-ref.js';
import { KernelError } from './errors.js';

/**
 * Readers for syscall arguments. Client payloads are untrusted: every field is checked and a bad
 * one is named in the error, with what was expected and what arrived.
 */
export type Args = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value.slice(0, 40))}` : `${typeof value} ${String(value).slice(0, 40)}`;
}

export function bad(op: string, field: string, expected: string, got: unknown): KernelError {
  return new KernelError(ErrorCode.BAD_REQUEST, `${op}: field '${field}' must be ${expected} (got ${describe(got)})`, { field });
}

/** The payload as an object; an absent payload is an empty object. */
export function asArgs(op: string, payload: unknown): Args {
  if (payload === undefined || payload === null) return {};
  if (typeof payload !== 'object' || Array.isArray(payload)) {
    throw new KernelError(ErrorCode.BAD_REQUEST, `${op}: the payload must be an object (map) of named fields (got ${describe(payload)})`);
  }
  return payload as Args;
}

export function str(op: string, args: Args, field: string): string {
  const v = args[field];
  if (typeof v !== 'string' || v.length === 0) throw bad(op, field, 'a non-empty string', v);
  return v;
}

export function optStr(op: string, args: Args, field: string): string | undefined {
  const v = args[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(op, field, 'a string', v);
  return v;
}

export function optInt(op: string, args: Args, field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = args[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(op, field, `an integer from ${min} to ${max}`, v);
  }
  return v;
}

export function optNum(op: string, args: Args, field: string, min = 0, max = Number.MAX_VALUE): number | undefined {
  const v = args[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw bad(op, field, `a number from ${min} to ${max}`, v);
  return v;
}

export function optBool(op: string, args: Args, field: string): boolean | undefined {
  const v = args[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw bad(op, field, 'true or false', v);
  return v;
}

export function optStrArray(op: string, args: Args, field: string): string[] | undefined {
  const v = args[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(op, field, 'an array of strings', v);
  return v as string[];
}

export function optObj(op: string, args: Args, field: string): Args | undefined {
  const v = args[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(op, field, 'an object', v);
  return v as Args;
}

export function optEnum<T extends string>(op: string, args: Args, field: string, values: readonly T[]): T | undefined {
  const v = args[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !values.includes(v as T)) throw bad(op, field, `one of ${values.join(', ')}`, v);
  return v as T;
}

/** An agent reference: its numeric id or its name. */
export function optAgentRef(op: string, args: Args, field: string): number | string | undefined {
  const v = args[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  if (typeof v === 'string' && v.length > 0) return parseAgentRef(v);
  throw bad(op, field, 'an agent id (positive integer) or name (string)', v);
}

export function agentRef(op: string, args: Args, field: string): number | string {
  const v = optAgentRef(op, args, field);
  if (v === undefined) throw bad(op, field, 'an agent id (positive integer) or name (string)', undefined);
  return v;
}
