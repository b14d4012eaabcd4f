/**
 * The IPC pipeline: a driver spawns parser -> reasoner -> verifier, three agent processes that
 * pass one task along over SEND/RECV by agent name; the verifier reports back and the driver prints it.
 *
 *   clove agent run examples/agents/pipeline/run-pipeline.ts --wait -- "(12 + 30) * 2 - 4 / 8"
 *   node --import tsx examples/agents/pipeline/run-pipeline.ts     # as an operator
 *
 * Run as an agent, the driver is the last hop of the route and RECVs the report. Operators have no
 * mailbox, so then the verifier leaves the report in the store and the driver WAITs and FETCHes it.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runAgent } from 'clove/sdk';
import { WAIT_MS, type Work } from './stage.js';

const STAGES = ['parser', 'reasoner', 'verifier'] as const;

await runAgent(async (clove) => {
  const task = process.argv.slice(2).join(' ') || '(12 + 30) * 2 - 4 / 8';
  const run = randomBytes(4).toString('hex');
  const names = Object.fromEntries(STAGES.map((stage) => [stage, `${stage}-${run}`])) as Record<(typeof STAGES)[number], string>;
  for (const stage of STAGES) await clove.spawn({ name: names[stage], script: join(import.meta.dirname, `${stage}.ts`) });

  const me = clove.identity?.role === 'agent' ? clove.identity.agentName : null;
  const route = [names.reasoner, names.verifier, ...(me ? [me] : [])];
  await clove.send(names.parser, { run, task, route, trail: [] } satisfies Work);

  let report: Work | null;
  if (me) {
    report = ((await clove.recv(WAIT_MS))?.payload as Work | undefined) ?? null;
  } else {
    await clove.wait(names.verifier, WAIT_MS);
    report = (await clove.fetch<Work>(`pipeline/${run}/report`)).value;
  }
  if (!report) throw new Error(`pipeline ${run}: no report (see \`clove agent logs verifier-${run}\`)`);

  console.log(`task:     ${report.task}`);
  console.log(`tokens:   ${(report.tokens ?? []).join(' ')}`);
  for (const step of report.steps ?? []) console.log(`step:     ${step}`);
  console.log(`answer:   ${report.answer} (verified: ${report.verified})`);
  console.log(`trail:    ${report.trail.join(' -> ')}`);
  if (!report.verified) process.exitCode = 2;
});
