/**
 * `report.md`: short enough for a pull-request comment (GitHub caps comments at 65,536
 * characters and step summaries at 1 MiB), with the success table, intervals and the failures.
 */
import type { Results } from './results.js';
import { summarise, type ResultsSummary } from './summary.js';
import { bytes, clip, mdCell, ms, num, percent, usd } from './format.js';

export interface MarkdownOptions {
  /** Failures listed at most; default 25 (the rest are counted). */
  maxFailures?: number;
  /** Title line; default `Clove bench: <suite>`. */
  title?: string;
}

/**
 * Renders results as GitHub-flavoured Markdown.
 *
 * @example
 * writeFileSync('report.md', renderMarkdown(readResults('bench-out')));
 */
export function renderMarkdown(results: Results, options: MarkdownOptions = {}, summary: ResultsSummary = summarise(results)): string {
  const maxFailures = options.maxFailures ?? 25;
  const { total } = summary;
  const lines: string[] = [];
  lines.push(`## ${options.title ?? `Clove bench: ${results.suite.name}`}`, '');
  const state = results.run.complete ? '' : results.run.interrupted ? ' — **interrupted, partial results**' : ' — **incomplete**';
  lines.push(
    `**${total.successes}/${total.episodes}** episodes succeeded (${percent(total.successRate, 1)}, 95% CI ${percent(total.successInterval.low, 1)}–${percent(total.successInterval.high, 1)})` +
      ` · ${total.outcomes.failed} failed · ${total.outcomes.truncated} truncated · ${total.outcomes.errored} errored${state}`,
  );
  if (results.infrastructure.retries > 0 || results.infrastructure.failures > 0) {
    lines.push('', `Infrastructure: ${results.infrastructure.retries} retries, ${results.infrastructure.failures} episodes lost to harness errors (not counted against agents).`);
  }
  lines.push('');
  if (summary.groups.length > 0) {
    const maxK = Math.max(...summary.groups.map((g) => g.passHat.length));
    const kHead = maxK > 1 ? ` pass^${maxK} |` : '';
    lines.push(`| scenario | agent | success | 95% CI | reward (95% CI) |${kHead} wall p50 / p95 | CPU p50 | peak mem p50 | steps p50 | cost |`);
    lines.push(`|---|---|---:|---:|---:|${maxK > 1 ? '---:|' : ''}---:|---:|---:|---:|---:|`);
    for (const g of summary.groups) {
      const k = g.passHat.find((p) => p.k === maxK);
      lines.push(
        `| ${mdCell(g.scenario)} | ${mdCell(g.agentId)} | ${g.successes}/${g.episodes} (${percent(g.successRate)}) | ${percent(g.successInterval.low)}–${percent(g.successInterval.high)} | ${num(g.rewardMean)} (${num(g.rewardInterval.low)}–${num(g.rewardInterval.high)}) |` +
          `${maxK > 1 ? ` ${k ? percent(k.value) : '-'} |` : ''} ${ms(g.wallMs.median)} / ${ms(g.wallMs.p95)} | ${ms(g.cpuMs.median)} | ${bytes(g.peakMemoryBytes.median)} | ${num(g.steps.median, 0)} | ${usd(g.costUsd)} |`,
      );
    }
    lines.push('');
  }
  if (summary.failures.length > 0) {
    lines.push(`<details><summary>${summary.failures.length} episode${summary.failures.length === 1 ? '' : 's'} did not succeed</summary>`, '');
    lines.push('| episode | outcome | reason | why |', '|---|---|---|---|');
    for (const e of summary.failures.slice(0, maxFailures)) {
      const why = e.error?.message ?? e.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`).join('; ');
      lines.push(`| ${mdCell(`${e.scenario} · ${e.agentId} · seed ${e.seed}${e.repeat ? ` · r${e.repeat}` : ''}`)} | ${e.outcome} | ${e.reason} | ${mdCell(clip(why || '-', 200))} |`);
    }
    if (summary.failures.length > maxFailures) lines.push('', `…and ${summary.failures.length - maxFailures} more (see report.html or results.json).`);
    lines.push('', '</details>', '');
  }
  if (results.benchmarks && results.benchmarks.length > 0) {
    lines.push('| benchmark | p50 | p99 | ops/s | samples |', '|---|---:|---:|---:|---:|');
    for (const b of results.benchmarks) {
      lines.push(`| ${mdCell(`${b.group} · ${b.name}`)} | ${ms(b.p50Ms)} | ${ms(b.p99Ms)} | ${Math.round(b.opsPerSecond).toLocaleString('en')} | ${b.samples.length} |`);
    }
    lines.push('');
  }
  const env = results.environment;
  lines.push(
    `<sub>suite ${results.suite.hash.slice(0, 12)} · clove ${env.clove}${env.commit ? ` @ ${env.commit.slice(0, 10)}` : ''} · Node ${env.node} · ${env.os.platform} ${env.os.release} · ${env.cpu.model} × ${env.cpu.cores} · cgroup ${env.cgroup} · sandbox ${env.sandbox}` +
      `${results.run.shard ? ` · shard ${results.run.shard.index}/${results.run.shard.count}` : ''}</sub>`,
  );
  return `${lines.join('\n')}\n`;
}
