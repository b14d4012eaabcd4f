import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvSpec } from '../../gym/registry.js';
import { runEpisode } from '../../gym/run-episode.js';
import type { Grader, GymScenario } from '../../gym/scenario.js';
import { builtinScenario, grade } from '../../scenarios/index.js';
import { startKernel, type KernelHandle } from '../../kernel/index.js';
import type { LlmDefinition } from '../../worlds/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

/**
 * The LLM agent (dist/agents/main.js, an external agent of the gym) solves scenarios of the
 * library when the episode's world scripts its LLM: the scripted "model" looks at the task and
 * the tool results and answers with tool calls, as a capable model would. Graded by the
 * scenarios' own checks.
 */
const AGENT = join(import.meta.dirname, '..', '..', 'dist', 'agents', 'main.js');

const TRIAGE = String.raw`
import collections, glob, json, os, re
line = re.compile(r'^(\S+) (\w+) \[([^\]]+)\] req=(\S+)')
errors = collections.Counter(); first = {}
for path in glob.glob('var/log/app/*.log*'):
    for text in open(path):
        m = line.match(text)
        if not m or m.group(2) != 'ERROR': continue
        time, _, service, req = m.groups()
        errors[req] += 1
        if req not in first or time < first[req][0]: first[req] = (time, service)
req, count = errors.most_common(1)[0]
os.makedirs('out', exist_ok=True)
json.dump({'request_id': req, 'first_service': first[req][1], 'errors': count}, open('out/triage.json', 'w'))
print('REQ=' + req)
`;

const MIGRATE = String.raw`
import configparser, json, subprocess
c = configparser.RawConfigParser(); c.read('etc/app/config.v1.ini')
v2 = {'version': 2,
      'server': {'host': c['server']['host'], 'port': int(c['server']['port'])},
      'database': {'url': c['database']['url'], 'pool': {'min': int(c['database']['pool_min']), 'max': int(c['database']['pool_max'])}},
      'features': sorted(k for k, v in c['features'].items() if v == 'on'),
      'limits': {'requests_per_second': int(c['limits']['rps']), 'burst': int(c['limits']['burst'])}}
json.dump(v2, open('etc/app/config.json', 'w'), indent=2)
print('VALID=%d' % subprocess.run(['node', 'validate.js'], cwd='etc/app').returncode)
`;

const LLM: Record<string, LlmDefinition> = {
  'log-triage': {
    latency_ms: { min: 300, max: 1200 },
    rules: [
      { name: 'submit', match: { in: 'last_message', regex: 'REQ=([A-Za-z0-9_.-]+)' }, tool_calls: [{ name: 'done', arguments: { answer: '{{1}}' } }] },
      { name: 'look', match: { in: 'last_message', contains: '/var/log/app' }, tool_calls: [{ name: 'list_dir', arguments: { path: '/var/log/app' } }] },
      { name: 'count', match: { in: 'last_message', contains: '.log' }, tool_calls: [{ name: 'exec', arguments: { command: 'python3', args: ['-c', TRIAGE] } }] },
    ],
  },
  'config-migration': {
    latency_ms: 800,
    rules: [
      { name: 'done', match: { in: 'last_message', contains: 'VALID=0' }, tool_calls: [{ name: 'done', arguments: { answer: 'migrated', summary: 'config.json validates' } }] },
      { name: 'read-guide', match: { in: 'last_message', contains: 'Migrate /etc/app/config.v1.ini' }, tool_calls: [{ name: 'read_file', arguments: { path: '/etc/app/MIGRATION.md' } }] },
      { name: 'migrate', match: { in: 'last_message', contains: 'v1 -> v2' }, tool_calls: [{ name: 'exec', arguments: { command: 'python3', args: ['-c', MIGRATE] } }] },
    ],
  },
};

/** The library scenario with the scripted LLM added to every instance's world. */
async function withScriptedLlm(name: string, llm: LlmDefinition): Promise<EnvSpec> {
  const scenario = (await builtinScenario(`${name}-v1`)) as unknown as GymScenario;
  const instantiate = scenario.instantiate.bind(scenario);
  const scripted: GymScenario = Object.assign(Object.create(Object.getPrototypeOf(scenario) as object) as GymScenario, scenario, {
    instantiate: async (seed: number) => {
      const instance = await instantiate(seed);
      return { ...instance, world: { ...instance.world, llm } };
    },
  });
  return { id: `${name}-llm-v1`, scenario: scripted, grade: grade as unknown as Grader };
}

describe('the LLM agent on library scenarios with a scripted world LLM', () => {
  let kernel: KernelHandle;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'clove-llm-lib-'));
    kernel = await startKernel({ socketPath: join(dir, 'k.sock'), auditLog: false, log: () => {} });
  });
  afterAll(async () => {
    await kernel.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['log-triage', 'config-migration'])('solves %s on two seeds, the same way when repeated', async (name) => {
    const spec = await withScriptedLlm(name, LLM[name]!);
    const agent = { kind: 'command' as const, command: [process.execPath, AGENT], env: { CLOVE_AGENT_MAX_ITERATIONS: '8' }, label: 'llm' };
    for (const seed of [0, 1]) {
      const first = await runEpisode(spec, { agent, seed, kernel });
      expect(first.success, JSON.stringify({ reason: first.reason, error: first.error, checks: first.checks }, null, 1)).toBe(true);
      expect(first.metrics.llmCalls).toBeGreaterThanOrEqual(3);
      if (seed !== 0) continue;
      const again = await runEpisode(spec, { agent, seed, kernel });
      expect(again.success).toBe(true);
      // Same virtual time, steps, answer, tokens and check results. (worldHash is not compared: the
      // world's LLM and HTTP logs name the agent, and the gym names it after the episode's world.)
      const same = (r: typeof first) => ({ virtualMs: r.virtualMs, steps: r.steps, answer: r.answer, tokens: r.metrics.tokens, llmCalls: r.metrics.llmCalls, checks: r.checks });
      expect(same(again)).toEqual(same(first));
    }
  }, 120_000);
});
