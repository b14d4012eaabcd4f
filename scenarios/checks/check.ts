/**
 * The check interface: one module per kind under scenarios/checks/, listed in checks/index.ts.
 * A check reads the final world (and what the episode saw) and says whether it passed, with a
 * message that names the file, route or value expected and found.
 */
import type { GradeContext, ScenarioInstance } from '../scenario.js';
import type { CheckSpec } from './spec.js';

export type { CheckSpec } from './spec.js';

export interface CheckResult {
  passed: boolean;
  message: string;
}

/** What a check gets: the grade context plus the instance it grades. */
export interface CheckContext extends GradeContext {
  instance: ScenarioInstance;
}

/** One kind of check. `S` is the kind's spec shape (validated by the scenario schema). */
export interface CheckKind<S extends CheckSpec = CheckSpec> {
  kind: string;
  run(spec: S, ctx: CheckContext): Promise<CheckResult> | CheckResult;
}

/** Declares a check kind (typed spec, one place). */
export function defineCheck<S extends CheckSpec>(kind: CheckKind<S>): CheckKind<S> {
  return kind;
}

export const pass = (message: string): CheckResult => ({ passed: true, message });
export const fail = (message: string): CheckResult => ({ passed: false, message });

/** Shortens a value for a message. */
export function show(value: unknown, max = 200): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
