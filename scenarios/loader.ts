/**
 * Loads scenario.yaml: schema errors at file:line:col (SCENARIO_SCHEMA_INVALID, every problem at
 * once), the world (inline or a file), the generator, and `instantiate(seed)`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { TOOL_NAMES, type ScriptedAgent, type Task, type ToolName } from '../gym/tools.js';
import { describeError, parseDuration, validateWorldDefinition, WorldSchemaError, type SchemaIssue, type WorldDefinition } from '../worlds/index.js';
import type { CheckSpec } from './checks/spec.js';
import { ScenarioGeneratorError, ScenarioModuleError, ScenarioSchemaError } from './errors.js';
import { generatorContext, type ScenarioGenerator } from './generator.js';
import { issueAt, parseYaml, pointerToPath, type YamlSource } from './internal/yaml-position.js';
import { importDefaultFunction } from './module.js';
import type { Scenario, ScenarioDefinition, ScenarioInstance, ScenarioLimits, ScenarioPeer, ScenarioReward } from './scenario.js';
import { validateScenarioValue } from './schema.js';
import { isPlaceholder, render, TemplateMissingValueError } from './template.js';

function valueAt(value: unknown, pointer: string): unknown {
  let current = value;
  for (const key of pointerToPath(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Schema problems of a value; with `templated`, a value that is one placeholder is left for after rendering. */
function schemaProblems(value: unknown, templated: boolean): Array<{ path: string; message: string; property?: string }> {
  const errors = validateScenarioValue(value);
  const summaries = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const out: Array<{ path: string; message: string; property?: string }> = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if') continue;
    if (summaries.some((s) => s !== error && error.instancePath === s.instancePath && error.schemaPath.startsWith(`${s.schemaPath}/`))) continue;
    if (templated && isPlaceholder(valueAt(value, error.instancePath))) continue;
    const params = error.params as Record<string, unknown>;
    const property = error.keyword === 'additionalProperties' ? String(params.additionalProperty) : undefined;
    const message = describeError(error);
    const key = `${error.instancePath}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: error.instancePath, message, ...(property === undefined ? {} : { property }) });
  }
  return out;
}

interface Sources {
  scenario: YamlSource;
  /** The world file's source when the world is a file. */
  world: YamlSource | null;
  worldFile: string | null;
}

/** Checks what the schema cannot: unique check ids, penalties naming checks, files that exist, peers among agents. */
function semanticIssues(def: ScenarioDefinition, dir: string, sources: Sources): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const at = (pointer: string, message: string): SchemaIssue => issueAt(sources.scenario, sources.scenario.file, pointer, message);
  const ids = new Map<string, number>();
  def.checks.forEach((check, i) => {
    const id = check.id ?? `${check.kind}#${i}`;
    if (ids.has(id)) issues.push(at(`/checks/${i}/id`, `must be unique (also used by /checks/${ids.get(id)})`));
    else ids.set(id, i);
    if (check.kind === 'custom' && typeof check.module === 'string' && !existsSync(resolve(dir, check.module))) {
      issues.push(at(`/checks/${i}/module`, `names ${check.module}, which does not exist in ${dir}`));
    }
  });
  (def.reward?.penalties ?? []).forEach((p, i) => {
    if (!ids.has(p.check)) issues.push(at(`/reward/penalties/${i}/check`, `must be the id of a check (known: ${[...ids.keys()].join(', ')})`));
  });
  for (const field of ['generator', 'reference', 'reference_py'] as const) {
    const path = def[field];
    if (path !== undefined && !existsSync(resolve(dir, path))) issues.push(at(`/${field}`, `names ${path}, which does not exist in ${dir}`));
  }
  const agents = def.agents ?? ['agent', ...(def.peers ?? []).map((p) => p.name)];
  (def.peers ?? []).forEach((peer, i) => {
    if (!existsSync(resolve(dir, peer.module))) issues.push(at(`/peers/${i}/module`, `names ${peer.module}, which does not exist in ${dir}`));
    if (!agents.includes(peer.name)) issues.push(at(`/peers/${i}/name`, `must be one of agents (${agents.join(', ')})`));
    if (agents[0] === peer.name) issues.push(at(`/peers/${i}/name`, `must not be ${peer.name}: the first agent is the one evaluated`));
  });
  if (typeof def.world === 'string' && sources.worldFile !== null && !existsSync(sources.worldFile)) {
    issues.push(at('/world', `names ${def.world}, which does not exist in ${dir}`));
  }
  return issues;
}

