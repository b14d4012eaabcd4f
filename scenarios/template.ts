/**
 * Fills a scenario's templates: `{{values.x}}`, `{{values.a.b}}` and `{{seed}}` in any string of the
 * task, data, world, checks and peers. A string that is exactly one placeholder takes the value as
 * is (a list, an object, a number); inside longer text values are printed (objects as JSON). Other
 * placeholders (`{{params.id}}` of world routes) are left for the world.
 */
import { ScenarioError } from './errors.js';

const PLACEHOLDER = /\{\{\s*(seed|values(?:\.[\w-]+)*)\s*\}\}/g;
const WHOLE = /^\{\{\s*(seed|values(?:\.[\w-]+)*)\s*\}\}$/;

export interface TemplateScope {
  seed: number;
  values: Record<string, unknown>;
}

/** Thrown when a placeholder names a value the generator did not return. */
export class TemplateMissingValueError extends ScenarioError {
  readonly placeholder: string;
  /** JSON pointer of the string holding the placeholder, relative to the rendered value. */
  pointer = '';

  constructor(placeholder: string) {
    super('SCENARIO_TEMPLATE_VALUE_MISSING', `{{${placeholder}}} names no value the generator returned`, { details: { placeholder } });
    this.placeholder = placeholder;
  }
}

function lookup(scope: TemplateScope, path: string): unknown {
  if (path === 'seed') return scope.seed;
  let value: unknown = scope.values;
  for (const key of path.split('.').slice(1)) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) throw new TemplateMissingValueError(path);
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** True when the string is exactly one scenario placeholder (its type is only known after rendering). */
export function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && WHOLE.test(value);
}

/** Renders every string inside `value` (a deep copy is returned). */
export function render<T>(value: T, scope: TemplateScope): T {
  return renderAny(value, scope) as T;
}

function renderAny(value: unknown, scope: TemplateScope, pointer = ''): unknown {
  if (typeof value === 'string') {
    try {
      return renderString(value, scope);
    } catch (error) {
      if (error instanceof TemplateMissingValueError) error.pointer = pointer;
      throw error;
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => renderAny(v, scope, `${pointer}/${i}`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderAny(v, scope, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`)]));
  }
  return value;
}

function renderString(value: string, scope: TemplateScope): unknown {
  const whole = WHOLE.exec(value);
  if (whole !== null) return structuredClone(lookup(scope, whole[1] ?? 'seed'));
  return value.replace(PLACEHOLDER, (_, path: string) => {
    const found = lookup(scope, path);
    return typeof found === 'object' && found !== null ? JSON.stringify(found) : String(found);
  });
}
