import { resolve } from 'node:path';
import { ScenarioModuleError } from '../errors.js';
import { importScenarioModule } from '../module.js';
import { defineCheck, fail, type CheckContext, type CheckResult, type CheckSpec } from './check.js';

export interface CustomSpec extends CheckSpec {
  module: string;
  params?: unknown;
}

/** What a custom check module exports as `check` (or as its default export). */
export type CustomCheckFunction = (ctx: CheckContext, params: unknown) => CheckResult | Promise<CheckResult>;

/** A scenario's own check: a .ts/.js module (path relative to the scenario folder) exporting `check(ctx, params)`. */
export const customCheck = defineCheck<CustomSpec>({
  kind: 'custom',
  async run(spec, ctx) {
    const path = resolve(ctx.instance.scenario.dir, spec.module);
    const mod = await importScenarioModule(path);
    const fn = (mod.check ?? mod.default) as CustomCheckFunction | undefined;
    if (typeof fn !== 'function') throw new ScenarioModuleError(path, 'it must export a function `check(ctx, params)` (named or default)');
    const result = await fn(ctx, spec.params);
    if (result === null || typeof result !== 'object' || typeof result.passed !== 'boolean' || typeof result.message !== 'string') {
      return fail(`custom check ${spec.module} returned ${JSON.stringify(result)}, not { passed: boolean, message: string }`);
    }
    return result;
  },
});