function durationField(value: number | string | undefined): number | undefined {
  return value === undefined ? undefined : (parseDuration(value) ?? undefined);
}

function limitsOf(def: ScenarioDefinition): ScenarioLimits {
  const l = def.limits ?? {};
  const out: ScenarioLimits = {};
  if (l.steps !== undefined) out.steps = l.steps;
  const v = durationField(l.virtual_time);
  if (v !== undefined) out.virtualTimeMs = v;
  const w = durationField(l.wall_time);
  if (w !== undefined) out.wallTimeMs = w;
  if (l.tokens !== undefined) out.tokens = l.tokens;
  if (l.syscalls !== undefined) out.syscalls = l.syscalls;
  return out;
}

function rewardOf(def: ScenarioDefinition): ScenarioReward {
  const r = def.reward ?? {};
  return { success: r.success ?? 1, partial: r.partial ?? false, partialScale: r.partial_scale ?? 0.5, min: r.min ?? 0, penalties: r.penalties ?? [] };
}

/** Mount host paths of a world are made absolute (relative to the world file's folder). */
function absoluteMounts(world: WorldDefinition, baseDir: string): WorldDefinition {
  const mounts = world.filesystem?.mounts;
  if (mounts === undefined) return world;
  return { ...world, filesystem: { ...world.filesystem, mounts: mounts.map((m) => ({ ...m, host: isAbsolute(m.host) ? m.host : resolve(baseDir, m.host) })) } };
}

function optionalFile(dir: string, given: string | undefined, fallback: string): string | undefined {
  if (given !== undefined) return resolve(dir, given);
  const path = join(dir, fallback);
  return existsSync(path) ? path : undefined;
}

/**
 * Loads a scenario from its folder or its scenario.yaml, validating it (and its world and
 * templates for seed 0). Throws `ScenarioSchemaError` (SCENARIO_SCHEMA_INVALID) listing every
 * problem at file:line:col.
 *
 * @example
 * const scenario = await loadScenario('scenarios/file-repair');
 * const instance = await scenario.instantiate(7);
 * instance.task.text; // the task for seed 7
 */
