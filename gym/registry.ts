import type { EnvOptions } from './env.js';
import { EnvSpecError, UnknownEnvError } from './errors.js';
import type { Grader, GymScenario } from './scenario.js';
import type { ScriptedAgent } from './tools.js';

/** What `register` takes: a scenario (or a loader of one) and how to grade it. */
export interface EnvSpec {
  /** Versioned id `<name>-v<version>`. */
  id: string;
  scenario: GymScenario | (() => Promise<GymScenario>);
  grade: Grader;
  /** TimeLimit applied by make (Gymnasium's max_episode_steps); the scenario's own limits apply anyway. */
  maxEpisodeSteps?: number;
  /** Defaults of `make(id, options)`. */
  options?: EnvOptions;
  description?: string;
  /** A scripted reference agent (else the scenario's reference module is imported). */
  reference?: ScriptedAgent;
  /** Where it came from ('builtin', a file, 'user'). */
  source?: string;
}

const ID = /^(?<name>[A-Za-z0-9][A-Za-z0-9._-]*)-v(?<version>\d+)$/;

/** Splits `name-v3` into its parts; null when the id is not versioned. */
export function parseEnvId(id: string): { name: string; version: number } | null {
  const m = ID.exec(id);
  return m?.groups ? { name: m.groups.name!, version: Number(m.groups.version) } : null;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** Built-in scenarios register themselves through this hook (set by `clove/gym`'s builtins module). */
let builtinLoader: (() => Promise<EnvSpec[]>) | null = null;
let builtinsLoaded: Promise<void> | null = null;

export function setBuiltinLoader(loader: () => Promise<EnvSpec[]>): void {
  builtinLoader = loader;
  builtinsLoaded = null;
}

/**
 * The env registry: `register(spec)`, `lookup(id)`, `list()`. Ids are versioned (`name-v1`);
 * an unversioned name resolves to its highest version; an unknown id names the closest ones.
 */
export class Registry {
  readonly #specs = new Map<string, EnvSpec>();

  register(spec: EnvSpec, options: { replace?: boolean } = {}): void {
    if (!parseEnvId(spec.id)) throw new EnvSpecError(`register(): id '${spec.id}' must be versioned as <name>-v<version>, e.g. 'file-repair-v1'`);
    if (typeof spec.grade !== 'function') throw new EnvSpecError(`register(): spec '${spec.id}' needs a grade function (scenarios' grade)`);
    if (this.#specs.has(spec.id) && !options.replace) throw new EnvSpecError(`register(): '${spec.id}' is registered already; bump the version or pass { replace: true }`);
    this.#specs.set(spec.id, spec);
  }

  unregister(id: string): boolean {
    return this.#specs.delete(id);
  }

  /** Registered specs (built-ins included once loaded), sorted by id. */
  async list(): Promise<EnvSpec[]> {
    await this.#builtins();
    return [...this.#specs.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async lookup(id: string): Promise<EnvSpec> {
    const found = this.#find(id);
    if (found) return found;
    await this.#builtins();
    const again = this.#find(id);
    if (again) return again;
    const ids = [...this.#specs.keys()];
    const suggestions = ids
      .map((known) => ({ known, d: Math.min(distance(id, known), distance(id, parseEnvId(known)?.name ?? known)) }))
      .filter(({ d, known }) => d <= Math.max(3, Math.floor(known.length / 3)))
      .sort((a, b) => a.d - b.d || (a.known < b.known ? -1 : 1))
      .slice(0, 3)
      .map(({ known }) => known);
    throw new UnknownEnvError(id, suggestions, ids.length);
  }

  #find(id: string): EnvSpec | undefined {
    const exact = this.#specs.get(id);
    if (exact) return exact;
    if (parseEnvId(id)) return undefined;
    let best: EnvSpec | undefined;
    let bestVersion = -1;
    for (const spec of this.#specs.values()) {
      const parsed = parseEnvId(spec.id)!;
      if (parsed.name === id && parsed.version > bestVersion) {
        best = spec;
        bestVersion = parsed.version;
      }
    }
    return best;
  }

  #builtins(): Promise<void> {
    if (!builtinLoader) return Promise.resolve();
    const loader = builtinLoader;
    builtinsLoaded ??= loader().then((specs) => {
      for (const spec of specs) if (!this.#specs.has(spec.id)) this.#specs.set(spec.id, spec);
    });
    return builtinsLoaded;
  }
}

/** The process-wide registry `make` reads. */
export const registry = new Registry();

/** Registers an env spec in the process-wide registry. */
export function register(spec: EnvSpec, options?: { replace?: boolean }): void {
  registry.register(spec, options);
}
