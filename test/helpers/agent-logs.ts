import type { CloveClient, LogsResponse } from '../../sdk/index.js';

const ALIVE = ['starting', 'running', 'paused', 'restarting'];

/** An agent's log lines as `stream: text`, one a line, for assertion messages. */
export const textOf = (logs: LogsResponse): string => logs.lines.map((l) => `${l.stream}: ${l.text}`).join('\n');

/**
 * Waits for a log line from an agent that matches `pattern` (a RegExp, or a string the whole line
 * must equal) and returns it. Fails early when the agent ended without printing it, naming the
 * last lines it did print.
 */
export async function waitForLine(c: CloveClient, agent: number, pattern: RegExp | string, timeoutMs = 10_000): Promise<string> {
  const matches = (text: string) => (typeof pattern === 'string' ? text === pattern : pattern.test(text));
  const end = Date.now() + timeoutMs;
  let since = 0;
  const seen: string[] = [];
  while (Date.now() < end) {
    const batch = await c.logs(agent, { sinceSeq: since, waitMs: Math.max(1, Math.min(1000, end - Date.now())) });
    since = batch.nextSeq;
    for (const line of batch.lines) {
      seen.push(line.text);
      if (matches(line.text)) return line.text;
    }
    if (batch.lines.length === 0) {
      const [record] = (await c.list({ all: true })).filter((a) => a.id === agent);
      if (record && !ALIVE.includes(record.state)) break;
    }
  }
  throw new Error(`no line matching ${String(pattern)} from agent ${agent} within ${timeoutMs} ms; saw:\n${seen.slice(-20).join('\n')}`);
}

/** The last stdout line of an agent. */
export async function lastLine(c: CloveClient, agent: number): Promise<string | undefined> {
  const logs = await c.logs(agent, { max: 100_000 });
  return logs.lines.filter((l) => l.stream === 'stdout').at(-1)?.text;
}