export async function loadScenario(dirOrYamlPath: string): Promise<Scenario> {
  const given = resolve(dirOrYamlPath);
  const file = existsSync(given) && statSync(given).isDirectory() ? join(given, 'scenario.yaml') : given;
  const dir = dirname(file);
  if (!existsSync(file)) {
    throw new ScenarioSchemaError(file, [{ file, line: null, column: null, path: '', message: `the file does not exist (a scenario folder holds scenario.yaml)` }]);
  }
  const parsed = parseYaml(readFileSync(file, 'utf8'), file);
  if ('issues' in parsed) throw new ScenarioSchemaError(file, parsed.issues);
  const source = parsed.source;
  const value = parsed.value;
  const problems = schemaProblems(value, true);
  if (problems.length > 0) {
    throw new ScenarioSchemaError(file, problems.map((p) => issueAt(source, file, p.path, p.message, p.property === undefined ? {} : { property: p.property })));
  }
  const def = value as ScenarioDefinition;
  const sources: Sources = { scenario: source, world: null, worldFile: typeof def.world === 'string' ? resolve(dir, def.world) : null };
  const semantic = semanticIssues(def, dir, sources);
  if (semantic.length > 0) throw new ScenarioSchemaError(file, semantic);

  let rawWorld: unknown = def.world;
  let worldBase = dir;
  if (sources.worldFile !== null) {
    const worldParsed = parseYaml(readFileSync(sources.worldFile, 'utf8'), sources.worldFile);
    if ('issues' in worldParsed) throw new ScenarioSchemaError(file, worldParsed.issues);
    sources.world = worldParsed.source;
    rawWorld = worldParsed.value;
    worldBase = dirname(sources.worldFile);
  }

  const id = `${def.id}-v${def.version}`;
  const generatorPath = optionalFile(dir, def.generator, 'generate.ts');
  const referencePath = optionalFile(dir, def.reference, 'reference.ts');
  const referencePyPath = optionalFile(dir, def.reference_py, 'reference.py');
  const tools: ToolName[] = def.tools ?? [...TOOL_NAMES];
  const agents = def.agents ?? ['agent', ...(def.peers ?? []).map((p) => p.name)];
  let generator: Promise<ScenarioGenerator> | undefined;
  const peerAgents = new Map<string, Promise<ScriptedAgent>>();

  const fail = (seed: number, issues: SchemaIssue[]): never => {
    throw new ScenarioSchemaError(file, issues.map((i) => ({ ...i, message: `${i.message} (after templating for seed ${seed})` })));
  };

  const scenario: Scenario = {
    id,
    name: def.name,
    version: def.version,
    description: def.description ?? '',
    tags: def.tags ?? [],
    difficulty: def.difficulty ?? 'medium',
    limits: limitsOf(def),
    reward: rewardOf(def),
    dir,
    file,
    tools,
    agents,
    seeded: generatorPath !== undefined,
    ...(referencePath === undefined ? {} : { referencePath }),
    ...(referencePyPath === undefined ? {} : { referencePyPath }),
    definition: def,
    async instantiate(seed: number): Promise<ScenarioInstance> {
      if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
      let values: Record<string, unknown> = {};
      if (generatorPath !== undefined) {
        generator ??= importDefaultFunction<ScenarioGenerator>(generatorPath, 'a generator function (ctx) => values');
        const gen = await generator;
        try {
          values = await gen(generatorContext(id, seed));
        } catch (error) {
          throw new ScenarioGeneratorError(id, seed, (error as Error).message, { cause: error });
        }
        if (values === null || typeof values !== 'object' || Array.isArray(values)) throw new ScenarioGeneratorError(id, seed, `it returned ${JSON.stringify(values)}`);
      }
      const scope = { seed, values };
      const renderIn = <T>(value: T, src: YamlSource | null, srcFile: string, pointer: string): T => {
        try {
          return render(value, scope);
        } catch (error) {
          if (error instanceof TemplateMissingValueError) fail(seed, [issueAt(src, srcFile, `${pointer}${error.pointer}`, error.message)]);
          throw error;
        }
      };
      const { world: _world, ...rest } = def;
      const rendered = renderIn(rest, source, file, '');
      const renderedProblems = schemaProblems({ ...rendered, world: {} }, false);
      if (renderedProblems.length > 0) fail(seed, renderedProblems.map((p) => issueAt(source, file, p.path, p.message)));
      const worldSource = sources.world ?? source;
      const worldFile = sources.worldFile ?? file;
      const prefix = sources.world === null ? '/world' : '';
      let world = renderIn(rawWorld, worldSource, worldFile, prefix) as WorldDefinition;
      if (world !== null && typeof world === 'object' && world.name === undefined) world = { ...world, name: def.id };
      try {
        validateWorldDefinition(world, { file: worldFile, baseDir: worldBase });
      } catch (error) {
        if (!(error instanceof WorldSchemaError)) throw error;
        fail(seed, error.issues.map((i) => issueAt(worldSource, worldFile, i.path, `world: ${i.message}`, { prefix })));
      }
      world = { ...absoluteMounts(world, worldBase), seed };
      const checks: CheckSpec[] = rendered.checks.map((c, i) => ({ ...c, id: c.id ?? `${c.kind}#${i}` }));
      const task: Task = {
        scenario: id,
        seed,
        text: rendered.task,
        tools,
        agent: agents[0] ?? 'agent',
        ...(rendered.data === undefined ? {} : { data: rendered.data }),
      };
      const peers: ScenarioPeer[] = [];
      for (const peer of rendered.peers ?? []) {
        const path = resolve(dir, peer.module);
        let agent = peerAgents.get(path);
        if (agent === undefined) {
          agent = importDefaultFunction<ScriptedAgent>(path, 'a scripted agent (tools, task) => Promise<void>');
          peerAgents.set(path, agent);
        }
        peers.push({
          name: peer.name,
          agent: await agent,
          task: { scenario: id, seed, text: peer.task ?? '', tools, agent: peer.name, ...(peer.data === undefined ? {} : { data: peer.data }) },
        });
      }
      return { scenario, seed, task, world, checks, values, ...(peers.length === 0 ? {} : { peers }) };
    },
  };
  await scenario.instantiate(0);
  return scenario;
}

/** A scenario's reference agent (reference.ts default export). */
export async function loadReference(scenario: Scenario): Promise<ScriptedAgent> {
  if (scenario.referencePath === undefined) {
    throw new ScenarioModuleError(join(scenario.dir, 'reference.ts'), `${scenario.id} has no reference agent; add reference.ts to ${basename(scenario.dir)}/ or name one with reference: in scenario.yaml`);
  }
  return importDefaultFunction<ScriptedAgent>(scenario.referencePath, 'a scripted agent (tools, task) => Promise<void>');
}
