/**
 * `junit.xml`: one `testcase` per episode, as GitHub, GitLab and Jenkins read it — `testsuite` per
 * scenario, `classname` = scenario, `name` = agent and seed, `time` in seconds, `failure` for a
 * failed check, `error` for an errored episode, `skipped` never (a truncated episode failed).
 */
import type { EpisodeResult, Results } from './results.js';

function xml(text: string): string {
  // Characters XML 1.0 forbids are dropped; the five specials escaped.
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function caseName(e: EpisodeResult): string {
  return `${e.agentId} seed ${e.seed}${e.repeat > 0 ? ` repeat ${e.repeat}` : ''}`;
}

function testcase(e: EpisodeResult): string {
  const attrs = `classname="${xml(e.scenario)}" name="${xml(caseName(e))}" time="${(e.wallMs / 1000).toFixed(3)}"${e.trajectory ? ` file="${xml(e.trajectory)}"` : ''}`;
  const failed = e.checks.filter((c) => !c.passed);
  const detail = [
    `outcome: ${e.outcome} (${e.reason}), reward ${e.reward}, steps ${e.steps}`,
    ...failed.map((c) => `check ${c.id} (${c.kind}) failed: ${c.message}`),
    ...(e.error ? [`error ${e.error.code}: ${e.error.message}`] : []),
  ].join('\n');
  const out = `<system-out>${xml(`${detail}${e.trajectory ? `\ntrajectory: ${e.trajectory}` : ''}`)}</system-out>`;
  if (e.success) return `    <testcase ${attrs}>${out}</testcase>`;
  if (e.outcome === 'errored') {
    const message = e.error ? `${e.error.code}: ${e.error.message}` : e.reason;
    return `    <testcase ${attrs}><error message="${xml(message.slice(0, 500))}" type="${xml(e.error?.code ?? e.reason)}">${xml(detail)}</error>${out}</testcase>`;
  }
  const message = failed[0] ? `${failed[0].id}: ${failed[0].message}` : `${e.outcome}: ${e.reason}`;
  return `    <testcase ${attrs}><failure message="${xml(message.slice(0, 500))}" type="${xml(e.reason)}">${xml(detail)}</failure>${out}</testcase>`;
}

/**
 * Renders results as JUnit XML.
 *
 * @example
 * writeFileSync('junit.xml', renderJunit(results));
 */
export function renderJunit(results: Results): string {
  const byScenario = new Map<string, EpisodeResult[]>();
  for (const e of results.episodes) {
    const list = byScenario.get(e.scenario);
    if (list) list.push(e);
    else byScenario.set(e.scenario, [e]);
  }
  const count = (list: EpisodeResult[]) => ({
    tests: list.length,
    failures: list.filter((e) => !e.success && e.outcome !== 'errored').length,
    errors: list.filter((e) => e.outcome === 'errored').length,
    time: list.reduce((s, e) => s + e.wallMs, 0) / 1000,
  });
  const all = count(results.episodes);
  const suites = [...byScenario.entries()].map(([scenario, list]) => {
    const c = count(list);
    return [
      `  <testsuite name="${xml(scenario)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="0" time="${c.time.toFixed(3)}" timestamp="${xml(results.run.startedAt)}">`,
      ...list.map(testcase),
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(`clove bench ${results.suite.name}`)}" tests="${all.tests}" failures="${all.failures}" errors="${all.errors}" time="${all.time.toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
