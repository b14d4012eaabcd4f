/**
 * From a suite to the list of episodes it runs: scenarios selected from a catalog, then
 * scenario x agent x seed x repeat in a fixed order. Each episode has a key that pairs it across
 * runs, shards and resumes.
 */
import { isAbsolute, resolve } from 'node:path';
import picomatch from 'picomatch';
import { SuiteInvalidError } from './errors.js';
import type { Suite, SuiteAgent } from './suite.js';

/** A scenario the runner can start: its id, tags, and what to hand to the gym (an id or a path). */
export interface ScenarioEntry {
  id: string;
  tags: string[];
  /** Passed to `runEpisode`: a built-in id, or the scenario's directory / scenario.yaml. */
  ref: string;
}

/** Where scenarios come from: the built-in library, and scenario folders named by path. */
export interface ScenarioCatalog {
  builtin(): Promise<ScenarioEntry[]>;
  load(path: string): Promise<ScenarioEntry>;
}

/** One planned episode. */
export interface PlannedEpisode {
  /** `scenario|agentId|seed|repeat`. */
  key: string;
  /** Position in the whole suite's plan (0-based), which sharding and reports keep. */
  index: number;
  scenario: ScenarioEntry;
  agent: SuiteAgent;
  seed: number;
  repeat: number;
}

export function episodeKey(scenario: string, agentId: string, seed: number, repeat: number): string {
  return `${scenario}|${agentId}|${seed}|${repeat}`;
}

function looksLikePath(selector: string): boolean {
  return selector.includes('/') || selector.endsWith('.yaml') || selector.endsWith('.yml') || selector.startsWith('.');
}

/**
 * The scenarios a suite selects, in the order its selectors name them (each once).
 *
 * @example
 * const scenarios = await selectScenarios(suite, catalog);
 */
export async function selectScenarios(suite: Suite, catalog: ScenarioCatalog): Promise<ScenarioEntry[]> {
  const builtin = await catalog.builtin();
  const chosen = new Map<string, ScenarioEntry>();
  const problems: string[] = [];
  for (const [i, selector] of suite.scenarios.entries()) {
    let found: ScenarioEntry[];
    if (typeof selector === 'object') {
      const excluded = (selector.exclude ?? []).map((g) => picomatch(g));
      found = builtin.filter((s) => selector.tags.every((t) => s.tags.includes(t)) && !excluded.some((m) => m(s.id)));
      if (found.length === 0) problems.push(`/scenarios/${i}: no built-in scenario has every tag of ${JSON.stringify(selector.tags)}`);
    } else if (looksLikePath(selector)) {
      try {
        found = [await catalog.load(isAbsolute(selector) ? selector : resolve(suite.dir, selector))];
      } catch (error) {
        problems.push(`/scenarios/${i}: ${JSON.stringify(selector)} cannot be loaded: ${(error as Error).message.split('\n')[0]}`);
        found = [];
      }
    } else {
      const match = picomatch(selector);
      found = builtin.filter((s) => match(s.id));
      if (found.length === 0) {
        const known = builtin.map((s) => s.id).join(', ') || '(none)';
        problems.push(`/scenarios/${i}: no built-in scenario matches ${JSON.stringify(selector)}; known: ${known}`);
      }
    }
    for (const s of found) if (!chosen.has(s.id)) chosen.set(s.id, s);
  }
  const excluded = suite.exclude.map((g) => picomatch(g));
  const selected = [...chosen.values()].filter((s) => !excluded.some((m) => m(s.id)));
  if (problems.length > 0) {
    throw new SuiteInvalidError(suite.file, problems.map((p) => ({ file: suite.file, line: null, column: null, path: p.slice(0, p.indexOf(':')), message: p.slice(p.indexOf(':') + 2) })));
  }
  return selected;
}

/**
 * Every episode of a suite: scenario-major, then agent, seed and repeat.
 *
 * @example
 * planEpisodes(suite, [{ id: 'file-repair-v1', tags: [], ref: 'file-repair-v1' }]).length;
 */
export function planEpisodes(suite: Suite, scenarios: readonly ScenarioEntry[]): PlannedEpisode[] {
  const plan: PlannedEpisode[] = [];
  for (const scenario of scenarios) {
    for (const agent of suite.agents) {
      for (const seed of suite.seeds) {
        for (let repeat = 0; repeat < suite.repeats; repeat++) {
          plan.push({ key: episodeKey(scenario.id, agent.id, seed, repeat), index: plan.length, scenario, agent, seed, repeat });
        }
      }
    }
  }
  return plan;
}
