import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readResults, renderJunit, renderMarkdown, summarise, writeReports, type Results } from '../../reports/index.js';
import { generateResults } from '../bench/generated.js';

const dir = mkdtempSync(join(tmpdir(), 'clove-writers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withFailures(): Results {
  const results = generateResults({ agents: ['reference', 'random'], repeats: 2, seeds: 5, succeeds: (_s, agent, seed, repeat) => agent === 'reference' || (seed + repeat) % 3 === 0 });
  const errored = results.episodes[3]!;
  Object.assign(errored, { outcome: 'errored', reason: 'agent_crash', success: false, error: { code: 'AGENT_CRASHED', message: 'agent exited with signal SIGSEGV <core dumped> & "quoted"' } });
  return results;
}

describe('summary', () => {
  it('computes per scenario x agent success with Wilson intervals and pass^k from repeats', () => {
    const summary = summarise(withFailures());
    const random = summary.groups.find((g) => g.scenario === 'alpha-v1' && g.agentId === 'random')!;
    expect(random.episodes).toBe(10);
    // seeds 0..4, repeats 0..1: successes where (seed + repeat) % 3 == 0 -> (0,0), (2,1), (3,0) = 3
    expect(random.successes).toBe(3);
    expect(random.successInterval.low).toBeLessThan(0.3);
    expect(random.successInterval.high).toBeGreaterThan(0.3);
    expect(random.passHat.map((p) => p.k)).toEqual([1, 2]);
    // No seed succeeded twice: pass^2 = 0; three seeds succeeded once: pass@2 = 3/5.
    expect(random.passHat[1]!.value).toBe(0);
    expect(random.passAt[1]!.value).toBeCloseTo(0.6, 12);
    expect(summary.failures.length).toBe(summary.total.episodes - summary.total.successes);
  });
});

describe('report writers', () => {
  it('writes results.json (schema-valid), report.md, report.html and junit.xml, and appends the step summary', () => {
    const stepSummary = join(dir, 'summary.md');
    writeFileSync(stepSummary, '# earlier step\n');
    const written = writeReports(dir, withFailures(), { stepSummary });
    for (const file of ['results.json', 'report.md', 'report.html', 'junit.xml']) expect(written).toContain(join(dir, file));
    expect(readResults(dir).episodes.length).toBe(40);
    const summary = readFileSync(stepSummary, 'utf8');
    expect(summary.startsWith('# earlier step\n## Clove bench: generated')).toBe(true);
  });

  it('renders Markdown a pull request can show: totals, table, failures with their check messages', () => {
    const md = renderMarkdown(withFailures());
    expect(md).toContain('**25/40** episodes succeeded');
    expect(md).toMatch(/\| alpha-v1 \| random \| 3\/10 \(30%\) \|/);
    expect(md).toContain('pass^2');
    expect(md).toContain('14 failed · 0 truncated · 1 errored');
    expect(md).toContain('agent exited with signal SIGSEGV');
    expect(md).toContain('file-fixed: /project/a.txt: expected');
    expect(md.length).toBeLessThan(65_536);
  });

  it('renders JUnit XML with one testcase per episode, failures and errors apart, text escaped', () => {
    const xml = renderJunit(withFailures());
    expect(xml.match(/<testcase /g)?.length).toBe(40);
    expect(xml).toMatch(/<testsuites name="clove bench generated" tests="40" failures="14" errors="1"/);
    expect(xml).toContain('<testsuite name="alpha-v1" tests="20"');
    expect(xml).toContain('classname="alpha-v1" name="random seed 1 repeat 1"');
    expect(xml).toContain('<error message="AGENT_CRASHED: agent exited with signal SIGSEGV &lt;core dumped&gt; &amp; &quot;quoted&quot;"');
    expect(xml).toContain('<failure message="file-fixed: /project/a.txt: expected');
    expect(xml).not.toMatch(/<core dumped>/);
  });

  it('writes a self-contained report.html: Chart.js inlined, no external URL', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Chart.js v4');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(html).toContain("default-src 'none'");
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  });
});
