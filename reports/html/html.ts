/**
 * `report.html`: one self-contained file (no network) — the data as embedded JSON, Chart.js's UMD
 * build inlined, and a small script (view.js beside this module) that draws the charts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ReportsError } from '../errors.js';
import type { Results } from '../results.js';
import { summarise, cpuMs, type ResultsSummary } from '../summary.js';
import { bytes, clip, ms, num, percent, usd } from '../format.js';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

let assets: { chart: string; view: string } | undefined;

/** Chart.js's UMD build (from the installed chart.js package) and view.js. */
function loadAssets(): { chart: string; view: string } {
  if (assets) return assets;
  const require = createRequire(import.meta.url);
  const chartPath = require.resolve('chart.js').replace(/chart\.cjs$/, 'chart.umd.min.js');
  if (!existsSync(chartPath)) throw new ReportsError('INSTALLATION_BROKEN', `chart.js's UMD build is missing at ${chartPath}; reinstall dependencies (npm ci).`);
  let view: string | undefined;
  for (const candidate of ['./view.js', '../../../reports/html/view.js']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) view = readFileSync(path, 'utf8');
  }
  if (view === undefined) throw new ReportsError('INSTALLATION_BROKEN', 'reports/html/view.js is missing from the installation; reinstall clove.');
  // A `</script>` inside the library would end the inline element early.
  const chart = readFileSync(chartPath, 'utf8').replace(/<\/script/gi, '<\\/script');
  return (assets = { chart, view });
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#0f172a;background:#f8fafc}
header{background:#0f172a;color:#f8fafc;padding:16px 24px}header h1{margin:0;font-size:20px}
main{padding:16px 24px;max-width:1200px}
section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px;margin:16px 0}
h2{font-size:16px;margin:4px 0 12px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #e2e8f0;padding:4px 8px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#15803d}.bad{color:#b91c1c}.warn{color:#a16207}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:16px}
.chart{position:relative;min-height:220px}
code{font-size:12px}.note{color:#64748b}.env td:first-child{color:#475569;width:160px}
`;

function chartBox(id: string, title: string, rows: number): string {
  const height = Math.max(240, 80 + rows * 22);
  return `<div><h2>${escapeHtml(title)}</h2><div class="chart" style="height:${height}px"><canvas id="${id}" role="img" aria-label="${escapeHtml(title)}"></canvas></div></div>`;
}

/**
 * Renders results as one self-contained HTML page with charts.
 *
 * @example
 * writeFileSync('report.html', renderHtml(results));
 */
export function renderHtml(results: Results, summary: ResultsSummary = summarise(results)): string {
  const { chart, view } = loadAssets();
  const { total, groups, failures } = summary;
  const groupIndex: Record<string, number> = {};
  groups.forEach((g, i) => (groupIndex[`${g.scenario}\u0000${g.agentId}`] = i));
  const data = {
    groups,
    groupIndex,
    episodes: results.episodes.map((e) => ({
      scenario: e.scenario,
      agentId: e.agentId,
      seed: e.seed,
      repeat: e.repeat,
      outcome: e.outcome,
      wallMs: e.wallMs,
      cpuMs: cpuMs(e),
      peakMemoryMiB: e.metrics.peakMemoryBytes === null ? null : e.metrics.peakMemoryBytes / 1048576,
      steps: e.steps,
    })),
    benchmarks: (results.benchmarks ?? []).map((b) => ({ group: b.group, name: b.name, p50Ms: b.p50Ms, p99Ms: b.p99Ms })),
  };
  const maxK = Math.max(0, ...groups.map((g) => g.passHat.length));
  const groupRows = groups
    .map((g) => {
      const k = maxK > 1 ? g.passHat.find((p) => p.k === maxK) : undefined;
      const kAt = maxK > 1 ? g.passAt.find((p) => p.k === maxK) : undefined;
      return `<tr><td>${escapeHtml(g.scenario)}</td><td>${escapeHtml(g.agentId)}</td><td class="n">${g.successes}/${g.episodes}</td><td class="n">${percent(g.successRate)} <small>(${percent(g.successInterval.low)}–${percent(g.successInterval.high)})</small></td>` +
        `${maxK > 1 ? `<td class="n">${k ? percent(k.value) : '-'}</td><td class="n">${kAt ? percent(kAt.value) : '-'}</td>` : ''}` +
        `<td class="n">${num(g.rewardMean)} <small>(${num(g.rewardInterval.low)}–${num(g.rewardInterval.high)})</small></td><td class="n">${ms(g.wallMs.median)} / ${ms(g.wallMs.p95)}</td><td class="n">${ms(g.workingMs.median)}</td><td class="n">${ms(g.virtualMs.median)}</td>` +
        `<td class="n">${ms(g.cpuMs.median)} / ${ms(g.cpuMs.p95)}</td><td class="n">${bytes(g.peakMemoryBytes.median)} / ${bytes(g.peakMemoryBytes.p95)}</td><td class="n">${num(g.steps.median, 0)}</td><td class="n">${g.tokens}</td><td class="n">${usd(g.costUsd)}</td></tr>`;
    })
    .join('\n');
  const failureRows = failures
    .slice(0, 1000)
    .map((e) => {
      const why = e.error ? `${e.error.code}: ${e.error.message}` : e.checks.filter((c) => !c.passed).map((c) => `${c.id}: ${c.message}`).join('\n');
      const link = e.trajectory ? `<a href="${escapeHtml(e.trajectory)}">trajectory</a>` : '-';
      return `<tr><td>${escapeHtml(e.scenario)}</td><td>${escapeHtml(e.agentId)}</td><td class="n">${e.seed}</td><td class="n">${e.repeat}</td><td class="${e.outcome === 'errored' ? 'warn' : 'bad'}">${e.outcome}</td><td>${e.reason}</td><td><pre style="margin:0;white-space:pre-wrap">${escapeHtml(clip(why || '-', 2000))}</pre></td><td>${link}</td></tr>`;
    })
    .join('\n');
  const env = results.environment;
  const envRows: [string, string][] = [
    ['suite', `${results.suite.name} (${results.suite.hash.slice(0, 16)})${results.suite.path ? ` — ${results.suite.path}` : ''}`],
    ['clove', `${env.clove}${env.commit ? ` @ ${env.commit}` : ''}`],
    ['node', env.node],
    ['os', `${env.os.platform} ${env.os.release} ${env.os.arch}`],
    ['cpu', `${env.cpu.model} × ${env.cpu.cores}`],
    ['cgroup / sandbox', `${env.cgroup} / ${env.sandbox}`],
    ['run', `${results.run.startedAt} → ${results.run.finishedAt}${results.run.complete ? '' : ' (incomplete)'}${results.run.shard ? `, shard ${results.run.shard.index}/${results.run.shard.count}` : ''}${results.run.merged ? `, merged from ${results.run.merged.length} directories` : ''}`],
    ['infrastructure', `${results.infrastructure.retries} retries, ${results.infrastructure.failures} lost episodes`],
  ];
  const rows = Math.max(1, groups.length);
  const title = `Clove bench: ${results.suite.name}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<header><h1>${escapeHtml(title)}</h1><div>${total.successes}/${total.episodes} succeeded (${percent(total.successRate, 1)}, 95% CI ${percent(total.successInterval.low, 1)}–${percent(total.successInterval.high, 1)}) · ${total.outcomes.failed} failed · ${total.outcomes.truncated} truncated · ${total.outcomes.errored} errored · cost ${usd(total.costUsd)}</div></header>
<main>
<section><h2>Scenario × agent</h2><table><thead><tr><th>scenario</th><th>agent</th><th class="n">succeeded</th><th class="n">success (Wilson 95%)</th>${maxK > 1 ? `<th class="n">pass^${maxK}</th><th class="n">pass@${maxK}</th>` : ''}<th class="n">reward (bootstrap 95%)</th><th class="n">wall p50 / p95</th><th class="n">working p50</th><th class="n">virtual p50</th><th class="n">CPU p50 / p95</th><th class="n">peak mem p50 / p95</th><th class="n">steps p50</th><th class="n">tokens</th><th class="n">cost</th></tr></thead>
<tbody>${groupRows}</tbody></table></section>
<section class="grid">
${chartBox('chart-success', 'Success rate (Wilson 95% interval)', rows)}
${chartBox('chart-reward', 'Reward (bootstrap 95% interval)', rows)}
${chartBox('chart-wall', 'Wall time per episode', rows)}
${chartBox('chart-cpu', 'CPU time per episode', rows)}
${chartBox('chart-memory', 'Peak memory per episode', rows)}
${chartBox('chart-steps', 'Steps per episode', rows)}
${data.benchmarks.length > 0 ? chartBox('chart-benchmarks', 'Micro-benchmarks', data.benchmarks.length) : ''}
</section>
<section><h2>Episodes that did not succeed (${failures.length})</h2>${failures.length === 0 ? '<p class="ok">Every episode succeeded.</p>' : `<table><thead><tr><th>scenario</th><th>agent</th><th class="n">seed</th><th class="n">repeat</th><th>outcome</th><th>reason</th><th>failed checks / error</th><th>trajectory</th></tr></thead><tbody>${failureRows}</tbody></table>${failures.length > 1000 ? `<p>…and ${failures.length - 1000} more in results.json.</p>` : ''}`}</section>
<section><h2>Environment</h2><table class="env"><tbody>${envRows.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td><code>${escapeHtml(v)}</code></td></tr>`).join('')}</tbody></table></section>
</main>
<script id="clove-data" type="application/json">${scriptJson(data)}</script>
<script>${chart}</script>
<script>${view}</script>
</body></html>
`;
}
