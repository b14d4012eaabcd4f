import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Comparison, Shard } from '../../bench/index.js';
import { CliError, ExitCode, paint, printJson } from '../output.js';

// The bench and reports layers (and the gym, scenarios and kernel below them) load when a bench
// command runs, so other commands and --help start without them.
const benchLayer = () => import('../../bench/index.js');
const reportsLayer = () => import('../../reports/index.js');

/** Runs an action, turning the bench's and reports' typed errors into CLI errors with their exit codes. */
function guarded<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      const [{ BenchError }, { ReportsError }] = await Promise.all([benchLayer(), reportsLayer()]);
      if (error instanceof BenchError) throw new CliError(`[${error.code}] ${error.message}`, error.exitCode, error.code);
      if (error instanceof ReportsError) {
        // A results file of another format version is an incompatible input, like a different suite.
        const usage = error.code === 'RESULTS_VERSION_MISMATCH' || error.code === 'RESULTS_MISSING' || error.code === 'RESULTS_INVALID';
        throw new CliError(`[${error.code}] ${error.message}`, usage ? ExitCode.USAGE : ExitCode.FAILED, error.code);
      }
      throw error;
    }
  };
}

function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} must be a whole number >= 1, got '${value}'`, ExitCode.USAGE);
    return n;
  };
}

/** `5%`, `0.05` or `5` (percent) -> 0.05. */
export function parseThreshold(value: string): number {
  const text = value.trim();
  const n = Number(text.endsWith('%') ? text.slice(0, -1) : text);
  if (!Number.isFinite(n) || n < 0) throw new CliError(`--threshold must be a percentage like 5% (got '${value}')`, ExitCode.USAGE);
  return text.endsWith('%') || n >= 1 ? n / 100 : n;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

interface RunFlags {
  out?: string;
  concurrency?: number;
  shard?: string;
  shardIndexEnv?: string;
  shards?: number;
  resume?: string;
  socket?: string;
  json?: boolean;
  progress?: boolean;
}

function resolveShard(flags: RunFlags, { parseShard, shardFromEnv }: Awaited<ReturnType<typeof benchLayer>>): Shard | null {
  if (flags.shard && flags.shardIndexEnv) throw new CliError('use either --shard i/n or --shard-index-env VAR --shards n, not both', ExitCode.USAGE);
  if (flags.shard) return parseShard(flags.shard);
  if (flags.shardIndexEnv) {
    if (flags.shards === undefined) throw new CliError('--shard-index-env needs --shards n (the Indexed Job\'s completions)', ExitCode.USAGE);
    return shardFromEnv(flags.shardIndexEnv, flags.shards);
  }
  if (flags.shards !== undefined) throw new CliError('--shards needs --shard-index-env VAR', ExitCode.USAGE);
  return null;
}

/**
 * Scenario references and generators, and TypeScript module agents, are .ts files loaded in this
 * process: register tsx's loader (a runtime dependency) once, as `clove` itself runs from dist/.
 */
async function loadTypeScript(): Promise<void> {
  const { register } = await import('tsx/esm/api');
  register();
}

async function runCommand(file: string, flags: RunFlags): Promise<void> {
  const bench = await benchLayer();
  const { createGymHost, createProgress, loadSuite, runSuite } = bench;
  const { summarise } = await reportsLayer();
  const suite = loadSuite(file);
  await loadTypeScript();
  const shard = resolveShard(flags, bench);
  if (flags.resume && flags.out && resolve(flags.resume) !== resolve(flags.out)) throw new CliError('--resume DIR writes into DIR: leave out --out, or give the same directory', ExitCode.USAGE);
  const out = flags.resume ?? flags.out ?? join('clove-results', `${suite.name}-${timestamp()}${shard ? `-shard${shard.index}of${shard.count}` : ''}`);
  const host = await createGymHost({ ...(flags.socket ? { socketPath: flags.socket } : {}) });
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) {
      process.stderr.write(`${signal} again: exiting now without reports (finished episodes are on disk in ${out})\n`);
      process.exit(130);
    }
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = createProgress(flags.progress === false ? { tty: false } : {});
  let outcome;
  try {
    outcome = await runSuite(suite, {
      out,
      host,
      ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
      shard,
      resume: Boolean(flags.resume),
      signal: controller.signal,
      onEvent: progress.onEvent,
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await host.close();
  }
  const { results } = outcome;
  const summary = summarise(results);
  const unmet = results.episodes.filter((e) => {
    const expect = suite.agents.find((a) => a.id === e.agentId)?.expect;
    return (expect === 'succeed' && !e.success) || (expect === 'fail' && e.success);
  });
  if (flags.json) {
    printJson({ out, ran: outcome.ran, resumed: outcome.resumed, interrupted: outcome.interrupted, complete: results.run.complete, infrastructure: results.infrastructure, total: summary.total, groups: summary.groups, unmetExpectations: unmet.map((e) => e.key), written: outcome.written });
  } else {
    const t = summary.total;
    process.stdout.write(
      `${results.suite.name}: ${t.successes}/${t.episodes} succeeded, ${t.outcomes.failed} failed, ${t.outcomes.truncated} truncated, ${t.outcomes.errored} errored` +
        ` (${outcome.ran} run now, ${outcome.resumed} resumed${results.infrastructure.retries ? `, ${results.infrastructure.retries} infrastructure retries` : ''})\n`,
    );
    for (const e of unmet) process.stdout.write(`${paint('red', 'unexpected:')} ${e.key} ${e.outcome} (agent expected to ${suite.agents.find((a) => a.id === e.agentId)?.expect})\n`);
    process.stdout.write(`reports in ${out}: results.json report.md report.html junit.xml\n`);
  }
  if (outcome.interrupted) process.exitCode = 130;
  else if (results.infrastructure.failures > 0 || unmet.length > 0) process.exitCode = ExitCode.FAILED;
}

function printComparison(c: Comparison): void {
  const verdict = c.verdict === 'pass' ? paint('green', 'no significant regression') : paint('red', `${c.regressions} significant regression${c.regressions === 1 ? '' : 's'}`);
  process.stdout.write(`${c.suite.name}: ${verdict} (${c.pairs} paired episodes${c.options.deterministic ? ', deterministic' : `, threshold ${(c.options.threshold * 100).toFixed(1)}%, alpha ${c.options.alpha} Holm-corrected`})\n`);
  for (const s of c.success.filter((x) => x.change !== 'none')) process.stdout.write(`  ${s.change}: ${s.scenario} ${s.agentId} success ${s.baseSuccesses}/${s.pairs} -> ${s.newSuccesses}/${s.pairs} (p=${s.pAdjusted.toPrecision(3)})\n`);
  for (const f of c.figures.filter((x) => x.change === 'regression' || x.change === 'improvement')) {
    process.stdout.write(`  ${f.change}: ${f.scenario} ${f.agentId} ${f.metric} x${f.ratio.toFixed(3)} [${f.low.toFixed(3)}, ${f.high.toFixed(3)}] (p=${f.pAdjusted.toPrecision(3)})\n`);
  }
  for (const k of c.counters) process.stdout.write(`  ${k.change === 'none' ? 'changed' : k.change}: ${k.scenario} ${k.agentId} ${k.metric} ${k.base} -> ${k.new} in ${k.differing} episodes (e.g. ${k.episodes[0]})\n`);
  for (const d of c.differences.slice(0, 20)) process.stdout.write(`  differs: ${d.key} ${d.what}: ${d.base} -> ${d.new}\n`);
  for (const b of c.benchmarks.filter((x) => x.change !== 'none')) process.stdout.write(`  ${b.change}: ${b.key} x${b.ratio.toFixed(3)} [${b.low.toFixed(3)}, ${b.high.toFixed(3)}]\n`);
  if (c.onlyInBase.length || c.onlyInNew.length) process.stdout.write(`  unpaired: ${c.onlyInBase.length} only in BASE, ${c.onlyInNew.length} only in NEW\n`);
}

export function benchCommand(program: Command): void {
  const bench = program.command('bench').description('run suites of scenarios x agents x seeds, compare and merge results, micro-benchmarks');

  bench
    .command('run')
    .description('run a suite on an embedded kernel (no daemon needed); writes results.json, report.md, report.html, junit.xml')
    .argument('<suite>', 'suite YAML file (e.g. bench/suites/smoke.yaml)')
    .option('--out <dir>', 'results directory (default clove-results/<suite>-<time>)')
    .option('--concurrency <n>', 'episodes at once (default: the suite\'s, else the CPU cores)', positiveInt('--concurrency'))
    .option('--shard <i/n>', 'run shard i of n (1-based, as Playwright): deterministic and balanced')
    .option('--shard-index-env <var>', 'take the 0-based shard index from this variable (Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX)')
    .option('--shards <n>', 'shard count with --shard-index-env', positiveInt('--shards'))
    .option('--resume <dir>', 'continue a run in DIR: run only the episodes it does not hold')
    .option('--socket <path>', 'use the kernel daemon at this socket instead of an embedded one')
    .option('--no-progress', 'one line per finished episode even on a TTY')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Every episode is written to DIR/episodes/ as it ends; Ctrl-C stops, drops the episodes in flight
and writes the reports for what finished (a second Ctrl-C exits at once). --resume DIR runs the rest.

Exit codes: 0 the suite ran (agents' failures are data in the results), 1 episodes were lost to
infrastructure failures or an agent's \`expect\` was not met, 2 bad suite or usage, 130 interrupted.`,
    )
    .action(guarded(runCommand));

  bench
    .command('compare')
    .description('compare two results (the CI gate): exit 0 no significant regression, 1 regression, 2 incompatible inputs')
    .argument('<base>', 'BASE results.json or results directory')
    .argument('<new>', 'NEW results.json or results directory')
    .option('--threshold <pct>', 'noise threshold: smaller changes are no change', '5%')
    .option('--alpha <p>', 'family-wise significance level (Holm-corrected)', '0.05')
    .option('--deterministic', 'outcomes, rewards, final worlds and counters must be equal; timings ignored (for reference agents on mock LLMs)')
    .option('--allow-suite-change', 'pair the episodes both hold even when the suite file changed')
    .option('--md <file>', 'write the comparison as Markdown (for a PR comment)')
    .option('--json', 'print the comparison as JSON')
    .addHelpText(
      'after',
      `
Episodes pair by (scenario, agent, seed, repeat). Success: McNemar's exact test on the pairs;
wall time, CPU and peak memory: bootstrap interval of the ratio of medians; steps, syscalls,
tokens, LLM calls, HTTP requests, events: compared exactly. A change counts only when it is
significant after Holm's correction and its interval lies beyond the threshold.`,
    )
    .action(
      guarded(async (basePath: string, newPath: string, flags: { threshold: string; alpha: string; deterministic?: boolean; allowSuiteChange?: boolean; md?: string; json?: boolean }) => {
        const { compareResults, loadResults, renderComparisonMarkdown } = await benchLayer();
        const alpha = Number(flags.alpha);
        if (!(alpha > 0 && alpha < 1)) throw new CliError(`--alpha must be between 0 and 1, got '${flags.alpha}'`, ExitCode.USAGE);
        const comparison = compareResults(loadResults(basePath), loadResults(newPath), {
          threshold: parseThreshold(flags.threshold),
          alpha,
          deterministic: Boolean(flags.deterministic),
          allowSuiteChange: Boolean(flags.allowSuiteChange),
        });
        if (flags.md) writeFileSync(flags.md, renderComparisonMarkdown(comparison));
        if (flags.json) printJson(comparison);
        else printComparison(comparison);
        process.exitCode = comparison.verdict === 'pass' ? ExitCode.OK : ExitCode.FAILED;
      }),
    );

  bench
    .command('merge')
    .description('merge shard result directories into one, as an unsharded run would give (timings aside)')
    .argument('<dirs...>', 'result directories (or results.json files) of shards of one suite')
    .requiredOption('--out <dir>', 'directory for the merged results and reports')
    .option('--json', 'print a summary as JSON')
    .action(
      guarded(async (dirs: string[], flags: { out: string; json?: boolean }) => {
        const { loadResults, mergeResults } = await benchLayer();
        const { writeReports } = await reportsLayer();
        const { results, duplicates } = mergeResults(dirs.map((d) => loadResults(d)), dirs);
        mkdirSync(flags.out, { recursive: true });
        const written = writeReports(flags.out, results);
        const missing = (results.suite.episodes ?? results.episodes.length) - results.episodes.length;
        if (flags.json) printJson({ out: flags.out, episodes: results.episodes.length, planned: results.suite.episodes ?? null, missing, duplicates, complete: results.run.complete, written });
        else {
          process.stdout.write(`merged ${dirs.length} directories: ${results.episodes.length} episodes${missing > 0 ? `, ${paint('yellow', `${missing} missing`)}` : ''}${duplicates.length ? `, ${duplicates.length} duplicates resolved` : ''}\n`);
          process.stdout.write(`reports in ${flags.out}: results.json report.md report.html junit.xml\n`);
        }
        if (!results.run.complete) process.exitCode = ExitCode.FAILED;
      }),
    );

  bench
    .command('micro')
    .description('kernel, world, sandbox and gym micro-benchmarks (tinybench), written in the results format so compare gates them')
    .option('--out <dir>', 'results directory', join('clove-results', `micro-${timestamp()}`))
    .option('--only <groups>', 'comma-separated groups: world, kernel, sandbox, gym')
    .option('--time <ms>', 'time per task in ms', positiveInt('--time'), 500)
    .option('--json', 'print the benchmarks as JSON')
    .action(
      guarded(async (flags: { out: string; only?: string; time: number; json?: boolean }) => {
        const { runMicro } = await benchLayer();
        await loadTypeScript();
        const { writeReports } = await reportsLayer();
        const results = await runMicro({ timeMs: flags.time, ...(flags.only ? { only: flags.only.split(',').map((s) => s.trim()) } : {}), log: (line) => !flags.json && process.stderr.write(`${line}\n`) });
        writeReports(flags.out, results);
        if (flags.json) printJson(results.benchmarks);
        else {
          for (const b of results.benchmarks ?? []) process.stdout.write(`${`${b.group} ${b.name}`.padEnd(44)} p50 ${b.p50Ms.toFixed(4)} ms  p99 ${b.p99Ms.toFixed(4)} ms  ${Math.round(b.opsPerSecond)} ops/s${b.error ? `  ${paint('red', b.error)}` : ''}\n`);
          process.stdout.write(`results in ${flags.out}\n`);
        }
        if ((results.benchmarks ?? []).some((b) => b.error)) process.exitCode = ExitCode.FAILED;
      }),
    );
}
