import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestKernel } from '../helpers/kernel.js';

const ROOT = join(import.meta.dirname, '..', '..');
const example = (...parts: string[]) => join(ROOT, 'examples', 'agents', ...parts);
// The TypeScript examples import 'clove/sdk', which resolves to the built package.
const NO_DIST = existsSync(join(ROOT, 'dist', 'sdk', 'index.js'))
  ? undefined
  : "dist/sdk/index.js is missing: the TypeScript examples import 'clove/sdk' from dist/; run `npm run build` (npm test does it in pretest)";

interface Case {
  name: string;
  script: string;
  args?: string[];
  /** Every pattern must match some line of the agent's output. */
  expect: RegExp[];
}

const TASK = '(12 + 30) * 2 - 4 / 8';
const pipelineLines = (verified: string) => [
  /^task: {5}\(12 \+ 30\) \* 2 - 4 \/ 8$/,
  /^tokens: {3}\( 12 \+ 30 \) \* 2 - 4 \/ 8$/,
  /^step: {5}12 \+ 30 = 42$/,
  new RegExp(`^answer: {3}83\\.5 \\(verified: ${verified}\\)$`),
  /^trail: {4}parser-[0-9a-f]{8} -> reasoner-[0-9a-f]{8} -> verifier-[0-9a-f]{8}$/,
];
const stateEventLines = [
  /^global {2}keys: .*greeting/,
  /^agent {3}keys: .*counter/,
  /^session keys: .*draft/,
  /^fetch counter as global: .*found\W+(False|false)/,
  /^fetch flash after 300 ms: .*found\W+(False|false)/,
  /^emitted CUSTOM event #\d+$/,
  /^event #\d+ CUSTOM .*demo\.progress/,
  /^event #\d+ STATE_CHANGED .*greeting/,
];

const python: Case[] = [
  { name: 'hello', script: example('hello', 'hello.py'), args: ['hi', 'there'], expect: [/^hello-\d+: kernel echoed 'hi there'$/] },
  { name: 'pipeline', script: example('pipeline', 'run_pipeline.py'), args: [TASK], expect: pipelineLines('True') },
  { name: 'state-events', script: example('state-events', 'state_events.py'), expect: stateEventLines },
];
const typescript: Case[] = [
  { name: 'hello', script: example('hello', 'hello.ts'), args: ['hi', 'there'], expect: [/^hello-\d+: kernel echoed "hi there"$/] },
  { name: 'pipeline', script: example('pipeline', 'run-pipeline.ts'), args: [TASK], expect: pipelineLines('true') },
  { name: 'state-events', script: example('state-events', 'state-events.ts'), expect: stateEventLines },
];

const k = useTestKernel();

async function runAsAgent(c: Case): Promise<string[]> {
  const client = await k.client();
  const agent = await client.spawn({ script: c.script, args: c.args ?? [] });
  const done = await client.wait(agent.id, 25_000);
  const lines = (await client.logs(agent.id)).lines.map((l) => `${l.stream === 'stderr' ? '[stderr] ' : ''}${l.text}`);
  expect(done.exitCode, `${c.script} exited ${done.exitCode} (${done.state}); output:\n${lines.join('\n')}`).toBe(0);
  return lines;
}

function expectLines(lines: string[], patterns: RegExp[]): void {
  for (const pattern of patterns) expect(lines, `no line matches ${pattern}`).toContainEqual(expect.stringMatching(pattern));
}

describe.concurrent('example agents run through a real kernel', () => {
  it.for(python)('python $name exits 0 with the expected output', async (c) => {
    expectLines(await runAsAgent(c), c.expect);
  });

  it.for(typescript)('typescript $name exits 0 with the expected output', async (c, ctx) => {
    if (NO_DIST) ctx.skip(NO_DIST);
    expectLines(await runAsAgent(c), c.expect);
  });

  it.for([
    { lang: 'python', command: 'python3', script: example('pipeline', 'run_pipeline.py'), verified: 'True' },
    { lang: 'typescript', command: process.execPath, script: example('pipeline', 'run-pipeline.ts'), verified: 'true' },
  ])('the $lang pipeline driver also works as an operator client (report via the store)', async ({ lang, command, script, verified }, ctx) => {
    if (lang === 'typescript' && NO_DIST) ctx.skip(NO_DIST);
    const args = lang === 'typescript' ? ['--import', 'tsx', script, TASK] : [script, TASK];
    const { stdout } = await promisify(execFile)(command, args, {
      cwd: ROOT,
      timeout: 25_000,
      env: { ...process.env, CLOVE_SOCKET: k.socketPath, CLOVE_TOKEN_FILE: k.tokenFile, CLOVE_TOKEN: '', CLOVE_FD: '' },
    });
    expectLines(stdout.split('\n'), pipelineLines(verified));
  });
});
