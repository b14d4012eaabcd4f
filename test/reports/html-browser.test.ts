/**
 * report.html opened in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core
 * with executablePath: nothing is downloaded): every chart is drawn, nothing is logged to the
 * console as an error, and the page asks the network for nothing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReports } from '../../reports/index.js';
import { generateResults } from '../bench/generated.js';

const CHROMIUM = '/usr/bin/chromium';
const NO_CHROMIUM = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium; .ci/run does)`;

describe.skipIf(NO_CHROMIUM)('report.html in headless Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'clove-html-'));

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      // playwright-core gives every launch a fresh temporary profile (it refuses --user-data-dir here).
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws every chart with no console error and no network request', async () => {
    const results = generateResults({ agents: ['reference', 'random'], seeds: 8, succeeds: (_s, agent, seed) => agent === 'reference' || seed % 3 === 0 });
    results.benchmarks = [{ key: 'kernel|noop', group: 'kernel', name: 'noop', samples: [0.05, 0.06, 0.05], meanMs: 0.053, p50Ms: 0.05, p99Ms: 0.06, opsPerSecond: 18_000 }];
    writeReports(dir, results, { stepSummary: null });
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(join(dir, 'report.html')).href);
    await page.waitForSelector('body[data-charts-ready]', { timeout: 20_000 });
    // Runs in the page; typed loosely because the project compiles without the DOM library.
    interface Canvas {
      id: string;
      width: number;
      height: number;
      getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
    }
    const charts = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<Canvas> } }).document;
      return [...doc.querySelectorAll('canvas')].map((canvas) => {
        const ctx = canvas.getContext('2d');
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted++;
        return { id: canvas.id, width: canvas.width, height: canvas.height, painted };
      });
    });
    expect(charts.map((c) => c.id)).toEqual(['chart-success', 'chart-reward', 'chart-wall', 'chart-cpu', 'chart-memory', 'chart-steps', 'chart-benchmarks']);
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(100);
      // Axes, labels and data: a drawn chart paints well over a thousand pixels.
      expect(c.painted, c.id).toBeGreaterThan(1000);
    }
    const count = await page.evaluate(() => (globalThis as unknown as { cloveCharts: unknown[] }).cloveCharts.length);
    expect(count).toBe(7);
    // The failures table lists the random agent's failed episodes with their check messages.
    const failures = await page.locator('section:has(h2:text-matches("did not succeed")) tbody tr').count();
    expect(failures).toBe(results.episodes.filter((e) => !e.success).length);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  }, 60_000);
});
