import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main.js';
import { AGENT_RUNNERS } from '../../kernel/agents/interpreter.js';
import { ROOT } from '../helpers/cli.js';

// Every `clove ...` command the docs show must exist, with options it has and files that exist:
// the docs cannot drift from the CLI (issue 9: sandbox.md named a `clove kernel status`).

const DOCS = ['README.md', 'examples/README.md', 'examples/sandbox/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const GLOBAL = new Set(['--help', '-h', '--socket', '--json']);

interface Example {
  doc: string;
  line: number;
  words: string[];
}

/** `clove ...` invocations in code blocks and inline code, split at `&&`, comments dropped. */
function examples(doc: string): Example[] {
  const out: Example[] = [];
  const text = readFileSync(join(ROOT, doc), 'utf8');
  let block: string | null = null;
  text.split('\n').forEach((raw, i) => {
    const fence = /^\s*```(\w*)/.exec(raw);
    if (fence) block = block === null ? (fence[1] ?? '') : null;
    if (block !== null && !['', 'sh', 'bash', 'shell', 'console'].includes(block)) return;
    const pieces = block !== null ? [raw.replace(/\s#\s.*$/, '')] : [...raw.matchAll(/`((?:npx )?clove [^`]+)`/g)].map((m) => m[1] ?? '');
    for (const piece of pieces) {
      for (const part of piece.split('&&')) {
        const m = /(?:^|\s)(?:npx )?clove\s+(.*)$/.exec(part.trim());
        if (!m || !/^(?:[a-z][a-z-]*|--?[a-z][\w-]*)(?:\s|=|$)/.test(m[1] ?? '')) continue;
        const words = (m[1] ?? '').match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
        if (words.length > 0) out.push({ doc, line: i + 1, words });
      }
    }
  });
  return out;
}

/** Resolves the command path; returns the command and the words after it, or the word that is not a command. */
function resolveCommand(words: string[]): { command: Command; rest: string[] } | { unknown: string } {
  let command = buildProgram();
  let i = 0;
  while (i < words.length && command.commands.length > 0) {
    const word = words[i] as string;
    if (word.startsWith('-')) break;
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) return { unknown: word };
    command = sub;
    i++;
  }
  return { command, rest: words.slice(i) };
}

const all = DOCS.flatMap(examples);

describe('commands shown in the docs', () => {
  it('finds the examples it checks', () => {
    expect(all.length).toBeGreaterThan(40);
  });

  it.each(all.map((e) => ({ ...e, shown: `${e.doc}:${e.line} clove ${e.words.join(' ')}` })))('$shown', ({ words }) => {
    const resolved = resolveCommand(words);
    if ('unknown' in resolved) throw new Error(`'${resolved.unknown}' is not a clove command here`);
    const known = new Set(resolved.command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))));
    const dashes = resolved.rest.indexOf('--');
    for (const word of dashes === -1 ? resolved.rest : resolved.rest.slice(0, dashes)) {
      if (!word.startsWith('-')) {
        // Files of this repository the example names must exist.
        if (/^(examples|worlds|test|docs)\/\S+\.\w+$/.test(word)) expect(existsSync(join(ROOT, word)), `${word} does not exist`).toBe(true);
        continue;
      }
      const flag = word.split('=')[0] as string;
      expect(known.has(flag) || GLOBAL.has(flag), `${resolved.command.name()} has no option ${flag}`).toBe(true);
    }
  });

  it('describe which program runs an agent in the same words as the CLI help', () => {
    const help = buildProgram().commands.find((c) => c.name() === 'agent')?.commands.find((c) => c.name() === 'run')?.description() ?? '';
    expect(help).toContain(AGENT_RUNNERS);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(AGENT_RUNNERS);
    expect(readFileSync(join(ROOT, 'docs', 'protocol.md'), 'utf8').replace(/\s+/g, ' ')).toContain(AGENT_RUNNERS);
  });
});
