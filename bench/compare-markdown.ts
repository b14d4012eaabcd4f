/** The Markdown of a comparison (`clove bench compare --md FILE`), short enough for a PR comment. */
import type { Comparison, FigureComparison } from './compare.js';

function pct(x: number): string {
  return Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '-';
}

function p(x: number): string {
  return Number.isFinite(x) ? (x < 0.0001 ? '<0.0001' : x.toFixed(4)) : '-';
}

function icon(change: string): string {
  return change === 'regression' ? '🔴' : change === 'improvement' ? '🟢' : '';
}

function figureValue(f: FigureComparison, v: number): string {
  if (!Number.isFinite(v)) return '-';
  return f.metric === 'peakMemoryBytes' ? `${(v / 1048576).toFixed(1)} MiB` : `${v.toFixed(1)} ms`;
}

/**
 * @example
 * writeFileSync('compare.md', renderComparisonMarkdown(compareResults(base, next)));
 */
export function renderComparisonMarkdown(c: Comparison): string {
  const lines: string[] = [];
  const head = c.verdict === 'pass' ? '✅ no significant regression' : `❌ ${c.regressions} significant regression${c.regressions === 1 ? '' : 's'}`;
  lines.push(`## Clove bench compare: ${c.suite.name} — ${head}`, '');
  lines.push(
    c.options.deterministic
      ? `Deterministic comparison of ${c.pairs} paired episodes: outcomes, rewards, final worlds and counters must be equal.`
      : `${c.pairs} paired episodes; success by McNemar's exact test, figures by a bootstrap interval of the median ratio; Holm-corrected α = ${c.options.alpha}, noise threshold ${(c.options.threshold * 100).toFixed(1)}%. ${c.improvements} improvement${c.improvements === 1 ? '' : 's'}.`,
  );
  if (c.onlyInBase.length > 0 || c.onlyInNew.length > 0) lines.push('', `Unpaired: ${c.onlyInBase.length} episodes only in BASE, ${c.onlyInNew.length} only in NEW.`);
  lines.push('');
  const success = c.success.filter((s) => s.change !== 'none' || s.lost + s.gained > 0);
  if (success.length > 0) {
    lines.push('| scenario | agent | success BASE → NEW | lost / gained | p (Holm) | |', '|---|---|---:|---:|---:|---|');
    for (const s of success) lines.push(`| ${s.scenario} | ${s.agentId} | ${s.baseSuccesses}/${s.pairs} → ${s.newSuccesses}/${s.pairs} | ${s.lost} / ${s.gained} | ${p(s.pAdjusted)} | ${icon(s.change)} ${s.change} |`);
    lines.push('');
  }
  const figures = c.figures.filter((f) => f.change === 'regression' || f.change === 'improvement');
  if (figures.length > 0) {
    lines.push('| scenario | agent | figure | median BASE → NEW | change (95% CI) | p (Holm) | |', '|---|---|---|---:|---:|---:|---|');
    for (const f of figures) {
      lines.push(`| ${f.scenario} | ${f.agentId} | ${f.metric} | ${figureValue(f, f.baseMedian)} → ${figureValue(f, f.newMedian)} | ${pct(f.ratio - 1)} (${pct(f.low - 1)} … ${pct(f.high - 1)}) | ${p(f.pAdjusted)} | ${icon(f.change)} ${f.change} |`);
    }
    lines.push('');
  }
  if (c.counters.length > 0) {
    lines.push('| scenario | agent | counter | BASE → NEW | episodes differing | |', '|---|---|---|---:|---:|---|');
    for (const k of c.counters) lines.push(`| ${k.scenario} | ${k.agentId} | ${k.metric} | ${k.base} → ${k.new} | ${k.differing} (e.g. \`${k.episodes[0] ?? ''}\`) | ${icon(k.change)} ${k.change} |`);
    lines.push('');
  }
  if (c.differences.length > 0) {
    lines.push('| episode | what | BASE | NEW |', '|---|---|---|---|');
    for (const d of c.differences.slice(0, 50)) lines.push(`| \`${d.key}\` | ${d.what} | ${d.base} | ${d.new} |`);
    if (c.differences.length > 50) lines.push('', `…and ${c.differences.length - 50} more.`);
    lines.push('');
  }
  if (c.options.deterministic && c.onlyInBase.length > 0) lines.push(`Missing in NEW: ${c.onlyInBase.slice(0, 20).map((k) => `\`${k}\``).join(', ')}${c.onlyInBase.length > 20 ? ', …' : ''}`, '');
  const benchmarks = c.benchmarks.filter((b) => b.change !== 'none');
  if (benchmarks.length > 0) {
    lines.push('| benchmark | p50 BASE → NEW | change (95% CI) | p (Holm) | |', '|---|---:|---:|---:|---|');
    for (const b of benchmarks) lines.push(`| ${b.key} | ${b.baseMedianMs.toFixed(4)} ms → ${b.newMedianMs.toFixed(4)} ms | ${pct(b.ratio - 1)} (${pct(b.low - 1)} … ${pct(b.high - 1)}) | ${p(b.pAdjusted)} | ${icon(b.change)} ${b.change} |`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
